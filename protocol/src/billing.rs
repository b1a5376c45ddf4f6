//! A customer's billing details and the billing-panel actions, in
//! `@flowglad/node`'s shapes (`CustomerRetrieveBillingResponse` and friends).
//!
//! As with the pricing model, reading is lenient (optional fields default,
//! unknown enum values are kept as `Other`) so the widget works with any
//! Flowglad-compatible server, and writing emits the fields Flowglad's clients
//! read.

use crate::{Customer, IntervalUnit, PriceType, PricingModel, Subscription};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
    /// The business tax ID given at checkout (superset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<crate::tax_id::TaxId>,
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

/// `data` of `payment-methods/list` (and of our `payment-methods/remove` and
/// `payment-methods/set-default`: the cards after the change).
pub type PaymentMethodList = RecordList<PaymentMethod>;

/// Body of `payment-methods/remove` and `payment-methods/set-default`, our
/// extensions beyond Flowglad's protocol: one of the signed-in customer's
/// saved cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentMethodParams {
    /// The saved card (`pm_…`).
    pub id: String,
}
/// `data` of `invoices/list` (invoices without their lines, as `@flowglad/node` lists them).
pub type InvoiceList = RecordList<Invoice>;
/// `data` of `purchases/list`.
pub type PurchaseList = RecordList<Purchase>;

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
}
