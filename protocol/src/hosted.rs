//! The hosted checkout page's API: what the page reads and what it posts to pay.
//!
//! The page is public (anyone holding the unguessable session id may pay), so
//! these shapes carry only what the page shows — no customer ids or metadata.

use crate::quantity::QuantityBounds;
use crate::tax_id::TaxId;
use crate::{
    BillingAddressCollection, CheckoutSessionStatus, CheckoutSessionType, ErrorCode, IntervalUnit,
    PriceType,
};
use serde::{Deserialize, Serialize};

/// A session as the hosted page renders it, with amounts already totalled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HostedCheckoutSession {
    /// Session id.
    pub id: String,
    /// Session kind.
    #[serde(rename = "type")]
    pub session_type: CheckoutSessionType,
    /// Lifecycle state.
    pub status: CheckoutSessionStatus,
    /// Who is selling, shown in the page header.
    pub merchant_name: String,
    /// ISO 4217 code shared by every line item.
    pub currency: String,
    /// What is being bought.
    pub line_items: Vec<HostedLineItem>,
    /// Sum of line totals, minor units.
    pub subtotal: i64,
    /// Discount taken off the subtotal, minor units.
    pub discount: i64,
    /// Charged now, minor units (zero during a free trial).
    pub total_due_today: i64,
    /// Charged every interval afterwards, for subscriptions.
    #[serde(default)]
    pub recurring: Option<RecurringCharge>,
    /// Free-trial length in days, when the checkout starts a trial.
    #[serde(default)]
    pub trial_days: Option<u32>,
    /// Prefilled email; the page locks the field when set.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// Where "cancel" goes (already validated as http(s)).
    #[serde(default)]
    pub cancel_url: Option<String>,
    /// Epoch milliseconds after which the session cannot be paid.
    pub expires: i64,
    /// The saved card, once paid (for the receipt).
    #[serde(default)]
    pub payment_method: Option<CardSummary>,
    /// Where to send the customer once paid: the success URL with the id
    /// filled in and the signed parameters appended (`checkout_id`, …,
    /// `signature`; see [`crate::redirect_signature`]), or the hosted page.
    #[serde(default)]
    pub success_redirect_url: Option<String>,
    /// The discount code applied to the totals, as the merchant spells it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_code: Option<String>,
    /// Whether the page offers a field to type a discount code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_promotion_codes: Option<bool>,
    /// Whether the page asks for a billing address (absent: only if needed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address_collection: Option<BillingAddressCollection>,
    /// The applied discount's name (e.g. "Welcome discount"), shown beside the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_name: Option<String>,
    /// For invoice sessions: the invoice's number, e.g. `BOB-0001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// The bank's 3-D Secure challenge waiting for the customer (an open
    /// session only): the page shows it again after a reload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<PendingAuthentication>,
    /// Epoch milliseconds when the payment succeeded (the receipt's date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<i64>,
    /// The purchase the payment made, once paid (the receipt's number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_id: Option<String>,
    /// The subscription the payment started or activated, once paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// The merchant's logo and colours from the catalog, when it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<crate::Branding>,
    /// The signed-in customer's unexpired saved cards, default first, that
    /// this checkout may be paid with instead of typing a card (an open
    /// product or activate-subscription session of a customer; otherwise
    /// empty). Brand, last four and expiry only: the page is public to
    /// whoever holds the session id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saved_payment_methods: Vec<SavedPaymentMethod>,
    /// When the customer may change the quantity: the bounds (the page
    /// shows a quantity control and posts `…/quantity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustable_quantity: Option<QuantityBounds>,
    /// Whether the page offers an optional business tax ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id_collection: Option<bool>,
}

/// A card payment the issuer asked the cardholder to authenticate (3-D
/// Secure) before it charges. Nothing is charged while it waits; it ends
/// with `POST /api/checkout-sessions/{id}/authenticate` or at `expires`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PendingAuthentication {
    /// The authentication's id (`auth_…`), posted back with the outcome.
    pub id: String,
    /// The card being authenticated (never its number).
    pub card: CardSummary,
    /// What will be charged once authenticated, minor units.
    pub amount: i64,
    /// ISO 4217 code of `amount`.
    pub currency: String,
    /// Epoch milliseconds after which the authentication is void (nothing
    /// charged; the customer pays again).
    pub expires: i64,
}

