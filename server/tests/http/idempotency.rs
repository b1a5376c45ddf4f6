//! `Idempotency-Key` on every create: replays, conflicts, key format, key
//! spaces per caller, and one session under a burst of identical requests.

use crate::support::{create_body, Auth, TestServer, SECRET_KEY};
use serde_json::{json, Value};

const CREATE: &str = "checkout-sessions/create";

fn id_of(reply: &crate::support::Reply) -> String {
    reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_same_request_with_a_key_gets_the_same_session() {
    let srv = TestServer::start().await;
    let body = create_body(json!({"priceSlug": "onboarding", "outputMetadata": {"a": 1, "b": 2}}));
    let first = srv
        .route_keyed(CREATE, body.clone(), Auth::None, "order-1")
        .await;
    let again = srv
        .route_keyed(CREATE, body.clone(), Auth::None, "order-1")
        .await;
    assert_eq!(id_of(&first), id_of(&again));
    assert_eq!(first.data()["url"], again.data()["url"]);
    // Key order and spacing in the JSON do not make it a different request.
    let reordered = r#"{ "outputMetadata": {"b": 2, "a": 1},
        "cancelUrl": "https://shop.test/pricing?cancelled={CHECKOUT_SESSION_ID}",
        "priceSlug": "onboarding", "successUrl": "https://shop.test/success?session_id={CHECKOUT_SESSION_ID}" }"#;
    let raw = srv
        .send(
            srv.client
                .post(srv.url("/api/billing/checkout-sessions/create"))
                .header("content-type", "application/json")
                .header("idempotency-key", "order-1")
                .body(reordered),
        )
        .await;
    assert_eq!(id_of(&raw), id_of(&first));
    assert_eq!(srv.count_rows("checkout_sessions"), 1);
    assert_eq!(srv.count_rows("idempotency_keys"), 1);

    // Once paid, a replay still names the same session (now succeeded).
    srv.confirm(&id_of(&first), "4242424242424242").await.data();
    let later = srv.route_keyed(CREATE, body, Auth::None, "order-1").await;
    assert_eq!(id_of(&later), id_of(&first));
    assert_eq!(later.data()["checkoutSession"]["status"], "succeeded");

    // Without a key every call is a new session, as before.
    let a = srv
        .route(
            CREATE,
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::None,
        )
        .await;
    let b = srv
        .route(
            CREATE,
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::None,
        )
        .await;
    assert_ne!(id_of(&a), id_of(&b));
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_a_conflict() {
    let srv = TestServer::start().await;
    let alice = Auth::Bearer("demo-alice");
    let first = srv
        .route_keyed(
            CREATE,
            create_body(json!({"priceSlug": "onboarding"})),
            alice,
            "k-1",
        )
        .await;
    let m = srv
        .route_keyed(
            CREATE,
            create_body(json!({"priceSlug": "onboarding", "quantity": 2})),
            alice,
            "k-1",
        )
        .await
        .assert_error(409, "idempotency_key_reused");
    assert!(m.contains("Idempotency-Key"), "{m}");
    // The same body on another action is another request too.
    srv.route_keyed(
        "checkout-sessions/create-add-payment-method",
        create_body(json!({"priceSlug": "onboarding"})),
        alice,
        "k-1",
    )
    .await
    .assert_error(409, "idempotency_key_reused");
    // Another caller's key space is separate: Bob, a cookie or no customer.
    let bob = srv
        .route_keyed(
            CREATE,
            create_body(json!({"priceSlug": "onboarding", "quantity": 2})),
            Auth::Cookie("demo-bob"),
            "k-1",
        )
        .await;
    assert_ne!(id_of(&bob), id_of(&first));
    assert_eq!(bob.data()["checkoutSession"]["customerId"], "cus_bob");
    let anonymous = srv
        .route_keyed(
            CREATE,
            create_body(json!({"priceSlug": "onboarding", "quantity": 3})),
            Auth::None,
            "k-1",
        )
        .await;
    assert_eq!(
        anonymous.data()["checkoutSession"]["customerId"],
        Value::Null
    );
    // Alice's cookie and token are the same caller.
    let cookie = srv
        .route_keyed(
            CREATE,
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::Cookie("demo-alice"),
            "k-1",
        )
        .await;
    assert_eq!(id_of(&cookie), id_of(&first));
    assert_eq!(srv.count_rows("checkout_sessions"), 3);
}

#[tokio::test]
async fn malformed_keys_are_refused_before_anything_is_stored() {
    let srv = TestServer::start().await;
    let body = create_body(json!({"priceSlug": "onboarding"}));
    for key in ["", "has space", &"k".repeat(256)] {
        let m = srv
            .route_keyed(CREATE, body.clone(), Auth::None, key)
            .await
            .assert_error(400, "idempotency_key_invalid");
        assert!(m.contains("Idempotency-Key"), "{m}");
    }
    let longest = srv
        .route_keyed(CREATE, body, Auth::None, &"k".repeat(255))
        .await;
    longest.data();
    assert_eq!(srv.count_rows("checkout_sessions"), 1);
}

#[tokio::test]
async fn fifty_concurrent_creates_with_one_key_make_one_session() {
    let srv = TestServer::start().await;
    let url = srv.url("/api/billing/checkout-sessions/create");
    let body = create_body(json!({"priceSlug": "pro-monthly"}));
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let request = srv
            .client
            .post(&url)
            .bearer_auth("demo-bob")
            .header("idempotency-key", "burst-1")
            .json(&body);
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (
                status,
                body["data"]["checkoutSession"]["id"]
                    .as_str()
                    .map(str::to_owned),
            )
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (status, id) = task.await.unwrap();
        assert_eq!(status, 200);
        ids.insert(id.unwrap());
    }
    assert_eq!(ids.len(), 1, "every caller got the same session: {ids:?}");
    assert_eq!(
        srv.count_rows("checkout_sessions"),
        1,
        "exactly one session was stored"
    );
}

