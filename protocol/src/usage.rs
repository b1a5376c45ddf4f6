//! Usage metering on the wire: recording a usage event and reading meter
//! balances, in `@flowglad/shared`'s route shapes (`clientCreateUsageEventSchema`,
//! `getUsageMeterBalancesSchema`) and `@flowglad/node`'s platform shapes
//! (`UsageEventCreateParams`, `UsageEventCreateResponse`, the customer's
//! `usage-balances`).

use crate::UsageMeterBalance;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The largest amount one usage event may record. Flowglad takes any
/// positive integer; a bound keeps sums far inside `i64` and catches a unit
/// mistake (milliseconds sent as minutes) before it empties a balance.
pub const MAX_USAGE_AMOUNT: i64 = 1_000_000;

/// What a refused usage `amount` is told, wherever it is refused.
pub const USAGE_AMOUNT_MESSAGE: &str = "amount must be a whole number from 1 to 1,000,000.";

/// Whether `amount` is one a usage event may record: a whole number from 1
/// to [`MAX_USAGE_AMOUNT`].
pub fn is_valid_usage_amount(amount: i64) -> bool {
    (1..=MAX_USAGE_AMOUNT).contains(&amount)
}

/// A recorded usage event (`UsageEventCreateResponse.UsageEvent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageEvent {
    /// Platform id.
    pub id: String,
    /// Units used.
    pub amount: i64,
    /// The customer.
    #[serde(default)]
    pub customer_id: String,
    /// The subscription it counts against.
    #[serde(default)]
    pub subscription_id: String,
    /// The meter it counts on.
    #[serde(default)]
    pub usage_meter_id: String,
    /// The usage price named, if any.
    #[serde(default)]
    pub price_id: Option<String>,
    /// The caller's id for the event; the same one twice records once.
    #[serde(default)]
    pub transaction_id: String,
    /// When the usage happened, epoch milliseconds.
    #[serde(default)]
    pub usage_date: i64,
    /// The billing period it counts in, where the platform has such records.
    #[serde(default)]
    pub billing_period_id: Option<String>,
    /// The caller's properties.
    #[serde(default)]
    pub properties: Option<Map<String, Value>>,
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

/// `usage-events/create` as a browser posts it (`clientCreateUsageEventSchema`):
/// exactly one of `priceId`, `priceSlug`, `usageMeterId`, `usageMeterSlug`;
/// `amount` defaults to 1, `subscriptionId` to the current subscription and
/// `transactionId` to a fresh id. Unknown fields are refused, as Flowglad's
/// union refuses them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUsageEventParams {
    /// Units used (a positive whole number; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// One of the customer's current subscriptions (default: the current one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// A usage price by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// A usage price by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// A usage meter by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_meter_id: Option<String>,
    /// A usage meter by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_meter_slug: Option<String>,
    /// Free-form properties kept with the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
    /// The caller's id for the event, for safe retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// When the usage happened, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_date: Option<f64>,
}

/// A usage event as the platform API takes it (`UsageEventCreateParams.UsageEvent`):
/// `subscriptionId`, `amount` and `transactionId` required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageEventInput {
    /// Units used.
    pub amount: f64,
    /// The subscription it counts against.
    pub subscription_id: String,
    /// The caller's id for the event.
    pub transaction_id: String,
    /// A usage price by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// A usage price by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// A usage meter by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_meter_id: Option<String>,
    /// A usage meter by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_meter_slug: Option<String>,
    /// Free-form properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Map<String, Value>>,
    /// When the usage happened, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_date: Option<f64>,
}

/// `POST /api/v1/usage-events` body: `{usageEvent}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlatformCreateUsageEvent {
    /// The event.
    pub usage_event: UsageEventInput,
}

/// `{usageEvent}`: what creating a usage event answers (route and platform API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageEventResponse {
    /// The recorded event (the first one, for a repeated `transactionId`).
    pub usage_event: UsageEvent,
}

/// `usage-meters/balances` as a browser posts it: an optional subscription.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsageMeterBalancesParams {
    /// Only this subscription's balances (default: every current subscription's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
}

/// `{usageMeterBalances}`: the answer of `usage-meters/balances` and of
/// `GET /api/v1/customers/{externalId}/usage-balances`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageMeterBalancesResponse {
    /// One balance per meter and current subscription.
    #[serde(default)]
    pub usage_meter_balances: Vec<UsageMeterBalance>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_params_take_flowglads_fields_and_refuse_others() {
        let p: CreateUsageEventParams = serde_json::from_str(
            r#"{"usageMeterSlug":"build-minutes","amount":3,"transactionId":"t1","properties":{"run":7}}"#,
        )
        .unwrap();
        assert_eq!(p.usage_meter_slug.as_deref(), Some("build-minutes"));
        assert_eq!(p.amount, Some(3.0));
        assert!(
            serde_json::from_str::<CreateUsageEventParams>(r#"{"customerId":"cus_x"}"#).is_err()
        );
        let b: UsageMeterBalancesParams = serde_json::from_str("{}").unwrap();
        assert_eq!(b.subscription_id, None);
    }

    #[test]
    fn usage_amounts_are_whole_numbers_from_one_to_the_bound() {
        assert!(is_valid_usage_amount(1));
        assert!(is_valid_usage_amount(MAX_USAGE_AMOUNT));
        assert!(!is_valid_usage_amount(0));
        assert!(!is_valid_usage_amount(-5));
        assert!(!is_valid_usage_amount(MAX_USAGE_AMOUNT + 1));
    }
}
