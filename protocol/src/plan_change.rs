//! Plan changes and server-created subscriptions on the wire, in
//! `@flowglad/shared` 0.18's route shapes (`adjustSubscriptionParamsSchema`,
//! `createSubscriptionSchema`) and `@flowglad/node` 0.29's platform shapes
//! (`SubscriptionAdjustParams`, `SubscriptionAdjustResponse`,
//! `SubscriptionCreateParams`).

use crate::Subscription;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// When a plan change takes effect, as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentTiming {
    /// Now, prorated unless asked otherwise.
    Immediately,
    /// When the paid period ends; nothing is charged now.
    AtEndOfCurrentBillingPeriod,
    /// Upgrades now, downgrades (and lateral moves) at the end of the period.
    #[default]
    Auto,
}

/// When a plan change took effect (`auto` resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResolvedAdjustmentTiming {
    /// Applied now.
    Immediately,
    /// Scheduled for the end of the current billing period.
    AtEndOfCurrentBillingPeriod,
}

/// One item of the plan to move to (`TerseSubscriptionItem`): a price by id
/// or by slug (exactly one), and how many.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TerseSubscriptionItem {
    /// The price's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The price's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// Units; absent means one. A JSON number, checked by the server
    /// (`Quantity::from_wire`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
}

/// Body of the route's `subscriptions/adjust` (the hook's
/// `adjustSubscription`): one of `priceSlug`, `priceId` (with `quantity`) or
/// `subscriptionItems`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdjustSubscriptionParams {
    /// The subscription; may be left out when the customer has exactly one
    /// current subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// When; absent means `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<AdjustmentTiming>,
    /// Whether to prorate an immediate change; absent means yes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prorate: Option<bool>,
    /// The price to move to, by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// The price to move to, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// Units of that price; absent means one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// The whole plan to move to, item by item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_items: Option<Vec<TerseSubscriptionItem>>,
}

/// Why [`AdjustSubscriptionParams::new_items`] refused a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustParamsError {
    /// None, or more than one, of `priceSlug`, `priceId`, `subscriptionItems`.
    NotExactlyOneForm,
    /// An item names neither or both of `priceId` and `priceSlug`.
    ItemPrice,
    /// `quantity` given beside `subscriptionItems` (each item has its own).
    QuantityWithItems,
    /// An empty `subscriptionItems`.
    NoItems,
}

impl AdjustParamsError {
    /// What the caller is told.
    pub fn message(self) -> &'static str {
        match self {
            Self::NotExactlyOneForm => {
                "Give exactly one of priceSlug, priceId or subscriptionItems."
            }
            Self::ItemPrice => "Each subscription item needs exactly one of priceId or priceSlug.",
            Self::QuantityWithItems => {
                "quantity goes on each of subscriptionItems, not beside them."
            }
            Self::NoItems => "subscriptionItems must name at least one price.",
        }
    }
}

impl AdjustSubscriptionParams {
    /// The plan asked for as items, whichever of the three forms was used
    /// (Flowglad's server SDK turns them into `newSubscriptionItems` the
    /// same way).
    pub fn new_items(&self) -> Result<Vec<TerseSubscriptionItem>, AdjustParamsError> {
        let forms = [
            self.price_slug.is_some(),
            self.price_id.is_some(),
            self.subscription_items.is_some(),
        ];
        if forms.iter().filter(|given| **given).count() != 1 {
            return Err(AdjustParamsError::NotExactlyOneForm);
        }
        let items = match &self.subscription_items {
            Some(items) => {
                if self.quantity.is_some() {
                    return Err(AdjustParamsError::QuantityWithItems);
                }
                items.clone()
            }
            None => vec![TerseSubscriptionItem {
                price_id: self.price_id.clone(),
                price_slug: self.price_slug.clone(),
                quantity: self.quantity,
            }],
        };
        if items.is_empty() {
            return Err(AdjustParamsError::NoItems);
        }
        if items
            .iter()
            .any(|i| i.price_id.is_some() == i.price_slug.is_some())
        {
            return Err(AdjustParamsError::ItemPrice);
        }
        Ok(items)
    }
}