#[tokio::test]
async fn card_and_activation_creates_honour_keys() {
    let srv = TestServer::start().await;
    let alice = Auth::Bearer("demo-alice");
    for (action, extra) in [
        ("checkout-sessions/create-add-payment-method", json!({})),
        (
            "checkout-sessions/create-activate-subscription",
            json!({"targetSubscriptionId": "sub_alice_pro"}),
        ),
    ] {
        let mut body =
            json!({"successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let a = srv.route_keyed(action, body.clone(), alice, action).await;
        let b = srv.route_keyed(action, body.clone(), alice, action).await;
        assert_eq!(id_of(&a), id_of(&b), "{action}");
        body["outputName"] = json!("changed");
        srv.route_keyed(action, body, alice, action)
            .await
            .assert_error(409, "idempotency_key_reused");
    }
    assert_eq!(srv.count_rows("checkout_sessions"), 2);
}

#[tokio::test]
async fn platform_creates_honour_keys_in_their_own_space() {
    let srv = TestServer::start().await;
    let body = json!({"checkoutSession": {"type": "product", "anonymous": true, "priceSlug": "lifetime",
        "successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"}});
    let a = srv
        .platform_create_with(body.clone(), Some(SECRET_KEY), Some("p-1"))
        .await;
    let b = srv
        .platform_create_with(body.clone(), Some(SECRET_KEY), Some("p-1"))
        .await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.body);
    assert_eq!(
        a.body["checkoutSession"]["id"],
        b.body["checkoutSession"]["id"]
    );
    let mut other = body.clone();
    other["checkoutSession"]["quantity"] = json!(2);
    srv.platform_create_with(other, Some(SECRET_KEY), Some("p-1"))
        .await
        .assert_error(409, "idempotency_key_reused");
    srv.platform_create_with(body.clone(), Some(SECRET_KEY), Some("bad key"))
        .await
        .assert_error(400, "idempotency_key_invalid");
    // The key is checked only after the secret key.
    srv.platform_create_with(body, None, Some("p-1"))
        .await
        .assert_error(401, "unauthorized");
    // The route's anonymous callers have their own space.
    let route = srv
        .route_keyed(
            CREATE,
            create_body(json!({"priceSlug": "lifetime"})),
            Auth::None,
            "p-1",
        )
        .await;
    assert_ne!(
        route.data()["checkoutSession"]["id"],
        a.body["checkoutSession"]["id"]
    );
}
