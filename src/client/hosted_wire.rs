//! The hosted page's answers (`HostedCheckoutSession`, `ConfirmPaymentResponse`
//! and their envelope) read by hand from the browser's `JSON.parse`, and its
//! requests written by hand through `JSON.stringify`, not by serde: the
//! derived deserializers and serde_json were a tenth of the hosted page's
//! wasm. The wire names are the protocol's (serde's `rename_all`); `tests`
//! round-trips every field through the protocol's own serializer, so a
//! renamed or added field fails there.
//!
//! The field rules are [`super::json`]'s, the envelope [`super::envelope`]'s
//! (shared with the route client).

use super::json::{
    bool_at, count, count_at, int, int_at, list, name, name_at, object, opt_text, optional, text,
    Json, JsonObject,
};
use crate::error::BillingError;
use checkout_protocol::hosted::{CardSummary, RecurringCharge};
use checkout_protocol::{
    AuthenticateRequest, AuthenticationOutcome, Branding, ConfirmPaymentRequest,
    ConfirmPaymentResponse, HostedCheckoutSession, HostedLineItem, PendingAuthentication,
    QuantityBounds, SavedPaymentMethod,
};

/// The JSON text of a request object written by one of the functions below.
pub(crate) fn body(object: js_sys::Object) -> Option<String> {
    Some(object.finish())
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

/// Reads a hosted-page answer from `JSON.parse`: `{data}` decoded by
/// `decode`, or `{error}`, by the one envelope reader.
pub(crate) fn read<T>(
    status: u16,
    body: &str,
    decode: fn(&wasm_bindgen::JsValue) -> Option<T>,
) -> Result<T, BillingError> {
    super::envelope::read(status, js_sys::JSON::parse(body).ok(), decode)
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
    use super::super::json::same_json;
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
        super::super::envelope::read(
            status,
            serde_json::from_str::<Value>(body).ok(),
            session::<Value>,
        )
    }

    type Map = serde_json::Map<String, Value>;

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
