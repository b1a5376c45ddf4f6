//! A customer's billing details and the billing-panel actions, in
//! `@flowglad/node`'s shapes (`CustomerRetrieveBillingResponse` and friends).
//!
//! As with the pricing model, reading is lenient (optional fields default,
//! unknown enum values are kept as `Other`) so the widget works with any
//! Flowglad-compatible server, and writing emits the fields Flowglad's clients
//! read.

use crate::{
    AggregationType, FeatureType, IntervalUnit, PriceType, PricingModel, RenewalFrequency,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A customer of the merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Platform id.
    pub id: String,
    /// The merchant's own id for the customer.
    #[serde(default)]
    pub external_id: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Archived customers cannot buy.
    #[serde(default)]
    pub archived: bool,
    /// Web domain, if the customer is a company.
    #[serde(default)]
    pub domain: Option<String>,
    /// Icon image.
    #[serde(default, rename = "iconURL")]
    pub icon_url: Option<String>,
    /// Logo image.
    #[serde(default, rename = "logoURL")]
    pub logo_url: Option<String>,
    /// Prefix of the customer's invoice numbers.
    #[serde(default)]
    pub invoice_number_base: Option<String>,
    /// Linked platform user.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Billing address (kept opaque).
    #[serde(default)]
    pub billing_address: Option<Value>,
    /// The selling organization.
    #[serde(default)]
    pub organization_id: String,
    /// The customer's pricing model.
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

/// `GET /api/v1/customers/{externalId}` of the platform API: `{customer}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerResponse {
    /// The customer.
    pub customer: Customer,
}

/// Body of the platform API's `POST /api/v1/customers`: `{customer: {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCustomerParams {
    /// The customer to create.
    pub customer: CreateCustomerInput,
}

/// Who a new customer is: the merchant's id for them, their name and email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomerInput {
    /// The merchant's own id for the customer.
    pub external_id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// Answer of `POST /api/v1/customers`: `{data: {customer}}`, as `@flowglad/node` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCustomerResponse {
    /// The customer, created or (for an external id already known) found.
    pub data: CustomerResponse,
}

/// Body of `customers/update` on the server route and of
/// `PUT /api/v1/customers/{externalId}` on the platform API:
/// `{customer: {…}, externalId?}`, `@flowglad/shared`'s `updateCustomerSchema`
/// (which `@flowglad/server` forwards unchanged to the platform).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateCustomerParams {
    /// What to change.
    pub customer: UpdateCustomerInput,
    /// The customer's external id; on the route only the signed-in
    /// customer's own is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// The fields of a customer update. Only `name` and `email` can change
/// here; the rest of Flowglad's fields are read so that setting one is a
/// clear error instead of being silently dropped.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UpdateCustomerInput {
    /// The customer's platform id (`cus_…`), as Flowglad's route schema
    /// requires it; when given it must be the customer's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number (not kept by this platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Value>,
    /// Billing address (not kept by this platform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Value>,
    /// Archive flag (platform only; not supported here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<Value>,
    /// Domain (platform only; not supported here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Value>,
    /// Icon URL (platform only; not supported here).
    #[serde(default, rename = "iconURL", skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<Value>,
    /// Logo URL (platform only; not supported here).
    #[serde(default, rename = "logoURL", skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<Value>,
    /// User id (platform only; not supported here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Value>,
}

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

/// A saved payment method (`PaymentMethodClientSelectSchema`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    /// Platform id.
    pub id: String,
    /// The owning customer.
    #[serde(default)]
    pub customer_id: String,
    /// `card`, `link`, `us_bank_account` or `sepa_debit`.
    #[serde(rename = "type", default = "card_type")]
    pub method_type: String,
    /// Whether it is the customer's default.
    #[serde(default)]
    pub default: bool,
    /// Name, email and address on the method (kept opaque).
    #[serde(default)]
    pub billing_details: Value,
    /// Method-specific data; for cards `brand`, `last4`, `expMonth`, `expYear`.
    #[serde(default)]
    pub payment_method_data: Map<String, Value>,
    /// Merchant metadata.
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
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

fn card_type() -> String {
    "card".to_owned()
}

impl PaymentMethod {
    /// Brand, last four digits and expiry of a card, read from
    /// `paymentMethodData` in either camelCase or Stripe's snake_case.
    pub fn card(&self) -> Option<crate::hosted::CardSummary> {
        let data = &self.payment_method_data;
        let text = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_owned);
        let number = |a: &str, b: &str| {
            data.get(a)
                .or_else(|| data.get(b))
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        Some(crate::hosted::CardSummary {
            brand: text("brand")?,
            last4: text("last4")?,
            exp_month: number("expMonth", "exp_month")?,
            exp_year: number("expYear", "exp_year")?,
        })
    }
}

