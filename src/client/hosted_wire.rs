//! The hosted page's answers (`HostedCheckoutSession`, `ConfirmPaymentResponse`
//! and their envelope) read by hand from the browser's `JSON.parse`, and its
//! requests written by hand through `JSON.stringify`, not by serde: the
//! derived deserializers and serde_json were a tenth of the hosted page's
//! wasm. The wire names are the protocol's (serde's `rename_all`); `tests`
//! round-trips every field through the protocol's own serializer, so a
//! renamed or added field fails there.
//!
//! The rules are serde's for these types: a required field missing or of the
//! wrong type makes the whole answer unreadable; an `Option` may be absent or
//! `null`; unknown fields are ignored; enums are read by the protocol's own
//! deserializer. One difference: JSON has one number type in the browser, so
//! `3.0` reads as the integer 3.
//!
//! The readers serve the route client too (`session_wire`), over the
//! `serde_json::Value` its envelope parser already holds.

use crate::error::BillingError;
use crate::server_route::fallback_code;
use checkout_protocol::hosted::{CardSummary, RecurringCharge};
use checkout_protocol::{
    AuthenticateRequest, AuthenticationOutcome, Branding, ConfirmPaymentRequest,
    ConfirmPaymentResponse, ErrorBody, HostedCheckoutSession, HostedLineItem,
    PendingAuthentication, QuantityBounds, SavedPaymentMethod,
};
use serde::de::IntoDeserializer;

/// Parsed JSON as the reader sees it: the browser's values on the page,
/// `serde_json::Value` in the native tests.
pub(crate) trait Json: Sized {
    /// `self[key]`; `None` when `self` is no object, or the key is absent or `null`.
    fn get(&self, key: &str) -> Option<Self>;
    /// The string, if this is one.
    fn text(&self) -> Option<String>;
    /// The number, if this is one.
    fn number(&self) -> Option<f64>;
    /// The boolean, if this is one.
    fn boolean(&self) -> Option<bool>;
    /// The elements, if this is an array.
    fn items(&self) -> Option<Vec<Self>>;
}

impl Json for wasm_bindgen::JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        let value = js_sys::Reflect::get(self, &key.into()).ok()?;
        (!value.is_null() && !value.is_undefined()).then_some(value)
    }

    fn text(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).iter().collect())
    }
}

/// The route client's answers, parsed by serde_json for its envelope
/// (`session_wire`), and the native tests'.
impl Json for serde_json::Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }

    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}

/// A JSON object being written: a JS object on the page (sent through
/// `JSON.stringify`), a `serde_json` map in the native tests. Members keep
/// the order they are put in, which is serde's order for each type.
pub(crate) trait JsonObject: Sized {
    /// An empty object.
    fn new() -> Self;
    /// `self[key] = value` for a string.
    fn text(&mut self, key: &str, value: &str);
    /// `self[key] = value` for a number.
    fn number(&mut self, key: &str, value: f64);
    /// `self[key] = null`.
    fn null(&mut self, key: &str);
    /// `self[key] = value` for an object.
    fn object(&mut self, key: &str, value: Self);
}

impl JsonObject for js_sys::Object {
    fn new() -> Self {
        js_sys::Object::new()
    }

    fn text(&mut self, key: &str, value: &str) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value.into());
    }

    fn number(&mut self, key: &str, value: f64) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value.into());
    }

    fn null(&mut self, key: &str) {
        let _ = js_sys::Reflect::set(self, &key.into(), &wasm_bindgen::JsValue::NULL);
    }

    fn object(&mut self, key: &str, value: Self) {
        let _ = js_sys::Reflect::set(self, &key.into(), &value);
    }
}

/// The JSON text of a request object written by one of the functions below.
pub(crate) fn body(object: js_sys::Object) -> Option<String> {
    js_sys::JSON::stringify(&object).ok()?.as_string()
}

/// `POST …/discount`: `{code}`, `null` to remove it.
pub(crate) fn discount_request<O: JsonObject>(code: Option<&str>) -> O {
    let mut o = O::new();
    match code {
        Some(code) => o.text("code", code),
        None => o.null("code"),
    }
    o
}

