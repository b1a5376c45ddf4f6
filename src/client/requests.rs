//! The route requests a billing panel sends, written by hand into a
//! [`JsonObject`] (a JS object sent through `JSON.stringify` in wasm) rather
//! than by serde_json: members in serde's order, `None` left out as the
//! protocol's `skip_serializing_if` does. `tests` compares each with the
//! protocol's serializer.

use super::json::JsonObject;
use checkout_protocol::{
    AdjustSubscriptionParams, AdjustmentTiming, BillingAddressCollection, CancelSubscriptionParams,
    CancellationTiming, CreateActivateSubscriptionCheckoutSessionParams,
    CreateAddPaymentMethodCheckoutSessionParams, CreateProductCheckoutSessionParams,
    PaymentMethodParams, UncancelSubscriptionParams, UsageMeterBalancesParams,
};
use checkout_protocol::{
    ClaimResourceParams, CreateUsageEventParams, ListResourceClaimsParams, ReleaseResourceParams,
    ResourceUsagesParams,
};
use serde_json::{Map, Value};

/// `{}`: the loads' empty body.
pub(crate) fn empty<O: JsonObject>() -> O {
    O::new()
}

/// Puts `value` under `key` unless it is `None`.
fn put<O: JsonObject, T>(o: &mut O, key: &str, value: Option<T>, write: impl Fn(&mut O, &str, T)) {
    if let Some(value) = value {
        write(o, key, value);
    }
}

/// `outputMetadata`, kept as the merchant gave it.
fn put_metadata<O: JsonObject>(o: &mut O, metadata: Option<&Map<String, Value>>) {
    put_map(o, "outputMetadata", metadata);
}

/// A free-form object (metadata, properties) under `key` unless `None`.
fn put_map<O: JsonObject>(o: &mut O, key: &str, map: Option<&Map<String, Value>>) {
    if let Some(map) = map {
        o.value(key, &Value::Object(map.clone()));
    }
}

/// A price by id or slug, with a quantity (a line item, a subscription item).
fn price_ref<O: JsonObject>(id: Option<&str>, slug: Option<&str>, quantity: Option<f64>) -> O {
    let mut o = O::new();
    put(&mut o, "priceId", id, O::text);
    put(&mut o, "priceSlug", slug, O::text);
    put(&mut o, "quantity", quantity, O::number);
    o
}

/// The members of `checkout-sessions/create` a one-price checkout has
/// (price, quantity, URLs), first in [`product_checkout`]'s order: all
/// that a component's checkout writes (`PriceCheckout` fills nothing else).
pub(crate) fn price_checkout<O: JsonObject>(p: &CreateProductCheckoutSessionParams) -> O {
    let mut o = O::new();
    put(&mut o, "priceId", p.price_id.as_deref(), O::text);
    put(&mut o, "priceSlug", p.price_slug.as_deref(), O::text);
    put(&mut o, "quantity", p.quantity, O::number);
    put(&mut o, "successUrl", p.success_url.as_deref(), O::text);
    put(&mut o, "cancelUrl", p.cancel_url.as_deref(), O::text);
    o
}

/// `checkout-sessions/create`.
pub(crate) fn product_checkout<O: JsonObject>(p: &CreateProductCheckoutSessionParams) -> O {
    let mut o = price_checkout::<O>(p);
    if let Some(metadata) = &p.output_metadata {
        o.value(
            "outputMetadata",
            &serde_json::Value::Object(metadata.clone()),
        );
    }
    put(&mut o, "outputName", p.output_name.as_deref(), O::text);
    if let Some(items) = &p.line_items {
        let items = items
            .iter()
            .map(|i| price_ref(i.price_id.as_deref(), i.price_slug.as_deref(), i.quantity));
        o.objects("lineItems", items.collect());
    }
    put(&mut o, "requestId", p.request_id.as_deref(), O::text);
    put(
        &mut o,
        "customerEmail",
        p.customer_email.as_deref(),
        O::text,
    );
    put(&mut o, "discountCode", p.discount_code.as_deref(), O::text);
    put(
        &mut o,
        "allowPromotionCodes",
        p.allow_promotion_codes,
        O::boolean,
    );
    let collection = p.billing_address_collection.map(|c| match c {
        BillingAddressCollection::Auto => "auto",
        BillingAddressCollection::Required => "required",
    });
    put(&mut o, "billingAddressCollection", collection, O::text);
    put(&mut o, "trialDays", p.trial_days, O::number);
    put(&mut o, "expiresAt", p.expires_at, O::number);
    if let Some(q) = &p.adjustable_quantity {
        let mut a = O::new();
        a.boolean("enabled", q.enabled);
        put(&mut a, "minimum", q.minimum.map(f64::from), O::number);
        put(&mut a, "maximum", q.maximum.map(f64::from), O::number);
        o.object("adjustableQuantity", a);
    }
    put(&mut o, "taxIdCollection", p.tax_id_collection, O::boolean);
    o
}

