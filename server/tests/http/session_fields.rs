//! Issue 16, session fields and modes: every session names whether money
//! was collected (`paymentStatus`) and what its payment made (`purchaseId`,
//! `subscriptionId`), on the route's create answer, the platform API's get
//! and list, and the `checkout.session.*` webhooks; the platform create
//! checks an optional `mode` against the prices, and a browser cannot send
//! one.

use crate::support::{create_body, Auth, TestServer, SECRET_KEY};
use serde_json::{json, Value};

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
const BOB: Auth<'static> = Auth::Bearer("demo-bob");

impl TestServer {
    /// The session as `GET /api/v1/checkout-sessions/{id}` answers it.
    async fn platform_session(&self, id: &str) -> Value {
        let reply = self.platform_get(id, Some(SECRET_KEY)).await;
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
        reply.body["checkoutSession"].clone()
    }

    /// The session as the platform API's list shows it.
    async fn listed_session(&self, id: &str) -> Value {
        let reply = self.platform_list("limit=100").await;
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
        reply.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not listed: {}", reply.body))
    }

    /// The session in the payload of the `event_type` webhook for it.
    async fn webhook_session(&self, event_type: &str, id: &str) -> Value {
        let log = self.webhook_events("limit=100", Some(SECRET_KEY)).await;
        assert_eq!(log.status.as_u16(), 200, "{}", log.body);
        log.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["type"] == event_type && e["checkoutSessionId"] == id)
            .map(|e| e["payload"]["data"]["checkoutSession"].clone())
            .unwrap_or_else(|| panic!("no {event_type} for {id}: {}", log.body))
    }

    /// A route create of `extra` as `auth`; returns the answered session.
    async fn route_session(&self, action: &str, extra: Value, auth: Auth<'_>) -> Value {
        let reply = self.route(action, create_body(extra), auth).await;
        reply.data()["checkoutSession"].clone()
    }
}

/// The fields every view of a paid session agrees on.
async fn assert_everywhere(srv: &TestServer, id: &str, status: &str) -> Value {
    let got = srv.platform_session(id).await;
    assert_eq!(got["status"], "succeeded", "{got}");
    assert_eq!(got["paymentStatus"], status, "{got}");
    let listed = srv.listed_session(id).await;
    let hook = srv.webhook_session("checkout.session.completed", id).await;
    for field in ["paymentStatus", "purchaseId", "subscriptionId"] {
        assert_eq!(listed[field], got[field], "list {field}");
        assert_eq!(hook[field], got[field], "webhook {field}");
    }
    got
}

#[tokio::test]
async fn unpaid_with_null_ids_before_payment_then_paid_with_its_purchase() {
    let srv = TestServer::start().await;
    let created = srv
        .route_session(
            "checkout-sessions/create",
            json!({"priceSlug": "onboarding"}),
            Auth::None,
        )
        .await;
    assert_eq!(created["paymentStatus"], "unpaid");
    assert_eq!(created["purchaseId"], Value::Null);
    assert_eq!(created["subscriptionId"], Value::Null);
    let id = created["id"].as_str().unwrap().to_owned();
    let open = srv.platform_session(&id).await;
    assert_eq!(
        (
            &open["paymentStatus"],
            &open["purchaseId"],
            &open["subscriptionId"]
        ),
        (&json!("unpaid"), &Value::Null, &Value::Null)
    );
    assert_eq!(srv.listed_session(&id).await["paymentStatus"], "unpaid");

    srv.confirm(&id, "4242424242424242").await.data();
    let paid = assert_everywhere(&srv, &id, "paid").await;
    let purchase = paid["purchaseId"].as_str().expect("a purchase id");
    assert!(purchase.starts_with("pur_"), "{purchase}");
    assert_eq!(paid["subscriptionId"], Value::Null, "a product makes none");
}

#[tokio::test]
async fn a_declined_or_expired_session_stays_unpaid() {
    let srv = TestServer::start().await;
    let declined = srv.create_session("onboarding").await;
    srv.confirm(&declined, "4000000000000002").await;
    assert_eq!(
        srv.platform_session(&declined).await["paymentStatus"],
        "unpaid"
    );
    let expired = srv.create_session("lifetime").await;
    assert_eq!(srv.platform_expire(&expired).await.status.as_u16(), 200);
    let s = srv.platform_session(&expired).await;
    assert_eq!(
        (&s["status"], &s["paymentStatus"]),
        (&json!("expired"), &json!("unpaid"))
    );
    let hook = srv
        .webhook_session("checkout.session.expired", &expired)
        .await;
    assert_eq!(hook["paymentStatus"], "unpaid");
    assert_eq!(hook["purchaseId"], Value::Null);
}

