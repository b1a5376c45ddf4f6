//! Wire records for tests, with the fields a test rarely cares about filled
//! in. Each returns the protocol type, so a test changes what it needs:
//! `let mut pro = subscription_price("pro-monthly", 1200, IntervalUnit::Month);
//! pro.trial_period_days = Some(14);`.

use checkout_protocol::{
    Customer, CustomerBilling, Feature, IntervalUnit, PaymentMethod, Price, PricingModel, Product,
    Subscription,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Epoch milliseconds every fixture's dates start from (2026-09-21).
pub const T0: i64 = 1_790_000_000_000;
/// Thirty days, in milliseconds.
const MONTH_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Builds a record from its wire JSON; the JSON is ours, so a failure is a
/// bug in this file, caught by its tests.
fn wire<T: DeserializeOwned>(value: Value) -> T {
    match serde_json::from_value(value) {
        Ok(record) => record,
        Err(e) => panic!("checkout_widget::testing fixture does not match the protocol: {e}"),
    }
}

/// A one-time price of `unit_price` minor units of USD, id `price_{slug}`.
pub fn single_price(slug: &str, unit_price: i64) -> Price {
    wire(json!({
        "id": format!("price_{slug}"), "slug": slug, "type": "single_payment",
        "unitPrice": unit_price, "currency": "USD", "isDefault": true, "active": true,
    }))
}

/// A subscription price billed every `interval`, in USD, id `price_{slug}`.
pub fn subscription_price(slug: &str, unit_price: i64, interval: IntervalUnit) -> Price {
    wire(json!({
        "id": format!("price_{slug}"), "slug": slug, "type": "subscription",
        "unitPrice": unit_price, "currency": "USD", "intervalUnit": interval,
        "intervalCount": 1, "isDefault": true, "active": true,
    }))
}

/// A product `name` with `prices` (each given this product's id), id `prod_{slug}`.
pub fn product(slug: &str, name: &str, prices: Vec<Price>) -> Product {
    let id = format!("prod_{slug}");
    let prices: Vec<Price> = prices
        .into_iter()
        .map(|mut p| {
            p.product_id = id.clone();
            p
        })
        .collect();
    let mut product: Product = wire(json!({
        "id": id, "slug": slug, "name": name, "active": true,
    }));
    product.default_price = prices.iter().find(|p| p.is_default).cloned();
    product.prices = prices;
    product
}

/// A resource feature giving `capacity` of the resource `resource_slug`
/// (seats, say) per unit of a subscription: push it on a product's
/// `features`. Id `feat_{slug}`, resource id `res_{slug}`; the mock route
/// knows the resource by this feature's slug.
pub fn resource_feature(resource_slug: &str, capacity: i64) -> Feature {
    wire(json!({
        "id": format!("feat_{resource_slug}"), "type": "resource", "slug": resource_slug,
        "name": resource_slug, "amount": capacity,
        "resourceId": format!("res_{resource_slug}"),
    }))
}

/// A pricing model `name` with `products`, id `pm_test`.
pub fn pricing_model(name: &str, products: Vec<Product>) -> PricingModel {
    let mut model: PricingModel = wire(json!({
        "id": "pm_test", "name": name, "isDefault": true,
    }));
    model.products = products;
    model
}

/// A customer known to your app as `external_id`, id `cus_{external_id}`.
pub fn customer(external_id: &str, name: &str, email: &str) -> Customer {
    wire(json!({
        "id": format!("cus_{external_id}"), "externalId": external_id,
        "name": name, "email": email,
    }))
}

/// An active, current subscription of `customer` to `price`, in its first
/// period (from [`T0`]), id `sub_{price slug or id}`.
pub fn subscription(customer: &Customer, price: &Price) -> Subscription {
    let period = match price.interval_unit {
        Some(IntervalUnit::Year) => 12 * MONTH_MS,
        _ => MONTH_MS,
    };
    wire(json!({
        "id": format!("sub_{}", price.slug.as_deref().unwrap_or(&price.id)),
        "customerId": customer.id, "priceId": price.id, "status": "active",
        "current": true, "renews": true, "interval": price.interval_unit,
        "intervalCount": price.interval_count.unwrap_or(1), "startDate": T0,
        "currentBillingPeriodStart": T0, "currentBillingPeriodEnd": T0 + period,
    }))
}

/// A saved card `brand ····last4` of `customer`, expiring 12/2040.
pub fn card(
    customer: &Customer,
    id: &str,
    brand: &str,
    last4: &str,
    default: bool,
) -> PaymentMethod {
    wire(json!({
        "id": id, "customerId": customer.id, "type": "card", "default": default,
        "paymentMethodData": {"brand": brand, "last4": last4, "expMonth": 12, "expYear": 2040},
    }))
}

/// `customer`'s billing with nothing bought yet: add subscriptions, cards,
/// invoices and purchases to the returned record's fields (or use
/// [`with_subscription`]).
pub fn billing(customer: Customer, pricing_model: PricingModel) -> CustomerBilling {
    let mut billing: CustomerBilling = wire(json!({
        "customer": customer, "subscriptions": [], "purchases": [], "invoices": [],
        "paymentMethods": [], "pricingModel": pricing_model,
    }));
    billing.current_subscriptions = Some(Vec::new());
    billing
}

/// `billing` with `subscription` added, as current when it is.
pub fn with_subscription(
    mut billing: CustomerBilling,
    subscription: Subscription,
) -> CustomerBilling {
    if subscription.current {
        billing
            .current_subscriptions
            .get_or_insert_with(Vec::new)
            .push(subscription.clone());
        if billing.current_subscription.is_none() {
            billing.current_subscription = Some(subscription.clone());
        }
    }
    billing.subscriptions.push(subscription);
    billing
}

// In the browser, where the kit runs (the wasm tier).
#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn fixtures_make_a_coherent_customer() {
        let pro = subscription_price("pro-monthly", 1200, IntervalUnit::Month);
        let model = pricing_model("Acme", vec![product("pro", "Pro", vec![pro.clone()])]);
        assert_eq!(model.products[0].prices[0].product_id, "prod_pro");
        assert_eq!(
            model.products[0].default_price.as_ref().unwrap().id,
            "price_pro-monthly"
        );
        let alice = customer("alice", "Alice Martin", "alice@example.com");
        let sub = subscription(&alice, &pro);
        let mut b = with_subscription(billing(alice.clone(), model), sub);
        b.payment_methods
            .push(card(&alice, "pm_1", "visa", "4242", true));
        assert_eq!(b.current_subscription.as_ref().unwrap().price_id, pro.id);
        assert_eq!(b.current_subscriptions.as_ref().unwrap().len(), 1);
        // What a test builds survives the wire, as the widget will read it.
        let text = serde_json::to_string(&b).unwrap();
        let back: CustomerBilling = serde_json::from_str(&text).unwrap();
        assert_eq!(back, b);
        assert!(single_price("setup", 4900).is_default);
        let seats = resource_feature("seats", 3);
        assert_eq!(seats.feature_type, checkout_protocol::FeatureType::Resource);
        assert_eq!(
            (seats.amount, seats.resource_id.as_deref()),
            (Some(3), Some("res_seats"))
        );
    }
}
