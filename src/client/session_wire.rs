//! The route's answer to the three "create a checkout session" actions
//! (`CreateCheckoutSessionResponse`) read by hand from `JSON.parse`, not by
//! its derived deserializer: that one, with the session's 32 fields, was the
//! largest single deserializer a billing panel linked. The field rules are
//! [`super::json`]'s; `tests` round-trips every field through the protocol's
//! own serializer.

use super::hosted_wire::quantity_bounds;
use super::json::{
    count, defaulted_text, flag, int_at, map, name, name_at, opt_text, optional, text, Json,
};
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
    Some(CheckoutSession {
        id: text(json, "id")?,
        session_type: name_at(json, "type")?,
        status: name_at(json, "status")?,
        price_id: opt_text(json, "priceId")?,
        quantity: optional(json, "quantity", count)?,
        customer_id: opt_text(json, "customerId")?,
        customer_email: opt_text(json, "customerEmail")?,
        customer_name: opt_text(json, "customerName")?,
        discount_id: opt_text(json, "discountId")?,
        purchase_id: opt_text(json, "purchaseId")?,
        subscription_id: opt_text(json, "subscriptionId")?,
        payment_status: optional(json, "paymentStatus", name)?,
        invoice_id: opt_text(json, "invoiceId")?,
        output_name: opt_text(json, "outputName")?,
        output_metadata: optional(json, "outputMetadata", map)?,
        success_url: opt_text(json, "successUrl")?,
        cancel_url: opt_text(json, "cancelUrl")?,
        payment_method_type: opt_text(json, "paymentMethodType")?,
        target_subscription_id: opt_text(json, "targetSubscriptionId")?,
        preserve_billing_cycle_anchor: flag(json, "preserveBillingCycleAnchor")?,
        billing_address: json.get("billingAddress").as_ref().map(J::value),
        automatically_update_subscriptions: optional(
            json,
            "automaticallyUpdateSubscriptions",
            J::boolean,
        )?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        organization_id: defaulted_text(json, "organizationId")?,
        livemode: flag(json, "livemode")?,
        request_id: opt_text(json, "requestId")?,
        adjustable_quantity: optional(json, "adjustableQuantity", quantity_bounds)?,
        tax_id_collection: optional(json, "taxIdCollection", J::boolean)?,
        tax_id: optional(json, "taxId", tax_id)?,
        expires: int_at(json, "expires")?,
        created_at: int_at(json, "createdAt")?,
        updated_at: int_at(json, "updatedAt")?,
    })
}

pub(super) fn tax_id<J: Json>(json: &J) -> Option<TaxId> {
    Some(TaxId {
        tax_id_type: name_at(json, "type")?,
        value: text(json, "value")?,
        business_name: opt_text(json, "businessName")?,
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
