//! The route's answer to the three "create a checkout session" actions
//! (`CreateCheckoutSessionResponse`) read by hand from `JSON.parse`, not by
//! its derived deserializer: that one, with the session's 32 fields, was the
//! largest single deserializer a billing panel linked. The field rules are
//! [`super::json`]'s; `tests` round-trips every field through the protocol's
//! own serializer.

use super::hosted_wire::quantity_bounds;
use super::json::{int_at, name_at, text, Fields, Json};
use checkout_protocol::{CheckoutSession, CreateCheckoutSessionResponse, TaxId};

/// `checkout-sessions/create`, `…/create-add-payment-method` and
/// `…/create-activate-subscription`: `{checkoutSession, url}`.
pub(crate) fn created<J: Json>(json: &J) -> Option<CreateCheckoutSessionResponse> {
    Some(CreateCheckoutSessionResponse {
        checkout_session: session(&json.get("checkoutSession")?)?,
        url: text(json, "url")?,
    })
}

/// A checkout session as the platform API and the server route return it.
fn session<J: Json>(json: &J) -> Option<CheckoutSession> {
    let session_type = name_at(json, "type")?;
    let status = name_at(json, "status")?;
    let expires = int_at(json, "expires")?;
    let created_at = int_at(json, "createdAt")?;
    let updated_at = int_at(json, "updatedAt")?;
    let f = Fields::new(json);
    f.finish(CheckoutSession {
        id: f.text("id"),
        session_type,
        status,
        price_id: f.opt_text("priceId"),
        quantity: f.opt_count("quantity"),
        customer_id: f.opt_text("customerId"),
        customer_email: f.opt_text("customerEmail"),
        customer_name: f.opt_text("customerName"),
        discount_id: f.opt_text("discountId"),
        purchase_id: f.opt_text("purchaseId"),
        subscription_id: f.opt_text("subscriptionId"),
        payment_status: f.opt_name("paymentStatus"),
        invoice_id: f.opt_text("invoiceId"),
        output_name: f.opt_text("outputName"),
        output_metadata: f.opt_map("outputMetadata"),
        success_url: f.opt_text("successUrl"),
        cancel_url: f.opt_text("cancelUrl"),
        payment_method_type: f.opt_text("paymentMethodType"),
        target_subscription_id: f.opt_text("targetSubscriptionId"),
        preserve_billing_cycle_anchor: f.flag("preserveBillingCycleAnchor"),
        billing_address: f.opt_any("billingAddress"),
        automatically_update_subscriptions: f.opt_bool("automaticallyUpdateSubscriptions"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        organization_id: f.defaulted_text("organizationId"),
        livemode: f.flag("livemode"),
        request_id: f.opt_text("requestId"),
        adjustable_quantity: f.opt("adjustableQuantity", quantity_bounds),
        tax_id_collection: f.opt_bool("taxIdCollection"),
        tax_id: f.opt("taxId", tax_id),
        expires,
        created_at,
        updated_at,
    })
}

pub(super) fn tax_id<J: Json>(json: &J) -> Option<TaxId> {
    let tax_id_type = name_at(json, "type")?;
    let f = Fields::new(json);
    f.finish(TaxId {
        tax_id_type,
        value: f.text("value"),
        business_name: f.opt_text("businessName"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::{
        CheckoutSessionStatus, CheckoutSessionType, PaymentStatus, QuantityBounds, TaxIdType,
    };
    use serde_json::{json, Value};

    fn full() -> CreateCheckoutSessionResponse {
        let mut metadata = serde_json::Map::new();
        metadata.insert("plan".into(), json!({"seats": 3, "tags": ["a", "b"]}));
        CreateCheckoutSessionResponse {
            checkout_session: CheckoutSession {
                id: "cs_1".into(),
                session_type: CheckoutSessionType::ActivateSubscription,
                status: CheckoutSessionStatus::Succeeded,
                price_id: Some("price_1".into()),
                quantity: Some(3),
                customer_id: Some("cus_1".into()),
                customer_email: Some("ada@example.com".into()),
                customer_name: Some("Ada".into()),
                discount_id: Some("disc_1".into()),
                purchase_id: Some("pur_1".into()),
                subscription_id: Some("sub_1".into()),
                payment_status: Some(PaymentStatus::NoPaymentRequired),
                invoice_id: Some("inv_1".into()),
                output_name: Some("Pro".into()),
                output_metadata: Some(metadata),
                success_url: Some("https://shop.example/ok".into()),
                cancel_url: Some("https://shop.example/no".into()),
                payment_method_type: Some("card".into()),
                target_subscription_id: Some("sub_0".into()),
                preserve_billing_cycle_anchor: true,
                billing_address: Some(json!({"country": "FR"})),
                automatically_update_subscriptions: Some(false),
                pricing_model_id: "pm_1".into(),
                organization_id: "org_1".into(),
                livemode: true,
                request_id: Some("req_1".into()),
                adjustable_quantity: Some(QuantityBounds {
                    minimum: 1,
                    maximum: 9,
                }),
                tax_id_collection: Some(true),
                tax_id: Some(TaxId {
                    tax_id_type: TaxIdType::EuVat,
                    value: "FR40303265045".into(),
                    business_name: Some("Ada SARL".into()),
                }),
                expires: 1_900_000_000_000,
                created_at: 1_800_000_000_000,
                updated_at: 1_800_000_000_001,
            },
            url: "https://pay.example/checkout/cs_1".into(),
        }
    }

    fn bare() -> CreateCheckoutSessionResponse {
        let mut answer = full();
        answer.checkout_session = CheckoutSession {
            id: "cs_2".into(),
            session_type: CheckoutSessionType::Product,
            status: CheckoutSessionStatus::Open,
            price_id: None,
            quantity: None,
            customer_id: None,
            customer_email: None,
            customer_name: None,
            discount_id: None,
            purchase_id: None,
            subscription_id: None,
            payment_status: None,
            invoice_id: None,
            output_name: None,
            output_metadata: None,
            success_url: None,
            cancel_url: None,
            payment_method_type: None,
            target_subscription_id: None,
            preserve_billing_cycle_anchor: false,
            billing_address: None,
            automatically_update_subscriptions: None,
            pricing_model_id: String::new(),
            organization_id: String::new(),
            livemode: false,
            request_id: None,
            adjustable_quantity: None,
            tax_id_collection: None,
            tax_id: None,
            expires: 0,
            created_at: -1,
            updated_at: 2,
        };
        answer
    }

    #[test]
    fn what_the_protocol_writes_is_read_back_field_for_field() {
        for answer in [full(), bare()] {
            let wire = serde_json::to_value(&answer).unwrap();
            assert_eq!(created(&wire), Some(answer.clone()));
            // And serde agrees: the hand reader and the derived one read alike.
            let derived: CreateCheckoutSessionResponse = serde_json::from_value(wire).unwrap();
            assert_eq!(derived, answer);
        }
    }

    #[test]
    fn every_one_member_change_reads_like_the_protocols_deserializer() {
        for answer in [full(), bare()] {
            super::super::pricing_wire::tests::agrees_with_serde(
                serde_json::to_value(answer).unwrap(),
                created,
            );
        }
    }

    #[test]
    fn absent_defaults_nulls_and_unknown_fields_read_like_serde() {
        let mut wire = serde_json::to_value(bare()).unwrap();
        let session = wire["checkoutSession"].as_object_mut().unwrap();
        for key in [
            "preserveBillingCycleAnchor",
            "pricingModelId",
            "organizationId",
            "livemode",
        ] {
            session.remove(key);
        }
        session.insert("priceId".into(), Value::Null);
        session.insert("somethingNew".into(), json!({"x": 1}));
        let derived: CreateCheckoutSessionResponse = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(created(&wire), Some(derived));
        assert_eq!(created(&wire), Some(bare()));
    }

    #[test]
    fn a_missing_or_mistyped_field_makes_the_answer_unreadable() {
        let wire = serde_json::to_value(full()).unwrap();
        for (key, bad) in [
            ("id", Value::Null),
            ("type", json!("gift_card")),
            ("status", json!(3)),
            ("quantity", json!(-1)),
            ("quantity", json!("3")),
            ("paymentStatus", json!("maybe")),
            ("outputMetadata", json!([1])),
            ("livemode", json!("true")),
            ("pricingModelId", json!(7)),
            ("adjustableQuantity", json!({"minimum": 1})),
            ("taxId", json!({"type": "eu_vat"})),
            ("taxId", json!({"type": "nope", "value": "x"})),
            ("expires", json!(1.5)),
            ("createdAt", Value::Null),
        ] {
            let mut broken = wire.clone();
            broken["checkoutSession"][key] = bad.clone();
            assert_eq!(created(&broken), None, "{key}: {bad}");
            assert!(
                serde_json::from_value::<CreateCheckoutSessionResponse>(broken).is_err(),
                "serde reads {key}: {bad}"
            );
        }
        for key in ["checkoutSession", "url"] {
            let mut broken = wire.clone();
            broken.as_object_mut().unwrap().remove(key);
            assert_eq!(created(&broken), None, "{key}");
        }
    }
}
