//! Plan changes (`subscriptions/adjust`): which price a change asks for, whether
//! it is an upgrade, when it takes effect and what it costs now. Pure; the
//! service charges and the store writes what [`decide`] returns.
//!
//! # The rules this reference server applies
//!
//! - A subscription holds one price × quantity, so the new plan is exactly
//!   one item: a `subscription` price of this pricing model, in the
//!   subscription's currency. Several items are refused
//!   (`multiple_subscription_items`) rather than silently cut to one.
//! - `is_upgrade`: the new per-period total (unit price × quantity) is
//!   greater than the old, Flowglad's definition. A move to a longer
//!   interval at a higher per-period total (monthly → yearly) is an upgrade.
//! - `auto` resolves to `immediately` for an upgrade and to
//!   `at_end_of_current_billing_period` otherwise, as Flowglad documents.
//! - Immediately with proration, same interval: the new plan is charged for
//!   the remaining fraction of the current period, less the unused fraction
//!   of the old plan, each rounded to minor units; never negative (a
//!   downgrade made now refunds nothing here). The period stays.
//! - Immediately with proration, another interval: the new plan starts a
//!   billing period now; its full price is charged less the unused fraction
//!   of the old plan (never negative).
//! - Immediately without proration: same interval, nothing is charged now
//!   and the new price is billed from the next renewal; another interval,
//!   the new period starts now and its full price is charged.
//! - While the subscription is trialing, a change is free and the trial
//!   continues (the period boundaries are kept).
//! - The same price and quantity is refused (`subscription_plan_unchanged`),
//!   unless a different change is scheduled: then asking for the current
//!   plan drops the scheduled change ("keep my plan").
//! - Only `active` and `trialing` subscriptions change plan; an ended one
//!   (as Flowglad refuses) or one whose cancellation is scheduled (uncancel
//!   first, so a change is never charged for a plan about to end) is refused.

use crate::domain::catalog::Catalog;
use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::subscription::{ScheduledChange, StoredSubscription};
use checkout_protocol::{
    AdjustmentTiming, ErrorCode, IntervalUnit, Price, PriceType, Quantity,
    ResolvedAdjustmentTiming, SubscriptionStatus, TerseSubscriptionItem,
};

/// How long a plan change may stay marked in progress (between marking and
/// writing, the card is charged) before it counts as left by a crash: other
/// changes, cancel and uncancel wait for it until then.
pub const STALE_CHANGE_MS: i64 = 10 * 60 * 1000;

/// The plan a change asks for, resolved in the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetPlan {
    /// The new price.
    pub price: Price,
    /// The product's name (for invoice lines).
    pub product_name: String,
    /// Units of it.
    pub quantity: u32,
}

/// What a plan change does, decided from the subscription as stored now.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Apply now, charging `charge.amount` (zero for none). Boxed: it
    /// carries a whole subscription, the other verdicts a few ids.
    Immediate(Box<ImmediateChange>),
    /// Keep the plan until the period ends, then move to `change`.
    Schedule(ScheduledChange),
    /// This very change is already scheduled: nothing to write.
    AlreadyScheduled,
    /// The current plan was asked for while another change was scheduled:
    /// drop the scheduled change.
    DropScheduled,
}

/// An immediate change: the subscription after it and what it costs now.
#[derive(Debug, Clone, PartialEq)]
pub struct ImmediateChange {
    /// The subscription as it is after the change (`updated_at` = now).
    pub after: StoredSubscription,
    /// What is charged now.
    pub charge: Proration,
}

/// The money of an immediate change, in the currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    /// The new plan for what is left of the period (or a whole new period).
    pub new_plan: i64,
    /// Credit for the unused part of the old plan.
    pub credit: i64,
    /// `new_plan - credit`, never below zero: what is charged now.
    pub amount: i64,
}

/// A plan change decided: the rule's verdict with the upgrade flag and the
/// resolved timing Flowglad answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChange {
    /// New per-period total greater than the old.
    pub is_upgrade: bool,
    /// When it takes effect.
    pub resolved_timing: ResolvedAdjustmentTiming,
    /// What to do.
    pub decision: Decision,
}