/// `checkout-sessions/create-add-payment-method`.
pub(crate) fn add_payment_method_checkout<O: JsonObject>(
    p: &CreateAddPaymentMethodCheckoutSessionParams,
) -> O {
    let mut o = O::new();
    put(&mut o, "successUrl", p.success_url.as_deref(), O::text);
    put(&mut o, "cancelUrl", p.cancel_url.as_deref(), O::text);
    put(
        &mut o,
        "targetSubscriptionId",
        p.target_subscription_id.as_deref(),
        O::text,
    );
    put_metadata(&mut o, p.output_metadata.as_ref());
    put(&mut o, "outputName", p.output_name.as_deref(), O::text);
    o
}

/// The members of `checkout-sessions/create-activate-subscription` a
/// component's activation has (URLs, subscription), first in
/// [`activate_subscription_checkout`]'s order: all that one writes.
pub(crate) fn activation_checkout<O: JsonObject>(
    p: &CreateActivateSubscriptionCheckoutSessionParams,
) -> O {
    let mut o = O::new();
    put(&mut o, "successUrl", p.success_url.as_deref(), O::text);
    put(&mut o, "cancelUrl", p.cancel_url.as_deref(), O::text);
    put(
        &mut o,
        "targetSubscriptionId",
        p.target_subscription_id.as_deref(),
        O::text,
    );
    o
}

/// `checkout-sessions/create-activate-subscription`.
pub(crate) fn activate_subscription_checkout<O: JsonObject>(
    p: &CreateActivateSubscriptionCheckoutSessionParams,
) -> O {
    let mut o = activation_checkout::<O>(p);
    put(&mut o, "priceId", p.price_id.as_deref(), O::text);
    put_metadata(&mut o, p.output_metadata.as_ref());
    put(&mut o, "outputName", p.output_name.as_deref(), O::text);
    o
}

/// `subscriptions/cancel`: `{id, cancellation: {timing}}`.
pub(crate) fn cancel<O: JsonObject>(p: &CancelSubscriptionParams) -> O {
    let mut o = O::new();
    o.text("id", &p.id);
    let mut cancellation = O::new();
    cancellation.text(
        "timing",
        match p.cancellation.timing {
            CancellationTiming::AtEndOfCurrentBillingPeriod => "at_end_of_current_billing_period",
            CancellationTiming::Immediately => "immediately",
        },
    );
    o.object("cancellation", cancellation);
    o
}

/// `subscriptions/uncancel`: `{id}`.
pub(crate) fn uncancel<O: JsonObject>(p: &UncancelSubscriptionParams) -> O {
    id_only(&p.id)
}

/// `payment-methods/remove` and `…/set-default`: `{id}`.
pub(crate) fn payment_method<O: JsonObject>(p: &PaymentMethodParams) -> O {
    id_only(&p.id)
}

/// `{id}`.
fn id_only<O: JsonObject>(id: &str) -> O {
    let mut o = O::new();
    o.text("id", id);
    o
}

/// `usage-meters/balances`: `{subscriptionId?}`.
pub(crate) fn usage_meter_balances<O: JsonObject>(p: &UsageMeterBalancesParams) -> O {
    let mut o = O::new();
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    o
}

