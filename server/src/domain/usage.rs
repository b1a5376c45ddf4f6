//! Feature access and usage balances: what a subscription grants (its
//! product's features) and how much of each usage meter is left.
//!
//! The balance of a meter on a subscription is the credits granted minus the
//! usage recorded, where usage belongs to the billing period that was
//! current when it was recorded (as Flowglad attaches a late `usageDate` to
//! the current period):
//!
//! - `every_billing_period` credits are given afresh each period and lapse at
//!   its end: only this period's usage draws on them;
//! - `once` credits are given when the subscription starts and never lapse:
//!   usage of earlier periods draws on them first (an earlier overrun beyond
//!   them is not carried into this period).
//!
//! So `available = period_credits + max(0, once_credits − earlier_usage) − this_period_usage`,
//! negative when this period's usage ran past the credits.

use crate::domain::catalog::Catalog;
use crate::domain::error::ApiError;
use crate::domain::subscription::StoredSubscription;
use crate::domain::validation;
use checkout_protocol::usage::{MAX_USAGE_AMOUNT, USAGE_AMOUNT_MESSAGE};
use checkout_protocol::{
    AggregationType, ErrorCode, FeatureType, PriceType, RenewalFrequency, SubscriptionExperimental,
    SubscriptionFeatureItem, UsageEvent, UsageEventInput, UsageMeterBalance,
};
use serde_json::{Map, Value};

/// The most bytes a usage event's `properties` may take, serialized.
pub const MAX_PROPERTIES_BYTES: usize = 4096;

/// The latest `usageDate` accepted: the last millisecond of year 9999, so
/// every accepted date is one a client can format.
pub const MAX_USAGE_DATE_MS: i64 = 253_402_300_799_999;

/// A usage event's input, checked and resolved against the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedUsage {
    /// The subscription named.
    pub subscription_id: String,
    /// The meter the event counts on.
    pub usage_meter_id: String,
    /// The usage price named, if the event named one.
    pub price_id: Option<String>,
    /// Units used, 1 to [`MAX_USAGE_AMOUNT`].
    pub amount: i64,
    /// The caller's id for the event.
    pub transaction_id: String,
    /// When the usage happened, epoch ms, if given.
    pub usage_date: Option<i64>,
    /// The caller's properties.
    pub properties: Option<Map<String, Value>>,
}

/// A JSON number as a whole number in `range`, if it is one.
fn whole(value: f64, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    if !value.is_finite() || value.fract() != 0.0 {
        return None;
    }
    // Whole and finite; the range check below rejects anything the cast clamps.
    #[allow(clippy::cast_possible_truncation)]
    let n = value as i64;
    range.contains(&n).then_some(n)
}