/// `POST …/quantity`: `{quantity}`.
pub(crate) fn quantity_request<O: JsonObject>(quantity: u32) -> O {
    let mut o = O::new();
    o.number("quantity", f64::from(quantity));
    o
}

/// `POST …/authenticate`: `{authenticationId, outcome}`.
pub(crate) fn authenticate_request<O: JsonObject>(request: &AuthenticateRequest) -> O {
    let mut o = O::new();
    o.text("authenticationId", &request.authentication_id);
    o.text(
        "outcome",
        match request.outcome {
            AuthenticationOutcome::Succeeded => "succeeded",
            AuthenticationOutcome::Failed => "failed",
        },
    );
    o
}

/// `POST …/confirm`: the email, a new card or a saved card's id, and the
/// billing address and tax ID when the page collected them (absent ones
/// are left out, as serde's `skip_serializing_if` does).
pub(crate) fn confirm_request<O: JsonObject>(request: &ConfirmPaymentRequest) -> O {
    let mut o = O::new();
    o.text("email", &request.email);
    if let Some(card) = &request.card {
        let mut c = O::new();
        c.text("number", &card.number);
        c.number("expMonth", f64::from(card.exp_month));
        c.number("expYear", f64::from(card.exp_year));
        c.text("cvc", &card.cvc);
        o.object("card", c);
    }
    if let Some(id) = &request.payment_method_id {
        o.text("paymentMethodId", id);
    }
    if let Some(address) = &request.billing_address {
        // The protocol's `BillingAddress` keeps Rust's (snake_case) names.
        let mut a = O::new();
        a.text("name", &address.name);
        a.text("line1", &address.line1);
        if let Some(line2) = &address.line2 {
            a.text("line2", line2);
        }
        a.text("city", &address.city);
        if let Some(state) = &address.state {
            a.text("state", state);
        }
        a.text("postal_code", &address.postal_code);
        a.text("country", &address.country);
        o.object("billingAddress", a);
    }
    if let Some(tax_id) = &request.tax_id {
        let mut t = O::new();
        t.text("type", tax_id.tax_id_type.as_str());
        t.text("value", &tax_id.value);
        if let Some(name) = &tax_id.business_name {
            t.text("businessName", name);
        }
        o.object("taxId", t);
    }
    o
}

/// Reads a hosted-page answer: `{data}` decoded by `decode`, or `{error}`
/// read like [`crate::client::read_envelope`] reads it.
pub(crate) fn read<T>(
    status: u16,
    body: &str,
    decode: fn(&wasm_bindgen::JsValue) -> Option<T>,
) -> Result<T, BillingError> {
    read_parsed(status, js_sys::JSON::parse(body).ok(), decode)
}

/// [`read`] after parsing (`None`: the body is not JSON).
fn read_parsed<J: Json, T>(
    status: u16,
    json: Option<J>,
    decode: fn(&J) -> Option<T>,
) -> Result<T, BillingError> {
    let ok = (200..300).contains(&status);
    let Some(json) = json else {
        return Err(if ok {
            BillingError::InvalidResponse
        } else {
            BillingError::Http { status }
        });
    };
    if let Some(error) = json.get("error") {
        let body = error_body(&error).unwrap_or_default();
        let message = body
            .human_message()
            .map(str::to_owned)
            .or_else(|| error.text())
            .unwrap_or_else(|| BillingError::Http { status }.message());
        let code = body
            .code
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| fallback_code(status).to_owned());
        return Err(BillingError::Api {
            status,
            code,
            message,
        });
    }
    if !ok {
        return Err(BillingError::Http { status });
    }
    json.get("data")
        .as_ref()
        .and_then(decode)
        .ok_or(BillingError::InvalidResponse)
}