/// The `adjustment` of the platform API's
/// `POST /api/v1/subscriptions/{id}/adjust`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionAdjustment {
    /// When.
    pub timing: AdjustmentTiming,
    /// The whole plan to move to.
    pub new_subscription_items: Vec<TerseSubscriptionItem>,
    /// Whether to prorate an immediate change; absent means yes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prorate_current_billing_period: Option<bool>,
}

/// Body of the platform API's `POST /api/v1/subscriptions/{id}/adjust`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformAdjustSubscription {
    /// The change.
    pub adjustment: SubscriptionAdjustment,
}

/// One item of a subscription (`SubscriptionAdjustResponse.SubscriptionItem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionItem {
    /// Platform id.
    pub id: String,
    /// The subscription it belongs to.
    #[serde(default)]
    pub subscription_id: String,
    /// The price it bills.
    #[serde(default)]
    pub price_id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Units.
    #[serde(default)]
    pub quantity: u32,
    /// Price of one unit, in the currency's minor unit.
    #[serde(default)]
    pub unit_price: i64,
    /// Always `static` here.
    #[serde(default, rename = "type")]
    pub item_type: String,
    /// When it was added, epoch milliseconds.
    #[serde(default)]
    pub added_date: i64,
    /// When it stopped applying (a replaced item), epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_at: Option<i64>,
    /// The merchant's id for it.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Whether made by hand in the dashboard.
    #[serde(default)]
    pub manually_created: bool,
    /// The pricing model.
    #[serde(default)]
    pub pricing_model_id: String,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
}

/// `data` of `subscriptions/adjust`, and the platform API's answer
/// (`SubscriptionAdjustResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdjustSubscriptionResponse {
    /// The subscription after the change (or with the change scheduled).
    pub subscription: Subscription,
    /// Its items after the change.
    pub subscription_items: Vec<SubscriptionItem>,
    /// Whether the new plan costs more per period than the old.
    pub is_upgrade: bool,
    /// When the change took (or takes) effect.
    pub resolved_timing: ResolvedAdjustmentTiming,
}

/// Body of the route's `subscriptions/create` (`createSubscriptionSchema`)
/// and of the platform API's `POST /api/v1/subscriptions`
/// (`SubscriptionCreateParams`). The route always subscribes the signed-in
/// customer: a `customerId` that is theirs is accepted (Flowglad's schema
/// requires one), anyone else's is refused, as are the merchant-only fields
/// ([`Self::merchant_only_fields`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateSubscriptionParams {
    /// The platform's id of the customer (`cus_…`). The route subscribes
    /// the signed-in customer and refuses another customer's id; the
    /// platform API needs this or `customerExternalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The merchant's id of the customer (`@flowglad/node`'s
    /// `customerExternalId`): the platform API's other way to name them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_external_id: Option<String>,
    /// The price, by id (exactly one of this and `priceSlug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The price, by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// Units; absent means one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// When the trial ends, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_end: Option<i64>,
    /// The merchant's data kept on the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The card to bill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_payment_method_id: Option<String>,
    /// Create it without charging anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_charge: Option<bool>,
    /// When it starts (ISO 8601); Flowglad's field, refused by this server
    /// (subscriptions start now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Another billing interval than the price's; Flowglad's field, refused
    /// by this server (the price's interval applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Intervals per period; refused like `interval`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_count: Option<f64>,
    /// The card to try when the default fails; Flowglad's field, refused by
    /// this server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_payment_method_id: Option<String>,
}

