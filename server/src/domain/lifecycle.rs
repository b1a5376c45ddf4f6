//! A checkout session's life as a state machine:
//!
//! ```text
//! open ──claim──▶ pending ──complete──▶ succeeded
//!  │  ◀──release──   │
//!  │                 └──fail──▶ failed
//!  └──expire──▶ expired
//! ```
//!
//! A declined card releases the session back to `open` for another try;
//! `failed` is for a processor that refuses for good (the test processor
//! never does). Only an `open` session expires: one being paid finishes
//! first. The store applies every change as a conditional update from the
//! state this table names, so two payers can never both claim a session and
//! a session is completed at most once.

use checkout_protocol::CheckoutSessionStatus;

/// Something that moves a session between states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// A payer starts paying.
    Claim,
    /// The payment was declined (or could not be prepared); others may try again.
    Release,
    /// The payment went through.
    Complete,
    /// The processor refused for good. (No processor refuses for good
    /// yet; the state exists in the protocol, so the table keeps it.)
    #[allow(dead_code)]
    Fail,
    /// The session passed its expiry, or the merchant ended it.
    Expire,
}

impl Transition {
    /// Every transition.
    #[cfg(test)]
    pub const ALL: [Transition; 5] = [
        Self::Claim,
        Self::Release,
        Self::Complete,
        Self::Fail,
        Self::Expire,
    ];

    /// The one state this transition starts from.
    pub fn from(self) -> CheckoutSessionStatus {
        match self {
            Self::Claim | Self::Expire => CheckoutSessionStatus::Open,
            Self::Release | Self::Complete | Self::Fail => CheckoutSessionStatus::Pending,
        }
    }

    /// The state it leads to.
    pub fn to(self) -> CheckoutSessionStatus {
        match self {
            Self::Claim => CheckoutSessionStatus::Pending,
            Self::Release => CheckoutSessionStatus::Open,
            Self::Complete => CheckoutSessionStatus::Succeeded,
            Self::Fail => CheckoutSessionStatus::Failed,
            Self::Expire => CheckoutSessionStatus::Expired,
        }
    }
}

/// Where `transition` takes a session in `status`; `None` if it cannot happen there.
#[cfg(test)]
pub fn next(
    status: CheckoutSessionStatus,
    transition: Transition,
) -> Option<CheckoutSessionStatus> {
    (transition.from() == status).then(|| transition.to())
}

/// Whether nothing can happen to a session in `status` any more.
#[cfg(test)]
pub fn is_final(status: CheckoutSessionStatus) -> bool {
    Transition::ALL.iter().all(|t| next(status, *t).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CheckoutSessionStatus::{Expired, Failed, Open, Pending, Succeeded};

    const STATES: [CheckoutSessionStatus; 5] = [Open, Pending, Succeeded, Failed, Expired];

    #[test]
    fn the_allowed_moves_and_only_those() {
        let mut allowed = Vec::new();
        for from in STATES {
            for t in Transition::ALL {
                if let Some(to) = next(from, t) {
                    allowed.push((from, t, to));
                }
            }
        }
        assert_eq!(
            allowed,
            [
                (Open, Transition::Claim, Pending),
                (Open, Transition::Expire, Expired),
                (Pending, Transition::Release, Open),
                (Pending, Transition::Complete, Succeeded),
                (Pending, Transition::Fail, Failed),
            ]
        );
    }

    #[test]
    fn paid_failed_and_expired_sessions_are_final() {
        assert!(is_final(Succeeded) && is_final(Failed) && is_final(Expired));
        assert!(!is_final(Open) && !is_final(Pending));
    }

    #[test]
    fn a_session_is_paid_at_most_once() {
        // Two payers: the second claim finds it pending, and after success
        // neither claim nor complete applies again.
        let claimed = next(Open, Transition::Claim).unwrap();
        assert_eq!(next(claimed, Transition::Claim), None);
        let paid = next(claimed, Transition::Complete).unwrap();
        assert_eq!(paid, Succeeded);
        for t in Transition::ALL {
            assert_eq!(next(paid, t), None, "{t:?}");
        }
        // A session being paid does not expire under the payer.
        assert_eq!(next(Pending, Transition::Expire), None);
        // A decline gives it back for another try.
        assert_eq!(next(Pending, Transition::Release), Some(Open));
    }
}