/// The protocol's [`ErrorBody`] (its rule finds the human message); `None`
/// for a non-object or a mistyped member, as serde would refuse it.
fn error_body<J: Json>(error: &J) -> Option<ErrorBody> {
    object(error)?;
    // `json` as a sentence, or the first sentence the protocol's rule looks
    // for in it (`message`, `error`, `detail`): the rule then finds the same
    // words in a `Value::String`, with no map to build.
    let json = error.get("json").and_then(|j| {
        j.text()
            .or_else(|| {
                ["message", "error", "detail"]
                    .iter()
                    .find_map(|k| j.get(k)?.text())
            })
            .map(serde_json::Value::String)
    });
    Some(ErrorBody {
        code: opt_text(error, "code")?,
        message: opt_text(error, "message")?,
        json,
    })
}

/// `Some` for an object. A string, number, boolean or array has no members
/// (`get` answers `None`), so a type whose fields are all optional checks
/// this first, where serde would refuse the value.
fn object<J: Json>(json: &J) -> Option<()> {
    let scalar = json.text().is_some() || json.number().is_some() || json.boolean().is_some();
    (!scalar && json.items().is_none()).then_some(())
}

/// A required string.
pub(super) fn text<J: Json>(json: &J, key: &str) -> Option<String> {
    json.get(key)?.text()
}

/// An optional string: `Some(None)` when absent or `null`, `None` when mistyped.
pub(super) fn opt_text<J: Json>(json: &J, key: &str) -> Option<Option<String>> {
    optional(json, key, J::text)
}

/// An optional value read by `read`: `Some(None)` when absent or `null`,
/// `None` when `read` refuses it.
pub(super) fn optional<J: Json, T>(
    json: &J,
    key: &str,
    read: impl Fn(&J) -> Option<T>,
) -> Option<Option<T>> {
    match json.get(key) {
        None => Some(None),
        Some(value) => read(&value).map(Some),
    }
}

/// A boolean that defaults to `false`.
pub(super) fn flag<J: Json>(json: &J, key: &str) -> Option<bool> {
    optional(json, key, J::boolean).map(Option::unwrap_or_default)
}

/// A string that defaults to empty.
pub(super) fn defaulted_text<J: Json>(json: &J, key: &str) -> Option<String> {
    opt_text(json, key).map(Option::unwrap_or_default)
}

/// A whole number within `min..=max`.
fn whole<J: Json>(value: &J, min: f64, max: f64) -> Option<f64> {
    value
        .number()
        .filter(|n| n.fract() == 0.0 && (min..=max).contains(n))
}

/// An `i64` field (amounts, timestamps; JSON numbers are exact to 2^53).
pub(super) fn int<J: Json>(value: &J) -> Option<i64> {
    whole(value, -9_007_199_254_740_991.0, 9_007_199_254_740_991.0).map(|n| n as i64)
}

/// A `u32` field (quantities, months, years, days).
pub(super) fn count<J: Json>(value: &J) -> Option<u32> {
    whole(value, 0.0, f64::from(u32::MAX)).map(|n| n as u32)
}

/// A required `i64`.
pub(super) fn int_at<J: Json>(json: &J, key: &str) -> Option<i64> {
    int(&json.get(key)?)
}

/// A required `u32`.
fn count_at<J: Json>(json: &J, key: &str) -> Option<u32> {
    count(&json.get(key)?)
}

/// A required boolean.
fn bool_at<J: Json>(json: &J, key: &str) -> Option<bool> {
    json.get(key)?.boolean()
}

/// A protocol enum from its wire name, by the protocol's own deserializer.
pub(super) fn name<J: Json, T: serde::de::DeserializeOwned>(value: &J) -> Option<T> {
    let name = value.text()?;
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(name)).ok()
}

/// A required enum.
pub(super) fn name_at<J: Json, T: serde::de::DeserializeOwned>(json: &J, key: &str) -> Option<T> {
    name(&json.get(key)?)
}

/// A list whose every element `read` accepts; absent or `null` is empty.
pub(super) fn list<J: Json, T>(json: &J, key: &str, read: fn(&J) -> Option<T>) -> Option<Vec<T>> {
    match json.get(key) {
        None => Some(Vec::new()),
        Some(value) => value.items()?.iter().map(read).collect(),
    }
}