#[tokio::test]
async fn a_paid_subscription_names_the_subscription_it_made() {
    let srv = TestServer::start().await;
    let id = srv.buy(json!({"priceSlug": "pro-yearly"}), BOB).await;
    let paid = assert_everywhere(&srv, &id, "paid").await;
    let made = paid["subscriptionId"].as_str().expect("a subscription id");
    let bob = srv.billing("demo-bob").await;
    let subscription = bob["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == made)
        .unwrap_or_else(|| panic!("{made} is not Bob's: {bob}"));
    assert_eq!(subscription["priceId"], paid["priceId"]);
    // Alice's sessions never name Bob's subscription.
    let alice = srv.buy(json!({"priceSlug": "onboarding"}), ALICE).await;
    let hers = srv.platform_session(&alice).await;
    assert_eq!(hers["subscriptionId"], Value::Null);
    assert_ne!(hers["customerId"], paid["customerId"]);
}

/// A subscription starting with a free trial charges nothing today (the
/// hosted page's `totalDueToday` is 0), so its session is complete with
/// `no_payment_required`, naming the trialing subscription.
#[tokio::test]
async fn a_trial_subscription_needs_no_payment_but_names_its_subscription() {
    let srv = TestServer::start().await;
    let id = srv.create_session_as("pro-monthly", BOB).await;
    assert_eq!(srv.hosted(&id).await.data()["totalDueToday"], 0);
    srv.confirm(&id, "4242424242424242").await.data();
    let done = assert_everywhere(&srv, &id, "no_payment_required").await;
    let made = done["subscriptionId"].as_str().expect("a subscription id");
    let bob = srv.billing("demo-bob").await;
    let trialing = bob["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == made)
        .unwrap_or_else(|| panic!("{made} is not Bob's: {bob}"));
    assert_eq!(trialing["status"], "trialing");
    // A trial with something charged today as well is paid.
    let mixed = srv
        .buy(
            json!({"lineItems": [{"priceSlug": "pro-monthly"}, {"priceSlug": "onboarding"}]}),
            Auth::None,
        )
        .await;
    assert_everywhere(&srv, &mixed, "paid").await;
}

#[tokio::test]
async fn saving_a_card_needs_no_payment_and_makes_nothing() {
    let srv = TestServer::start().await;
    let created = srv
        .route_session(
            "checkout-sessions/create-add-payment-method",
            json!({"targetSubscriptionId": "sub_alice_pro"}),
            ALICE,
        )
        .await;
    assert_eq!(created["paymentStatus"], "unpaid");
    let id = created["id"].as_str().unwrap().to_owned();
    srv.confirm(&id, "5555555555554444").await.data();
    let done = assert_everywhere(&srv, &id, "no_payment_required").await;
    assert_eq!(done["purchaseId"], Value::Null);
    assert_eq!(
        done["subscriptionId"],
        Value::Null,
        "the card was saved for a subscription, not one made"
    );
    assert_eq!(done["targetSubscriptionId"], "sub_alice_pro");
}

/// A platform create of `session` (merged with valid URLs) with `mode`.
async fn create_with_mode(
    srv: &TestServer,
    session: Value,
    mode: Option<&str>,
) -> crate::support::Reply {
    let mut body = create_body(session);
    if let Some(mode) = mode {
        body["mode"] = json!(mode);
    }
    srv.platform_create(json!({ "checkoutSession": body }))
        .await
}

#[tokio::test]
async fn platform_mode_is_accepted_when_it_matches_and_inferred_when_absent() {
    let srv = TestServer::start().await;
    let one_time = json!({"type": "product", "anonymous": true, "priceSlug": "onboarding"});
    let recurring =
        json!({"type": "product", "customerExternalId": "bob", "priceSlug": "pro-yearly"});
    let trial = json!({"type": "product", "customerExternalId": "bob", "priceSlug": "pro-monthly"});
    let card = json!({"type": "add_payment_method", "customerExternalId": "alice"});
    let invoice_less_cart = json!({"type": "product", "anonymous": true,
        "lineItems": [{"priceSlug": "onboarding"}, {"priceSlug": "pro-monthly"}]});
    for (session, mode) in [
        (&one_time, "payment"),
        (&recurring, "subscription"),
        (&trial, "subscription"),
        (&invoice_less_cart, "subscription"),
        (&card, "setup"),
    ] {
        for asked in [Some(mode), None] {
            let reply = create_with_mode(&srv, session.clone(), asked).await;
            assert_eq!(
                reply.status.as_u16(),
                200,
                "{session} {asked:?}: {}",
                reply.body
            );
            assert_eq!(reply.body["checkoutSession"]["paymentStatus"], "unpaid");
        }
    }
}

#[tokio::test]
async fn platform_mode_that_contradicts_the_prices_is_refused_and_nothing_is_stored() {
    let srv = TestServer::start().await;
    let before = srv.count_rows("checkout_sessions");
    let one_time = json!({"type": "product", "anonymous": true, "priceSlug": "onboarding"});
    let recurring =
        json!({"type": "product", "customerExternalId": "bob", "priceSlug": "pro-yearly"});
    let cart = json!({"type": "product", "anonymous": true,
        "lineItems": [{"priceSlug": "onboarding"}, {"priceSlug": "pro-monthly"}]});
    let card = json!({"type": "add_payment_method", "customerExternalId": "alice"});
    for (session, mode) in [
        (&one_time, "subscription"),
        (&one_time, "setup"),
        (&recurring, "payment"),
        (&recurring, "setup"),
        (&cart, "payment"),
        (&card, "payment"),
        (&card, "subscription"),
    ] {
        let message = create_with_mode(&srv, session.clone(), Some(mode))
            .await
            .assert_error(400, "mode_mismatch");
        assert!(message.contains(mode), "{message}");
    }
    // Not a mode at all: refused before anything else.
    create_with_mode(&srv, one_time.clone(), Some("donation"))
        .await
        .assert_error(400, "invalid_request");
    assert_eq!(
        srv.count_rows("checkout_sessions"),
        before,
        "nothing stored"
    );
}

#[tokio::test]
async fn a_browser_cannot_send_a_mode_even_a_consistent_one() {
    let srv = TestServer::start().await;
    let before = srv.count_rows("checkout_sessions");
    for (action, extra, auth) in [
        (
            "checkout-sessions/create",
            json!({"priceSlug": "onboarding", "mode": "payment"}),
            Auth::None,
        ),
        (
            "checkout-sessions/create",
            json!({"priceSlug": "pro-yearly", "mode": "subscription"}),
            BOB,
        ),
        (
            "checkout-sessions/create",
            json!({"priceSlug": "onboarding", "mode": null}),
            Auth::None,
        ),
        (
            "checkout-sessions/create-add-payment-method",
            json!({"mode": "setup"}),
            ALICE,
        ),
        (
            "checkout-sessions/create-activate-subscription",
            json!({"targetSubscriptionId": "sub_alice_pro", "mode": "subscription"}),
            ALICE,
        ),
    ] {
        let message = srv
            .route(action, create_body(extra.clone()), auth)
            .await
            .assert_error(400, "field_not_allowed");
        assert!(message.contains("mode"), "{action} {extra}: {message}");
    }
    assert_eq!(
        srv.count_rows("checkout_sessions"),
        before,
        "nothing stored"
    );
}

/// An activation bills an existing subscription: it is a `subscription`
/// checkout, and once paid names the subscription it activated. Bob cannot
/// aim one at Alice's subscription, whatever mode he states.
#[tokio::test]
async fn an_activation_is_a_subscription_checkout_naming_the_subscription_it_activated() {
    let srv = TestServer::start().await;
    let activate = |who: &str| {
        json!({"type": "activate_subscription", "customerExternalId": who,
               "targetSubscriptionId": "sub_alice_pro"})
    };
    for mode in ["payment", "setup"] {
        create_with_mode(&srv, activate("alice"), Some(mode))
            .await
            .assert_error(400, "mode_mismatch");
    }
    for mode in [Some("subscription"), Some("payment"), None] {
        create_with_mode(&srv, activate("bob"), mode)
            .await
            .assert_error(404, "subscription_not_found");
    }
    let reply = create_with_mode(&srv, activate("alice"), Some("subscription")).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let id = reply.body["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(reply.body["checkoutSession"]["subscriptionId"], Value::Null);
    srv.confirm(&id, "4242424242424242").await.data();
    let done = assert_everywhere(&srv, &id, "paid").await;
    assert_eq!(done["subscriptionId"], "sub_alice_pro");
    assert_eq!(done["purchaseId"], Value::Null, "{done}");
}
