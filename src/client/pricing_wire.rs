//! The route's two answers every billing panel loads, `pricing-models/retrieve`
//! (`PricingModelResponse`) and `customers/billing` (`CustomerBilling`), read
//! by hand from `JSON.parse` rather than by the derived deserializers, which
//! were the largest part of what the library adds to an app: the pricing
//! model (products, prices, features, usage meters) here, the customer's own
//! records by [`super::records_wire`].
//!
//! The field rules are [`super::json`]'s; `tests` checks every field against
//! the protocol's serializer and its deserializer.

use super::json::{all, int, name_at, opt_text, Fields, Json};
use super::records_wire::{customer, invoice_with_lines, payment_method, purchase, subscription};
use checkout_protocol::{
    AggregationType, CustomerBilling, Feature, Price, PricingModel, PricingModelResponse, Product,
    Subscription, UsageMeter,
};

/// `pricing-models/retrieve`: `{pricingModel, source}`.
pub(crate) fn pricing_model_response<J: Json>(json: &J) -> Option<PricingModelResponse> {
    Some(PricingModelResponse {
        pricing_model: pricing_model(&json.get("pricingModel")?)?,
        source: opt_text(json, "source")?,
    })
}

/// `customers/billing`: the customer's records and the pricing model, with
/// that pricing model read a second time from the same answer: the
/// provider's state holds it apart (an `Arc`), and a second read is no code,
/// where its deep clone was 3.4 KB.
pub(crate) fn customer_billing<J: Json>(json: &J) -> Option<(CustomerBilling, PricingModel)> {
    let model = json.get("pricingModel")?;
    Some((billing_records(json, &model)?, pricing_model(&model)?))
}

/// `customers/billing` as the protocol holds it (`model` is its `pricingModel`).
fn billing_records<J: Json>(json: &J, model: &J) -> Option<CustomerBilling> {
    let customer = customer(&json.get("customer")?)?;
    let pricing_model = pricing_model(model)?;
    let f = Fields::new(json);
    f.finish(CustomerBilling {
        customer,
        subscriptions: f.list("subscriptions", subscription),
        current_subscription: f.opt("currentSubscription", subscription),
        current_subscriptions: f.opt("currentSubscriptions", subscriptions),
        purchases: f.list("purchases", purchase),
        invoices: f.list("invoices", invoice_with_lines),
        payment_methods: f.list("paymentMethods", payment_method),
        pricing_model,
        catalog: f.opt("catalog", self::pricing_model),
        billing_portal_url: f.opt_text("billingPortalUrl"),
    })
}

/// An array of subscriptions (`currentSubscriptions`).
fn subscriptions<J: Json>(items: &J) -> Option<Vec<Subscription>> {
    all(items, subscription)
}