/// `POST …/confirm` and `…/authenticate`'s answer.
pub(crate) fn confirm_response<J: Json>(json: &J) -> Option<ConfirmPaymentResponse> {
    Some(ConfirmPaymentResponse {
        checkout_session: session(&json.get("checkoutSession")?)?,
        redirect_url: opt_text(json, "redirectUrl")?,
        next_action: optional(json, "nextAction", name)?,
    })
}

/// `GET /api/checkout-sessions/{id}` (and the discount and quantity answers).
pub(crate) fn session<J: Json>(json: &J) -> Option<HostedCheckoutSession> {
    Some(HostedCheckoutSession {
        id: text(json, "id")?,
        session_type: name_at(json, "type")?,
        status: name_at(json, "status")?,
        merchant_name: text(json, "merchantName")?,
        currency: text(json, "currency")?,
        line_items: json
            .get("lineItems")?
            .items()?
            .iter()
            .map(line_item)
            .collect::<Option<_>>()?,
        subtotal: int_at(json, "subtotal")?,
        discount: int_at(json, "discount")?,
        total_due_today: int_at(json, "totalDueToday")?,
        recurring: optional(json, "recurring", recurring)?,
        trial_days: optional(json, "trialDays", count)?,
        customer_email: opt_text(json, "customerEmail")?,
        cancel_url: opt_text(json, "cancelUrl")?,
        expires: int_at(json, "expires")?,
        payment_method: optional(json, "paymentMethod", card)?,
        success_redirect_url: opt_text(json, "successRedirectUrl")?,
        discount_code: opt_text(json, "discountCode")?,
        allow_promotion_codes: optional(json, "allowPromotionCodes", J::boolean)?,
        billing_address_collection: optional(json, "billingAddressCollection", name)?,
        discount_name: opt_text(json, "discountName")?,
        invoice_number: opt_text(json, "invoiceNumber")?,
        authentication: optional(json, "authentication", authentication)?,
        paid_at: optional(json, "paidAt", int)?,
        purchase_id: opt_text(json, "purchaseId")?,
        subscription_id: opt_text(json, "subscriptionId")?,
        branding: optional(json, "branding", branding)?,
        saved_payment_methods: list(json, "savedPaymentMethods", saved_card)?,
        adjustable_quantity: optional(json, "adjustableQuantity", quantity_bounds)?,
        tax_id_collection: optional(json, "taxIdCollection", J::boolean)?,
    })
}

fn line_item<J: Json>(json: &J) -> Option<HostedLineItem> {
    Some(HostedLineItem {
        name: text(json, "name")?,
        description: opt_text(json, "description")?,
        quantity: count_at(json, "quantity")?,
        unit_amount: int_at(json, "unitAmount")?,
        amount: int_at(json, "amount")?,
        price_type: name_at(json, "priceType")?,
        interval_unit: optional(json, "intervalUnit", name)?,
        interval_count: optional(json, "intervalCount", count)?,
    })
}

fn recurring<J: Json>(json: &J) -> Option<RecurringCharge> {
    Some(RecurringCharge {
        amount: int_at(json, "amount")?,
        interval_unit: name_at(json, "intervalUnit")?,
        interval_count: count_at(json, "intervalCount")?,
    })
}

fn card<J: Json>(json: &J) -> Option<CardSummary> {
    Some(CardSummary {
        brand: text(json, "brand")?,
        last4: text(json, "last4")?,
        exp_month: count_at(json, "expMonth")?,
        exp_year: count_at(json, "expYear")?,
    })
}

fn authentication<J: Json>(json: &J) -> Option<PendingAuthentication> {
    Some(PendingAuthentication {
        id: text(json, "id")?,
        card: card(&json.get("card")?)?,
        amount: int_at(json, "amount")?,
        currency: text(json, "currency")?,
        expires: int_at(json, "expires")?,
    })
}

fn branding<J: Json>(json: &J) -> Option<Branding> {
    object(json)?;
    Some(Branding {
        logo_url: opt_text(json, "logoUrl")?,
        brand_color: opt_text(json, "brandColor")?,
        brand_text_color: opt_text(json, "brandTextColor")?,
    })
}

