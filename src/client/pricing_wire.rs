//! The route's two answers every billing panel loads, `pricing-models/retrieve`
//! (`PricingModelResponse`) and `customers/billing` (`CustomerBilling`), with
//! the pricing model (products, prices, features, usage meters) read by hand
//! from the envelope's `serde_json::Value` rather than by the derived
//! deserializers, which were the largest part of what the library adds to an
//! app. The customer's own records (customer, subscriptions, purchases,
//! invoices, payment methods) are still read by their derived deserializers.
//!
//! The readers and rules are [`super::hosted_wire`]'s and
//! [`super::session_wire`]'s (a defaulted field reads `null` as its
//! default); `tests` checks every field against the protocol's serializer
//! and its deserializer.

use super::hosted_wire::{
    count, defaulted_text, flag, int, list, name, name_at, opt_text, optional, text, Json,
};
use checkout_protocol::{
    AggregationType, CustomerBilling, Feature, Price, PricingModel, PricingModelResponse, Product,
    UsageMeter,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `pricing-models/retrieve`: `{pricingModel, source}`.
pub(crate) fn pricing_model_response(json: &Value) -> Option<PricingModelResponse> {
    Some(PricingModelResponse {
        pricing_model: pricing_model(&Json::get(json, "pricingModel")?)?,
        source: opt_text(json, "source")?,
    })
}

/// `customers/billing`: the customer's records by their own deserializers,
/// the pricing model by [`pricing_model`].
pub(crate) fn customer_billing(json: &Value) -> Option<CustomerBilling> {
    Some(CustomerBilling {
        customer: derived(&Json::get(json, "customer")?)?,
        subscriptions: defaulted(json, "subscriptions")?,
        current_subscription: optional(json, "currentSubscription", derived)?,
        current_subscriptions: optional(json, "currentSubscriptions", derived)?,
        purchases: defaulted(json, "purchases")?,
        invoices: defaulted(json, "invoices")?,
        payment_methods: defaulted(json, "paymentMethods")?,
        pricing_model: pricing_model(&Json::get(json, "pricingModel")?)?,
        catalog: optional(json, "catalog", pricing_model)?,
        billing_portal_url: opt_text(json, "billingPortalUrl")?,
    })
}

/// A value read by its type's own (derived) deserializer, from an owned
/// `Value` as [`crate::client::read_envelope`] reads one, so both share one
/// copy of that deserializer.
fn derived<T: DeserializeOwned>(json: &Value) -> Option<T> {
    serde_json::from_value(json.clone()).ok()
}

/// A `#[serde(default)]` field read by [`derived`]; absent is the default.
fn defaulted<T: DeserializeOwned + Default>(json: &Value, key: &str) -> Option<T> {
    optional(json, key, derived).map(Option::unwrap_or_default)
}

/// A boolean that defaults to `true` (`active`).
fn active(json: &Value) -> Option<bool> {
    optional(json, "active", Value::boolean).map(|b| b.unwrap_or(true))
}

/// An `i64` that defaults to 0 (timestamps).
fn defaulted_int(json: &Value, key: &str) -> Option<i64> {
    optional(json, key, int).map(Option::unwrap_or_default)
}

fn pricing_model(json: &Value) -> Option<PricingModel> {
    Some(PricingModel {
        id: text(json, "id")?,
        name: defaulted_text(json, "name")?,
        is_default: flag(json, "isDefault")?,
        products: list(json, "products", product)?,
        default_product: optional(json, "defaultProduct", product)?.map(Box::new),
        usage_meters: list(json, "usageMeters", usage_meter)?,
        organization_id: defaulted_text(json, "organizationId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

fn product(json: &Value) -> Option<Product> {
    Some(Product {
        id: text(json, "id")?,
        slug: opt_text(json, "slug")?,
        name: text(json, "name")?,
        description: opt_text(json, "description")?,
        image_url: opt_text(json, "imageURL")?,
        default: flag(json, "default")?,
        active: active(json)?,
        prices: list(json, "prices", price)?,
        default_price: optional(json, "defaultPrice", price)?,
        singular_quantity_label: opt_text(json, "singularQuantityLabel")?,
        plural_quantity_label: opt_text(json, "pluralQuantityLabel")?,
        features: list(json, "features", feature)?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        organization_id: defaulted_text(json, "organizationId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

fn price(json: &Value) -> Option<Price> {
    Some(Price {
        id: text(json, "id")?,
        slug: opt_text(json, "slug")?,
        price_type: name_at(json, "type")?,
        name: opt_text(json, "name")?,
        unit_price: int(&Json::get(json, "unitPrice")?)?,
        currency: text(json, "currency")?,
        interval_unit: optional(json, "intervalUnit", name)?,
        interval_count: optional(json, "intervalCount", count)?,
        trial_period_days: optional(json, "trialPeriodDays", count)?,
        is_default: flag(json, "isDefault")?,
        active: active(json)?,
        product_id: defaulted_text(json, "productId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
        usage_meter_id: opt_text(json, "usageMeterId")?,
        usage_events_per_unit: optional(json, "usageEventsPerUnit", int)?,
    })
}

fn feature(json: &Value) -> Option<Feature> {
    Some(Feature {
        id: text(json, "id")?,
        feature_type: name_at(json, "type")?,
        slug: defaulted_text(json, "slug")?,
        name: defaulted_text(json, "name")?,
        description: defaulted_text(json, "description")?,
        amount: optional(json, "amount", int)?,
        renewal_frequency: optional(json, "renewalFrequency", name)?,
        usage_meter_id: opt_text(json, "usageMeterId")?,
        resource_id: opt_text(json, "resourceId")?,
        active: active(json)?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        organization_id: defaulted_text(json, "organizationId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

fn usage_meter(json: &Value) -> Option<UsageMeter> {
    Some(UsageMeter {
        id: text(json, "id")?,
        slug: defaulted_text(json, "slug")?,
        name: defaulted_text(json, "name")?,
        aggregation_type: optional(json, "aggregationType", name)?.unwrap_or(AggregationType::Sum),
        prices: list(json, "prices", price)?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        organization_id: defaulted_text(json, "organizationId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
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

    fn billing() -> Value {
        let subscription = json!({"id": "sub_1", "status": "active"});
        json!({
            "customer": {"id": "cus_1", "email": "ada@example.com"},
            "subscriptions": [subscription.clone()],
            "currentSubscription": subscription.clone(),
            "currentSubscriptions": [subscription],
            "purchases": [], "invoices": [], "paymentMethods": [],
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
    fn agrees_with_serde<T: DeserializeOwned + serde::Serialize + PartialEq + Debug>(
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

    #[test]
    fn the_customer_billing_answer_reads_like_the_protocols_deserializer() {
        // The customer's records as the protocol writes them in full.
        let full: CustomerBilling = serde_json::from_value(billing()).unwrap();
        agrees_with_serde(serde_json::to_value(full).unwrap(), customer_billing);
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
