//! What a browser may ask of the server route (issue 13): the merchant-only
//! create options are refused with `field_not_allowed` unless the
//! merchant's `CheckoutPolicy` decides them; the platform API keeps taking
//! them all; the catalog's per-price defaults reach browser checkouts.

use crate::support::{create_body, write_files, Auth, ShopCookie, TestServer, SECRET_KEY};
use checkout_protocol::{CheckoutSessionType, MerchantCheckoutOptions};
use checkout_server::{
    async_trait, refuse_browser_options, ApiError, CheckoutPolicy, CheckoutRequest, RemotePlatform,
    RemotePlatformOptions, RouteState,
};
use serde_json::{json, Value};
use std::sync::Arc;

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");

/// Each merchant-only option with a value an attacker would send.
fn attacks() -> Vec<(&'static str, Value)> {
    vec![
        ("trialDays", json!(730)),
        ("requestId", json!("order-of-someone-else")),
        ("discountCode", json!("WELCOME10")),
        ("allowPromotionCodes", json!(true)),
        ("billingAddressCollection", json!("auto")),
        ("customerEmail", json!("victim@example.com")),
        ("expiresAt", json!(4_102_444_800_000_i64)),
        // Adjustable quantity and tax IDs (issue 16, item 8).
        (
            "adjustableQuantity",
            json!({"enabled": true, "maximum": 1_000_000}),
        ),
        ("taxIdCollection", json!(true)),
    ]
}

#[tokio::test]
async fn a_browser_cannot_set_any_merchant_only_option() {
    let srv = TestServer::start().await;
    for auth in [Auth::None, ALICE] {
        for (field, value) in attacks() {
            let mut extra = json!({"priceSlug": "pro-yearly"});
            extra[field] = value;
            for action in [
                "checkout-sessions/create",
                "checkout-sessions/create-add-payment-method",
            ] {
                if matches!(auth, Auth::None) && action != "checkout-sessions/create" {
                    continue;
                }
                let reply = srv.route(action, create_body(extra.clone()), auth).await;
                let message = reply.assert_error(400, "field_not_allowed");
                assert!(
                    message.contains(&format!("`{field}`")),
                    "{action}: {message}"
                );
            }
        }
    }
    // Nothing was created by any of them.
    assert_eq!(srv.count_rows("checkout_sessions"), 0);
}

#[tokio::test]
async fn the_two_year_trial_attack_is_refused_and_the_price_trial_stands() {
    let srv = TestServer::start().await;
    let attack = srv
        .route(
            "checkout-sessions/create",
            create_body(json!({"priceSlug": "pro-monthly", "trialDays": 730})),
            ALICE,
        )
        .await;
    attack.assert_error(400, "field_not_allowed");
    // The same checkout without it gets the catalog price's own 14 days.
    let id = srv.create_session_as("pro-monthly", ALICE).await;
    let page = srv.hosted(&id).await;
    assert_eq!(page.data()["trialDays"], 14);
    assert_eq!(page.data()["totalDueToday"], 0);
}