fn saved_card<J: Json>(json: &J) -> Option<SavedPaymentMethod> {
    Some(SavedPaymentMethod {
        id: text(json, "id")?,
        brand: text(json, "brand")?,
        last4: text(json, "last4")?,
        exp_month: count_at(json, "expMonth")?,
        exp_year: count_at(json, "expYear")?,
        is_default: bool_at(json, "isDefault")?,
    })
}

pub(super) fn quantity_bounds<J: Json>(json: &J) -> Option<QuantityBounds> {
    Some(QuantityBounds {
        minimum: count_at(json, "minimum")?,
        maximum: count_at(json, "maximum")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::{
        BillingAddressCollection, CheckoutSessionStatus, CheckoutSessionType, IntervalUnit,
        NextAction, PriceType,
    };
    use serde_json::{json, Value};

    fn card_summary() -> CardSummary {
        CardSummary {
            brand: "Visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year: 2030,
        }
    }

    /// Every field set, so each wire name is read.
    fn full() -> HostedCheckoutSession {
        HostedCheckoutSession {
            id: "cs_1".into(),
            session_type: CheckoutSessionType::Product,
            status: CheckoutSessionStatus::Open,
            merchant_name: "Acme".into(),
            currency: "USD".into(),
            line_items: vec![HostedLineItem {
                name: "Pro".into(),
                description: Some("Everything".into()),
                quantity: 3,
                unit_amount: 1200,
                amount: 3600,
                price_type: PriceType::Subscription,
                interval_unit: Some(IntervalUnit::Month),
                interval_count: Some(1),
            }],
            subtotal: 3600,
            discount: 600,
            total_due_today: 3000,
            recurring: Some(RecurringCharge {
                amount: 3600,
                interval_unit: IntervalUnit::Year,
                interval_count: 2,
            }),
            trial_days: Some(14),
            customer_email: Some("a@example.com".into()),
            cancel_url: Some("https://shop.example/cancel".into()),
            expires: 1_900_000_000,
            payment_method: Some(card_summary()),
            success_redirect_url: Some("https://shop.example/ok".into()),
            discount_code: Some("SAVE".into()),
            allow_promotion_codes: Some(true),
            billing_address_collection: Some(BillingAddressCollection::Required),
            discount_name: Some("Save 10".into()),
            invoice_number: Some("INV-1".into()),
            authentication: Some(PendingAuthentication {
                id: "auth_1".into(),
                card: card_summary(),
                amount: 3000,
                currency: "USD".into(),
                expires: 1_900_000_600,
            }),
            paid_at: Some(1_900_000_100),
            purchase_id: Some("pur_1".into()),
            subscription_id: Some("sub_1".into()),
            branding: Some(Branding {
                logo_url: Some("/logo.svg".into()),
                brand_color: Some("#4f46e5".into()),
                brand_text_color: Some("#ffffff".into()),
            }),
            saved_payment_methods: vec![SavedPaymentMethod {
                id: "pm_1".into(),
                brand: "Visa".into(),
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2030,
                is_default: true,
            }],
            adjustable_quantity: Some(QuantityBounds {
                minimum: 1,
                maximum: 10,
            }),
            tax_id_collection: Some(false),
        }
    }

    /// Only what is required; every `Option` absent.
    fn bare() -> HostedCheckoutSession {
        HostedCheckoutSession {
            line_items: vec![HostedLineItem {
                description: None,
                interval_unit: None,
                interval_count: None,
                price_type: PriceType::SinglePayment,
                ..full().line_items[0].clone()
            }],
            recurring: None,
            trial_days: None,
            customer_email: None,
            cancel_url: None,
            payment_method: None,
            success_redirect_url: None,
            discount_code: None,
            allow_promotion_codes: None,
            billing_address_collection: None,
            discount_name: None,
            invoice_number: None,
            authentication: None,
            paid_at: None,
            purchase_id: None,
            subscription_id: None,
            branding: None,
            saved_payment_methods: vec![],
            adjustable_quantity: None,
            tax_id_collection: None,
            ..full()
        }
    }

    #[test]
    fn what_the_protocol_writes_is_read_back_field_for_field() {
        for session in [full(), bare()] {
            let wire = serde_json::to_value(&session).unwrap();
            assert_eq!(super::session(&wire), Some(session.clone()));
            let answer = ConfirmPaymentResponse {
                checkout_session: session,
                redirect_url: Some("https://shop.example/ok".into()),
                next_action: Some(NextAction::Authenticate),
            };
            let wire = serde_json::to_value(&answer).unwrap();
            assert_eq!(confirm_response(&wire), Some(answer));
        }
    }

    #[test]
    fn nulls_read_as_absent_and_unknown_fields_are_ignored() {
        let mut wire = serde_json::to_value(bare()).unwrap();
        wire["cancelUrl"] = Value::Null;
        wire["recurring"] = Value::Null;
        wire["somethingNew"] = json!({"x": 1});
        assert_eq!(session(&wire), Some(bare()));
    }

    #[test]
    fn a_missing_or_mistyped_field_makes_the_answer_unreadable() {
        let wire = serde_json::to_value(full()).unwrap();
        for (key, bad) in [
            ("id", Value::Null),
            ("subtotal", json!("3600")),
            ("subtotal", json!(1.5)),
            ("trialDays", json!(-1)),
            ("status", json!("unheard_of")),
            ("lineItems", json!({})),
            ("allowPromotionCodes", json!("yes")),
            ("savedPaymentMethods", json!([{"id": "pm_1"}])),
            ("branding", json!({"logoUrl": 7})),
            ("branding", json!("#fff")),
            ("adjustableQuantity", json!({"minimum": 1})),
        ] {
            let mut broken = wire.clone();
            broken[key] = bad;
            assert_eq!(session(&broken), None, "{key}");
        }
        let mut no_items = wire.clone();
        no_items.as_object_mut().unwrap().remove("lineItems");
        assert_eq!(session(&no_items), None);
    }

    fn read_value(status: u16, body: &str) -> Result<HostedCheckoutSession, BillingError> {
        read_parsed(
            status,
            serde_json::from_str::<Value>(body).ok(),
            session::<Value>,
        )
    }

    impl JsonObject for serde_json::Map<String, Value> {
        fn new() -> Self {
            serde_json::Map::new()
        }
        fn text(&mut self, key: &str, value: &str) {
            self.insert(key.into(), value.into());
        }
        fn number(&mut self, key: &str, value: f64) {
            self.insert(key.into(), json!(value));
        }
        fn null(&mut self, key: &str) {
            self.insert(key.into(), Value::Null);
        }
        fn object(&mut self, key: &str, value: Self) {
            self.insert(key.into(), Value::Object(value));
        }
    }

    type Map = serde_json::Map<String, Value>;

    /// Whole numbers as integers, as `JSON.stringify` writes them (`3`, where
    /// serde writes an `f64` as `3.0`; the server reads both as the same number).
    fn normalize(value: Value) -> Value {
        match value {
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 => json!(f as i64),
                _ => Value::Number(n),
            },
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
            }
            other => other,
        }
    }

    /// The same members, in the same order, with the same values.
    fn same_json(written: Map, expected: Value) {
        let written = normalize(Value::Object(written));
        let expected = normalize(expected);
        assert_eq!(written, expected);
        assert_eq!(written.to_string(), expected.to_string());
    }

    #[test]
    fn requests_are_written_as_the_protocol_serializes_them() {
        use checkout_protocol::{BillingAddress, CardDetails, TaxId, TaxIdType};
        same_json(
            discount_request::<Map>(Some("SAVE10")),
            serde_json::to_value(checkout_protocol::ApplyDiscountRequest {
                code: Some("SAVE10".into()),
            })
            .unwrap(),
        );
        same_json(
            discount_request::<Map>(None),
            serde_json::to_value(checkout_protocol::ApplyDiscountRequest { code: None }).unwrap(),
        );
        same_json(
            quantity_request::<Map>(3),
            serde_json::to_value(checkout_protocol::ChangeQuantityRequest { quantity: 3.0 })
                .unwrap(),
        );
        for outcome in [
            AuthenticationOutcome::Succeeded,
            AuthenticationOutcome::Failed,
        ] {
            let request = AuthenticateRequest {
                authentication_id: "auth_1".into(),
                outcome,
            };
            same_json(
                authenticate_request::<Map>(&request),
                serde_json::to_value(&request).unwrap(),
            );
        }
        let full = ConfirmPaymentRequest {
            email: "a@example.com".into(),
            card: Some(CardDetails {
                number: "4242 4242 4242 4242".into(),
                exp_month: 12,
                exp_year: 2040,
                cvc: "123".into(),
            }),
            payment_method_id: Some("pm_1".into()),
            billing_address: Some(BillingAddress {
                name: "Ada".into(),
                line1: "1 Main St".into(),
                line2: Some("Flat 2".into()),
                city: "Springfield".into(),
                state: Some("IL".into()),
                postal_code: "62701".into(),
                country: "US".into(),
            }),
            tax_id: Some(TaxId {
                tax_id_type: TaxIdType::EuVat,
                value: "DE123456789".into(),
                business_name: Some("Ada GmbH".into()),
            }),
        };
        let bare = ConfirmPaymentRequest {
            card: None,
            billing_address: Some(BillingAddress {
                line2: None,
                state: None,
                ..full.billing_address.clone().unwrap()
            }),
            tax_id: Some(TaxId {
                business_name: None,
                ..full.tax_id.clone().unwrap()
            }),
            ..full.clone()
        };
        let least = ConfirmPaymentRequest {
            payment_method_id: None,
            billing_address: None,
            tax_id: None,
            ..full.clone()
        };
        for request in [full, bare, least] {
            same_json(
                confirm_request::<Map>(&request),
                serde_json::to_value(&request).unwrap(),
            );
        }
    }

    #[test]
    fn the_envelope_reads_like_the_route_clients() {
        let data = serde_json::to_value(full()).unwrap();
        let ok = json!({ "data": data }).to_string();
        assert_eq!(read_value(200, &ok), Ok(full()));
        // Not JSON.
        assert_eq!(
            read_value(200, "<html>"),
            Err(BillingError::InvalidResponse)
        );
        assert_eq!(
            read_value(502, "<html>"),
            Err(BillingError::Http { status: 502 })
        );
        // No data, or data that is no session.
        assert_eq!(read_value(200, "{}"), Err(BillingError::InvalidResponse));
        assert_eq!(
            read_value(503, r#"{"oops":1}"#),
            Err(BillingError::Http { status: 503 })
        );
        assert_eq!(
            read_value(200, r#"{"data":{"id":"cs_1"}}"#),
            Err(BillingError::InvalidResponse)
        );
        // An error wins, beside any data; its words by the protocol's rule.
        let e = read_value(
            402,
            r#"{"data":{"id":1},"error":{"code":"card_declined","message":"Declined"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            ("card_declined", "Declined".to_owned())
        );
        let e = read_value(
            404,
            r#"{"error":{"code":"checkout_session_not_found","json":{"message":"Gone"}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            ("checkout_session_not_found", "Gone".to_owned())
        );
        let e = read_value(
            500,
            r#"{"error":{"message":" ","json":{"detail":"D","error":"E","message":7}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.message(), "E");
        let e = read_value(500, r#"{"error":{"json":"In json"}}"#).unwrap_err();
        assert_eq!(e.message(), "In json");
        let e = read_value(400, r#"{"error":"Bad things"}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            ("bad_request", "Bad things".to_owned())
        );
        // A mistyped member leaves no words or code; a blank message neither.
        let e = read_value(500, r#"{"error":{"code":5,"message":"M"}}"#).unwrap_err();
        assert_eq!(e.code(), "server_error");
        assert!(e.message().contains("HTTP 500"));
        let e = read_value(500, r#"{"error":{"code":"boom","message":""}}"#).unwrap_err();
        assert_eq!(e.code(), "boom");
        assert!(e.message().contains("HTTP 500"));
        // `error: null` is no error.
        let ok_null = json!({ "data": serde_json::to_value(full()).unwrap(), "error": null });
        assert_eq!(read_value(200, &ok_null.to_string()), Ok(full()));
    }
}
