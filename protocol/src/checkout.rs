//! Checkout sessions: the route's create parameters and the session record,
//! in Flowglad's field names (camelCase, epoch-millisecond timestamps).

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::quantity::MAX_QUANTITY;
use crate::quantity::{AdjustableQuantity, Quantity, QuantityBounds};
use crate::tax_id::TaxId;

/// Body of `checkout-sessions/create` (a product checkout).
///
/// Exactly one of `price_id` / `price_slug`. URLs are optional on the wire
/// only so that their absence gets a precise error instead of a parse failure.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "priceSlug": "onboarding", "quantity": 1,
    "successUrl": "https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}",
    "cancelUrl": "https://shop.example/pricing"
})))]
#[serde(rename_all = "camelCase")]
pub struct CreateProductCheckoutSessionParams {
    /// The price's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The price's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// Units to buy; JSON numbers are doubles, so it is read as one and checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Where to go after paying; may contain `{CHECKOUT_SESSION_ID}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where to go when the customer gives up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Copied onto the resulting purchase or subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the resulting purchase or subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_name: Option<String>,
    /// Several prices in one checkout (instead of `price_id` / `price_slug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_items: Option<Vec<LineItemParams>>,
    /// The merchant's own reference, returned on the session, the purchase and webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Prefills the email on the hosted page and locks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// Prefills a discount code on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_code: Option<String>,
    /// Shows a discount-code field on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_promotion_codes: Option<bool>,
    /// Whether the hosted page asks for a billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address_collection: Option<BillingAddressCollection>,
    /// Free-trial days for a subscription price (overrides the price's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<f64>,
    /// When the session stops accepting payment, epoch milliseconds (default: 24 h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<f64>,
    /// Lets the customer change the quantity on the hosted page, within bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustable_quantity: Option<AdjustableQuantity>,
    /// Offers an optional "purchasing as a business" tax ID on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id_collection: Option<bool>,
}

/// The create options only the merchant's server may set, by their wire
/// names. A browser that sends one to the server route is refused with
/// `field_not_allowed` unless the merchant's checkout policy decides it;
/// the platform API (secret key) accepts them all.
pub const MERCHANT_ONLY_FIELDS: [&str; 9] = [
    "trialDays",
    "requestId",
    "discountCode",
    "allowPromotionCodes",
    "billingAddressCollection",
    "customerEmail",
    "expiresAt",
    "adjustableQuantity",
    "taxIdCollection",
];

/// The merchant-only options of a product checkout (see
/// [`MERCHANT_ONLY_FIELDS`]), split off the create parameters so that the
/// route can hand what a browser asked for to the merchant's policy and
/// apply only what the policy decides.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantCheckoutOptions {
    /// The merchant's own reference, returned on the session, the purchase and webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Prefills the email on the hosted page and locks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// Prefills a discount code on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_code: Option<String>,
    /// Shows a discount-code field on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_promotion_codes: Option<bool>,
    /// Whether the hosted page asks for a billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address_collection: Option<BillingAddressCollection>,
    /// Free-trial days for a subscription price (overrides the price's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<f64>,
    /// When the session stops accepting payment, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<f64>,
    /// Lets the customer change the quantity on the hosted page, within bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustable_quantity: Option<AdjustableQuantity>,
    /// Offers an optional tax ID on the hosted page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id_collection: Option<bool>,
}

impl MerchantCheckoutOptions {
    /// Moves the merchant-only options out of `params`, leaving only what a
    /// browser may ask for.
    pub fn take_from(params: &mut CreateProductCheckoutSessionParams) -> Self {
        Self {
            request_id: params.request_id.take(),
            customer_email: params.customer_email.take(),
            discount_code: params.discount_code.take(),
            allow_promotion_codes: params.allow_promotion_codes.take(),
            billing_address_collection: params.billing_address_collection.take(),
            trial_days: params.trial_days.take(),
            expires_at: params.expires_at.take(),
            adjustable_quantity: params.adjustable_quantity.take(),
            tax_id_collection: params.tax_id_collection.take(),
        }
    }

