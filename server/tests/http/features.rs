//! Features and usage balances on a customer's billing: the demo catalog's
//! Pro grants `priority-builds` and 1,000 `build-minutes` a period, read the
//! way `@flowglad/shared`'s `checkFeatureAccess` / `checkUsageBalance` read
//! them (the first current subscription's `experimental`).

use crate::support::{Auth, TestServer, SECRET_KEY};
use serde_json::Value;

/// `checkFeatureAccess(slug)` as `@flowglad/shared` 0.18 computes it: the
/// first current subscription's `experimental.featureItems` has a toggle
/// with that slug.
pub fn check_feature_access(billing: &Value, slug: &str) -> bool {
    let Some(first) = billing["currentSubscriptions"].get(0) else {
        return false;
    };
    first["experimental"]["featureItems"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| f["type"] == "toggle" && f["slug"] == slug)
}

/// `checkUsageBalance(slug)?.availableBalance` as `@flowglad/shared` 0.18
/// computes it, from the first current subscription.
pub fn check_usage_balance(billing: &Value, slug: &str) -> Option<i64> {
    let first = billing["currentSubscriptions"].get(0)?;
    first["experimental"]["usageMeterBalances"]
        .as_array()?
        .iter()
        .find(|b| b["slug"] == slug)?["availableBalance"]
        .as_i64()
}

#[tokio::test]
async fn pricing_model_carries_features_and_usage_meters_in_flowglads_shape() {
    let srv = TestServer::start().await;
    let pm = srv
        .route("pricing-models/retrieve", serde_json::json!({}), Auth::None)
        .await
        .data()["pricingModel"]
        .clone();
    let meter = &pm["usageMeters"][0];
    assert_eq!(meter["slug"], "build-minutes");
    assert_eq!(meter["name"], "Build minutes");
    assert_eq!(meter["aggregationType"], "sum");
    assert_eq!(meter["pricingModelId"], "pm_demo");
    let pro = &pm["products"][0];
    assert_eq!(pro["slug"], "pro");
    let toggle = &pro["features"][0];
    assert_eq!(toggle["type"], "toggle");
    assert_eq!(toggle["slug"], "priority-builds");
    assert_eq!(toggle["amount"], Value::Null);
    assert_eq!(toggle["usageMeterId"], Value::Null);
    assert_eq!(toggle["organizationId"], "org_demo");
    let grant = &pro["features"][1];
    assert_eq!(grant["type"], "usage_credit_grant");
    assert_eq!(grant["amount"], 1000);
    assert_eq!(grant["renewalFrequency"], "every_billing_period");
    assert_eq!(grant["usageMeterId"], meter["id"]);
    let seats = &pro["features"][2];
    assert_eq!(seats["type"], "resource");
    assert_eq!(seats["slug"], "seats");
    assert_eq!(seats["amount"], 5);
    assert_eq!(seats["resourceId"], "res_seats");
    assert_eq!(seats["renewalFrequency"], Value::Null);
    // Products that grant nothing say so with an empty list.
    assert_eq!(pm["products"][1]["features"], serde_json::json!([]));
}

#[tokio::test]
async fn alice_has_priority_builds_and_1000_build_minutes_bob_has_none() {
    let srv = TestServer::start().await;
    let alice = srv.billing("demo-alice").await;
    assert!(check_feature_access(&alice, "priority-builds"));
    assert!(!check_feature_access(&alice, "no-such-feature"));
    assert_eq!(check_usage_balance(&alice, "build-minutes"), Some(1000));
    let current = &alice["currentSubscriptions"][0];
    let item = &current["experimental"]["featureItems"][1];
    assert_eq!(item["type"], "usage_credit_grant");
    assert_eq!(item["featureId"], "feat_build_minutes_monthly");
    assert_eq!(item["renewalFrequency"], "every_billing_period");
    let seats = &current["experimental"]["featureItems"][2];
    assert_eq!(
        (&seats["type"], &seats["amount"], &seats["resourceId"]),
        (
            &Value::from("resource"),
            &Value::from(5),
            &Value::from("res_seats")
        )
    );
    // A resource is no toggle: checkFeatureAccess("seats") stays false.
    assert!(!check_feature_access(&alice, "seats"));
    let balance = &current["experimental"]["usageMeterBalances"][0];
    assert_eq!(balance["subscriptionId"], current["id"]);
    assert_eq!(balance["name"], "Build minutes");
    // currentSubscription and subscriptions carry the same fields.
    assert_eq!(
        alice["currentSubscription"]["experimental"],
        current["experimental"]
    );
    assert_eq!(
        alice["subscriptions"][0]["experimental"],
        current["experimental"]
    );

    let bob = srv.billing("demo-bob").await;
    assert!(!check_feature_access(&bob, "priority-builds"));
    assert_eq!(check_usage_balance(&bob, "build-minutes"), None);
}

#[tokio::test]
async fn a_canceled_subscription_grants_nothing() {
    let srv = TestServer::start().await;
    let sub = srv.billing("demo-alice").await["currentSubscriptions"][0]["id"].clone();
    srv.route(
        "subscriptions/cancel",
        serde_json::json!({"id": sub, "cancellation": {"timing": "immediately"}}),
        Auth::Bearer("demo-alice"),
    )
    .await
    .data();
    let alice = srv.billing("demo-alice").await;
    assert!(!check_feature_access(&alice, "priority-builds"));
    assert_eq!(check_usage_balance(&alice, "build-minutes"), None);
    let ended = &alice["subscriptions"][0];
    assert_eq!(ended["status"], "canceled");
    assert_eq!(ended["experimental"]["featureItems"], serde_json::json!([]));
}

#[tokio::test]
async fn the_platform_api_billing_carries_the_same_experimental_fields() {
    let srv = TestServer::start().await;
    let reply = srv
        .send(
            srv.client
                .get(srv.url("/api/v1/customers/alice/billing"))
                .header("authorization", SECRET_KEY),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(check_feature_access(&reply.body, "priority-builds"));
    assert_eq!(
        check_usage_balance(&reply.body, "build-minutes"),
        Some(1000)
    );
}