/// Checks a usage event the way `@flowglad/shared`'s `createUsageEventSchema`
/// shapes it, with our bounds: a whole `amount` from 1 to [`MAX_USAGE_AMOUNT`],
/// a non-blank `transactionId`, exactly one of `priceId` / `priceSlug` /
/// `usageMeterId` / `usageMeterSlug` naming a meter of the catalog (a price
/// must be a usage price), a `usageDate` that is a real date, `properties`
/// of at most [`MAX_PROPERTIES_BYTES`].
pub fn check_usage(input: UsageEventInput, catalog: &Catalog) -> Result<CheckedUsage, ApiError> {
    // The protocol's bound and message: the hook refuses the same amounts
    // before sending.
    let amount = whole(input.amount, 1..=MAX_USAGE_AMOUNT)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidUsageAmount, USAGE_AMOUNT_MESSAGE))?;
    for (field, value) in [
        ("subscriptionId", Some(input.subscription_id.as_str())),
        ("transactionId", Some(input.transaction_id.as_str())),
        ("priceId", input.price_id.as_deref()),
        ("priceSlug", input.price_slug.as_deref()),
        ("usageMeterId", input.usage_meter_id.as_deref()),
        ("usageMeterSlug", input.usage_meter_slug.as_deref()),
    ] {
        validation::id_field(field, value)?;
    }
    if input.subscription_id.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::SubscriptionRequired,
            "subscriptionId is empty.",
        ));
    }
    if input.transaction_id.trim().is_empty() {
        return Err(ApiError::invalid_request("transactionId is empty."));
    }
    let named = [
        input.price_id.is_some(),
        input.price_slug.is_some(),
        input.usage_meter_id.is_some(),
        input.usage_meter_slug.is_some(),
    ]
    .into_iter()
    .filter(|n| *n)
    .count();
    if named != 1 {
        return Err(ApiError::invalid_request(
            "Name exactly one of priceId, priceSlug, usageMeterId or usageMeterSlug.",
        ));
    }
    let model = &catalog.pricing_model;
    let usage_price = |found: Option<(&checkout_protocol::Product, &checkout_protocol::Price)>,
                       name: &str| {
        found
            .map(|(_, p)| p)
            .filter(|p| p.price_type == PriceType::Usage)
            .and_then(|p| Some((p.usage_meter_id.clone()?, Some(p.id.clone()))))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UsageMeterNotFound,
                    format!("There is no usage price `{name}`."),
                )
            })
    };
    let (usage_meter_id, price_id) = match (
        &input.price_id,
        &input.price_slug,
        &input.usage_meter_id,
        &input.usage_meter_slug,
    ) {
        (Some(id), ..) => usage_price(model.price_by_id(id), id)?,
        (_, Some(slug), ..) => usage_price(model.price_by_slug(slug), slug)?,
        (_, _, Some(id), _) => model
            .usage_meter_by_id(id)
            .map(|m| (m.id.clone(), None))
            .ok_or_else(|| meter_not_found(id))?,
        (_, _, _, Some(slug)) => model
            .usage_meter_by_slug(slug)
            .map(|m| (m.id.clone(), None))
            .ok_or_else(|| meter_not_found(slug))?,
        (None, None, None, None) => unreachable_meter()?,
    };
    let usage_date = input
        .usage_date
        .map(|d| {
            whole(d, 0..=MAX_USAGE_DATE_MS).ok_or_else(|| {
                ApiError::invalid_request("usageDate must be a date in epoch milliseconds.")
            })
        })
        .transpose()?;
    if let Some(p) = &input.properties {
        let size = serde_json::to_vec(p).map_or(usize::MAX, |v| v.len());
        if size > MAX_PROPERTIES_BYTES {
            return Err(ApiError::new(
                ErrorCode::FieldTooLong,
                format!("properties must be at most {MAX_PROPERTIES_BYTES} bytes as JSON."),
            ));
        }
    }
    Ok(CheckedUsage {
        subscription_id: input.subscription_id,
        usage_meter_id,
        price_id,
        amount,
        transaction_id: input.transaction_id,
        usage_date,
        properties: input.properties,
    })
}

/// 404 `usage_meter_not_found` naming what was asked for.
fn meter_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UsageMeterNotFound,
        format!("There is no usage meter `{name}`."),
    )
}

/// The count above guarantees one reference; this keeps the match total
/// without a panic.
fn unreachable_meter() -> Result<(String, Option<String>), ApiError> {
    Err(ApiError::invalid_request(
        "Name exactly one of priceId, priceSlug, usageMeterId or usageMeterSlug.",
    ))
}

/// Usage recorded on one meter of one subscription in one billing period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageTotal {
    /// The subscription the usage was recorded on.
    pub subscription_id: String,
    /// The meter.
    pub usage_meter_id: String,
    /// Start of the billing period the usage belongs to, epoch ms.
    pub period_start: i64,
    /// The sum of the events' amounts.
    pub amount: i64,
}