    /// Sets these options on `params` (replacing whatever it had).
    pub fn apply_to(self, params: &mut CreateProductCheckoutSessionParams) {
        params.request_id = self.request_id;
        params.customer_email = self.customer_email;
        params.discount_code = self.discount_code;
        params.allow_promotion_codes = self.allow_promotion_codes;
        params.billing_address_collection = self.billing_address_collection;
        params.trial_days = self.trial_days;
        params.expires_at = self.expires_at;
        params.adjustable_quantity = self.adjustable_quantity;
        params.tax_id_collection = self.tax_id_collection;
    }

    /// The wire names of the options that are set, in [`MERCHANT_ONLY_FIELDS`] order.
    pub fn set_fields(&self) -> Vec<&'static str> {
        let set = [
            self.trial_days.is_some(),
            self.request_id.is_some(),
            self.discount_code.is_some(),
            self.allow_promotion_codes.is_some(),
            self.billing_address_collection.is_some(),
            self.customer_email.is_some(),
            self.expires_at.is_some(),
            self.adjustable_quantity.is_some(),
            self.tax_id_collection.is_some(),
        ];
        MERCHANT_ONLY_FIELDS
            .iter()
            .zip(set)
            .filter_map(|(name, set)| set.then_some(*name))
            .collect()
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        self.set_fields().is_empty()
    }
}

/// What a browser may send to the route's `checkout-sessions/create`: the
/// fields of Flowglad's own client. `outputMetadata` and `outputName` are
/// the customer's input like the rest (copied onto the purchase or
/// subscription as sent): never trust them for prices, entitlements or
/// order matching. Anything in [`MERCHANT_ONLY_FIELDS`] is refused; other
/// unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "priceSlug": "pro-monthly", "quantity": 1,
    "successUrl": "https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}",
    "cancelUrl": "https://shop.example/pricing"
})))]
#[serde(rename_all = "camelCase")]
pub struct BrowserCheckoutSessionParams {
    /// The price's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The price's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// Units to buy (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Several catalog prices in one checkout (instead of `priceId` / `priceSlug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_items: Option<Vec<LineItemParams>>,
    /// Where to go after paying; may contain `{CHECKOUT_SESSION_ID}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where to go when the customer gives up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Customer-controlled: copied onto the resulting purchase or subscription as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_metadata: Option<Map<String, Value>>,
    /// Customer-controlled: the name of the resulting purchase or subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_name: Option<String>,
}

/// One price of a multi-line checkout.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LineItemParams {
    /// The price's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The price's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_slug: Option<String>,
    /// Units of it (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
}

/// Whether the hosted page collects a billing address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BillingAddressCollection {
    /// Only when the payment method needs it.
    Auto,
    /// Always.
    Required,
}

/// Which price a checkout is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceRef {
    /// By id.
    Id(String),
    /// By slug.
    Slug(String),
}

impl PriceRef {
    /// Exactly one of id or slug; blank strings count as absent.
    pub fn from_parts(id: Option<&str>, slug: Option<&str>) -> Result<Self, ErrorCode> {
        let id = id.map(str::trim).filter(|s| !s.is_empty());
        let slug = slug.map(str::trim).filter(|s| !s.is_empty());
        match (id, slug) {
            (Some(id), None) => Ok(Self::Id(id.to_owned())),
            (None, Some(slug)) => Ok(Self::Slug(slug.to_owned())),
            (Some(_), Some(_)) => Err(ErrorCode::PriceAmbiguous),
            (None, None) => Err(ErrorCode::PriceMissing),
        }
    }
}

/// Checks a quantity from the wire: absent means 1; otherwise a whole number
/// from 1 to [`MAX_QUANTITY`].
/// ([`Quantity::from_wire`], as a bare number and code.)
pub fn validate_quantity(quantity: Option<f64>) -> Result<u32, ErrorCode> {
    Quantity::from_wire(quantity)
        .map(Quantity::get)
        .map_err(|e| e.code())
}