/// How the customer's authentication with the bank ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationOutcome {
    /// The cardholder confirmed the payment: it is charged now.
    Succeeded,
    /// The cardholder failed (or refused) the check: nothing is charged.
    Failed,
}

/// Body of `POST /api/checkout-sessions/{id}/authenticate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "authenticationId": "auth_0123456789abcdef0123456789abcdef",
    "outcome": "succeeded"
})))]
#[serde(rename_all = "camelCase")]
pub struct AuthenticateRequest {
    /// The session's pending authentication (`authentication.id`).
    pub authentication_id: String,
    /// How it ended at the bank.
    pub outcome: AuthenticationOutcome,
}

/// What the customer must do before a confirmed payment can finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NextAction {
    /// Authenticate with the bank (3-D Secure): the session's
    /// `authentication` says which card and amount.
    Authenticate,
}

/// A saved card the hosted page offers as a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SavedPaymentMethod {
    /// The saved card's id (`pm_…`), sent back as `paymentMethodId`.
    pub id: String,
    /// Brand, e.g. `visa`.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
    /// Whether it is the customer's default card (pre-selected).
    pub is_default: bool,
}

/// One line of the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HostedLineItem {
    /// Product name.
    pub name: String,
    /// Product description.
    #[serde(default)]
    pub description: Option<String>,
    /// Units bought.
    pub quantity: u32,
    /// Price per unit, minor units.
    pub unit_amount: i64,
    /// `unit_amount × quantity`, minor units.
    pub amount: i64,
    /// How the price charges.
    pub price_type: PriceType,
    /// Billing interval unit, for subscriptions.
    #[serde(default)]
    pub interval_unit: Option<IntervalUnit>,
    /// Interval units per period, for subscriptions.
    #[serde(default)]
    pub interval_count: Option<u32>,
}

/// A subscription's charge after the first payment or trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecurringCharge {
    /// Amount per period, minor units.
    pub amount: i64,
    /// Interval unit.
    pub interval_unit: IntervalUnit,
    /// Interval units per period.
    pub interval_count: u32,
}

/// Card data as typed by the customer. Sent once to confirm; never stored whole.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CardDetails {
    /// The card number, spaces allowed.
    pub number: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
    /// Security code.
    pub cvc: String,
}

// Hand-written so a stray `{:?}` can never put a card number or CVC in a log.
impl std::fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits: String = self.number.chars().filter(char::is_ascii_digit).collect();
        let last4 = &digits[digits.len().saturating_sub(4)..];
        f.debug_struct("CardDetails")
            .field("number", &format_args!("**** {last4}"))
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("cvc", &"***")
            .finish()
    }
}

/// Body of `POST /api/checkout-sessions/{id}/confirm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "buyer@example.com",
    "card": {"number": "4242 4242 4242 4242", "expMonth": 12, "expYear": 2040, "cvc": "123"}
})))]
#[serde(rename_all = "camelCase")]
pub struct ConfirmPaymentRequest {
    /// Receipt email (ignored when the session has a locked email).
    pub email: String,
    /// A card typed by the customer; exactly one of this and
    /// `paymentMethodId` (see [`ConfirmPaymentRequest::payment_source`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetails>,
    /// One of the session's `savedPaymentMethods` to charge instead of a typed card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<String>,
    /// The billing address, when the session collects one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BillingAddress>,
    /// A business's tax ID, when the session collects them (optional even then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<TaxId>,
}