/// `subscriptions/adjust`.
pub(crate) fn adjust<O: JsonObject>(p: &AdjustSubscriptionParams) -> O {
    let mut o = O::new();
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    let timing = p.timing.map(|t| match t {
        AdjustmentTiming::Immediately => "immediately",
        AdjustmentTiming::AtEndOfCurrentBillingPeriod => "at_end_of_current_billing_period",
        AdjustmentTiming::Auto => "auto",
    });
    put(&mut o, "timing", timing, O::text);
    put(&mut o, "prorate", p.prorate, O::boolean);
    put(&mut o, "priceSlug", p.price_slug.as_deref(), O::text);
    put(&mut o, "priceId", p.price_id.as_deref(), O::text);
    put(&mut o, "quantity", p.quantity, O::number);
    if let Some(items) = &p.subscription_items {
        let items = items
            .iter()
            .map(|i| price_ref(i.price_id.as_deref(), i.price_slug.as_deref(), i.quantity));
        o.objects("subscriptionItems", items.collect());
    }
    o
}

/// `usage-events/create`.
pub(crate) fn usage_event<O: JsonObject>(p: &CreateUsageEventParams) -> O {
    let mut o = O::new();
    put(&mut o, "amount", p.amount, O::number);
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    put(&mut o, "priceId", p.price_id.as_deref(), O::text);
    put(&mut o, "priceSlug", p.price_slug.as_deref(), O::text);
    put(&mut o, "usageMeterId", p.usage_meter_id.as_deref(), O::text);
    put(
        &mut o,
        "usageMeterSlug",
        p.usage_meter_slug.as_deref(),
        O::text,
    );
    put_map(&mut o, "properties", p.properties.as_ref());
    put(
        &mut o,
        "transactionId",
        p.transaction_id.as_deref(),
        O::text,
    );
    put(&mut o, "usageDate", p.usage_date, O::number);
    o
}

/// `resources/claim`.
pub(crate) fn claim<O: JsonObject>(p: &ClaimResourceParams) -> O {
    let mut o = O::new();
    o.text("resourceSlug", &p.resource_slug);
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    put_map(&mut o, "metadata", p.metadata.as_ref());
    put(&mut o, "quantity", p.quantity, O::number);
    put(&mut o, "externalId", p.external_id.as_deref(), O::text);
    put(&mut o, "externalIds", p.external_ids.as_deref(), O::texts);
    o
}

/// `resources/release`.
pub(crate) fn release<O: JsonObject>(p: &ReleaseResourceParams) -> O {
    let mut o = O::new();
    o.text("resourceSlug", &p.resource_slug);
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    put(&mut o, "quantity", p.quantity, O::number);
    put(&mut o, "externalId", p.external_id.as_deref(), O::text);
    put(&mut o, "externalIds", p.external_ids.as_deref(), O::texts);
    put(&mut o, "claimIds", p.claim_ids.as_deref(), O::texts);
    o
}

/// `resources/claims`.
pub(crate) fn list_claims<O: JsonObject>(p: &ListResourceClaimsParams) -> O {
    let mut o = O::new();
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    put(&mut o, "resourceSlug", p.resource_slug.as_deref(), O::text);
    o
}

/// `resources/usages`.
pub(crate) fn resource_usages<O: JsonObject>(p: &ResourceUsagesParams) -> O {
    let mut o = O::new();
    put(
        &mut o,
        "subscriptionId",
        p.subscription_id.as_deref(),
        O::text,
    );
    o
}

#[cfg(test)]
mod tests {
    use super::super::json::same_json;
    use super::*;
    use checkout_protocol::{
        AdjustableQuantity, Cancellation, LineItemParams, TerseSubscriptionItem,
    };
    use serde_json::json;