/// Resolves the items of a change into the one price and quantity it names.
/// `currency` is the subscription's (its current price's).
pub fn resolve_target(
    catalog: &Catalog,
    items: &[TerseSubscriptionItem],
    currency: &str,
) -> Result<TargetPlan, ApiError> {
    let [item] = items else {
        return Err(ApiError::new(
            ErrorCode::MultipleSubscriptionItems,
            "A subscription here holds one price: give exactly one subscription item.",
        ));
    };
    let found = match (&item.price_id, &item.price_slug) {
        (Some(id), None) => catalog.any_price_by_id(id).filter(|(_, p)| p.active),
        (None, Some(slug)) => catalog.price_by_slug(slug),
        _ => {
            return Err(ApiError::invalid_request(
                "Each subscription item needs exactly one of priceId or priceSlug.",
            ))
        }
    };
    let Some((product, price)) = found else {
        let named = item
            .price_slug
            .as_deref()
            .or(item.price_id.as_deref())
            .unwrap_or_default();
        let shown: String = named.chars().take(64).collect();
        return Err(ApiError::new(
            ErrorCode::PriceNotFound,
            format!("The pricing model has no active price `{shown}`."),
        ));
    };
    if price.price_type != PriceType::Subscription || price.interval_unit.is_none() {
        return Err(ApiError::new(
            ErrorCode::PriceNotRecurring,
            format!(
                "`{}` is not a subscription price; a plan can only change to a subscription price.",
                price.slug.as_deref().unwrap_or(&price.id)
            ),
        ));
    }
    if !price.currency.eq_ignore_ascii_case(currency) {
        return Err(ApiError::new(
            ErrorCode::CurrencyMismatch,
            format!(
                "The subscription is billed in {currency}; `{}` is in {}.",
                price.slug.as_deref().unwrap_or(&price.id),
                price.currency
            ),
        ));
    }
    let quantity =
        Quantity::from_wire(item.quantity).map_err(|e| ApiError::new(e.code(), e.message()))?;
    Ok(TargetPlan {
        price: price.clone(),
        product_name: product.name.clone(),
        quantity: quantity.get(),
    })
}

/// Per-period total of `quantity` units at `unit_price`, saturating.
fn total(unit_price: i64, quantity: u32) -> i64 {
    unit_price.saturating_mul(i64::from(quantity))
}