impl CreateProductCheckoutSessionParams {
    /// The referenced price, checked for exactly-one-of.
    pub fn price_ref(&self) -> Result<PriceRef, ErrorCode> {
        PriceRef::from_parts(self.price_id.as_deref(), self.price_slug.as_deref())
    }
}

/// What kind of checkout a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckoutSessionType {
    /// Buy a product's price (makes a purchase or a subscription).
    Product,
    /// Complete an existing purchase.
    Purchase,
    /// Save a payment method; nothing is charged.
    AddPaymentMethod,
    /// Start billing an existing subscription.
    ActivateSubscription,
    /// Pay an existing invoice.
    Invoice,
}

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckoutSessionStatus {
    /// Waiting for the customer.
    Open,
    /// A payment is being processed.
    Pending,
    /// Paid.
    Succeeded,
    /// The payment failed for good.
    Failed,
    /// Past its expiry; can no longer be paid.
    Expired,
}

impl CheckoutSessionStatus {
    /// The wire form, e.g. `succeeded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }

    /// Parses the wire form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "open" => Self::Open,
            "pending" => Self::Pending,
            "succeeded" => Self::Succeeded,
            "failed" => Self::Failed,
            "expired" => Self::Expired,
            _ => return None,
        })
    }
}

/// Whether a session's money has been collected, in Stripe's words (a
/// superset: Flowglad's session has only `status`).
///
/// `paid` once a succeeded session charged something; `no_payment_required`
/// once a succeeded session charged nothing (saving a card, a subscription
/// starting with a free trial, a total discounted to zero): the customer
/// completed checkout and owes nothing today; `unpaid` while the session is
/// open, pending, failed or expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The session succeeded and charged an amount above zero.
    Paid,
    /// Nothing has been collected (yet, or ever: failed or expired).
    Unpaid,
    /// The session succeeded without charging anything.
    NoPaymentRequired,
}

impl PaymentStatus {
    /// The status of a session in `status` that charges `due_today` minor
    /// units when paid.
    pub fn of(status: CheckoutSessionStatus, due_today: i64) -> Self {
        match status {
            CheckoutSessionStatus::Succeeded if due_today > 0 => Self::Paid,
            CheckoutSessionStatus::Succeeded => Self::NoPaymentRequired,
            _ => Self::Unpaid,
        }
    }
}

/// What a platform-API create is for, in Stripe's words; checked against
/// the session it describes so a merchant's intent and its prices cannot
/// disagree silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckoutMode {
    /// One-time prices only (a `product` session without a subscription
    /// price, or an `invoice` session).
    Payment,
    /// A subscription: a `product` session with a subscription price, or an
    /// `activate_subscription` session.
    Subscription,
    /// Save a payment method: an `add_payment_method` session.
    Setup,
}

impl CheckoutMode {
    /// The wire form, e.g. `setup`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Subscription => "subscription",
            Self::Setup => "setup",
        }
    }
}

