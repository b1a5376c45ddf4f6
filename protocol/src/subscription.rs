//! A subscription, what it grants right now (feature items and usage meter
//! balances, Flowglad's `experimental` fields), and the calls that cancel
//! and uncancel one, in `@flowglad/node`'s shapes.

use crate::{AggregationType, FeatureType, IntervalUnit, RenewalFrequency};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a subscription is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// In a free trial.
    Trialing,
    /// Paid and running.
    Active,
    /// A payment failed; retrying.
    PastDue,
    /// Payments failed for good.
    Unpaid,
    /// Ends at the end of the current period.
    CancellationScheduled,
    /// Waiting for its first payment.
    Incomplete,
    /// The first payment never came.
    IncompleteExpired,
    /// Ended.
    Canceled,
    /// Paused by the merchant.
    Paused,
    /// A status this version does not know.
    #[serde(other)]
    Other,
}

impl SubscriptionStatus {
    /// Whether the subscription currently grants access (Flowglad's "current").
    pub fn is_current(&self) -> bool {
        matches!(
            self,
            Self::Trialing | Self::Active | Self::PastDue | Self::CancellationScheduled
        )
    }
}

/// A subscription with its details (`StandardSubscriptionDetails`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// Platform id.
    pub id: String,
    /// The subscribed customer.
    #[serde(default)]
    pub customer_id: String,
    /// The subscribed price.
    #[serde(default)]
    pub price_id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Lifecycle state.
    pub status: SubscriptionStatus,
    /// Whether it currently grants access.
    #[serde(default)]
    pub current: bool,
    /// Whether it renews (non-renewing subscriptions end by themselves).
    #[serde(default = "yes")]
    pub renews: bool,
    /// Billing interval unit.
    #[serde(default)]
    pub interval: Option<IntervalUnit>,
    /// Interval units per period.
    #[serde(default)]
    pub interval_count: Option<u32>,
    /// Epoch milliseconds.
    #[serde(default)]
    pub start_date: i64,
    /// Start of the current period, epoch milliseconds.
    #[serde(default)]
    pub current_billing_period_start: Option<i64>,
    /// End of the current period (the renewal date), epoch milliseconds.
    #[serde(default)]
    pub current_billing_period_end: Option<i64>,
    /// End of the free trial, epoch milliseconds.
    #[serde(default)]
    pub trial_end: Option<i64>,
    /// When a scheduled cancellation takes effect, epoch milliseconds.
    #[serde(default)]
    pub cancel_scheduled_at: Option<i64>,
    /// When it was canceled, epoch milliseconds.
    #[serde(default)]
    pub canceled_at: Option<i64>,
    /// Why it was canceled.
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    /// The card charged at renewal.
    #[serde(default)]
    pub default_payment_method_id: Option<String>,
    /// The card tried when the default fails.
    #[serde(default)]
    pub backup_payment_method_id: Option<String>,
    /// Billing cycle anchor, epoch milliseconds.
    #[serde(default)]
    pub billing_cycle_anchor_date: Option<i64>,
    /// Items billed each period (kept opaque).
    #[serde(default)]
    pub subscription_items: Vec<Value>,
    /// Merchant metadata.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// Free plans are never charged.
    #[serde(default)]
    pub is_free_plan: Option<bool>,
    /// Never charge (managed elsewhere).
    #[serde(default)]
    pub do_not_charge: Option<bool>,
    /// Bill at the start of each period instead of the end.
    #[serde(default)]
    pub run_billing_at_period_start: Option<bool>,
    /// The subscription that replaced this one.
    #[serde(default)]
    pub replaced_by_subscription_id: Option<String>,
    /// Feature access and usage balances granted by this subscription
    /// (Flowglad's `experimental`, read by `checkFeatureAccess` and
    /// `checkUsageBalance`). Absent on platforms that do not send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experimental: Option<SubscriptionExperimental>,
    /// The `requestId` of the checkout that created it (superset: Creem's `request_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The selling organization.
    #[serde(default)]
    pub organization_id: String,
    /// The pricing model.
    #[serde(default)]
    pub pricing_model_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

fn yes() -> bool {
    true
}

/// A subscription's `experimental` fields: what it grants right now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionExperimental {
    /// The features the subscription's items grant (toggles, credit grants, resources).
    #[serde(default)]
    pub feature_items: Vec<SubscriptionFeatureItem>,
    /// The balance of every usage meter the subscription has credits on.
    #[serde(default)]
    pub usage_meter_balances: Vec<UsageMeterBalance>,
}

impl SubscriptionExperimental {
    /// Whether a toggle feature with `slug` is granted (as `checkFeatureAccess` decides).
    pub fn has_feature(&self, slug: &str) -> bool {
        self.feature_items
            .iter()
            .any(|f| f.feature_type == FeatureType::Toggle && f.slug == slug)
    }

    /// The balance of the usage meter with `slug` (as `checkUsageBalance` finds it).
    pub fn usage_balance(&self, slug: &str) -> Option<&UsageMeterBalance> {
        self.usage_meter_balances.iter().find(|b| b.slug == slug)
    }
}