/// What a confirm pays with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaymentSource<'a> {
    /// A card typed on the page.
    Card(&'a CardDetails),
    /// A saved card, by its id (well-formed, not yet known to exist).
    Saved(&'a str),
}

/// Longest saved-card id a confirm or a card action accepts.
pub const MAX_PAYMENT_METHOD_ID_LEN: usize = 64;

/// Whether `id` is shaped like a saved card's id: `pm_` and then letters,
/// digits and `_`, at most [`MAX_PAYMENT_METHOD_ID_LEN`] bytes. Anything else
/// cannot name a card, so it is refused as not found without a lookup.
pub fn is_payment_method_id(id: &str) -> bool {
    id.len() <= MAX_PAYMENT_METHOD_ID_LEN
        && id.strip_prefix("pm_").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// The message of a `payment_method_not_found` answer (the same whether the
/// card is missing, removed or someone else's, so it reveals nothing).
pub const PAYMENT_METHOD_NOT_FOUND_MESSAGE: &str =
    "That saved card is not available. Choose another card or use a new one.";

impl ConfirmPaymentRequest {
    /// The one thing this confirm pays with: a typed `card` or a saved
    /// `paymentMethodId`, never both, never neither. An id that is not shaped
    /// like one is `payment_method_not_found`.
    pub fn payment_source(&self) -> Result<PaymentSource<'_>, (ErrorCode, &'static str)> {
        match (&self.card, &self.payment_method_id) {
            (Some(card), None) => Ok(PaymentSource::Card(card)),
            (None, Some(id)) if is_payment_method_id(id) => Ok(PaymentSource::Saved(id)),
            (None, Some(_)) => Err((
                ErrorCode::PaymentMethodNotFound,
                PAYMENT_METHOD_NOT_FOUND_MESSAGE,
            )),
            (Some(_), Some(_)) => Err((
                ErrorCode::PaymentMethodAmbiguous,
                "Pay with either a new card or a saved card, not both.",
            )),
            (None, None) => Err((
                ErrorCode::PaymentMethodMissing,
                "Enter a card, or choose one of your saved cards.",
            )),
        }
    }
}

/// A postal billing address as the hosted page collects it (Flowglad's
/// `billingAddress.address` field names).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingAddress {
    /// Name on the address.
    #[serde(default)]
    pub name: String,
    /// Street and number.
    #[serde(default)]
    pub line1: String,
    /// Apartment, suite, floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City or town.
    #[serde(default)]
    pub city: String,
    /// State, province or region (where the country has them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, upper case.
    #[serde(default)]
    pub country: String,
}

impl BillingAddress {
    /// The fields a complete address needs that are blank, by wire name.
    pub fn missing_fields(&self) -> Vec<&'static str> {
        let blank = |s: &str| s.trim().is_empty();
        let mut missing = Vec::new();
        for (name, value) in [
            ("name", &self.name),
            ("line1", &self.line1),
            ("city", &self.city),
            ("postal_code", &self.postal_code),
        ] {
            if blank(value) {
                missing.push(name);
            }
        }
        if !(self.country.len() == 2 && self.country.bytes().all(|b| b.is_ascii_uppercase())) {
            missing.push("country");
        }
        missing
    }

    /// The address with every field trimmed and blank optional lines dropped.
    pub fn trimmed(&self) -> Self {
        let optional = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Self {
            name: self.name.trim().to_owned(),
            line1: self.line1.trim().to_owned(),
            line2: optional(&self.line2),
            city: self.city.trim().to_owned(),
            state: optional(&self.state),
            postal_code: self.postal_code.trim().to_owned(),
            country: self.country.trim().to_owned(),
        }
    }

    /// Whether every field is blank (nothing was typed).
    pub fn is_blank(&self) -> bool {
        self.trimmed() == Self::default()
    }

    /// The address in Flowglad's `billingAddress` shape:
    /// `{address: {name, line1, line2, city, state, postal_code, country}, name}`.
    pub fn to_flowglad(&self) -> serde_json::Value {
        serde_json::json!({
            "address": {
                "name": self.name,
                "line1": self.line1,
                "line2": self.line2,
                "city": self.city,
                "state": self.state,
                "postal_code": self.postal_code,
                "country": self.country,
            },
            "name": self.name,
        })
    }
}

/// Body of `POST /api/checkout-sessions/{id}/discount`: apply a code, or
/// remove the applied one with `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplyDiscountRequest {
    /// The code as typed (matched case-insensitively); `None` removes it.
    pub code: Option<String>,
}

/// Body of `POST /api/checkout-sessions/{id}/quantity`: the quantity the
/// customer chose, within the session's `adjustableQuantity` bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeQuantityRequest {
    /// The new quantity; a JSON number, checked to be whole and within bounds.
    pub quantity: f64,
}

/// The stored, safe summary of a card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CardSummary {
    /// Brand, e.g. `visa`.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month.
    pub exp_month: u32,
    /// Expiry year.
    pub exp_year: u32,
}

