//! A subscription as the server keeps it, and its life: billing periods,
//! trials ending, scheduled cancellations taking effect, cancel and uncancel.
//! Pure functions over [`StoredSubscription`]; the store applies them inside
//! its transactions.

use crate::domain::clock;
use checkout_protocol::{CancellationTiming, IntervalUnit, SubscriptionStatus};
use serde_json::{Map, Value};

/// The most periods [`period_containing`] steps through (over 270 years of days).
const MAX_PERIOD_STEPS: u32 = 100_000;

/// A subscription row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSubscription {
    /// `sub_…` id.
    pub id: String,
    /// The subscribed customer.
    pub customer_id: String,
    /// The subscribed price.
    pub price_id: String,
    /// Lifecycle state.
    pub status: SubscriptionStatus,
    /// The checkout that created it, if any.
    pub checkout_session_id: Option<String>,
    /// That checkout's `requestId`.
    pub request_id: Option<String>,
    /// Display name (output name or product name).
    pub name: Option<String>,
    /// Merchant metadata (the checkout's output metadata).
    pub metadata: Option<Map<String, Value>>,
    /// Units subscribed.
    pub quantity: u32,
    /// Billing interval unit.
    pub interval_unit: Option<IntervalUnit>,
    /// Interval units per period.
    pub interval_count: Option<u32>,
    /// Epoch ms when it started.
    pub start_date: i64,
    /// Epoch ms when the current period started.
    pub current_period_start: Option<i64>,
    /// Epoch ms when the current period ends (the renewal date).
    pub current_period_end: Option<i64>,
    /// Epoch ms when the free trial ends.
    pub trial_end: Option<i64>,
    /// Epoch ms when a scheduled cancellation takes effect.
    pub cancel_scheduled_at: Option<i64>,
    /// Epoch ms when it was canceled.
    pub canceled_at: Option<i64>,
    /// The card charged at renewal.
    pub default_payment_method_id: Option<String>,
    /// A plan change waiting for the end of the current period
    /// (`subscriptions/adjust` at period end); kept server-side, since
    /// Flowglad's `Subscription` has no field for it.
    pub scheduled_change: Option<ScheduledChange>,
    /// Epoch ms.
    pub created_at: i64,
    /// Epoch ms.
    pub updated_at: i64,
}

/// A plan change that takes effect when the current period ends: the
/// renewal bills the new price and quantity, in periods of its interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledChange {
    /// The price to move to.
    pub price_id: String,
    /// Units of it.
    pub quantity: u32,
    /// Its interval unit (stored so the renewal needs no catalog).
    pub interval_unit: IntervalUnit,
    /// Its interval units per period (at least one).
    pub interval_count: u32,
}

/// Why a cancel or uncancel was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The subscription has already ended.
    AlreadyEnded,
    /// There is no scheduled cancellation to undo.
    NotScheduled,
    /// A plan change is being charged right now; cancel or uncancel after it.
    ChangeInProgress,
}

/// The stored form of a status, e.g. `cancellation_scheduled`.
pub fn status_str(status: &SubscriptionStatus) -> &'static str {
    match status {
        SubscriptionStatus::Trialing => "trialing",
        SubscriptionStatus::Active => "active",
        SubscriptionStatus::PastDue => "past_due",
        SubscriptionStatus::Unpaid => "unpaid",
        SubscriptionStatus::CancellationScheduled => "cancellation_scheduled",
        SubscriptionStatus::Incomplete => "incomplete",
        SubscriptionStatus::IncompleteExpired => "incomplete_expired",
        SubscriptionStatus::Canceled => "canceled",
        SubscriptionStatus::Paused => "paused",
        SubscriptionStatus::Other => "other",
    }
}

/// Parses a stored status; unknown text reads as [`SubscriptionStatus::Other`].
pub fn parse_status(s: &str) -> SubscriptionStatus {
    serde_json::from_value(Value::String(s.to_owned())).unwrap_or(SubscriptionStatus::Other)
}

