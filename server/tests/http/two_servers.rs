//! Two servers on loopback: A runs the embedded platform; B runs only the
//! server route and forwards it to A (`--platform-url`). And the route as a
//! library in a bare axum app with its own customer resolver.

use crate::identity::{customer_jwt, route_only_with};
use crate::support::{Auth, ShopCookie, TestServer, SECRET_KEY};
use checkout_server::{server_route, RemotePlatform, RemotePlatformOptions};
use serde_json::{json, Value};
use std::sync::Arc;

/// B, forwarding to `upstream`, knowing customers by HS256 JWTs
/// ([`customer_jwt`]): a route-only server has no demo sign-in tokens.
async fn route_only(upstream: &str) -> TestServer {
    route_only_with(upstream, |_| {}).await
}

fn product(slug: &str) -> Value {
    json!({"priceSlug": slug, "successUrl": "https://shop.example/ok", "cancelUrl": "https://shop.example/no"})
}

#[tokio::test]
async fn b_forwards_every_action_to_a_and_stores_no_session() {
    let a = TestServer::start().await;
    let b = route_only(&a.server.base_url).await;
    let alice_jwt = customer_jwt("alice");
    let bob_jwt = customer_jwt("bob");
    let alice = Auth::Bearer(&alice_jwt);

    let pricing = b
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    let on_a = a
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    assert_eq!(pricing.data(), on_a.data());

    let created = b
        .route("checkout-sessions/create", product("onboarding"), alice)
        .await;
    let session = &created.data()["checkoutSession"];
    let id = session["id"].as_str().unwrap().to_owned();
    assert_eq!(session["customerId"], "cus_alice");
    assert_eq!(
        created.data()["url"],
        format!("{}/checkout/{id}", a.server.base_url)
    );
    assert_eq!(
        a.platform_get(&id, Some(SECRET_KEY)).await.status.as_u16(),
        200
    );

    let card =
        json!({"successUrl": "https://shop.example/ok", "cancelUrl": "https://shop.example/no"});
    let saved = b
        .route("checkout-sessions/create-add-payment-method", card, alice)
        .await;
    assert_eq!(
        saved.data()["checkoutSession"]["type"],
        "add_payment_method"
    );
    assert_eq!(a.count_rows("checkout_sessions"), 2);
    assert_eq!(b.count_rows("checkout_sessions"), 0, "B keeps no sessions");

    assert_eq!(b.billing(&alice_jwt).await, a.billing("demo-alice").await);
    let methods = b.route("payment-methods/list", json!({}), alice).await;
    assert_eq!(
        methods.data()["data"],
        a.billing("demo-alice").await["paymentMethods"]
    );
    let cancel = json!({"id": "sub_alice_pro", "cancellation": {"timing": "at_end_of_current_billing_period"}});
    let canceled = b.route("subscriptions/cancel", cancel, alice).await;
    assert_eq!(
        canceled.data()["subscription"]["status"],
        "cancellation_scheduled"
    );
    b.route(
        "subscriptions/uncancel",
        json!({"id": "sub_alice_pro"}),
        Auth::Bearer(&bob_jwt),
    )
    .await
    .assert_error(404, "subscription_not_found");
    let kept = b
        .route(
            "subscriptions/uncancel",
            json!({"id": "sub_alice_pro"}),
            alice,
        )
        .await;
    assert_eq!(kept.data()["subscription"]["status"], "active");

    // A's errors come through with their status and code.
    b.route("checkout-sessions/create", product("nope"), alice)
        .await
        .assert_error(404, "price_not_found");
    // B's own rules still hold: sign-in and idempotency keys.
    b.route("customers/billing", json!({}), Auth::None)
        .await
        .assert_error(401, "customer_required");
    b.route("customers/billing", json!({}), Auth::Bearer("stale"))
        .await
        .assert_error(401, "unauthorized");
    let first = b
        .route_keyed(
            "checkout-sessions/create",
            product("lifetime"),
            alice,
            "k-1",
        )
        .await;
    let again = b
        .route_keyed(
            "checkout-sessions/create",
            product("lifetime"),
            alice,
            "k-1",
        )
        .await;
    assert_eq!(
        first.data()["checkoutSession"]["id"],
        again.data()["checkoutSession"]["id"]
    );
    b.route_keyed(
        "checkout-sessions/create",
        product("onboarding"),
        alice,
        "k-1",
    )
    .await
    .assert_error(409, "idempotency_key_reused");
    let bob = b
        .route_keyed(
            "checkout-sessions/create",
            product("onboarding"),
            Auth::Bearer(&bob_jwt),
            "k-1",
        )
        .await;
    assert_eq!(bob.data()["checkoutSession"]["customerId"], "cus_bob");

    // B serves no hosted pages, platform API or webhooks: A has them.
    for path in [
        format!("/api/checkout-sessions/{id}"),
        "/api/v1/checkout-sessions".to_owned(),
        "/api/v1/customers/alice".to_owned(),
    ] {
        let reply = b
            .send(
                b.client
                    .get(b.url(&path))
                    .header("authorization", SECRET_KEY),
            )
            .await;
        assert_eq!(reply.status.as_u16(), 404, "{path}: {}", reply.body);
    }
    assert_eq!(b.count_rows("checkout_sessions"), 0);
}

#[tokio::test]
async fn a_down_reaches_the_widget_as_a_clear_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let b = route_only(&format!("http://127.0.0.1:{port}")).await;
    let m = b
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await
        .assert_error(502, "platform_unavailable");
    assert!(m.contains("cannot be reached"), "{m}");
    b.route(
        "checkout-sessions/create",
        product("lifetime"),
        Auth::Bearer(&customer_jwt("alice")),
    )
    .await
    .assert_error(502, "platform_unavailable");
}

#[tokio::test]
async fn the_route_as_a_library_forwards_for_the_merchants_own_customers() {
    let a = TestServer::start().await;
    let platform =
        RemotePlatform::new(RemotePlatformOptions::new(&a.server.base_url, SECRET_KEY)).unwrap();
    let app = axum::Router::new().nest(
        "/api/billing",
        server_route(Arc::new(platform), Arc::new(ShopCookie)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let created = a
        .send(
            a.client
                .post(format!("{shop}/api/billing/checkout-sessions/create"))
                .header("cookie", "shop_user=u42")
                .json(&product("onboarding")),
        )
        .await;
    let customer = created.data()["checkoutSession"]["customerId"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_a = a
        .send(
            a.client
                .get(a.url("/api/v1/customers/u42"))
                .header("authorization", SECRET_KEY),
        )
        .await;
    assert_eq!(on_a.body["customer"]["id"], customer.as_str());
    assert_eq!(on_a.body["customer"]["email"], "u42@shop.example");
    let billing = a
        .send(
            a.client
                .post(format!("{shop}/api/billing/customers/billing"))
                .header("cookie", "shop_user=u42")
                .json(&json!({})),
        )
        .await;
    assert_eq!(billing.data()["customer"]["externalId"], "u42");
    let anonymous = a
        .send(
            a.client
                .post(format!("{shop}/api/billing/customers/billing"))
                .json(&json!({})),
        )
        .await;
    anonymous.assert_error(401, "customer_required");
}