    fn written<T: serde::Serialize>(value: &T) -> Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn checkout_requests_are_written_as_the_protocol_serializes_them() {
        let mut metadata = Map::new();
        metadata.insert(
            "plan".into(),
            json!({"seats": 3, "tags": ["a", "b"], "f": 1.5}),
        );
        let full = CreateProductCheckoutSessionParams {
            price_id: Some("price_1".into()),
            price_slug: Some("pro".into()),
            quantity: Some(3.0),
            success_url: Some("https://shop.example/ok".into()),
            cancel_url: Some("https://shop.example/no".into()),
            output_metadata: Some(metadata),
            output_name: Some("Pro".into()),
            line_items: Some(vec![
                LineItemParams {
                    price_id: Some("price_2".into()),
                    price_slug: None,
                    quantity: Some(2.0),
                },
                LineItemParams {
                    price_id: None,
                    price_slug: Some("seat".into()),
                    quantity: None,
                },
            ]),
            request_id: Some("req_1".into()),
            customer_email: Some("ada@example.com".into()),
            discount_code: Some("SAVE".into()),
            allow_promotion_codes: Some(true),
            billing_address_collection: Some(BillingAddressCollection::Required),
            trial_days: Some(14.0),
            expires_at: Some(1_900_000_000_000.0),
            adjustable_quantity: Some(AdjustableQuantity {
                enabled: true,
                minimum: Some(1),
                maximum: Some(9),
            }),
            tax_id_collection: Some(false),
        };
        let some = CreateProductCheckoutSessionParams {
            billing_address_collection: Some(BillingAddressCollection::Auto),
            adjustable_quantity: Some(AdjustableQuantity::default()),
            line_items: Some(vec![]),
            ..Default::default()
        };
        for p in [full, some, CreateProductCheckoutSessionParams::default()] {
            same_json(product_checkout::<Map<String, Value>>(&p), written(&p));
        }
        same_json(empty::<Map<String, Value>>(), json!({}));
    }

    #[test]
    fn a_one_price_checkout_is_written_as_the_whole_request_writes_it() {
        let by_id = CreateProductCheckoutSessionParams {
            price_id: Some("price_1".into()),
            quantity: Some(3.0),
            success_url: Some("https://shop.example/ok?s={CHECKOUT_SESSION_ID}".into()),
            cancel_url: Some("https://shop.example/no".into()),
            ..Default::default()
        };
        let by_slug = CreateProductCheckoutSessionParams {
            price_id: None,
            price_slug: Some("pro".into()),
            quantity: Some(1.0),
            ..by_id.clone()
        };
        for p in [
            by_id,
            by_slug,
            CreateProductCheckoutSessionParams::default(),
        ] {
            let one = price_checkout::<Map<String, Value>>(&p);
            // The same members in the same order: the same body, the same
            // idempotency fingerprint.
            assert_eq!(
                one.iter().collect::<Vec<_>>(),
                product_checkout::<Map<String, Value>>(&p)
                    .iter()
                    .collect::<Vec<_>>()
            );
            same_json(one, written(&p));
        }
    }

    #[test]
    fn an_activation_is_written_as_the_whole_request_writes_it() {
        let activation = CreateActivateSubscriptionCheckoutSessionParams {
            success_url: Some("https://shop.example/account".into()),
            cancel_url: Some("https://shop.example/account".into()),
            target_subscription_id: Some("sub_1".into()),
            ..Default::default()
        };
        for p in [
            activation,
            CreateActivateSubscriptionCheckoutSessionParams::default(),
        ] {
            let one = activation_checkout::<Map<String, Value>>(&p);
            assert_eq!(
                one.iter().collect::<Vec<_>>(),
                activate_subscription_checkout::<Map<String, Value>>(&p)
                    .iter()
                    .collect::<Vec<_>>()
            );
            same_json(one, written(&p));
        }
    }

    #[test]
    fn the_other_checkout_requests_are_written_as_the_protocol_serializes_them() {
        let mut metadata = Map::new();
        metadata.insert("team".into(), json!("blue"));
        let full = CreateActivateSubscriptionCheckoutSessionParams {
            success_url: Some("https://shop.example/ok".into()),
            cancel_url: Some("https://shop.example/no".into()),
            target_subscription_id: Some("sub_1".into()),
            price_id: Some("price_1".into()),
            output_metadata: Some(metadata.clone()),
            output_name: Some("Pro".into()),
        };
        for p in [full.clone(), Default::default()] {
            same_json(
                activate_subscription_checkout::<Map<String, Value>>(&p),
                written(&p),
            );
        }
        let full = CreateAddPaymentMethodCheckoutSessionParams {
            success_url: full.success_url,
            cancel_url: full.cancel_url,
            target_subscription_id: full.target_subscription_id,
            output_metadata: Some(metadata),
            output_name: full.output_name,
        };
        for p in [full, Default::default()] {
            same_json(
                add_payment_method_checkout::<Map<String, Value>>(&p),
                written(&p),
            );
        }
    }