/// The billing period of `unit` × `count` that contains `now`, counting
/// from `start`: `(period start, period end)`. Before `start` it is the
/// first period; `None` if the dates overflow.
pub fn period_containing(
    start: i64,
    unit: IntervalUnit,
    count: u32,
    now: i64,
) -> Option<(i64, i64)> {
    let mut period_start = start;
    let mut period_end = clock::add_interval(start, unit, count)?;
    let mut steps = 0;
    while period_end <= now && steps < MAX_PERIOD_STEPS {
        period_start = period_end;
        period_end = clock::add_interval(period_end, unit, count)?;
        steps += 1;
    }
    Some((period_start, period_end))
}

impl StoredSubscription {
    /// The interval, when known.
    pub fn interval(&self) -> Option<(IntervalUnit, u32)> {
        Some((self.interval_unit?, self.interval_count.unwrap_or(1)))
    }

    /// Applies what time has done since it was last written: a scheduled
    /// cancellation takes effect, a trial ends, a running subscription renews
    /// into the period containing `now`. Returns whether anything changed.
    pub fn settle(&mut self, now: i64) -> bool {
        let before = self.clone();
        if self.status == SubscriptionStatus::CancellationScheduled {
            if let Some(at) = self.cancel_scheduled_at.filter(|at| *at <= now) {
                self.status = SubscriptionStatus::Canceled;
                self.canceled_at = Some(at);
                self.cancel_scheduled_at = None;
            }
        }
        if self.status == SubscriptionStatus::Trialing
            && self.trial_end.is_some_and(|end| end <= now)
        {
            self.status = SubscriptionStatus::Active;
        }
        let renews = matches!(
            self.status,
            SubscriptionStatus::Active | SubscriptionStatus::Trialing | SubscriptionStatus::PastDue
        );
        if let (true, Some((unit, count)), Some(start), Some(end)) = (
            renews,
            self.interval(),
            self.current_period_start,
            self.current_period_end,
        ) {
            if end <= now {
                match self.scheduled_change.take() {
                    // The renewal at `end` is the first period of the new
                    // plan; later periods follow its interval from there.
                    Some(change) => {
                        if let Some((s, e)) =
                            period_containing(end, change.interval_unit, change.interval_count, now)
                        {
                            self.price_id = change.price_id;
                            self.quantity = change.quantity;
                            self.interval_unit = Some(change.interval_unit);
                            self.interval_count = Some(change.interval_count);
                            self.current_period_start = Some(s);
                            self.current_period_end = Some(e);
                        }
                    }
                    None => {
                        if let Some((s, e)) = period_containing(start, unit, count, now) {
                            self.current_period_start = Some(s);
                            self.current_period_end = Some(e);
                        }
                    }
                }
            }
        }
        let changed = *self != before;
        if changed {
            self.updated_at = now;
        }
        changed
    }

    /// Cancels now, or schedules the end for the end of the current period.
    /// Scheduling again is a no-op; an ended subscription cannot be canceled.
    pub fn cancel(&mut self, timing: CancellationTiming, now: i64) -> Result<(), TransitionError> {
        if matches!(
            self.status,
            SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired
        ) {
            return Err(TransitionError::AlreadyEnded);
        }
        let period_end = self.current_period_end.filter(|end| *end > now);
        match (timing, period_end) {
            (CancellationTiming::AtEndOfCurrentBillingPeriod, _)
                if self.status == SubscriptionStatus::CancellationScheduled => {}
            (CancellationTiming::AtEndOfCurrentBillingPeriod, Some(end)) => {
                self.status = SubscriptionStatus::CancellationScheduled;
                self.cancel_scheduled_at = Some(end);
                // The plan ends with this period: a change scheduled for its
                // end would never run, so it goes (uncancel does not bring it back).
                self.scheduled_change = None;
                self.updated_at = now;
            }
            // Without a period still running, "at the end of it" is now.
            (CancellationTiming::AtEndOfCurrentBillingPeriod, None)
            | (CancellationTiming::Immediately, _) => {
                self.status = SubscriptionStatus::Canceled;
                self.canceled_at = Some(now);
                self.cancel_scheduled_at = None;
                self.scheduled_change = None;
                self.updated_at = now;
            }
        }
        Ok(())
    }

