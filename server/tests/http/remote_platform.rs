//! The remote platform client against a real server A (its platform API
//! behind the secret key), and against upstreams that fail: down, slow,
//! answering 500.

use crate::support::{Auth, TestServer, SECRET_KEY};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::any;
use checkout_protocol::{
    CancellationTiming, CheckoutSessionType, CreateProductCheckoutSessionParams, ErrorCode,
    PlatformCheckoutSessionInput,
};
use checkout_server::IdempotencyKey;
use checkout_server::{BillingPlatform, CustomerIdentity, RemotePlatform, RemotePlatformOptions};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn key(key: &str) -> Option<IdempotencyKey> {
    Some(IdempotencyKey {
        scope: "platform".into(),
        key: key.into(),
    })
}

fn remote(base_url: &str) -> RemotePlatform {
    RemotePlatform::new(RemotePlatformOptions::new(base_url, SECRET_KEY)).expect("client")
}

fn who(external_id: &str, name: &str) -> CustomerIdentity {
    CustomerIdentity {
        external_id: external_id.into(),
        name: name.into(),
        email: format!("{external_id}@example.com"),
    }
}

fn product(customer_external_id: Option<&str>, slug: &str) -> PlatformCheckoutSessionInput {
    PlatformCheckoutSessionInput {
        session_type: CheckoutSessionType::Product,
        invoice_id: None,
        customer_external_id: customer_external_id.map(str::to_owned),
        anonymous: customer_external_id.is_none().then_some(true),
        target_subscription_id: None,
        automatically_update_subscriptions: None,
        preserve_billing_cycle_anchor: None,
        mode: None,
        product: CreateProductCheckoutSessionParams {
            price_slug: Some(slug.into()),
            success_url: Some("https://shop.example/ok".into()),
            cancel_url: Some("https://shop.example/no".into()),
            ..CreateProductCheckoutSessionParams::default()
        },
    }
}

#[tokio::test]
async fn reads_what_a_holds() {
    let a = TestServer::start().await;
    let platform = remote(&a.server.base_url);
    let model = platform.default_pricing_model().await.unwrap();
    let route = a
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    assert_eq!(
        serde_json::to_value(&model).unwrap(),
        route.data()["pricingModel"]
    );

    let alice = platform
        .find_or_create_customer(&who("alice", "Alice"))
        .await
        .unwrap();
    assert_eq!(
        (alice.id.as_str(), alice.name.as_str()),
        ("cus_alice", "Alice Martin")
    );
    let billing = platform.customer_billing(&alice).await.unwrap();
    assert_eq!(
        serde_json::to_value(&billing).unwrap(),
        a.billing("demo-alice").await
    );
    assert_eq!(
        platform.payment_methods(&alice).await.unwrap().len(),
        billing.payment_methods.len()
    );
    assert_eq!(
        platform.invoices(&alice).await.unwrap().len(),
        billing.invoices.len()
    );

    let carol = platform
        .find_or_create_customer(&who("carol", "Carol Diaz"))
        .await
        .unwrap();
    assert!(carol.id.starts_with("cus_"), "{}", carol.id);
    let again = platform
        .find_or_create_customer(&who("carol", "Carol Diaz"))
        .await
        .unwrap();
    assert_eq!(again.id, carol.id);
    assert_eq!(a.count_rows("customers"), 3);
}

#[tokio::test]
async fn creates_sessions_on_a_once_per_key() {
    let a = TestServer::start().await;
    let platform = remote(&a.server.base_url);
    let created = platform
        .create_checkout_session(product(Some("alice"), "onboarding"), key("k-1"))
        .await
        .unwrap();
    let id = created.checkout_session.id.clone();
    assert_eq!(created.url, format!("{}/checkout/{id}", a.server.base_url));
    assert_eq!(
        created.checkout_session.customer_id.as_deref(),
        Some("cus_alice")
    );
    let replay = platform
        .create_checkout_session(product(Some("alice"), "onboarding"), key("k-1"))
        .await
        .unwrap();
    assert_eq!(replay.checkout_session.id, id);
    let read = platform.retrieve_checkout_session(&id).await.unwrap();
    assert_eq!(read.checkout_session.id, id);
    assert_eq!(a.count_rows("checkout_sessions"), 1);
    let anonymous = platform
        .create_checkout_session(product(None, "lifetime"), None)
        .await
        .unwrap();
    assert_eq!(anonymous.checkout_session.customer_id, None);
}

#[tokio::test]
async fn a_errors_keep_their_status_code_and_message() {
    let a = TestServer::start().await;
    let platform = remote(&a.server.base_url);
    let e = platform
        .create_checkout_session(product(None, "nope"), None)
        .await
        .unwrap_err();
    assert_eq!(
        (e.status().as_u16(), e.code),
        (404, ErrorCode::PriceNotFound)
    );
    assert!(e.message.contains("nope"), "{}", e.message);
    let e = platform
        .retrieve_checkout_session("cs_nope")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::CheckoutSessionNotFound);
    // A key reused for another body: A's 409 comes through.
    platform
        .create_checkout_session(product(None, "lifetime"), key("k-2"))
        .await
        .unwrap();
    let e = platform
        .create_checkout_session(product(None, "onboarding"), key("k-2"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status().as_u16(), e.code),
        (409, ErrorCode::IdempotencyKeyReused)
    );
    // A wrong key is this server's fault, not the customer's.
    let wrong = RemotePlatform::new(RemotePlatformOptions::new(
        &a.server.base_url,
        "sk_test_wrong",
    ))
    .unwrap();
    let e = wrong.default_pricing_model().await.unwrap_err();
    assert_eq!(
        (e.status().as_u16(), e.code),
        (502, ErrorCode::PlatformUnavailable)
    );
}