/// A checkout session as the platform API and the server route return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSession {
    /// Unguessable id (`cs_…`).
    pub id: String,
    /// Session kind.
    #[serde(rename = "type")]
    pub session_type: CheckoutSessionType,
    /// Lifecycle state.
    pub status: CheckoutSessionStatus,
    /// The price being bought (product sessions).
    #[serde(default)]
    pub price_id: Option<String>,
    /// Units being bought.
    #[serde(default)]
    pub quantity: Option<u32>,
    /// The customer, when known.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The customer's email, when known.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// The customer's name, when known.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Applied discount.
    #[serde(default)]
    pub discount_id: Option<String>,
    /// The purchase created on success.
    #[serde(default)]
    pub purchase_id: Option<String>,
    /// The subscription the payment created or activated (null before
    /// success, and for sessions that make none). Superset; absent from
    /// Flowglad's answers, hence the default.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Whether money was collected (see [`PaymentStatus`]). Superset: a
    /// remote Flowglad answer has none and reads as `None`.
    #[serde(default)]
    pub payment_status: Option<PaymentStatus>,
    /// The invoice being paid (invoice sessions).
    #[serde(default)]
    pub invoice_id: Option<String>,
    /// Name given to the resulting purchase or subscription.
    #[serde(default)]
    pub output_name: Option<String>,
    /// Metadata copied to the resulting purchase or subscription.
    #[serde(default)]
    pub output_metadata: Option<Map<String, Value>>,
    /// Redirect after success.
    #[serde(default)]
    pub success_url: Option<String>,
    /// Redirect after cancel.
    #[serde(default)]
    pub cancel_url: Option<String>,
    /// Payment method kind used.
    #[serde(default)]
    pub payment_method_type: Option<String>,
    /// The subscription a new payment method is attached to.
    #[serde(default)]
    pub target_subscription_id: Option<String>,
    /// Keep the billing cycle anchor of an existing subscription.
    #[serde(default)]
    pub preserve_billing_cycle_anchor: bool,
    /// Billing address collected at checkout.
    #[serde(default)]
    pub billing_address: Option<Value>,
    /// Update all current subscriptions to a newly added method.
    #[serde(default)]
    pub automatically_update_subscriptions: Option<bool>,
    /// The pricing model the price belongs to.
    #[serde(default)]
    pub pricing_model_id: String,
    /// The selling organization.
    #[serde(default)]
    pub organization_id: String,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// The merchant's own reference (superset: Creem's `request_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The bounds the customer may choose the quantity within on the
    /// hosted page, when the merchant enabled `adjustableQuantity` (superset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustable_quantity: Option<QuantityBounds>,
    /// Whether the hosted page offers a tax ID (superset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id_collection: Option<bool>,
    /// The tax ID the customer gave when paying, normalized (superset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<TaxId>,
    /// Epoch milliseconds after which the session cannot be paid.
    pub expires: i64,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// Epoch milliseconds.
    pub updated_at: i64,
}

/// The body of the platform API's `POST /api/v1/checkout-sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"checkoutSession": {
    "type": "product", "anonymous": true, "priceSlug": "lifetime",
    "successUrl": "https://shop.example/thanks", "cancelUrl": "https://shop.example/pricing"
}})))]
#[serde(rename_all = "camelCase")]
pub struct PlatformCreateCheckoutSession {
    /// The session to create.
    pub checkout_session: PlatformCheckoutSessionInput,
}

/// What a server SDK (`@flowglad/node`) sends to create a session. The
/// product-checkout superset fields of [`CreateProductCheckoutSessionParams`]
/// are accepted too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlatformCheckoutSessionInput {
    /// `product`, `add_payment_method`, `activate_subscription` or `invoice`.
    #[serde(rename = "type")]
    pub session_type: CheckoutSessionType,
    /// The invoice an `invoice` session pays (one of the customer's open invoices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
    /// The merchant's id for the customer (absent for anonymous product sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_external_id: Option<String>,
    /// A product checkout without a customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<bool>,
    /// The subscription an added card or an activation is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_subscription_id: Option<String>,
    /// Move every current subscription to the newly added card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatically_update_subscriptions: Option<bool>,
    /// Keep an existing subscription's billing cycle anchor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_billing_cycle_anchor: Option<bool>,
    /// What the merchant means the session to be; refused with 400
    /// `mode_mismatch` when the type and prices say otherwise, inferred when
    /// absent. Superset (Stripe's `mode`); merchant-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<CheckoutMode>,
    /// The product-checkout fields (price, quantity, URLs, metadata, superset).
    #[serde(flatten)]
    pub product: CreateProductCheckoutSessionParams,
}