    /// Undoes a scheduled cancellation: back to `trialing` while the trial
    /// runs, else `active`. A running subscription with nothing scheduled is
    /// left as it is (as Flowglad answers), so a repeated "keep my plan" is
    /// harmless; an ended one cannot be uncanceled.
    pub fn uncancel(&mut self, now: i64) -> Result<(), TransitionError> {
        if self.status != SubscriptionStatus::CancellationScheduled {
            return if self.status.is_current() {
                Ok(())
            } else {
                Err(TransitionError::NotScheduled)
            };
        }
        self.status = if self.trial_end.is_some_and(|end| end > now) {
            SubscriptionStatus::Trialing
        } else {
            SubscriptionStatus::Active
        };
        self.cancel_scheduled_at = None;
        self.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::DAY_MS;

    const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    const FEB1: i64 = 1_769_904_000_000;
    const MAR1: i64 = 1_772_323_200_000;

    fn monthly(status: SubscriptionStatus) -> StoredSubscription {
        StoredSubscription {
            id: "sub_1".into(),
            customer_id: "cus_1".into(),
            price_id: "price_1".into(),
            status,
            checkout_session_id: None,
            request_id: None,
            name: None,
            metadata: None,
            quantity: 1,
            interval_unit: Some(IntervalUnit::Month),
            interval_count: Some(1),
            start_date: START,
            current_period_start: Some(START),
            current_period_end: Some(FEB1),
            trial_end: None,
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: None,
            scheduled_change: None,
            created_at: START,
            updated_at: START,
        }
    }

    #[test]
    fn periods_step_by_calendar_month() {
        assert_eq!(
            period_containing(START, IntervalUnit::Month, 1, START),
            Some((START, FEB1))
        );
        assert_eq!(
            period_containing(START, IntervalUnit::Month, 1, FEB1 - 1),
            Some((START, FEB1))
        );
        assert_eq!(
            period_containing(START, IntervalUnit::Month, 1, FEB1),
            Some((FEB1, MAR1))
        );
        assert_eq!(
            period_containing(START, IntervalUnit::Month, 1, START - DAY_MS),
            Some((START, FEB1))
        );
    }

    #[test]
    fn cancel_at_period_end_then_uncancel() {
        let mut s = monthly(SubscriptionStatus::Active);
        s.cancel(
            CancellationTiming::AtEndOfCurrentBillingPeriod,
            START + DAY_MS,
        )
        .unwrap();
        assert_eq!(s.status, SubscriptionStatus::CancellationScheduled);
        assert_eq!(s.cancel_scheduled_at, Some(FEB1));
        assert!(s.status.is_current());
        // Scheduling twice keeps the first date.
        s.cancel(
            CancellationTiming::AtEndOfCurrentBillingPeriod,
            START + 2 * DAY_MS,
        )
        .unwrap();
        assert_eq!(s.cancel_scheduled_at, Some(FEB1));
        s.uncancel(START + 3 * DAY_MS).unwrap();
        assert_eq!(s.status, SubscriptionStatus::Active);
        assert_eq!(s.cancel_scheduled_at, None);
        let before = s.clone();
        assert_eq!(
            s.uncancel(START + 4 * DAY_MS),
            Ok(()),
            "nothing scheduled: unchanged"
        );
        assert_eq!(s, before);
    }

    #[test]
    fn uncancel_returns_to_trialing_while_the_trial_runs() {
        let mut s = monthly(SubscriptionStatus::Trialing);
        s.trial_end = Some(START + 14 * DAY_MS);
        s.cancel(CancellationTiming::AtEndOfCurrentBillingPeriod, START)
            .unwrap();
        s.uncancel(START + DAY_MS).unwrap();
        assert_eq!(s.status, SubscriptionStatus::Trialing);
    }

    #[test]
    fn cancel_immediately_and_not_twice() {
        let mut s = monthly(SubscriptionStatus::CancellationScheduled);
        s.cancel_scheduled_at = Some(FEB1);
        s.cancel(CancellationTiming::Immediately, START + DAY_MS)
            .unwrap();
        assert_eq!(s.status, SubscriptionStatus::Canceled);
        assert_eq!(s.canceled_at, Some(START + DAY_MS));
        assert_eq!(s.cancel_scheduled_at, None);
        assert!(!s.status.is_current());
        assert_eq!(
            s.cancel(CancellationTiming::Immediately, START + 2 * DAY_MS),
            Err(TransitionError::AlreadyEnded)
        );
        assert_eq!(s.uncancel(START), Err(TransitionError::NotScheduled));
    }

    #[test]
    fn settle_applies_scheduled_cancellations_trials_and_renewals() {
        let mut s = monthly(SubscriptionStatus::CancellationScheduled);
        s.cancel_scheduled_at = Some(FEB1);
        assert!(!s.settle(FEB1 - 1));
        assert!(s.settle(FEB1 + 5));
        assert_eq!(
            (s.status.clone(), s.canceled_at),
            (SubscriptionStatus::Canceled, Some(FEB1))
        );
        assert_eq!(
            s.current_period_end,
            Some(FEB1),
            "an ended subscription does not renew"
        );

        let mut t = monthly(SubscriptionStatus::Trialing);
        t.trial_end = Some(START + 14 * DAY_MS);
        assert!(t.settle(START + 20 * DAY_MS));
        assert_eq!(t.status, SubscriptionStatus::Active);

        let mut r = monthly(SubscriptionStatus::Active);
        assert!(r.settle(MAR1 + DAY_MS));
        assert_eq!(
            (r.current_period_start, r.current_period_end.unwrap() > MAR1),
            (Some(MAR1), true)
        );
        assert_eq!(r.updated_at, MAR1 + DAY_MS);
    }

    #[test]
    fn a_scheduled_change_takes_effect_at_the_renewal_and_cancel_drops_it() {
        let mut s = monthly(SubscriptionStatus::Active);
        s.scheduled_change = Some(ScheduledChange {
            price_id: "price_yearly".into(),
            quantity: 2,
            interval_unit: IntervalUnit::Year,
            interval_count: 1,
        });
        assert!(!s.settle(FEB1 - 1), "nothing before the period ends");
        assert_eq!(s.price_id, "price_1");
        assert!(s.settle(FEB1 + DAY_MS));
        assert_eq!((s.price_id.as_str(), s.quantity), ("price_yearly", 2));
        assert_eq!(s.interval_unit, Some(IntervalUnit::Year));
        assert_eq!(s.current_period_start, Some(FEB1));
        assert_eq!(
            s.current_period_end,
            clock::add_interval(FEB1, IntervalUnit::Year, 1)
        );
        assert_eq!(s.scheduled_change, None);

        let mut c = monthly(SubscriptionStatus::Active);
        c.scheduled_change = s.scheduled_change.clone().or(Some(ScheduledChange {
            price_id: "price_yearly".into(),
            quantity: 1,
            interval_unit: IntervalUnit::Year,
            interval_count: 1,
        }));
        c.cancel(CancellationTiming::AtEndOfCurrentBillingPeriod, START)
            .unwrap();
        assert_eq!(c.scheduled_change, None);
        assert!(c.settle(FEB1 + DAY_MS));
        assert_eq!(c.price_id, "price_1", "a canceled plan does not change");
    }

    #[test]
    fn statuses_round_trip() {
        for st in [
            "trialing",
            "active",
            "past_due",
            "unpaid",
            "cancellation_scheduled",
            "incomplete",
            "incomplete_expired",
            "canceled",
            "paused",
        ] {
            assert_eq!(status_str(&parse_status(st)), st);
        }
        assert_eq!(parse_status("nap"), SubscriptionStatus::Other);
    }
}