/// A feature granted through a subscription item
/// (`ToggleSubscriptionItemFeatureRecord`, `UsageCreditGrantSubscriptionItemFeatureRecord`,
/// `ResourceSubscriptionItemFeatureRecord`), one flat record like [`crate::Feature`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionFeatureItem {
    /// Unique id.
    pub id: String,
    /// The kind of feature.
    #[serde(rename = "type")]
    pub feature_type: FeatureType,
    /// The catalog feature granted.
    #[serde(default)]
    pub feature_id: String,
    /// The product's grant of the feature, if any.
    #[serde(default)]
    pub product_feature_id: Option<String>,
    /// The subscription item that grants it.
    #[serde(default)]
    pub subscription_item_id: String,
    /// The feature's slug.
    #[serde(default)]
    pub slug: String,
    /// The feature's name.
    #[serde(default)]
    pub name: String,
    /// Credits granted or capacity; `null` for toggles.
    #[serde(default)]
    pub amount: Option<i64>,
    /// When a credit grant renews; `null` for other kinds.
    #[serde(default)]
    pub renewal_frequency: Option<RenewalFrequency>,
    /// The meter a credit grant credits; `null` for other kinds.
    #[serde(default)]
    pub usage_meter_id: Option<String>,
    /// The resource of a resource feature; `null` for other kinds.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Granted by hand rather than by the product.
    #[serde(default)]
    pub manually_created: bool,
    /// When it stopped applying, epoch milliseconds.
    #[serde(default)]
    pub detached_at: Option<i64>,
    /// Why it stopped applying.
    #[serde(default)]
    pub detached_reason: Option<String>,
    /// When it expired, epoch milliseconds.
    #[serde(default)]
    pub expired_at: Option<i64>,
    /// The pricing model.
    #[serde(default)]
    pub pricing_model_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

/// A usage meter and its available balance, scoped to one subscription
/// (`UsageMeterBalance`; also what `usage-meters/balances` lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageMeterBalance {
    /// The usage meter's id.
    pub id: String,
    /// The meter's slug.
    #[serde(default)]
    pub slug: String,
    /// The meter's name.
    #[serde(default)]
    pub name: String,
    /// How the meter adds up events.
    #[serde(default = "sum")]
    pub aggregation_type: AggregationType,
    /// Credits granted minus usage recorded, in the current billing period.
    /// Negative when usage ran past the credits.
    #[serde(default)]
    pub available_balance: i64,
    /// The subscription the balance belongs to.
    #[serde(default)]
    pub subscription_id: String,
    /// The organization.
    #[serde(default)]
    pub organization_id: String,
    /// The pricing model.
    #[serde(default)]
    pub pricing_model_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

fn sum() -> AggregationType {
    AggregationType::Sum
}

/// When a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CancellationTiming {
    /// Keep access until the paid period ends.
    AtEndOfCurrentBillingPeriod,
    /// End now.
    Immediately,
}

/// The `cancellation` member of `subscriptions/cancel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cancellation {
    /// When it takes effect.
    pub timing: CancellationTiming,
}

/// Body of `subscriptions/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelSubscriptionParams {
    /// The subscription.
    pub id: String,
    /// When.
    pub cancellation: Cancellation,
}

/// Body of `subscriptions/uncancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UncancelSubscriptionParams {
    /// The subscription whose scheduled cancellation is undone.
    pub id: String,
}

/// Body of the platform API's `POST /api/v1/subscriptions/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformCancelSubscriptionParams {
    /// When.
    pub cancellation: Cancellation,
}

/// `data` of `subscriptions/cancel` and `subscriptions/uncancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionResponse {
    /// The subscription after the change.
    pub subscription: Subscription,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_flowglad_subscription_and_keeps_unknown_statuses() {
        let s: Subscription = serde_json::from_str(
            r#"{"id":"sub_1","customerId":"c","priceId":"p","status":"cancellation_scheduled","current":true,
                "renews":true,"interval":"month","intervalCount":1,"startDate":1,"currentBillingPeriodEnd":99,
                "subscriptionItems":[],"createdAt":1,"updatedAt":2,"livemode":false,"organizationId":"o",
                "pricingModelId":"pm","name":null,"backupPaymentMethodId":null,"cancellationReason":null,
                "defaultPaymentMethodId":null,"doNotCharge":null,"isFreePlan":null,"replacedBySubscriptionId":null,
                "runBillingAtPeriodStart":null}"#,
        )
        .unwrap();
        assert_eq!(s.status, SubscriptionStatus::CancellationScheduled);
        assert!(s.status.is_current());
        assert_eq!(s.current_billing_period_end, Some(99));
        let odd: Subscription =
            serde_json::from_str(r#"{"id":"s","status":"hibernating"}"#).unwrap();
        assert_eq!(odd.status, SubscriptionStatus::Other);
        assert!(!odd.status.is_current());
    }

    #[test]
    fn cancel_params_use_flowglad_timing_names() {
        let p = CancelSubscriptionParams {
            id: "sub_1".into(),
            cancellation: Cancellation {
                timing: CancellationTiming::AtEndOfCurrentBillingPeriod,
            },
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"id":"sub_1","cancellation":{"timing":"at_end_of_current_billing_period"}})
        );
    }
}