/// The platform API's list of sessions (`GET /api/v1/checkout-sessions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CheckoutSessionList {
    /// This page of sessions, newest first.
    pub data: Vec<CheckoutSession>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Sessions matching the filters, over all pages.
    pub total: u64,
    /// The cursor this page was read at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_cursor: Option<String>,
    /// Pass as `cursor` to read the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `data` of a successful create: the session and the hosted page to send the customer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateCheckoutSessionResponse {
    /// The new session.
    pub checkout_session: CheckoutSession,
    /// The hosted checkout page.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_price_reference() {
        assert_eq!(
            PriceRef::from_parts(Some("p"), None),
            Ok(PriceRef::Id("p".into()))
        );
        assert_eq!(
            PriceRef::from_parts(None, Some("pro")),
            Ok(PriceRef::Slug("pro".into()))
        );
        assert_eq!(
            PriceRef::from_parts(Some("p"), Some("s")),
            Err(ErrorCode::PriceAmbiguous)
        );
        assert_eq!(
            PriceRef::from_parts(None, None),
            Err(ErrorCode::PriceMissing)
        );
        assert_eq!(
            PriceRef::from_parts(Some(" "), Some("")),
            Err(ErrorCode::PriceMissing)
        );
    }

    #[test]
    fn quantity_rules() {
        assert_eq!(validate_quantity(None), Ok(1));
        assert_eq!(validate_quantity(Some(3.0)), Ok(3));
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, 1e12] {
            assert_eq!(
                validate_quantity(Some(bad)),
                Err(ErrorCode::InvalidQuantity),
                "{bad}"
            );
        }
        assert_eq!(
            validate_quantity(Some(MAX_QUANTITY as f64)),
            Ok(MAX_QUANTITY)
        );
    }

    #[test]
    fn create_params_round_trip_in_flowglad_names() {
        let p: CreateProductCheckoutSessionParams = serde_json::from_str(
            r#"{"priceSlug":"pro","quantity":2,"successUrl":"https://a/s","cancelUrl":"https://a/c","outputName":"x"}"#,
        )
        .unwrap();
        assert_eq!(p.price_ref(), Ok(PriceRef::Slug("pro".into())));
        assert_eq!(p.quantity, Some(2.0));
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["successUrl"], "https://a/s");
        assert!(v.get("priceId").is_none());
    }

    #[test]
    fn session_reads_flowglad_record() {
        let s: CheckoutSession = serde_json::from_str(
            r#"{"id":"cs_1","type":"product","status":"open","priceId":"p","quantity":1,
                "expires":10,"createdAt":1,"updatedAt":2,"livemode":false,"organizationId":"o",
                "pricingModelId":"pm","customerId":null,"customerEmail":null,"customerName":null,
                "discountId":null,"purchaseId":null,"outputName":null}"#,
        )
        .unwrap();
        assert_eq!(s.status, CheckoutSessionStatus::Open);
        assert_eq!(s.session_type, CheckoutSessionType::Product);
        for st in ["open", "pending", "succeeded", "failed", "expired"] {
            assert_eq!(CheckoutSessionStatus::parse(st).unwrap().as_str(), st);
        }
    }

    #[test]
    fn platform_input_reads_an_invoice_session() {
        let p: PlatformCreateCheckoutSession = serde_json::from_str(
            r#"{"checkoutSession":{"type":"invoice","customerExternalId":"bob","invoiceId":"inv_bob_1",
                "successUrl":"https://a/s","cancelUrl":"https://a/c"}}"#,
        )
        .unwrap();
        let input = p.checkout_session;
        assert_eq!(input.session_type, CheckoutSessionType::Invoice);
        assert_eq!(input.invoice_id.as_deref(), Some("inv_bob_1"));
        assert_eq!(input.product.success_url.as_deref(), Some("https://a/s"));
        let v = serde_json::to_value(&input).unwrap();
        assert_eq!(v["invoiceId"], "inv_bob_1");
        let product: PlatformCheckoutSessionInput =
            serde_json::from_str(r#"{"type":"product","anonymous":true,"priceSlug":"pro"}"#)
                .unwrap();
        assert_eq!(product.invoice_id, None);
        assert!(serde_json::to_value(&product)
            .unwrap()
            .get("invoiceId")
            .is_none());
    }

    #[test]
    fn merchant_only_fields_split_off_and_back() {
        let json = serde_json::json!({
            "priceSlug": "pro", "quantity": 2, "successUrl": "https://a.example/s", "cancelUrl": "https://a.example/c",
            "outputName": "n", "outputMetadata": {"k": 1},
            "trialDays": 730, "requestId": "r", "discountCode": "D", "allowPromotionCodes": true,
            "billingAddressCollection": "required", "customerEmail": "a@b.example", "expiresAt": 5,
            "adjustableQuantity": {"enabled": true, "maximum": 10}, "taxIdCollection": true
        });
        let full: CreateProductCheckoutSessionParams = serde_json::from_value(json).unwrap();
        let mut browser = full.clone();
        let merchant = MerchantCheckoutOptions::take_from(&mut browser);
        // Every merchant-only wire name is split off, in the list's order.
        assert_eq!(merchant.set_fields(), MERCHANT_ONLY_FIELDS.to_vec());
        let left = serde_json::to_value(&browser).unwrap();
        for name in MERCHANT_ONLY_FIELDS {
            assert!(
                left.get(name).is_none(),
                "{name} left on the browser's params"
            );
        }
        // What stays is exactly what a browser may send.
        let browser_only: BrowserCheckoutSessionParams =
            serde_json::from_value(left.clone()).unwrap();
        assert_eq!(serde_json::to_value(browser_only).unwrap(), left);
        merchant.apply_to(&mut browser);
        assert_eq!(browser, full);
        assert!(MerchantCheckoutOptions::default().is_empty());
    }

    #[test]
    fn payment_status_and_subscription_id_default_when_absent() {
        let s: CheckoutSession = serde_json::from_str(
            r#"{"id":"cs_1","type":"product","status":"succeeded","expires":10,"createdAt":1,"updatedAt":2}"#,
        )
        .unwrap();
        assert_eq!(
            (s.payment_status, s.subscription_id.as_deref()),
            (None, None)
        );
        let mut s = s;
        s.payment_status = Some(PaymentStatus::NoPaymentRequired);
        s.subscription_id = Some("sub_1".into());
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["paymentStatus"], "no_payment_required");
        assert_eq!(v["subscriptionId"], "sub_1");
        let back: CheckoutSession = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn payment_status_follows_status_and_amount() {
        use CheckoutSessionStatus as S;
        assert_eq!(PaymentStatus::of(S::Succeeded, 1), PaymentStatus::Paid);
        assert_eq!(
            PaymentStatus::of(S::Succeeded, 0),
            PaymentStatus::NoPaymentRequired
        );
        for st in [S::Open, S::Pending, S::Failed, S::Expired] {
            assert_eq!(PaymentStatus::of(st, 500), PaymentStatus::Unpaid, "{st:?}");
        }
        for (status, wire) in [
            (PaymentStatus::Paid, "paid"),
            (PaymentStatus::Unpaid, "unpaid"),
            (PaymentStatus::NoPaymentRequired, "no_payment_required"),
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), wire);
        }
    }

    #[test]
    fn platform_input_reads_an_optional_mode() {
        for mode in [
            CheckoutMode::Payment,
            CheckoutMode::Subscription,
            CheckoutMode::Setup,
        ] {
            let p: PlatformCheckoutSessionInput = serde_json::from_value(serde_json::json!({
                "type": "product", "anonymous": true, "priceSlug": "pro", "mode": mode.as_str()
            }))
            .unwrap();
            assert_eq!(p.mode, Some(mode));
            assert_eq!(serde_json::to_value(&p).unwrap()["mode"], mode.as_str());
        }
        let p: PlatformCheckoutSessionInput =
            serde_json::from_str(r#"{"type":"product","anonymous":true,"priceSlug":"pro"}"#)
                .unwrap();
        assert_eq!(p.mode, None);
        assert!(serde_json::to_value(&p).unwrap().get("mode").is_none());
        assert!(serde_json::from_str::<PlatformCheckoutSessionInput>(
            r#"{"type":"product","mode":"donation"}"#
        )
        .is_err());
    }
}