/// `data` of a successful confirm (or authenticate): either paid, with
/// where to go, or waiting for the customer's `nextAction`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConfirmPaymentResponse {
    /// The session after payment (or, with a `nextAction`, open with its
    /// pending `authentication`).
    pub checkout_session: HostedCheckoutSession,
    /// Where to send the customer now that it is paid: the signed success
    /// URL, as `successRedirectUrl`. Absent while a `nextAction` is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// What the customer must do first; nothing is charged until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<NextAction>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_debug_hides_number_and_cvc() {
        let card = CardDetails {
            number: "4242 4242 4242 4242".into(),
            exp_month: 12,
            exp_year: 2040,
            cvc: "123".into(),
        };
        let shown = format!("{card:?}");
        assert!(shown.contains("**** 4242"));
        assert!(!shown.contains("4242 4242"));
        assert!(!shown.contains("123"));
    }

    #[test]
    fn hosted_session_reads_without_the_optional_checkout_options() {
        let s: HostedCheckoutSession = serde_json::from_str(
            r#"{"id":"cs_1","type":"product","status":"open","merchantName":"M","currency":"USD",
                "lineItems":[],"subtotal":0,"discount":0,"totalDueToday":0,"expires":1}"#,
        )
        .unwrap();
        assert_eq!(
            (
                s.discount_code,
                s.allow_promotion_codes,
                s.billing_address_collection
            ),
            (None, None, None)
        );
        let with: HostedCheckoutSession = serde_json::from_str(
            r#"{"id":"cs_1","type":"add_payment_method","status":"open","merchantName":"M","currency":"USD",
                "lineItems":[],"subtotal":0,"discount":0,"totalDueToday":0,"expires":1,
                "discountCode":"WELCOME10","allowPromotionCodes":true,"billingAddressCollection":"required"}"#,
        )
        .unwrap();
        assert_eq!(with.discount_code.as_deref(), Some("WELCOME10"));
        assert_eq!(with.allow_promotion_codes, Some(true));
        assert_eq!(
            with.billing_address_collection,
            Some(BillingAddressCollection::Required)
        );
        let v = serde_json::to_value(&with).unwrap();
        assert_eq!(v["billingAddressCollection"], "required");
        assert_eq!(v["type"], "add_payment_method");
    }

    #[test]
    fn an_address_names_what_it_lacks() {
        let full = BillingAddress {
            name: "Ann Lee".into(),
            line1: "1 Main St".into(),
            line2: None,
            city: "Springfield".into(),
            state: None,
            postal_code: "12345".into(),
            country: "US".into(),
        };
        assert!(full.missing_fields().is_empty());
        let partial = BillingAddress {
            city: " ".into(),
            country: "usa".into(),
            ..full
        };
        assert_eq!(partial.missing_fields(), ["city", "country"]);
        assert_eq!(BillingAddress::default().missing_fields().len(), 5);
    }

    #[test]
    fn an_address_trims_and_writes_flowglad_shape() {
        let typed = BillingAddress {
            name: " Ann Lee ".into(),
            line1: "1 Main St ".into(),
            line2: Some("  ".into()),
            city: "Springfield".into(),
            state: Some(" IL".into()),
            postal_code: "12345".into(),
            country: "US ".into(),
        };
        let a = typed.trimmed();
        assert_eq!(
            (a.name.as_str(), a.line2.as_deref(), a.state.as_deref()),
            ("Ann Lee", None, Some("IL"))
        );
        assert!(a.missing_fields().is_empty());
        assert!(!typed.is_blank());
        assert!(BillingAddress {
            line2: Some(" ".into()),
            ..BillingAddress::default()
        }
        .is_blank());
        assert_eq!(
            a.to_flowglad(),
            serde_json::json!({
                "address": {"name": "Ann Lee", "line1": "1 Main St", "line2": null, "city": "Springfield",
                    "state": "IL", "postal_code": "12345", "country": "US"},
                "name": "Ann Lee"
            })
        );
        let wire: BillingAddress =
            serde_json::from_str(r#"{"line1":"x","postal_code":"9"}"#).unwrap();
        assert_eq!(wire.postal_code, "9");
    }

    fn confirm(card: bool, saved: Option<&str>) -> ConfirmPaymentRequest {
        ConfirmPaymentRequest {
            email: "a@example.com".into(),
            card: card.then(|| CardDetails {
                number: "4242424242424242".into(),
                exp_month: 12,
                exp_year: 2040,
                cvc: "123".into(),
            }),
            payment_method_id: saved.map(str::to_owned),
            billing_address: None,
            tax_id: None,
        }
    }

    #[test]
    fn a_confirm_pays_with_exactly_one_card() {
        assert!(matches!(
            confirm(true, None).payment_source(),
            Ok(PaymentSource::Card(_))
        ));
        assert_eq!(
            confirm(false, Some("pm_alice_visa")).payment_source(),
            Ok(PaymentSource::Saved("pm_alice_visa"))
        );
        let code = |r: ConfirmPaymentRequest| r.payment_source().unwrap_err().0;
        assert_eq!(
            code(confirm(true, Some("pm_alice_visa"))),
            ErrorCode::PaymentMethodAmbiguous
        );
        assert_eq!(code(confirm(false, None)), ErrorCode::PaymentMethodMissing);
        for bad in [
            "",
            "pm_",
            "alice",
            "pm_a b",
            "pm_a;drop",
            "pm_é",
            &format!("pm_{}", "a".repeat(62)),
        ] {
            assert_eq!(
                code(confirm(false, Some(bad))),
                ErrorCode::PaymentMethodNotFound,
                "{bad:?}"
            );
        }
        assert!(is_payment_method_id(&format!("pm_{}", "a".repeat(61))));
    }

    #[test]
    fn a_confirm_reads_either_field_from_the_wire() {
        let saved: ConfirmPaymentRequest =
            serde_json::from_str(r#"{"email":"","paymentMethodId":"pm_1"}"#).unwrap();
        assert_eq!(saved.payment_method_id.as_deref(), Some("pm_1"));
        assert_eq!(saved.card, None);
        let v = serde_json::to_value(confirm(true, None)).unwrap();
        assert!(v.get("paymentMethodId").is_none());
        assert_eq!(v["card"]["expMonth"], 12);
    }

    #[test]
    fn a_confirm_answer_is_paid_or_asks_for_authentication() {
        let session: HostedCheckoutSession = serde_json::from_str(
            r#"{"id":"cs_1","type":"product","status":"open","merchantName":"M","currency":"USD",
                "lineItems":[],"subtotal":0,"discount":0,"totalDueToday":4900,"expires":1,
                "authentication":{"id":"auth_1","card":{"brand":"visa","last4":"3184","expMonth":12,"expYear":2040},
                    "amount":4900,"currency":"USD","expires":2}}"#,
        )
        .unwrap();
        let pending = session.authentication.clone().unwrap();
        assert_eq!(
            (pending.card.last4.as_str(), pending.amount),
            ("3184", 4900)
        );
        let asks = ConfirmPaymentResponse {
            checkout_session: session,
            redirect_url: None,
            next_action: Some(NextAction::Authenticate),
        };
        let v = serde_json::to_value(&asks).unwrap();
        assert_eq!(v["nextAction"], "authenticate");
        assert!(v.get("redirectUrl").is_none());
        let paid: ConfirmPaymentResponse = serde_json::from_value(serde_json::json!({
            "checkoutSession": v["checkoutSession"], "redirectUrl": "https://shop.test/ok"
        }))
        .unwrap();
        assert_eq!(paid.redirect_url.as_deref(), Some("https://shop.test/ok"));
        assert_eq!(paid.next_action, None);
        let request: AuthenticateRequest =
            serde_json::from_str(r#"{"authenticationId":"auth_1","outcome":"failed"}"#).unwrap();
        assert_eq!(request.outcome, AuthenticationOutcome::Failed);
        assert!(serde_json::from_str::<AuthenticateRequest>(
            r#"{"authenticationId":"auth_1","outcome":"maybe"}"#
        )
        .is_err());
    }

    #[test]
    fn card_debug_survives_short_numbers() {
        let card = CardDetails {
            number: "42".into(),
            exp_month: 1,
            exp_year: 2000,
            cvc: String::new(),
        };
        assert!(format!("{card:?}").contains("**** 42"));
    }
}