/// A purchase: what a customer bought, one-time or recurring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Purchase {
    /// Platform id.
    pub id: String,
    /// The buyer.
    #[serde(default)]
    pub customer_id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The price bought.
    #[serde(default)]
    pub price_id: String,
    /// How that price charges.
    #[serde(default = "single_payment")]
    pub price_type: PriceType,
    /// Units bought.
    #[serde(default = "one")]
    pub quantity: u32,
    /// `open`, `pending`, `failed`, `paid`, `refunded`, `partial_refund` or `fraudulent`.
    #[serde(default)]
    pub status: String,
    /// Amount of the first invoice, minor units.
    #[serde(default)]
    pub first_invoice_value: i64,
    /// Total value for one-time purchases, minor units.
    #[serde(default)]
    pub total_purchase_value: Option<i64>,
    /// Amount per period for subscription purchases, minor units.
    #[serde(default)]
    pub price_per_billing_cycle: Option<i64>,
    /// Interval unit for subscription purchases.
    #[serde(default)]
    pub interval_unit: Option<IntervalUnit>,
    /// Interval units per period for subscription purchases.
    #[serde(default)]
    pub interval_count: Option<u32>,
    /// Trial length for subscription purchases.
    #[serde(default)]
    pub trial_period_days: Option<u32>,
    /// When it was bought, epoch milliseconds.
    #[serde(default)]
    pub purchase_date: Option<i64>,
    /// When it ended, epoch milliseconds.
    #[serde(default)]
    pub end_date: Option<i64>,
    /// Merchant metadata (`outputMetadata` of the checkout).
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// The `requestId` of the checkout that made it (superset: Creem's `request_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Hidden from the customer.
    #[serde(default)]
    pub archived: Option<bool>,
    /// Bank transfer only.
    #[serde(default)]
    pub bank_payment_only: Option<bool>,
    /// Ordering among purchases.
    #[serde(default)]
    pub position: i64,
    /// Proposal text.
    #[serde(default)]
    pub proposal: Option<String>,
    /// Billing cycle anchor, epoch milliseconds.
    #[serde(default)]
    pub billing_cycle_anchor: Option<i64>,
    /// Billing address (kept opaque).
    #[serde(default)]
    pub billing_address: Option<Value>,
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

fn single_payment() -> PriceType {
    PriceType::SinglePayment
}

fn one() -> u32 {
    1
}

/// An invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// Platform id.
    pub id: String,
    /// The billed customer.
    #[serde(default)]
    pub customer_id: String,
    /// Human number, e.g. `ACME-0001`.
    #[serde(default)]
    pub invoice_number: String,
    /// `draft`, `open`, `paid`, `uncollectible`, `void`, `refunded`, …
    #[serde(default)]
    pub status: String,
    /// `purchase`, `subscription` or `standalone`.
    #[serde(rename = "type", default)]
    pub invoice_type: String,
    /// ISO 4217 code.
    #[serde(default)]
    pub currency: String,
    /// Epoch milliseconds.
    #[serde(default)]
    pub invoice_date: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub due_date: Option<i64>,
    /// Sum of the line items, minor units.
    #[serde(default)]
    pub subtotal: Option<i64>,
    /// Tax, minor units.
    #[serde(default)]
    pub tax_amount: Option<i64>,
    /// The purchase billed (purchase invoices).
    #[serde(default)]
    pub purchase_id: Option<String>,
    /// The subscription billed (subscription invoices).
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Note to the customer.
    #[serde(default)]
    pub memo: Option<String>,
    /// Downloadable invoice.
    #[serde(default, rename = "pdfURL")]
    pub pdf_url: Option<String>,
    /// Downloadable receipt.
    #[serde(default, rename = "receiptPdfURL")]
    pub receipt_pdf_url: Option<String>,
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

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineItem {
    /// Platform id.
    pub id: String,
    /// The invoice it belongs to.
    #[serde(default)]
    pub invoice_id: String,
    /// What was billed.
    #[serde(default)]
    pub description: Option<String>,
    /// Price per unit, minor units.
    #[serde(default)]
    pub price: i64,
    /// The catalog price, when there is one.
    #[serde(default)]
    pub price_id: Option<String>,
    /// Units billed.
    #[serde(default = "one")]
    pub quantity: u32,
    /// `static` or `usage`.
    #[serde(rename = "type", default)]
    pub line_type: String,
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

/// An invoice with its lines, as `customers/billing` lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvoiceWithLineItems {
    /// The invoice.
    pub invoice: Invoice,
    /// Its lines.
    #[serde(default)]
    pub invoice_line_items: Vec<InvoiceLineItem>,
}

/// `data` of `customers/billing`: everything a billing panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerBilling {
    /// The signed-in customer.
    pub customer: Customer,
    /// All their subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    /// The subscription that currently grants access, if any.
    #[serde(default)]
    pub current_subscription: Option<Subscription>,
    /// Every subscription that currently grants access.
    #[serde(default)]
    pub current_subscriptions: Option<Vec<Subscription>>,
    /// What they bought.
    #[serde(default)]
    pub purchases: Vec<Purchase>,
    /// Their invoices with lines.
    #[serde(default)]
    pub invoices: Vec<InvoiceWithLineItems>,
    /// Their saved payment methods.
    #[serde(default)]
    pub payment_methods: Vec<PaymentMethod>,
    /// The pricing model that applies to them.
    pub pricing_model: PricingModel,
    /// The same pricing model under its old name (Flowglad still sends both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<PricingModel>,
    /// A page where the customer manages billing themselves.
    #[serde(default)]
    pub billing_portal_url: Option<String>,
}