/// A usage event as stored: one row per `(customer, transactionId)`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredUsageEvent {
    /// `ue_…` id.
    pub id: String,
    /// The customer whose subscription it was recorded on.
    pub customer_id: String,
    /// The subscription.
    pub subscription_id: String,
    /// The meter.
    pub usage_meter_id: String,
    /// The usage price named, if the event named one.
    pub price_id: Option<String>,
    /// Units used (positive).
    pub amount: i64,
    /// The caller's id for the event: the same one twice records once.
    pub transaction_id: String,
    /// When the usage happened, epoch ms (defaults to when it was recorded).
    pub usage_date: i64,
    /// Start of the billing period it counts in, epoch ms.
    pub period_start: i64,
    /// The caller's properties.
    pub properties: Option<Map<String, Value>>,
    /// When it was recorded, epoch ms.
    pub created_at: i64,
}

impl StoredUsageEvent {
    /// Whether `other` records the same usage (a retry): same subscription,
    /// meter and amount. Anything else under one `transactionId` is a conflict.
    pub fn same_usage(&self, subscription_id: &str, usage_meter_id: &str, amount: i64) -> bool {
        self.subscription_id == subscription_id
            && self.usage_meter_id == usage_meter_id
            && self.amount == amount
    }
}

/// Start of the subscription's current billing period (its start date when
/// it has no periods), the period new usage is attached to.
pub fn current_period_start(s: &StoredSubscription) -> i64 {
    s.current_period_start.unwrap_or(s.start_date)
}

/// A usage event in `@flowglad/node`'s shape (`UsageEventCreateResponse.UsageEvent`).
pub fn usage_event_view(e: &StoredUsageEvent, catalog: &Catalog) -> UsageEvent {
    UsageEvent {
        id: e.id.clone(),
        amount: e.amount,
        customer_id: e.customer_id.clone(),
        subscription_id: e.subscription_id.clone(),
        usage_meter_id: e.usage_meter_id.clone(),
        price_id: e.price_id.clone(),
        transaction_id: e.transaction_id.clone(),
        usage_date: e.usage_date,
        billing_period_id: None,
        properties: e.properties.clone(),
        pricing_model_id: catalog.pricing_model.id.clone(),
        livemode: false,
        created_at: e.created_at,
        updated_at: e.created_at,
    }
}