/// `amount × part / whole`, rounded half up, in minor units (0 for an empty whole).
fn fraction_of(amount: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 || part <= 0 {
        return 0;
    }
    let part = part.min(whole);
    let scaled = i128::from(amount) * i128::from(part);
    let whole = i128::from(whole);
    let rounded = (scaled * 2 + whole) / (whole * 2);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// Decides a plan change of `sub` (settled to `now`, billed at `old_price`)
/// to `target`.
pub fn decide(
    sub: &StoredSubscription,
    old_price: &Price,
    target: &TargetPlan,
    timing: AdjustmentTiming,
    prorate: bool,
    now: i64,
) -> Result<PlanChange, ApiError> {
    match sub.status {
        SubscriptionStatus::Active | SubscriptionStatus::Trialing => {}
        SubscriptionStatus::CancellationScheduled => {
            return Err(ApiError::new(
                ErrorCode::SubscriptionNotAdjustable,
                "This subscription's cancellation is scheduled; keep the subscription (uncancel) before changing its plan.",
            ))
        }
        SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired => {
            return Err(ApiError::new(
                ErrorCode::SubscriptionNotAdjustable,
                "This subscription has ended; its plan can no longer be changed.",
            ))
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::SubscriptionNotAdjustable,
                "This subscription is not active, so its plan cannot be changed now.",
            ))
        }
    }
    let old_total = total(old_price.unit_price, sub.quantity);
    let new_total = total(target.price.unit_price, target.quantity);
    let is_upgrade = new_total > old_total;
    let unchanged = target.price.id == sub.price_id && target.quantity == sub.quantity;
    let scheduled = ScheduledChange {
        price_id: target.price.id.clone(),
        quantity: target.quantity,
        interval_unit: target.price.interval_unit.unwrap_or(IntervalUnit::Month),
        interval_count: target.price.interval_count.unwrap_or(1).max(1),
    };
    if unchanged {
        return match sub.scheduled_change {
            Some(_) => Ok(PlanChange {
                is_upgrade: false,
                resolved_timing: ResolvedAdjustmentTiming::Immediately,
                decision: Decision::DropScheduled,
            }),
            None => Err(ApiError::new(
                ErrorCode::SubscriptionPlanUnchanged,
                "The subscription is already on this plan; nothing was changed or charged.",
            )),
        };
    }
    let trialing = sub.status == SubscriptionStatus::Trialing;
    let resolved = match timing {
        AdjustmentTiming::Immediately => ResolvedAdjustmentTiming::Immediately,
        AdjustmentTiming::AtEndOfCurrentBillingPeriod => {
            ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod
        }
        // A trial costs nothing either way, so its changes apply at once.
        AdjustmentTiming::Auto if is_upgrade || trialing => ResolvedAdjustmentTiming::Immediately,
        AdjustmentTiming::Auto => ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod,
    };
    let period = sub.current_period_start.zip(sub.current_period_end);
    if resolved == ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod {
        // Without a running period there is no end to wait for.
        if period.is_some_and(|(_, end)| end > now) {
            let decision = if sub.scheduled_change.as_ref() == Some(&scheduled) {
                Decision::AlreadyScheduled
            } else {
                Decision::Schedule(scheduled)
            };
            return Ok(PlanChange {
                is_upgrade,
                resolved_timing: resolved,
                decision,
            });
        }
    }
    let mut after = sub.clone();
    after.price_id = target.price.id.clone();
    after.quantity = target.quantity;
    after.scheduled_change = None;
    after.updated_at = now;
    let same_interval = sub.interval() == Some((scheduled.interval_unit, scheduled.interval_count));
    after.interval_unit = Some(scheduled.interval_unit);
    after.interval_count = Some(scheduled.interval_count);
    let (start, end) = period.unwrap_or((now, now));
    let (remaining, length) = (end.saturating_sub(now).max(0), end.saturating_sub(start));
    let credit = if prorate && !trialing {
        fraction_of(old_total, remaining, length)
    } else {
        0
    };
    let new_plan = if trialing {
        0
    } else if same_interval && end > now {
        if prorate {
            fraction_of(new_total, remaining, length)
        } else {
            0
        }
    } else {
        // Another interval (or no running period): a new period starts now.
        let new_end =
            clock::add_interval(now, scheduled.interval_unit, scheduled.interval_count)
                .ok_or_else(|| ApiError::internal("plan change", "billing period out of range"))?;
        after.current_period_start = Some(now);
        after.current_period_end = Some(new_end);
        new_total
    };
    Ok(PlanChange {
        is_upgrade,
        resolved_timing: ResolvedAdjustmentTiming::Immediately,
        decision: Decision::Immediate(Box::new(ImmediateChange {
            after,
            charge: Proration {
                new_plan,
                credit,
                amount: new_plan.saturating_sub(credit).max(0),
            },
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::DAY_MS;

    const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    const FEB1: i64 = 1_769_904_000_000;

    fn catalog() -> Catalog {
        Catalog::demo().unwrap()
    }

    fn price(slug: &str) -> Price {
        catalog().price_by_slug(slug).unwrap().1.clone()
    }

    fn monthly() -> StoredSubscription {
        let p = price("pro-monthly");
        StoredSubscription {
            id: "sub_1".into(),
            customer_id: "cus_1".into(),
            price_id: p.id,
            status: SubscriptionStatus::Active,
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

    fn target(slug: &str, quantity: u32) -> TargetPlan {
        let c = catalog();
        let (product, p) = c.price_by_slug(slug).unwrap();
        TargetPlan {
            price: p.clone(),
            product_name: product.name.clone(),
            quantity,
        }
    }

    fn item(slug: &str, quantity: Option<f64>) -> TerseSubscriptionItem {
        TerseSubscriptionItem {
            price_slug: Some(slug.into()),
            quantity,
            ..Default::default()
        }
    }

    fn code(e: ApiError) -> ErrorCode {
        e.code
    }

    #[test]
    fn targets_are_one_subscription_price_in_the_same_currency() {
        let c = catalog();
        let t = resolve_target(&c, &[item("pro-yearly", Some(2.0))], "USD").unwrap();
        assert_eq!(
            (t.price.slug.as_deref(), t.quantity),
            (Some("pro-yearly"), 2)
        );
        let err = |items: &[TerseSubscriptionItem], cur: &str| {
            code(resolve_target(&c, items, cur).unwrap_err())
        };
        assert_eq!(
            err(
                &[item("pro-yearly", None), item("pro-monthly", None)],
                "USD"
            ),
            ErrorCode::MultipleSubscriptionItems
        );
        assert_eq!(err(&[item("nope", None)], "USD"), ErrorCode::PriceNotFound);
        assert_eq!(
            err(&[item("lifetime", None)], "USD"),
            ErrorCode::PriceNotRecurring
        );
        assert_eq!(
            err(&[item("pro-yearly", None)], "EUR"),
            ErrorCode::CurrencyMismatch
        );
        for q in [0.0, 1.5, 1e9, -1.0] {
            assert_eq!(
                err(&[item("pro-yearly", Some(q))], "USD"),
                ErrorCode::InvalidQuantity,
                "{q}"
            );
        }
    }

    #[test]
    fn monthly_to_yearly_now_charges_the_year_less_the_unused_month() {
        let sub = monthly();
        let now = START + 10 * DAY_MS; // 21 of 31 days unused
        let c = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-yearly", 1),
            AdjustmentTiming::Auto,
            true,
            now,
        )
        .unwrap();
        assert!(c.is_upgrade);
        assert_eq!(c.resolved_timing, ResolvedAdjustmentTiming::Immediately);
        let Decision::Immediate(change) = c.decision else {
            panic!("immediate expected")
        };
        let credit = (1200 * 21 + 15) / 31; // 812.9 → 813
        assert_eq!(change.charge.credit, credit);
        assert_eq!(change.charge.amount, 12_000 - credit);
        assert_eq!(change.after.current_period_start, Some(now));
        assert_eq!(
            change.after.current_period_end,
            clock::add_interval(now, IntervalUnit::Year, 1)
        );
        assert_eq!(change.after.interval_unit, Some(IntervalUnit::Year));
        assert_eq!(change.after.updated_at, now);
    }

    #[test]
    fn same_interval_prorates_and_keeps_the_period() {
        let sub = monthly();
        let now = START + 10 * DAY_MS;
        let c = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-monthly", 3),
            AdjustmentTiming::Immediately,
            true,
            now,
        )
        .unwrap();
        let Decision::Immediate(change) = c.decision else {
            panic!()
        };
        assert_eq!(change.charge.new_plan, (3600 * 21 + 15) / 31);
        assert_eq!(change.charge.credit, (1200 * 21 + 15) / 31);
        assert_eq!(change.after.current_period_end, Some(FEB1));
        // Without proration nothing is charged now.
        let c = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-monthly", 3),
            AdjustmentTiming::Immediately,
            false,
            now,
        )
        .unwrap();
        let Decision::Immediate(change) = c.decision else {
            panic!()
        };
        assert_eq!(change.charge.amount, 0);
        assert_eq!(change.after.quantity, 3);
    }

    #[test]
    fn downgrades_wait_for_the_period_end_and_never_refund_now() {
        let mut sub = monthly();
        sub.quantity = 3;
        let now = START + 10 * DAY_MS;
        let c = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-monthly", 1),
            AdjustmentTiming::Auto,
            true,
            now,
        )
        .unwrap();
        assert!(!c.is_upgrade);
        assert_eq!(
            c.resolved_timing,
            ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod
        );
        let Decision::Schedule(s) = &c.decision else {
            panic!()
        };
        sub.scheduled_change = Some(s.clone());
        let again = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-monthly", 1),
            AdjustmentTiming::Auto,
            true,
            now,
        )
        .unwrap();
        assert_eq!(again.decision, Decision::AlreadyScheduled);
        let keep = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-monthly", 3),
            AdjustmentTiming::Auto,
            true,
            now,
        )
        .unwrap();
        assert_eq!(keep.decision, Decision::DropScheduled);
        let now_down = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-monthly", 1),
            AdjustmentTiming::Immediately,
            true,
            now,
        )
        .unwrap();
        let Decision::Immediate(change) = now_down.decision else {
            panic!()
        };
        assert_eq!(change.charge.amount, 0, "no refund");
        assert_eq!(change.after.scheduled_change, None);
    }

    #[test]
    fn unchanged_ended_and_scheduled_cancellations_are_refused() {
        let sub = monthly();
        let pm = price("pro-monthly");
        let same = decide(
            &sub,
            &pm,
            &target("pro-monthly", 1),
            AdjustmentTiming::Auto,
            true,
            START,
        );
        assert_eq!(
            code(same.unwrap_err()),
            ErrorCode::SubscriptionPlanUnchanged
        );
        for status in [
            SubscriptionStatus::Canceled,
            SubscriptionStatus::CancellationScheduled,
            SubscriptionStatus::PastDue,
        ] {
            let mut s = monthly();
            s.status = status;
            let e = decide(
                &s,
                &pm,
                &target("pro-yearly", 1),
                AdjustmentTiming::Auto,
                true,
                START,
            );
            assert_eq!(code(e.unwrap_err()), ErrorCode::SubscriptionNotAdjustable);
        }
    }

    #[test]
    fn a_trial_changes_for_free_and_continues() {
        let mut sub = monthly();
        sub.status = SubscriptionStatus::Trialing;
        sub.trial_end = Some(START + 14 * DAY_MS);
        let c = decide(
            &sub,
            &price("pro-monthly"),
            &target("pro-yearly", 1),
            AdjustmentTiming::Auto,
            true,
            START + DAY_MS,
        )
        .unwrap();
        let Decision::Immediate(change) = c.decision else {
            panic!()
        };
        assert_eq!(change.charge.amount, 0);
        assert_eq!(change.after.trial_end, Some(START + 14 * DAY_MS));
        assert_eq!(change.after.status, SubscriptionStatus::Trialing);
        assert_eq!(change.after.current_period_end, Some(FEB1));
    }

    #[test]
    fn fractions_round_half_up_and_stay_in_bounds() {
        assert_eq!(fraction_of(1200, 21, 31), 813);
        assert_eq!(fraction_of(100, 1, 2), 50);
        assert_eq!(fraction_of(3, 1, 2), 2);
        assert_eq!(fraction_of(1200, 40, 31), 1200);
        assert_eq!(fraction_of(1200, 5, 0), 0);
        assert_eq!(fraction_of(i64::MAX, 1, 1), i64::MAX);
    }
}
