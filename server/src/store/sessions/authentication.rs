//! A payment waiting for the bank's 3-D Secure challenge, kept with its
//! open session (issue 16): stored when the processor asks for one, read by
//! the page (a reload shows the challenge again), claimed with the session
//! to finish it, and dropped when it ends or expires. At most one per
//! session; never a card number.

use super::super::payment_attempts::AttemptPayer;
use super::super::{Db, DbError};
use super::payment::{claim_open, Claim};
use super::rows::select_session;
use super::{expire_due, transition};
use crate::domain::authentication::is_expired;
use crate::domain::lifecycle::Transition;
use crate::domain::session::StoredSession;
use crate::store::cached::CachedStatements;
use checkout_protocol::{CheckoutSessionStatus, PendingAuthentication};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use std::sync::Arc;

/// A challenge as stored with its session.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAuthentication {
    /// The id the page posts the outcome with (`auth_…`).
    pub id: String,
    /// The session it pays.
    pub session_id: String,
    /// The payment attempt the processor asked about; finishing it uses
    /// the same key, so it is charged at most once.
    pub attempt_key: String,
    /// The processor's reference of the waiting payment.
    pub reference: String,
    /// Who pays: the card summary, email and billing address of the confirm.
    pub payer: AttemptPayer,
    /// What the processor will charge, minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// When it was asked for (epoch ms).
    pub created_at: i64,
    /// When it ends (epoch ms).
    pub expires_at: i64,
}

impl StoredAuthentication {
    /// What the hosted page shows of it.
    pub fn to_wire(&self) -> PendingAuthentication {
        PendingAuthentication {
            id: self.id.clone(),
            card: self.payer.card.clone(),
            amount: self.amount,
            currency: self.currency.clone(),
            expires: self.expires_at,
        }
    }
}

/// Result of claiming a session to finish its challenge.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthenticationClaim {
    /// The session is `pending` for this payer and the challenge is taken
    /// off it: only this caller finishes it.
    Claimed(Box<StoredSession>, Box<StoredAuthentication>),
    /// No challenge with that id waits on the session.
    NotFound,
    /// The challenge timed out; it is dropped and the session stays open.
    Expired,
    /// The session itself cannot be paid (missing, expired, not open).
    Session(Claim),
}

const COLUMNS: &str =
    "id, session_id, attempt_key, reference, payer, amount, currency, created_at, expires_at";

impl Db {
    /// Puts `pending` session `auth.session_id` back to `open` with `auth`
    /// waiting on it (replacing none: a claim refuses a session with one),
    /// in one transaction; `false` if the session was not pending.
    pub async fn await_authentication(
        &self,
        auth: StoredAuthentication,
        now: i64,
    ) -> Result<bool, DbError> {
        let payer =
            serde_json::to_string(&auth.payer).map_err(|e| DbError::Corrupt(e.to_string()))?;
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if !transition(&tx, &auth.session_id, Transition::Release, now)? {
                return Ok(false);
            }
            tx.execute_cached(
                "DELETE FROM session_authentications WHERE session_id = ?1",
                [&auth.session_id],
            )?;
            tx.execute_cached(
                &format!("INSERT INTO session_authentications ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                params![
                    auth.id,
                    auth.session_id,
                    auth.attempt_key,
                    auth.reference,
                    payer,
                    auth.amount,
                    auth.currency,
                    auth.created_at,
                    auth.expires_at
                ],
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    /// The challenge waiting on open session `session_id` at `now`, if any.
    pub async fn pending_authentication(
        &self,
        session_id: String,
        now: i64,
    ) -> Result<Option<StoredAuthentication>, DbError> {
        self.call(move |conn| {
            let auth = select_authentication(conn, &session_id)?
                .filter(|a| !is_expired(a.expires_at, now));
            let open: bool = conn.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM checkout_sessions WHERE id = ?1 AND status = 'open')",
                [&session_id],
                |r| r.get(0),
            )?;
            Ok(auth.filter(|_| open))
        })
        .await
    }