fn pricing_model<J: Json>(json: &J) -> Option<PricingModel> {
    let f = Fields::new(json);
    f.finish(PricingModel {
        id: f.text("id"),
        name: f.defaulted_text("name"),
        is_default: f.flag("isDefault"),
        products: f.list("products", product),
        default_product: f.opt("defaultProduct", product).map(Box::new),
        usage_meters: f.list("usageMeters", usage_meter),
        organization_id: f.defaulted_text("organizationId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

fn product<J: Json>(json: &J) -> Option<Product> {
    let f = Fields::new(json);
    f.finish(Product {
        id: f.text("id"),
        slug: f.opt_text("slug"),
        name: f.text("name"),
        description: f.opt_text("description"),
        image_url: f.opt_text("imageURL"),
        default: f.flag("default"),
        active: f.bool_or("active", true),
        prices: f.list("prices", price),
        default_price: f.opt("defaultPrice", price),
        singular_quantity_label: f.opt_text("singularQuantityLabel"),
        plural_quantity_label: f.opt_text("pluralQuantityLabel"),
        features: f.list("features", feature),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        organization_id: f.defaulted_text("organizationId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

fn price<J: Json>(json: &J) -> Option<Price> {
    let price_type = name_at(json, "type")?;
    let unit_price = int(&json.get("unitPrice")?)?;
    let f = Fields::new(json);
    f.finish(Price {
        id: f.text("id"),
        slug: f.opt_text("slug"),
        price_type,
        name: f.opt_text("name"),
        unit_price,
        currency: f.text("currency"),
        interval_unit: f.opt_name("intervalUnit"),
        interval_count: f.opt_count("intervalCount"),
        trial_period_days: f.opt_count("trialPeriodDays"),
        is_default: f.flag("isDefault"),
        active: f.bool_or("active", true),
        product_id: f.defaulted_text("productId"),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
        usage_meter_id: f.opt_text("usageMeterId"),
        usage_events_per_unit: f.opt_int("usageEventsPerUnit"),
    })
}

fn feature<J: Json>(json: &J) -> Option<Feature> {
    let feature_type = name_at(json, "type")?;
    let f = Fields::new(json);
    f.finish(Feature {
        id: f.text("id"),
        feature_type,
        slug: f.defaulted_text("slug"),
        name: f.defaulted_text("name"),
        description: f.defaulted_text("description"),
        amount: f.opt_int("amount"),
        renewal_frequency: f.opt_name("renewalFrequency"),
        usage_meter_id: f.opt_text("usageMeterId"),
        resource_id: f.opt_text("resourceId"),
        active: f.bool_or("active", true),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        organization_id: f.defaulted_text("organizationId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

fn usage_meter<J: Json>(json: &J) -> Option<UsageMeter> {
    let f = Fields::new(json);
    f.finish(UsageMeter {
        id: f.text("id"),
        slug: f.defaulted_text("slug"),
        name: f.defaulted_text("name"),
        aggregation_type: f
            .opt_name("aggregationType")
            .unwrap_or(AggregationType::Sum),
        prices: f.list("prices", price),
        pricing_model_id: f.defaulted_text("pricingModelId"),
        organization_id: f.defaulted_text("organizationId"),
        livemode: f.flag("livemode"),
        created_at: f.defaulted_int("createdAt"),
        updated_at: f.defaulted_int("updatedAt"),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use checkout_protocol::UsageMeterBalancesResponse;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};
    use std::fmt::Debug;

    fn price(id: &str) -> Value {
        json!({
            "id": id, "slug": format!("{id}-slug"), "type": "subscription", "name": "Monthly",
            "unitPrice": 1200, "currency": "EUR", "intervalUnit": "month", "intervalCount": 1,
            "trialPeriodDays": 14, "isDefault": true, "active": false, "productId": "prod_1",
            "pricingModelId": "pm_1", "livemode": true, "createdAt": 1, "updatedAt": 2,
            "usageMeterId": "um_1", "usageEventsPerUnit": 10
        })
    }

    fn product() -> Value {
        json!({
            "id": "prod_1", "slug": "pro", "name": "Pro", "description": "For teams",
            "imageURL": "https://shop.example/pro.png", "default": true, "active": false,
            "prices": [price("price_1"), price("price_2")], "defaultPrice": price("price_1"),
            "singularQuantityLabel": "seat", "pluralQuantityLabel": "seats",
            "features": [{
                "id": "feat_1", "type": "usage_credit_grant", "slug": "credits", "name": "Credits",
                "description": "Monthly credits", "amount": 100,
                "renewalFrequency": "every_billing_period", "usageMeterId": "um_1",
                "resourceId": "res_1", "active": false, "pricingModelId": "pm_1",
                "organizationId": "org_1", "livemode": true, "createdAt": 3, "updatedAt": 4
            }],
            "pricingModelId": "pm_1", "organizationId": "org_1", "livemode": true,
            "createdAt": 5, "updatedAt": 6
        })
    }

    fn model() -> Value {
        json!({
            "id": "pm_1", "name": "Default", "isDefault": true, "products": [product()],
            "defaultProduct": product(),
            "usageMeters": [{
                "id": "um_1", "slug": "calls", "name": "API calls",
                "aggregationType": "count_distinct_properties", "prices": [price("price_3")],
                "pricingModelId": "pm_1", "organizationId": "org_1", "livemode": true,
                "createdAt": 7, "updatedAt": 8
            }],
            "organizationId": "org_1", "livemode": true, "createdAt": 9, "updatedAt": 10
        })
    }

    fn experimental(subscription_id: &str) -> Value {
        let feature_item = json!({
            "id": "fi_1", "type": "toggle", "featureId": "feat_1",
            "productFeatureId": "pf_1", "subscriptionItemId": "si_1", "slug": "sso",
            "name": "SSO", "amount": 5, "renewalFrequency": "once",
            "usageMeterId": "um_1", "resourceId": "res_1", "manuallyCreated": true,
            "detachedAt": 8, "detachedReason": "plan change", "expiredAt": 9,
            "pricingModelId": "pm_1", "livemode": true, "createdAt": 10, "updatedAt": 11
        });
        let balance = json!({
            "id": "umb_1", "slug": "calls", "name": "API calls",
            "aggregationType": "count_distinct_properties", "availableBalance": -3,
            "subscriptionId": subscription_id, "organizationId": "org_1",
            "pricingModelId": "pm_1", "livemode": true, "createdAt": 12, "updatedAt": 13
        });
        json!({"featureItems": [feature_item], "usageMeterBalances": [balance]})
    }

    fn subscription(id: &str) -> Value {
        let mut subscription = json!({
            "id": id, "customerId": "cus_1", "priceId": "price_1", "name": "Pro",
            "status": "cancellation_scheduled", "current": true, "renews": false,
            "interval": "month", "intervalCount": 1, "startDate": 1,
            "currentBillingPeriodStart": 2, "currentBillingPeriodEnd": 3, "trialEnd": 4,
            "cancelScheduledAt": 5, "canceledAt": 6, "cancellationReason": "too dear",
            "defaultPaymentMethodId": "pm_1", "backupPaymentMethodId": "pm_2",
            "billingCycleAnchorDate": 7, "subscriptionItems": [{"id": "si_1", "quantity": 2}],
            "metadata": {"team": "blue", "seats": [1, 2.5]}, "isFreePlan": false,
            "doNotCharge": true, "runBillingAtPeriodStart": false,
            "replacedBySubscriptionId": "sub_9",
            "requestId": "req_1", "organizationId": "org_1", "pricingModelId": "pm_1",
            "livemode": true, "createdAt": 14, "updatedAt": 15
        });
        subscription["experimental"] = experimental(id);
        subscription
    }

    fn billing() -> Value {
        json!({
            "customer": {
                "id": "cus_1", "externalId": "u_1", "email": "ada@example.com", "name": "Ada",
                "archived": true, "domain": "example.com", "iconURL": "https://x.example/i.png",
                "logoURL": "https://x.example/l.png", "invoiceNumberBase": "ADA",
                "userId": "user_1", "billingAddress": {"country": "FR", "lines": ["1 rue"]},
                "organizationId": "org_1", "pricingModelId": "pm_1", "livemode": true,
                "createdAt": 16, "updatedAt": 17
            },
            "subscriptions": [subscription("sub_1"), subscription("sub_2")],
            "currentSubscription": subscription("sub_1"),
            "currentSubscriptions": [subscription("sub_1")],
            "purchases": [{
                "id": "pur_1", "customerId": "cus_1", "name": "Onboarding", "priceId": "price_9",
                "priceType": "subscription", "quantity": 3, "status": "paid",
                "firstInvoiceValue": 900, "totalPurchaseValue": 2700,
                "pricePerBillingCycle": 900, "intervalUnit": "year", "intervalCount": 2,
                "trialPeriodDays": 7, "purchaseDate": 18, "endDate": 19,
                "metadata": {"source": "ad"}, "requestId": "req_2", "archived": false,
                "bankPaymentOnly": true, "position": 4, "proposal": "Q1 deal",
                "billingCycleAnchor": 20, "billingAddress": {"country": "DE"},
                "taxId": {"type": "eu_vat", "value": "DE123456789", "businessName": "Ada GmbH"},
                "organizationId": "org_1", "pricingModelId": "pm_1", "livemode": true,
                "createdAt": 21, "updatedAt": 22
            }],
            "invoices": [{
                "invoice": {
                    "id": "inv_1", "customerId": "cus_1", "invoiceNumber": "ADA-1",
                    "status": "paid", "type": "subscription", "currency": "EUR",
                    "invoiceDate": 23, "dueDate": 24, "subtotal": 900, "taxAmount": 180,
                    "purchaseId": "pur_1", "subscriptionId": "sub_1", "memo": "Thanks",
                    "pdfURL": "https://x.example/inv.pdf",
                    "receiptPdfURL": "https://x.example/rcpt.pdf", "organizationId": "org_1",
                    "pricingModelId": "pm_1", "livemode": true, "createdAt": 25, "updatedAt": 26
                },
                "invoiceLineItems": [{
                    "id": "li_1", "invoiceId": "inv_1", "description": "Pro", "price": 900,
                    "priceId": "price_1", "quantity": 2, "type": "static",
                    "pricingModelId": "pm_1", "livemode": true, "createdAt": 27, "updatedAt": 28
                }]
            }],
            "paymentMethods": [{
                "id": "pm_1", "customerId": "cus_1", "type": "card", "default": true,
                "billingDetails": {"name": "Ada"},
                "paymentMethodData": {"brand": "Visa", "last4": "4242", "expMonth": 12},
                "metadata": {"k": "v"}, "pricingModelId": "pm_1", "livemode": true,
                "createdAt": 29, "updatedAt": 30
            }],
            "pricingModel": model(), "catalog": model(),
            "billingPortalUrl": "https://shop.example/portal"
        })
    }

    /// Every object path in `json` (the root is `[]`).
    fn paths(json: &Value, at: Vec<String>, out: &mut Vec<Vec<String>>) {
        match json {
            Value::Object(map) => {
                for (key, value) in map {
                    let mut path = at.clone();
                    path.push(key.clone());
                    out.push(path.clone());
                    paths(value, path, out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut path = at.clone();
                    path.push(i.to_string());
                    paths(item, path, out);
                }
            }
            _ => {}
        }
    }

    /// `json` with the member at `path` replaced by `to` (`None`: removed).
    fn mutate(json: &Value, path: &[String], to: Option<Value>) -> Value {
        let mut out = json.clone();
        let (last, parents) = path.split_last().unwrap();
        let mut at = &mut out;
        for key in parents {
            at = match at {
                Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
                other => &mut other[key.as_str()],
            };
        }
        let map = at.as_object_mut().unwrap();
        match to {
            Some(value) => map.insert(last.clone(), value),
            None => map.remove(last),
        };
        out
    }

    /// Values of another JSON type than `value`'s (and a fraction for a number).
    fn wrong_types(value: &Value) -> Vec<Value> {
        match value {
            Value::String(_) => vec![json!(12), json!({})],
            Value::Number(_) => vec![json!("12"), json!(1.5), json!(-1)],
            Value::Bool(_) => vec![json!("true"), json!(1)],
            Value::Array(_) => vec![json!({"0": 1}), json!("x")],
            Value::Object(_) => vec![json!("x"), json!([])],
            Value::Null => vec![],
        }
    }

    /// The hand reader and the protocol's deserializer agree on `fixture`
    /// and on every one-member change of it: a member removed, `null`, or of
    /// another type. Where serde refuses a `null`, the reader refuses it too
    /// or reads it as absent (a defaulted member: the module's one difference).
    pub(crate) fn agrees_with_serde<T: DeserializeOwned + serde::Serialize + PartialEq + Debug>(
        fixture: Value,
        read: fn(&Value) -> Option<T>,
    ) {
        let derived: T = serde_json::from_value(fixture.clone()).unwrap();
        // The fixture names every field the protocol writes, and no other.
        assert_eq!(serde_json::to_value(&derived).unwrap(), fixture);
        assert_eq!(read(&fixture).as_ref(), Some(&derived));
        let mut all = Vec::new();
        paths(&fixture, Vec::new(), &mut all);
        for path in all {
            let mut value = &fixture;
            for key in &path {
                value = match value {
                    Value::Array(items) => &items[key.parse::<usize>().unwrap()],
                    other => &other[key.as_str()],
                };
            }
            let mut changes: Vec<Option<Value>> = vec![None, Some(Value::Null)];
            changes.extend(wrong_types(value).into_iter().map(Some));
            for change in changes {
                let changed = mutate(&fixture, &path, change.clone());
                let serde = serde_json::from_value::<T>(changed.clone()).ok();
                let hand = read(&changed);
                if serde.is_some() || change != Some(Value::Null) {
                    assert_eq!(hand, serde, "{path:?} = {change:?}");
                } else {
                    // Refused like serde, or read as absent (a hand-read
                    // defaulted member), never anything else.
                    let absent = read(&mutate(&fixture, &path, None));
                    assert!(hand.is_none() || hand == absent, "{path:?} = null");
                }
            }
        }
    }

    #[test]
    fn the_pricing_model_answer_reads_like_the_protocols_deserializer() {
        agrees_with_serde(
            json!({"pricingModel": model(), "source": "customer"}),
            pricing_model_response,
        );
    }

    /// `customers/billing` as the provider reads it; the pricing model read
    /// apart is the billing's own.
    fn billing_read(json: &Value) -> Option<CustomerBilling> {
        let (billing, model) = customer_billing(json)?;
        assert_eq!(
            billing.pricing_model, model,
            "the second read is the same model"
        );
        Some(billing)
    }

    #[test]
    fn the_customer_billing_answer_reads_like_the_protocols_deserializer() {
        agrees_with_serde(billing(), billing_read);
    }

    #[test]
    fn the_subscription_change_answers_read_like_the_protocols_deserializer() {
        agrees_with_serde(
            json!({"subscription": subscription("sub_1")}),
            super::super::records_wire::subscription_response,
        );
        agrees_with_serde(
            json!({
                "subscription": subscription("sub_1"),
                "subscriptionItems": [{
                    "id": "si_1", "subscriptionId": "sub_1", "priceId": "price_1",
                    "name": "Pro", "quantity": 2, "unitPrice": 900, "type": "static",
                    "addedDate": 1, "expiredAt": 2, "externalId": "ext_1",
                    "manuallyCreated": true, "pricingModelId": "pm_1", "livemode": true,
                    "createdAt": 3, "updatedAt": 4
                }],
                "isUpgrade": true, "resolvedTiming": "at_end_of_current_billing_period"
            }),
            super::super::records_wire::adjust_response,
        );
    }

    #[test]
    fn the_card_and_meter_answers_read_like_the_protocols_deserializer() {
        let billing = billing();
        agrees_with_serde(
            json!({"data": billing["paymentMethods"].clone(), "hasMore": true, "total": 3,
                "currentCursor": "c1", "nextCursor": "c2"}),
            super::super::records_wire::payment_method_list,
        );
        let balances = experimental("sub_1")["usageMeterBalances"].clone();
        agrees_with_serde(
            json!({"usageMeterBalances": balances.clone()}),
            super::super::records_wire::usage_meter_balances,
        );
        // A struct whose fields all have defaults: serde takes it as an
        // array of its fields too.
        for answer in [
            json!([]),
            json!([balances.clone()]),
            json!([balances, []]),
            json!({}),
        ] {
            let serde = serde_json::from_value::<UsageMeterBalancesResponse>(answer.clone()).ok();
            let hand = super::super::records_wire::usage_meter_balances(&answer);
            assert_eq!(hand, serde, "{answer}");
        }
    }

    #[test]
    fn records_with_only_their_ids_take_the_protocols_defaults() {
        let bare = json!({"customer": {"id": "c"}, "pricingModel": {"id": "pm"},
            "subscriptions": [{"id": "s", "status": "active", "experimental": []}],
            "purchases": [{"id": "p"}], "invoices": [{"invoice": {"id": "i"},
            "invoiceLineItems": [{"id": "l"}]}], "paymentMethods": [{"id": "m"}]});
        let derived: CustomerBilling = serde_json::from_value(bare.clone()).unwrap();
        assert_eq!(billing_read(&bare), Some(derived.clone()));
        let subscription = &derived.subscriptions[0];
        assert!(subscription.renews && subscription.experimental.is_some());
        assert_eq!(derived.purchases[0].quantity, 1);
        assert_eq!(derived.payment_methods[0].method_type, "card");
        for experimental in [json!([[], []]), json!([[], [], []]), json!([{}])] {
            let mut changed = bare.clone();
            changed["subscriptions"][0]["experimental"] = experimental.clone();
            let serde = serde_json::from_value::<CustomerBilling>(changed.clone()).ok();
            assert_eq!(billing_read(&changed), serde, "{experimental}");
        }
    }

    #[test]
    fn absent_members_take_the_protocols_defaults() {
        let bare = json!({"pricingModel": {"id": "pm_1", "products": [{"id": "p", "name": "P",
            "prices": [{"id": "x", "type": "usage", "unitPrice": 1, "currency": "USD"}],
            "features": [{"id": "f", "type": "something_new"}]}],
            "usageMeters": [{"id": "um"}]}});
        let derived: PricingModelResponse = serde_json::from_value(bare.clone()).unwrap();
        assert_eq!(pricing_model_response(&bare), Some(derived.clone()));
        let product = &derived.pricing_model.products[0];
        assert!(product.active && product.prices[0].active && product.features[0].active);
        assert_eq!(
            derived.pricing_model.usage_meters[0].aggregation_type,
            AggregationType::Sum
        );
    }
}