#[tokio::test]
async fn subscriptions_change_only_for_their_owner() {
    let a = TestServer::start().await;
    let platform = remote(&a.server.base_url);
    let alice = platform
        .find_or_create_customer(&who("alice", "A"))
        .await
        .unwrap();
    let bob = platform
        .find_or_create_customer(&who("bob", "B"))
        .await
        .unwrap();
    let e = platform
        .cancel_subscription(&bob, "sub_alice_pro", CancellationTiming::Immediately)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SubscriptionNotFound);
    let s = platform
        .cancel_subscription(
            &alice,
            "sub_alice_pro",
            CancellationTiming::AtEndOfCurrentBillingPeriod,
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&s.status).unwrap(),
        "cancellation_scheduled"
    );
    let s = platform
        .uncancel_subscription(&alice, "sub_alice_pro")
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&s.status).unwrap(), "active");
    assert_eq!(
        a.billing("demo-alice").await["subscriptions"][0]["status"],
        "active"
    );
}

// Plan changes (issue 15).
#[tokio::test]
async fn plan_changes_go_to_the_platform_api_for_the_owner_only() {
    let a = TestServer::start().await;
    let platform = remote(&a.server.base_url);
    let alice = platform
        .find_or_create_customer(&who("alice", "A"))
        .await
        .unwrap();
    let bob = platform
        .find_or_create_customer(&who("bob", "B"))
        .await
        .unwrap();
    let request = || checkout_server::AdjustRequest {
        items: vec![checkout_protocol::TerseSubscriptionItem {
            price_slug: Some("pro-yearly".into()),
            ..Default::default()
        }],
        timing: checkout_protocol::AdjustmentTiming::Auto,
        prorate: true,
    };
    let e = platform
        .adjust_subscription(&bob, Some("sub_alice_pro"), request())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SubscriptionNotFound);
    let e = platform
        .adjust_subscription(&bob, None, request())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SubscriptionRequired);
    // Without an id: Alice's one current subscription.
    let answer = platform
        .adjust_subscription(&alice, None, request())
        .await
        .unwrap();
    assert!(answer.is_upgrade);
    assert_eq!(
        answer.resolved_timing,
        checkout_protocol::ResolvedAdjustmentTiming::Immediately
    );
    assert_eq!(answer.subscription.price_id, "price_pro_yearly");
    assert_eq!(
        a.billing("demo-alice").await["subscriptions"][0]["priceId"],
        "price_pro_yearly"
    );
    let e = platform
        .adjust_subscription(&alice, None, request())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SubscriptionPlanUnchanged);
}

/// A fake upstream on loopback answering every request with `status` after
/// `delay`, recording each request's `Idempotency-Key`.
async fn fake_upstream(
    status: StatusCode,
    delay: Duration,
) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let app = axum::Router::new().fallback(any(move |headers: HeaderMap| {
        let log = Arc::clone(&log);
        async move {
            let key = headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            log.lock().unwrap().push(key);
            tokio::time::sleep(delay).await;
            (status, "<html>upstream trouble</html>")
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn a_down_is_platform_unavailable_after_retries() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let platform = remote(&format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let e = platform.default_pricing_model().await.unwrap_err();
    assert_eq!(
        (e.status().as_u16(), e.code),
        (502, ErrorCode::PlatformUnavailable)
    );
    // Two retries after 200 ms and 400 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_slow_is_platform_timeout_without_retries() {
    let (url, seen) = fake_upstream(StatusCode::OK, Duration::from_secs(30)).await;
    let mut options = RemotePlatformOptions::new(url, SECRET_KEY);
    options.timeout = Duration::from_millis(300);
    let platform = RemotePlatform::new(options).unwrap();
    let started = Instant::now();
    let e = platform.default_pricing_model().await.unwrap_err();
    assert_eq!(
        (e.status().as_u16(), e.code),
        (504, ErrorCode::PlatformTimeout)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_500_is_retried_with_the_same_key_then_passed_on() {
    let (url, seen) = fake_upstream(StatusCode::INTERNAL_SERVER_ERROR, Duration::ZERO).await;
    let platform = remote(&url);
    let e = platform
        .create_checkout_session(product(None, "lifetime"), None)
        .await
        .unwrap_err();
    assert_eq!(e.status().as_u16(), 500);
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(e.message.contains("HTTP 500"), "{}", e.message);
    let keys = seen.lock().unwrap().clone();
    assert_eq!(keys.len(), 3, "a first try and two retries");
    assert!(keys[0].is_some(), "a create always carries a key");
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
}