    /// Claims session `session_id` to finish its challenge `authentication_id`:
    /// in one transaction the challenge is checked (it must be this
    /// session's and unexpired), the session moves to `pending` and the
    /// challenge is taken off it, so a second call (a double click) finds
    /// none and cannot charge again.
    pub async fn claim_authentication(
        &self,
        session_id: String,
        authentication_id: String,
        now: i64,
    ) -> Result<AuthenticationClaim, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_due(&tx, &outbox, Some(&session_id), now)?;
            let Some(current) = select_session(&tx, &session_id)? else {
                return Ok(AuthenticationClaim::Session(Claim::NotFound));
            };
            let auth =
                select_authentication(&tx, &session_id)?.filter(|a| a.id == authentication_id);
            let outcome = match auth {
                None => AuthenticationClaim::NotFound,
                Some(auth) if is_expired(auth.expires_at, now) => {
                    drop_of(&tx, &session_id)?;
                    AuthenticationClaim::Expired
                }
                Some(auth) => match claim_open(&tx, &current, now)? {
                    Claim::Claimed(session) => {
                        drop_of(&tx, &session_id)?;
                        AuthenticationClaim::Claimed(session, Box::new(auth))
                    }
                    other => {
                        if current.status != CheckoutSessionStatus::Open {
                            // It can never be finished now.
                            drop_of(&tx, &session_id)?;
                        }
                        AuthenticationClaim::Session(other)
                    }
                },
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    /// Deletes every challenge past its end or whose session is no longer
    /// open (the sweep); returns how many.
    pub async fn drop_stale_authentications(&self, now: i64) -> Result<usize, DbError> {
        self.call(move |conn| {
            let dropped = conn.execute_cached(
                "DELETE FROM session_authentications WHERE expires_at <= ?1
                    OR session_id IN (SELECT id FROM checkout_sessions WHERE status NOT IN ('open', 'pending'))",
                [now],
            )?;
            Ok(dropped)
        })
        .await
    }
}

/// Whether a challenge waits on session `session_id` at `now`; one past its
/// end is dropped first (inside the caller's write transaction).
pub(super) fn waiting(conn: &Connection, session_id: &str, now: i64) -> Result<bool, DbError> {
    conn.execute_cached(
        "DELETE FROM session_authentications WHERE session_id = ?1 AND expires_at <= ?2",
        params![session_id, now],
    )?;
    Ok(conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM session_authentications WHERE session_id = ?1)",
        [session_id],
        |r| r.get(0),
    )?)
}

fn drop_of(conn: &Connection, session_id: &str) -> Result<(), DbError> {
    conn.execute_cached(
        "DELETE FROM session_authentications WHERE session_id = ?1",
        [session_id],
    )?;
    Ok(())
}

fn select_authentication(
    conn: &Connection,
    session_id: &str,
) -> Result<Option<StoredAuthentication>, DbError> {
    conn.query_row_cached(
        &format!("SELECT {COLUMNS} FROM session_authentications WHERE session_id = ?1"),
        [session_id],
        read_row,
    )
    .optional()?
    .map(|row| row.into_authentication())
    .transpose()
}

/// A row as read, its payer still JSON.
struct AuthenticationRow {
    id: String,
    session_id: String,
    attempt_key: String,
    reference: String,
    payer: String,
    amount: i64,
    currency: String,
    created_at: i64,
    expires_at: i64,
}