/// What `s` grants now: its product's features (only while it is current)
/// and the balance of every meter it has credits on or usage recorded on.
pub fn experimental_view(
    s: &StoredSubscription,
    catalog: &Catalog,
    usage: &[UsageTotal],
) -> SubscriptionExperimental {
    if !s.status.is_current() {
        return SubscriptionExperimental::default();
    }
    let features = catalog
        .any_price_by_id(&s.price_id)
        .map(|(product, _)| product.features.as_slice())
        .unwrap_or_default();
    let item_id = format!("si_{}", s.id.trim_start_matches("sub_"));
    let feature_items = features
        .iter()
        .filter(|f| f.active)
        .map(|f| SubscriptionFeatureItem {
            id: format!("sif_{}_{}", s.id.trim_start_matches("sub_"), f.id),
            feature_type: f.feature_type,
            feature_id: f.id.clone(),
            product_feature_id: None,
            subscription_item_id: item_id.clone(),
            slug: f.slug.clone(),
            name: f.name.clone(),
            amount: f.amount,
            renewal_frequency: f.renewal_frequency,
            usage_meter_id: f.usage_meter_id.clone(),
            resource_id: f.resource_id.clone(),
            manually_created: false,
            detached_at: None,
            detached_reason: None,
            expired_at: None,
            pricing_model_id: catalog.pricing_model.id.clone(),
            livemode: false,
            created_at: s.start_date,
            updated_at: s.start_date,
        })
        .collect::<Vec<_>>();
    let period = current_period_start(s);
    let usage_balances = catalog
        .pricing_model
        .usage_meters
        .iter()
        .filter_map(|meter| {
            let grants = feature_items.iter().filter(|f| {
                f.feature_type == FeatureType::UsageCreditGrant
                    && f.usage_meter_id.as_deref() == Some(meter.id.as_str())
            });
            let granted = |renewal: RenewalFrequency| -> i64 {
                grants
                    .clone()
                    .filter(|f| f.renewal_frequency == Some(renewal))
                    .filter_map(|f| f.amount)
                    .fold(0, i64::saturating_add)
            };
            let used = usage
                .iter()
                .filter(|u| u.subscription_id == s.id && u.usage_meter_id == meter.id);
            let this_period = used
                .clone()
                .filter(|u| u.period_start == period)
                .fold(0_i64, |sum, u| sum.saturating_add(u.amount));
            let earlier = used
                .clone()
                .filter(|u| u.period_start < period)
                .fold(0_i64, |sum, u| sum.saturating_add(u.amount));
            let any_grant = grants.clone().next().is_some();
            if !any_grant && used.clone().next().is_none() {
                return None;
            }
            let once_left = granted(RenewalFrequency::Once)
                .saturating_sub(earlier)
                .max(0);
            let available = granted(RenewalFrequency::EveryBillingPeriod)
                .saturating_add(once_left)
                .saturating_sub(this_period);
            Some(UsageMeterBalance {
                id: meter.id.clone(),
                slug: meter.slug.clone(),
                name: meter.name.clone(),
                aggregation_type: AggregationType::Sum,
                available_balance: available,
                subscription_id: s.id.clone(),
                organization_id: catalog.organization_id.clone(),
                pricing_model_id: catalog.pricing_model.id.clone(),
                livemode: false,
                created_at: meter.created_at,
                updated_at: meter.updated_at,
            })
        })
        .collect();
    SubscriptionExperimental {
        feature_items,
        usage_meter_balances: usage_balances,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::SubscriptionStatus;

    fn alice_pro(status: SubscriptionStatus) -> StoredSubscription {
        StoredSubscription {
            id: "sub_alice".into(),
            customer_id: "cus_alice".into(),
            price_id: "price_pro_monthly".into(),
            status,
            checkout_session_id: None,
            request_id: None,
            name: None,
            metadata: None,
            quantity: 1,
            interval_unit: None,
            interval_count: None,
            start_date: 1_000,
            current_period_start: Some(5_000),
            current_period_end: Some(9_000),
            trial_end: None,
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: None,
            scheduled_change: None,
            created_at: 1_000,
            updated_at: 1_000,
        }
    }

    fn used(period_start: i64, amount: i64) -> UsageTotal {
        UsageTotal {
            subscription_id: "sub_alice".into(),
            usage_meter_id: "um_build_minutes".into(),
            period_start,
            amount,
        }
    }

    fn balance(x: &SubscriptionExperimental) -> i64 {
        x.usage_balance("build-minutes").unwrap().available_balance
    }

    #[test]
    fn pro_grants_priority_builds_and_period_credits() {
        let c = Catalog::demo().unwrap();
        let s = alice_pro(SubscriptionStatus::Active);
        let x = experimental_view(&s, &c, &[]);
        assert!(x.has_feature("priority-builds"));
        assert!(
            !x.has_feature("build-minutes-monthly"),
            "a grant is no toggle"
        );
        assert_eq!(balance(&x), 1000);
        // Earlier periods' usage lapsed with their credits.
        let x = experimental_view(&s, &c, &[used(5_000, 300), used(1_000, 900)]);
        assert_eq!(balance(&x), 700);
        let x = experimental_view(&s, &c, &[used(5_000, 1_200)]);
        assert_eq!(balance(&x), -200);
    }

    #[test]
    fn once_credits_carry_over_and_ended_subscriptions_grant_nothing() {
        let mut c = Catalog::demo().unwrap();
        let grant = &mut c.pricing_model.products[0].features[1];
        grant.renewal_frequency = Some(RenewalFrequency::Once);
        let s = alice_pro(SubscriptionStatus::Active);
        let x = experimental_view(&s, &c, &[used(1_000, 900), used(5_000, 50)]);
        assert_eq!(balance(&x), 50);
        let x = experimental_view(&s, &c, &[used(1_000, 5_000), used(5_000, 50)]);
        assert_eq!(balance(&x), -50);
        let ended = alice_pro(SubscriptionStatus::Canceled);
        assert_eq!(
            experimental_view(&ended, &c, &[]),
            SubscriptionExperimental::default()
        );
    }
}
