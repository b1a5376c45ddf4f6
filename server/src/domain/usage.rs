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
use crate::domain::subscription::StoredSubscription;
use checkout_protocol::{
    AggregationType, FeatureType, RenewalFrequency, SubscriptionExperimental,
    SubscriptionFeatureItem, UsageEvent, UsageMeterBalance,
};
use serde_json::{Map, Value};

/// The largest amount one usage event may record. Flowglad takes any
/// positive integer; a bound keeps sums far inside `i64` and catches a
/// unit mistake (milliseconds sent as minutes) before it empties a balance.
pub const MAX_USAGE_AMOUNT: i64 = 1_000_000;

/// The most bytes a usage event's `properties` may take, serialized.
pub const MAX_PROPERTIES_BYTES: usize = 4096;

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