    #[test]
    fn subscription_requests_are_written_as_the_protocol_serializes_them() {
        for timing in [
            CancellationTiming::AtEndOfCurrentBillingPeriod,
            CancellationTiming::Immediately,
        ] {
            let p = CancelSubscriptionParams {
                id: "sub_1".into(),
                cancellation: Cancellation { timing },
            };
            same_json(cancel::<Map<String, Value>>(&p), written(&p));
        }
        let p = UncancelSubscriptionParams { id: "sub_1".into() };
        same_json(uncancel::<Map<String, Value>>(&p), written(&p));
        let p = PaymentMethodParams { id: "pm_1".into() };
        same_json(payment_method::<Map<String, Value>>(&p), written(&p));
        for subscription_id in [Some("sub_1".to_owned()), None] {
            let p = UsageMeterBalancesParams { subscription_id };
            same_json(usage_meter_balances::<Map<String, Value>>(&p), written(&p));
        }
        let full = AdjustSubscriptionParams {
            subscription_id: Some("sub_1".into()),
            timing: Some(AdjustmentTiming::AtEndOfCurrentBillingPeriod),
            prorate: Some(true),
            price_slug: Some("pro".into()),
            price_id: Some("price_1".into()),
            quantity: Some(2.0),
            subscription_items: Some(vec![TerseSubscriptionItem {
                price_id: Some("price_2".into()),
                price_slug: Some("seat".into()),
                quantity: Some(4.0),
            }]),
        };
        let mut all = vec![full, AdjustSubscriptionParams::default()];
        for timing in [AdjustmentTiming::Immediately, AdjustmentTiming::Auto] {
            all.push(AdjustSubscriptionParams {
                timing: Some(timing),
                subscription_items: Some(vec![TerseSubscriptionItem::default()]),
                ..Default::default()
            });
        }
        for p in all {
            same_json(adjust::<Map<String, Value>>(&p), written(&p));
        }
    }

    #[test]
    fn usage_and_seat_requests_are_written_as_the_protocol_serializes_them() {
        let mut properties = Map::new();
        properties.insert("model".into(), json!({"name": "m", "n": [1, 2.5]}));
        let full = CreateUsageEventParams {
            amount: Some(12.0),
            subscription_id: Some("sub_1".into()),
            price_id: Some("price_1".into()),
            price_slug: Some("calls".into()),
            usage_meter_id: Some("um_1".into()),
            usage_meter_slug: Some("api-calls".into()),
            properties: Some(properties.clone()),
            transaction_id: Some("t-1".into()),
            usage_date: Some(1_800_000_000_000.0),
        };
        for p in [full, CreateUsageEventParams::default()] {
            same_json(usage_event::<Map<String, Value>>(&p), written(&p));
        }
        let full = ClaimResourceParams {
            resource_slug: "seats".into(),
            subscription_id: Some("sub_1".into()),
            metadata: Some(properties),
            quantity: Some(2.0),
            external_id: Some("u1".into()),
            external_ids: Some(vec!["u2".into(), "u3".into()]),
        };
        let bare = ClaimResourceParams {
            resource_slug: "seats".into(),
            ..Default::default()
        };
        for p in [full, bare] {
            same_json(claim::<Map<String, Value>>(&p), written(&p));
        }
        let full = ReleaseResourceParams {
            resource_slug: "seats".into(),
            subscription_id: Some("sub_1".into()),
            quantity: Some(1.0),
            external_id: Some("u1".into()),
            external_ids: Some(vec!["u2".into()]),
            claim_ids: Some(vec![]),
        };
        let bare = ReleaseResourceParams {
            resource_slug: "seats".into(),
            ..Default::default()
        };
        for p in [full, bare] {
            same_json(release::<Map<String, Value>>(&p), written(&p));
        }
        for (subscription_id, resource_slug) in [(Some("sub_1"), Some("seats")), (None, None)] {
            let p = ListResourceClaimsParams {
                subscription_id: subscription_id.map(str::to_owned),
                resource_slug: resource_slug.map(str::to_owned),
            };
            same_json(list_claims::<Map<String, Value>>(&p), written(&p));
            let p = ResourceUsagesParams {
                subscription_id: subscription_id.map(str::to_owned),
            };
            same_json(resource_usages::<Map<String, Value>>(&p), written(&p));
        }
    }
}