#[tokio::test]
async fn activation_refuses_merchant_only_options_too() {
    let srv = TestServer::start().await;
    let billing = srv.billing("demo-alice").await;
    let sub = billing["subscriptions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = srv
        .route(
            "checkout-sessions/create-activate-subscription",
            create_body(json!({"targetSubscriptionId": sub, "requestId": "x"})),
            ALICE,
        )
        .await;
    reply.assert_error(400, "field_not_allowed");
}

#[tokio::test]
async fn null_merchant_options_and_unknown_fields_are_ignored() {
    let srv = TestServer::start().await;
    // Flowglad's client may send `autoRedirect`; an attacker may name a
    // customer or a session type: none of it reaches the platform.
    let reply = srv
        .route(
            "checkout-sessions/create",
            create_body(json!({
                "priceSlug": "onboarding", "trialDays": null, "autoRedirect": true,
                "customerExternalId": "bob", "anonymous": false, "type": "invoice",
                "invoiceId": "inv_1"
            })),
            Auth::None,
        )
        .await;
    let session = &reply.data()["checkoutSession"];
    assert_eq!(session["type"], "product");
    assert_eq!(session["customerId"], Value::Null);
    assert_eq!(session["requestId"], Value::Null);
}

#[tokio::test]
async fn the_platform_api_still_takes_every_option() {
    let srv = TestServer::start().await;
    let reply = srv
        .merchant_create(
            json!({
                "priceSlug": "pro-yearly", "trialDays": 30, "requestId": "order-9",
                "allowPromotionCodes": true, "billingAddressCollection": "required",
                "customerEmail": "ann@example.com"
            }),
            None,
        )
        .await;
    let session = &reply.data()["checkoutSession"];
    assert_eq!(session["requestId"], "order-9");
    let page = srv.hosted(session["id"].as_str().unwrap()).await;
    let page = page.data();
    assert_eq!(page["trialDays"], 30);
    assert_eq!(page["allowPromotionCodes"], true);
    assert_eq!(page["billingAddressCollection"], "required");
    assert_eq!(page["customerEmail"], "ann@example.com");
}

#[tokio::test]
async fn catalog_price_defaults_reach_browser_checkouts() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog: Value = serde_json::from_str(checkout_server::DEMO_CATALOG).unwrap();
    for product in catalog["products"].as_array_mut().unwrap() {
        for price in product["prices"].as_array_mut().unwrap() {
            if price["slug"] == "pro-yearly" {
                price["allowPromotionCodes"] = json!(true);
                price["billingAddressCollection"] = json!("required");
            }
        }
    }
    let text = serde_json::to_vec(&catalog).unwrap();
    write_files(dir.path(), &[("catalog.json", &text)]);
    let path = dir.path().join("catalog.json");
    let srv = TestServer::start_with(|c| c.catalog = Some(path)).await;

    let yearly = srv.create_session("pro-yearly").await;
    let page = srv.hosted(&yearly).await;
    assert_eq!(page.data()["allowPromotionCodes"], true);
    assert_eq!(page.data()["billingAddressCollection"], "required");
    // A code can be applied on it; on a price without the default it cannot.
    srv.discount(&yearly, json!({"code": "WELCOME10"}))
        .await
        .data();
    let monthly = srv.create_session("pro-monthly").await;
    let page = srv.hosted(&monthly).await;
    assert_ne!(page.data()["allowPromotionCodes"], true);
    srv.discount(&monthly, json!({"code": "WELCOME10"}))
        .await
        .assert_error(400, "promotion_codes_not_allowed");
    // The merchant's server can still turn them off for one checkout.
    let off = srv
        .merchant_create(
            json!({"priceSlug": "pro-yearly", "allowPromotionCodes": false}),
            None,
        )
        .await;
    let id = off.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(srv.hosted(&id).await.data()["allowPromotionCodes"], false);
}

/// A merchant's policy: a 14-day trial for signed-in customers' product
/// checkouts, their own order reference, and nothing from the browser.
struct TrialForMembers;

#[async_trait]
impl CheckoutPolicy for TrialForMembers {
    async fn decide(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<MerchantCheckoutOptions, ApiError> {
        refuse_browser_options(request.requested)?;
        let member =
            request.customer.is_some() && request.session_type == CheckoutSessionType::Product;
        Ok(MerchantCheckoutOptions {
            trial_days: member.then_some(14.0),
            request_id: request.customer.map(|c| format!("shop-{}", c.external_id)),
            allow_promotion_codes: Some(member),
            ..MerchantCheckoutOptions::default()
        })
    }
}

#[tokio::test]
async fn a_merchant_policy_decides_the_options() {
    let a = TestServer::start().await;
    let platform =
        RemotePlatform::new(RemotePlatformOptions::new(&a.server.base_url, SECRET_KEY)).unwrap();
    let route = RouteState::new(Arc::new(platform), Arc::new(ShopCookie))
        .with_policy(Arc::new(TrialForMembers))
        .into_router();
    let app = axum::Router::new().nest("/api/billing", route);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let create = |body: Value, cookie: Option<&'static str>| {
        let mut request = a
            .client
            .post(format!("{shop}/api/billing/checkout-sessions/create"))
            .json(&create_body(body));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        a.send(request)
    };

    let member = create(json!({"priceSlug": "pro-yearly"}), Some("shop_user=u7")).await;
    let session = &member.data()["checkoutSession"];
    assert_eq!(session["requestId"], "shop-u7");
    let page = a.hosted(session["id"].as_str().unwrap()).await;
    assert_eq!(page.data()["trialDays"], 14);
    assert_eq!(page.data()["allowPromotionCodes"], true);

    let visitor = create(json!({"priceSlug": "pro-yearly"}), None).await;
    let id = visitor.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = a.hosted(&id).await;
    assert_eq!(page.data()["trialDays"], Value::Null);
    assert_eq!(page.data()["allowPromotionCodes"], false);

    // The policy still refuses what the browser asks for itself.
    create(
        json!({"priceSlug": "pro-yearly", "trialDays": 730}),
        Some("shop_user=u7"),
    )
    .await
    .assert_error(400, "field_not_allowed");
}
