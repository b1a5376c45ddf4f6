//! `subscriptions/cancel` and `subscriptions/uncancel`: state transitions,
//! ownership, and what customers/billing shows afterwards.

use crate::support::{Auth, TestServer};
use serde_json::{json, Value};

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn cancel_body(id: &str, timing: &str) -> Value {
    json!({"id": id, "cancellation": {"timing": timing}})
}

#[tokio::test]
async fn cancel_at_period_end_uncancel_then_cancel_now() {
    let srv = TestServer::start().await;
    let period_end =
        srv.billing("demo-alice").await["subscriptions"][0]["currentBillingPeriodEnd"].clone();
    assert!(period_end.as_i64().unwrap() > now_ms());

    let reply = srv
        .route(
            "subscriptions/cancel",
            cancel_body("sub_alice_pro", "at_end_of_current_billing_period"),
            ALICE,
        )
        .await;
    let sub = &reply.data()["subscription"];
    assert_eq!(
        reply.data().as_object().unwrap().len(),
        1,
        "data is {{subscription}}"
    );
    assert_eq!(sub["id"], "sub_alice_pro");
    assert_eq!(sub["status"], "cancellation_scheduled");
    assert_eq!(sub["cancelScheduledAt"], period_end);
    assert_eq!(sub["current"], true, "access lasts until the period ends");
    assert_eq!(sub["canceledAt"], Value::Null);
    let b = srv.billing("demo-alice").await;
    assert_eq!(b["subscriptions"][0]["status"], "cancellation_scheduled");
    assert_eq!(b["currentSubscription"]["id"], "sub_alice_pro");

    // Scheduling again changes nothing.
    let again = srv
        .route(
            "subscriptions/cancel",
            cancel_body("sub_alice_pro", "at_end_of_current_billing_period"),
            ALICE,
        )
        .await;
    assert_eq!(
        again.data()["subscription"]["cancelScheduledAt"],
        period_end
    );

    let reply = srv
        .route(
            "subscriptions/uncancel",
            json!({"id": "sub_alice_pro"}),
            ALICE,
        )
        .await;
    let sub = &reply.data()["subscription"];
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["cancelScheduledAt"], Value::Null);
    assert_eq!(sub["current"], true);
    // Nothing scheduled any more: a second "keep" answers the subscription unchanged, as Flowglad does.
    let again = srv
        .route(
            "subscriptions/uncancel",
            json!({"id": "sub_alice_pro"}),
            ALICE,
        )
        .await;
    assert_eq!(again.data()["subscription"]["status"], "active");
    assert_eq!(
        again.data()["subscription"]["cancelScheduledAt"],
        Value::Null
    );

    let before = now_ms();
    let reply = srv
        .route(
            "subscriptions/cancel",
            cancel_body("sub_alice_pro", "immediately"),
            ALICE,
        )
        .await;
    let sub = &reply.data()["subscription"];
    assert_eq!(sub["status"], "canceled");
    assert_eq!(sub["current"], false);
    let canceled_at = sub["canceledAt"].as_i64().unwrap();
    assert!(canceled_at >= before && canceled_at <= now_ms());
    let b = srv.billing("demo-alice").await;
    assert_eq!(b["currentSubscription"], Value::Null);
    assert_eq!(b["currentSubscriptions"], json!([]));
    assert_eq!(b["subscriptions"][0]["status"], "canceled");

    let m = srv
        .route(
            "subscriptions/cancel",
            cancel_body("sub_alice_pro", "immediately"),
            ALICE,
        )
        .await
        .assert_error(409, "subscription_not_cancelable");
    assert!(m.contains("already ended"), "{m}");
    srv.route(
        "subscriptions/cancel",
        cancel_body("sub_alice_pro", "at_end_of_current_billing_period"),
        ALICE,
    )
    .await
    .assert_error(409, "subscription_not_cancelable");
    srv.route(
        "subscriptions/uncancel",
        json!({"id": "sub_alice_pro"}),
        ALICE,
    )
    .await
    .assert_error(409, "subscription_cancellation_not_scheduled");
}

#[tokio::test]
async fn only_your_own_subscriptions() {
    let srv = TestServer::start().await;
    for (action, body) in [
        (
            "subscriptions/cancel",
            cancel_body("sub_alice_pro", "immediately"),
        ),
        ("subscriptions/uncancel", json!({"id": "sub_alice_pro"})),
    ] {
        let m = srv
            .route(action, body.clone(), Auth::Cookie("demo-bob"))
            .await
            .assert_error(404, "subscription_not_found");
        assert!(m.contains("sub_alice_pro"), "{m}");
        srv.route(
            action,
            json!({"id": "sub_nope", "cancellation": {"timing": "immediately"}}),
            ALICE,
        )
        .await
        .assert_error(404, "subscription_not_found");
    }
    assert_eq!(
        srv.billing("demo-alice").await["subscriptions"][0]["status"],
        "active"
    );

    srv.route(
        "subscriptions/cancel",
        json!({"id": "sub_alice_pro"}),
        ALICE,
    )
    .await
    .assert_error(400, "invalid_request");
    srv.route(
        "subscriptions/cancel",
        cancel_body("sub_alice_pro", "tomorrow"),
        ALICE,
    )
    .await
    .assert_error(400, "invalid_request");
    srv.route("subscriptions/uncancel", json!({}), ALICE)
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn uncancel_during_a_trial_goes_back_to_trialing() {
    let srv = TestServer::start().await;
    let bob = Auth::Bearer("demo-bob");
    srv.buy(json!({"priceSlug": "pro-monthly"}), bob).await;
    let sub_id = srv.billing("demo-bob").await["subscriptions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = srv
        .route(
            "subscriptions/cancel",
            cancel_body(&sub_id, "at_end_of_current_billing_period"),
            bob,
        )
        .await;
    assert_eq!(
        reply.data()["subscription"]["status"],
        "cancellation_scheduled"
    );
    let reply = srv
        .route("subscriptions/uncancel", json!({"id": sub_id}), bob)
        .await;
    assert_eq!(reply.data()["subscription"]["status"], "trialing");
    assert!(reply.data()["subscription"]["trialEnd"].as_i64().unwrap() > now_ms());
}

#[tokio::test]
async fn a_scheduled_cancellation_takes_effect_when_its_date_passes() {
    let srv = TestServer::start().await;
    srv.route(
        "subscriptions/cancel",
        cancel_body("sub_alice_pro", "at_end_of_current_billing_period"),
        ALICE,
    )
    .await
    .data();
    // Move the scheduled end into the past, as time would.
    {
        let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        let changed = conn
            .execute(
                "UPDATE subscriptions SET cancel_scheduled_at = 1000 WHERE id = 'sub_alice_pro'",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let b = srv.billing("demo-alice").await;
    assert_eq!(b["subscriptions"][0]["status"], "canceled");
    assert_eq!(b["subscriptions"][0]["canceledAt"], 1000);
    assert_eq!(b["currentSubscription"], Value::Null);
    srv.route(
        "subscriptions/uncancel",
        json!({"id": "sub_alice_pro"}),
        ALICE,
    )
    .await
    .assert_error(409, "subscription_cancellation_not_scheduled");
}

#[tokio::test]
async fn an_idempotency_key_on_cancel_is_accepted() {
    // The widget sends a key with every changing call.
    let srv = TestServer::start().await;
    let reply = srv
        .route_keyed(
            "subscriptions/cancel",
            cancel_body("sub_alice_pro", "immediately"),
            ALICE,
            "0123abcd",
        )
        .await;
    assert_eq!(reply.data()["subscription"]["status"], "canceled");
}