impl AuthenticationRow {
    fn into_authentication(self) -> Result<StoredAuthentication, DbError> {
        let payer: AttemptPayer = serde_json::from_str(&self.payer).map_err(|_| {
            DbError::Corrupt(format!("unreadable authentication of {}", self.session_id))
        })?;
        Ok(StoredAuthentication {
            id: self.id,
            session_id: self.session_id,
            attempt_key: self.attempt_key,
            reference: self.reference,
            payer,
            amount: self.amount,
            currency: self.currency,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

fn read_row(r: &Row<'_>) -> rusqlite::Result<AuthenticationRow> {
    Ok(AuthenticationRow {
        id: r.get(0)?,
        session_id: r.get(1)?,
        attempt_key: r.get(2)?,
        reference: r.get(3)?,
        payer: r.get(4)?,
        amount: r.get(5)?,
        currency: r.get(6)?,
        created_at: r.get(7)?,
        expires_at: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::session;
    use super::*;
    use crate::domain::session::{PaidCard, StoredSession};
    use crate::store::tests::open_seeded;

    fn challenge(session_id: &str, expires_at: i64) -> StoredAuthentication {
        StoredAuthentication {
            id: format!("auth_{session_id}"),
            session_id: session_id.into(),
            attempt_key: "pa_1".into(),
            reference: "3ds_1".into(),
            payer: AttemptPayer {
                card: PaidCard {
                    brand: "visa".into(),
                    last4: "3184".into(),
                    exp_month: 12,
                    exp_year: 2040,
                },
                email: "a@b.test".into(),
                billing_address: None,
                payment_method_id: None,
                tax_id: None,
            },
            amount: 4900,
            currency: "USD".into(),
            created_at: 1_200,
            expires_at,
        }
    }

    #[tokio::test]
    async fn a_challenge_holds_its_session_until_claimed_once_or_expired() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let lasting = |id| StoredSession {
            expires_at: 100_000,
            ..session(id, 1_000)
        };
        db.create_session(lasting("cs_a"), None, 1_000)
            .await
            .unwrap();
        assert!(
            !db.await_authentication(challenge("cs_a", 5_000), 1_100)
                .await
                .unwrap(),
            "only a session being paid waits for a challenge"
        );
        db.claim_session("cs_a".into(), 1_100).await.unwrap();
        assert!(db
            .await_authentication(challenge("cs_a", 5_000), 1_200)
            .await
            .unwrap());
        let shown = db
            .pending_authentication("cs_a".into(), 1_300)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(shown.to_wire().card.last4, "3184");
        assert_eq!(shown.payer.email, "a@b.test");
        // It holds the session: no other payment, no discount change.
        assert_eq!(
            db.claim_session("cs_a".into(), 1_300).await.unwrap(),
            Claim::AuthenticationPending
        );
        assert_eq!(
            db.change_discount("cs_a".into(), None, 1_300)
                .await
                .unwrap(),
            super::super::SessionEdit::AuthenticationPending
        );
        // Another id, or another session's, is not found.
        assert_eq!(
            db.claim_authentication("cs_a".into(), "auth_cs_b".into(), 1_300)
                .await
                .unwrap(),
            AuthenticationClaim::NotFound
        );
        let AuthenticationClaim::Claimed(s, auth) = db
            .claim_authentication("cs_a".into(), "auth_cs_a".into(), 1_400)
            .await
            .unwrap()
        else {
            panic!("not claimed")
        };
        assert_eq!(
            (s.status, auth.attempt_key.as_str()),
            (CheckoutSessionStatus::Pending, "pa_1")
        );
        assert_eq!(
            db.claim_authentication("cs_a".into(), "auth_cs_a".into(), 1_400)
                .await
                .unwrap(),
            AuthenticationClaim::NotFound,
            "a second claim finds nothing to finish"
        );

        // An expired one is refused, dropped, and frees the session.
        db.create_session(lasting("cs_e"), None, 1_000)
            .await
            .unwrap();
        db.claim_session("cs_e".into(), 1_100).await.unwrap();
        db.await_authentication(challenge("cs_e", 2_000), 1_200)
            .await
            .unwrap();
        assert_eq!(
            db.pending_authentication("cs_e".into(), 2_000)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            db.claim_authentication("cs_e".into(), "auth_cs_e".into(), 2_000)
                .await
                .unwrap(),
            AuthenticationClaim::Expired
        );
        assert!(matches!(
            db.claim_session("cs_e".into(), 2_100).await.unwrap(),
            Claim::Claimed(_)
        ));

        // The sweep drops those past their end.
        db.create_session(lasting("cs_s"), None, 1_000)
            .await
            .unwrap();
        db.claim_session("cs_s".into(), 1_100).await.unwrap();
        db.await_authentication(challenge("cs_s", 3_000), 1_200)
            .await
            .unwrap();
        assert_eq!(db.drop_stale_authentications(2_999).await.unwrap(), 0);
        assert_eq!(db.drop_stale_authentications(3_000).await.unwrap(), 1);
    }
}