impl CreateSubscriptionParams {
    /// The fields set that only the merchant's server decides (Flowglad
    /// names), in a fixed order: a browser's `subscriptions/create` may send
    /// none of them.
    pub fn merchant_only_fields(&self) -> Vec<&'static str> {
        [
            ("trialEnd", self.trial_end.is_some()),
            ("startDate", self.start_date.is_some()),
            ("interval", self.interval.is_some()),
            ("intervalCount", self.interval_count.is_some()),
            (
                "defaultPaymentMethodId",
                self.default_payment_method_id.is_some(),
            ),
            (
                "backupPaymentMethodId",
                self.backup_payment_method_id.is_some(),
            ),
            ("customerExternalId", self.customer_external_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

/// `data` of `subscriptions/create`, and the platform API's answer
/// (`SubscriptionCreateResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateSubscriptionResponse {
    /// The new subscription.
    pub subscription: Subscription,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(body: Value) -> AdjustSubscriptionParams {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn the_three_forms_become_items() {
        let by_slug = params(json!({"priceSlug": "pro-yearly", "quantity": 2}));
        assert_eq!(
            by_slug.new_items().unwrap(),
            vec![TerseSubscriptionItem {
                price_slug: Some("pro-yearly".into()),
                quantity: Some(2.0),
                ..Default::default()
            }]
        );
        let by_id = params(json!({"priceId": "price_pro_yearly"}));
        assert_eq!(
            by_id.new_items().unwrap()[0].price_id.as_deref(),
            Some("price_pro_yearly")
        );
        let items =
            params(json!({"subscriptionItems": [{"priceSlug": "pro-yearly", "quantity": 3}]}));
        assert_eq!(items.new_items().unwrap()[0].quantity, Some(3.0));
        assert_eq!(by_slug.timing, None);
        assert_eq!(AdjustmentTiming::default(), AdjustmentTiming::Auto);
    }

    #[test]
    fn ambiguous_or_empty_bodies_are_refused() {
        let err = |body| params(body).new_items().unwrap_err();
        assert_eq!(err(json!({})), AdjustParamsError::NotExactlyOneForm);
        assert_eq!(
            err(json!({"priceSlug": "a", "priceId": "b"})),
            AdjustParamsError::NotExactlyOneForm
        );
        assert_eq!(
            err(json!({"subscriptionItems": []})),
            AdjustParamsError::NoItems
        );
        assert_eq!(
            err(json!({"subscriptionItems": [{"priceSlug": "a", "priceId": "b"}]})),
            AdjustParamsError::ItemPrice
        );
        assert_eq!(
            err(json!({"subscriptionItems": [{"quantity": 1}]})),
            AdjustParamsError::ItemPrice
        );
        assert_eq!(
            err(json!({"subscriptionItems": [{"priceSlug": "a"}], "quantity": 2})),
            AdjustParamsError::QuantityWithItems
        );
    }

    #[test]
    fn create_body_reads_flowglad_names() {
        let body: CreateSubscriptionParams = serde_json::from_value(json!({
            "customerId": "cus_1", "priceSlug": "hobby", "quantity": 1,
            "startDate": "2026-01-01T00:00:00Z", "interval": "month", "intervalCount": 2,
            "backupPaymentMethodId": "pm_2", "doNotCharge": false
        }))
        .unwrap();
        assert_eq!(body.customer_id.as_deref(), Some("cus_1"));
        assert_eq!(
            body.merchant_only_fields(),
            vec![
                "startDate",
                "interval",
                "intervalCount",
                "backupPaymentMethodId"
            ]
        );
        assert!(CreateSubscriptionParams::default()
            .merchant_only_fields()
            .is_empty());
    }

    #[test]
    fn platform_body_uses_flowglad_names() {
        let body = PlatformAdjustSubscription {
            adjustment: SubscriptionAdjustment {
                timing: AdjustmentTiming::AtEndOfCurrentBillingPeriod,
                new_subscription_items: vec![TerseSubscriptionItem {
                    price_slug: Some("pro-monthly".into()),
                    quantity: Some(1.0),
                    ..Default::default()
                }],
                prorate_current_billing_period: None,
            },
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"adjustment": {"timing": "at_end_of_current_billing_period",
                "newSubscriptionItems": [{"priceSlug": "pro-monthly", "quantity": 1.0}]}})
        );
        let resolved: ResolvedAdjustmentTiming = serde_json::from_str("\"immediately\"").unwrap();
        assert_eq!(resolved, ResolvedAdjustmentTiming::Immediately);
    }
}