/// One page of records, in `@flowglad/node`'s list shape: `data` of the
/// route's `payment-methods/list`, `invoices/list` and `purchases/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordList<T> {
    /// The records, newest first.
    pub data: Vec<T>,
    /// Whether another page follows.
    #[serde(default)]
    pub has_more: bool,
    /// Records over all pages.
    #[serde(default)]
    pub total: u64,
    /// The cursor this page was read at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_cursor: Option<String>,
    /// Pass as `cursor` to read the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> RecordList<T> {
    /// Every record on one page.
    pub fn complete(data: Vec<T>) -> Self {
        let total = u64::try_from(data.len()).unwrap_or(u64::MAX);
        Self {
            data,
            has_more: false,
            total,
            current_cursor: None,
            next_cursor: None,
        }
    }
}

/// `data` of `payment-methods/list`.
pub type PaymentMethodList = RecordList<PaymentMethod>;
/// `data` of `invoices/list` (invoices without their lines, as `@flowglad/node` lists them).
pub type InvoiceList = RecordList<Invoice>;
/// `data` of `purchases/list`.
pub type PurchaseList = RecordList<Purchase>;

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

/// Body of `checkout-sessions/create-add-payment-method`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateAddPaymentMethodCheckoutSessionParams {
    /// Where to go after saving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where to go on cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Make the new card this subscription's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_subscription_id: Option<String>,
    /// Copied onto the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_name: Option<String>,
}

/// Body of `checkout-sessions/create-activate-subscription`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateActivateSubscriptionCheckoutSessionParams {
    /// Where to go after paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    /// Where to go on cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// The subscription to start billing (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_subscription_id: Option<String>,
    /// The price to bill it at, when it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// Copied onto the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_metadata: Option<Map<String, Value>>,
    /// Name of the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_name: Option<String>,
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
    fn card_details_come_from_payment_method_data_in_either_casing() {
        let camel: PaymentMethod = serde_json::from_str(
            r#"{"id":"pm","type":"card","paymentMethodData":{"brand":"visa","last4":"4242","expMonth":12,"expYear":2030}}"#,
        )
        .unwrap();
        let snake: PaymentMethod = serde_json::from_str(
            r#"{"id":"pm","paymentMethodData":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}}"#,
        )
        .unwrap();
        assert_eq!(camel.card(), snake.card());
        assert_eq!(camel.card().unwrap().last4, "4242");
        let bank: PaymentMethod =
            serde_json::from_str(r#"{"id":"pm","type":"sepa_debit"}"#).unwrap();
        assert_eq!(bank.card(), None);
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

    #[test]
    fn record_lists_use_the_node_list_shape() {
        let list: PaymentMethodList = serde_json::from_str(
            r#"{"data":[{"id":"pm_1","paymentMethodData":{"brand":"visa","last4":"4242","expMonth":1,"expYear":2031}}],
                "hasMore":false,"total":1}"#,
        )
        .unwrap();
        assert_eq!(list.data[0].card().unwrap().exp_year, 2031);
        let v = serde_json::to_value(RecordList::complete(vec![1, 2, 3])).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"data":[1,2,3],"hasMore":false,"total":3})
        );
    }

    #[test]
    fn billing_reads_with_only_the_essentials() {
        let b: CustomerBilling = serde_json::from_str(
            r#"{"customer":{"id":"cus_1"},"pricingModel":{"id":"pm"},"invoices":[{"invoice":{"id":"inv_1"},"invoiceLineItems":[{"id":"li","price":500}]}]}"#,
        )
        .unwrap();
        assert_eq!(b.customer.id, "cus_1");
        assert_eq!(b.invoices[0].invoice_line_items[0].quantity, 1);
        assert!(b.current_subscription.is_none());
    }

    /// `updateCustomerSchema`'s shape reads with Flowglad's spellings
    /// (`iconURL`, `billingAddress`), and a body written for the platform
    /// carries only what is set.
    #[test]
    fn a_customer_update_reads_flowglads_fields_and_writes_only_what_is_set() {
        let p: UpdateCustomerParams = serde_json::from_str(
            r#"{"customer":{"id":"cus_1","name":"A","iconURL":"https://x.example/i.png",
                "billingAddress":{"address":{"country":"US"}}},"externalId":"alice"}"#,
        )
        .unwrap();
        assert_eq!(p.customer.id.as_deref(), Some("cus_1"));
        assert_eq!(p.customer.name.as_deref(), Some("A"));
        assert!(p.customer.icon_url.is_some() && p.customer.billing_address.is_some());
        assert_eq!(p.external_id.as_deref(), Some("alice"));
        let out = UpdateCustomerParams {
            customer: UpdateCustomerInput {
                email: Some("a@example.com".into()),
                ..UpdateCustomerInput::default()
            },
            external_id: None,
        };
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"customer":{"email":"a@example.com"}}"#
        );
    }
}
