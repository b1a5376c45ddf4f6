//! Saved cards (issue 16): a signed-in customer's checkout offers their
//! unexpired cards and is paid with one without typing a card, through the
//! same claim → attempt → record path as a typed card; the billing panel's
//! `payment-methods/remove` and `payment-methods/set-default` act only on
//! the customer's own cards.

use crate::support::{create_body, Auth, Reply, TestServer, SECRET_KEY};
use checkout_server::Rate;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
const BOB: Auth<'static> = Auth::Bearer("demo-bob");
const ALICE_CARD: &str = "pm_alice_visa";
const MASTERCARD: &str = "5555555555554444";

/// A confirm body paying with the saved card `id`.
fn saved(id: &str) -> Value {
    json!({"email": "buyer@example.com", "paymentMethodId": id})
}

impl TestServer {
    /// The ids of the customer's cards as `payment-methods/list` answers
    /// them, with whether each is the default, default first.
    async fn cards_of(&self, auth: Auth<'_>) -> Vec<(String, bool)> {
        let reply = self.route("payment-methods/list", json!({}), auth).await;
        cards_in(&reply)
    }

    /// The payloads of the recorded webhook events of `event_type`.
    async fn saved_card_events(&self, event_type: &str) -> Vec<Value> {
        let log = self.webhook_events("limit=100", Some(SECRET_KEY)).await;
        assert_eq!(log.status.as_u16(), 200, "{}", log.body);
        log.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == event_type)
            .map(|e| e["payload"].clone())
            .collect()
    }

    /// Runs `sql` on the database file while the server runs.
    fn run_sql(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.db_path()).expect("db opens");
        conn.busy_timeout(Duration::from_secs(5))
            .expect("busy timeout");
        conn.execute_batch(sql).expect("sql runs");
    }

    /// Alice buys `lifetime` with a new Mastercard, which saves it; its id.
    async fn alice_saves_a_mastercard(&self) -> String {
        let id = self.create_session_as("lifetime", ALICE).await;
        let body = json!({
            "email": "",
            "card": {"number": MASTERCARD, "expMonth": 11, "expYear": 2039, "cvc": "123"}
        });
        self.confirm_with(&id, body).await.data();
        let cards = self.cards_of(ALICE).await;
        assert_eq!(cards.len(), 2, "{cards:?}");
        cards
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| id != ALICE_CARD)
            .unwrap()
    }
}

/// `(id, default)` of each card in a `{data: {data: [...]}}` list reply.
fn cards_in(reply: &Reply) -> Vec<(String, bool)> {
    reply.data()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["default"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn alices_checkout_offers_her_card_and_no_one_elses_does() {
    let srv = TestServer::start().await;
    let id = srv.create_session_as("lifetime", ALICE).await;
    let page = srv.hosted(&id).await;
    assert_eq!(
        page.data()["savedPaymentMethods"],
        json!([{"id": ALICE_CARD, "brand": "visa", "last4": "4242", "expMonth": 12,
                "expYear": 2030, "isDefault": true}])
    );
    // A stranger's, Bob's (no cards) and a card-saving checkout offer none.
    let anonymous = srv.create_session("lifetime").await;
    let bobs = srv.create_session_as("lifetime", BOB).await;
    let saving = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            create_body(json!({})),
            ALICE,
        )
        .await;
    let saving = saving.data()["checkoutSession"]["id"].as_str().unwrap();
    for session in [anonymous.as_str(), bobs.as_str(), saving] {
        let page = srv.hosted(session).await;
        assert!(
            page.data().get("savedPaymentMethods").is_none(),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn paying_with_her_saved_card_records_the_purchase_on_it_with_the_webhook() {
    let srv = TestServer::start().await;
    let id = srv.create_session_as("lifetime", ALICE).await;
    let paid = srv.confirm_with(&id, saved(ALICE_CARD)).await;
    let session = &paid.data()["checkoutSession"];
    assert_eq!(session["status"], "succeeded");
    assert_eq!(session["paymentMethod"]["last4"], "4242");
    assert!(session.get("savedPaymentMethods").is_none(), "{session}");
    // The card is not saved a second time, and stays the default.
    assert_eq!(srv.cards_of(ALICE).await, [(ALICE_CARD.to_owned(), true)]);
    // Purchases are listed newest first: this checkout's is the first.
    let billing = srv.billing("demo-alice").await;
    let purchase = billing["purchases"][0].clone();
    let purchase_id = purchase["id"].as_str().unwrap().to_owned();
    // The purchase names the card that paid, and so does the payment event.
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let card: Option<String> = conn
        .query_row(
            "SELECT payment_method_id FROM purchases WHERE checkout_session_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(card.as_deref(), Some(ALICE_CARD));
    let payments = srv.saved_card_events("payment.succeeded").await;
    let payment = payments
        .iter()
        .map(|p| &p["data"]["payment"])
        .find(|p| p["checkoutSessionId"] == id.as_str())
        .expect("payment.succeeded for the session");
    assert_eq!(payment["paymentMethodId"], ALICE_CARD);
    assert_eq!(payment["purchaseId"], purchase_id.as_str());
    let completed = srv.saved_card_events("checkout.session.completed").await;
    assert_eq!(completed.len(), 1, "{completed:?}");
}

#[tokio::test]
async fn another_customers_card_is_refused_like_a_missing_one() {
    let srv = TestServer::start().await;
    // Bob pays with a typed card, which saves it.
    let bobs = srv.create_session_as("onboarding", BOB).await;
    srv.confirm(&bobs, "4242424242424242").await.data();
    let bob_card = srv.cards_of(BOB).await[0].0.clone();
    let id = srv.create_session_as("lifetime", ALICE).await;
    let refused = srv.confirm_with(&id, saved(&bob_card)).await;
    let message = refused.assert_error(404, "payment_method_not_found");
    let missing = srv.confirm_with(&id, saved("pm_nobody")).await;
    assert_eq!(
        missing.assert_error(404, "payment_method_not_found"),
        message,
        "the same answer for someone else's card and a missing one"
    );
    for bad in [
        json!("alice"),
        json!("pm_a b"),
        json!(format!("pm_{}", "a".repeat(300))),
    ] {
        srv.confirm_with(&id, json!({"email": "", "paymentMethodId": bad}))
            .await
            .assert_error(404, "payment_method_not_found");
    }
    srv.confirm_with(&id, json!({"email": "", "paymentMethodId": 7}))
        .await
        .assert_error(400, "invalid_request");
    // An anonymous checkout has no saved cards, Alice's included.
    let anonymous = srv.create_session("lifetime").await;
    srv.confirm_with(&anonymous, saved(ALICE_CARD))
        .await
        .assert_error(404, "payment_method_not_found");
    // Nothing was charged: both sessions are still open.
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    assert_eq!(srv.hosted(&anonymous).await.data()["status"], "open");
    assert!(srv.saved_card_events("payment.failed").await.is_empty());
}

#[tokio::test]
async fn an_expired_or_removed_card_is_refused() {
    let srv = TestServer::start().await;
    let mastercard = srv.alice_saves_a_mastercard().await;
    srv.run_sql(&format!(
        "UPDATE payment_methods SET exp_year = 2020 WHERE id = '{ALICE_CARD}'"
    ));
    let id = srv.create_session_as("lifetime", ALICE).await;
    let offered = srv.hosted(&id).await;
    assert_eq!(
        offered.data()["savedPaymentMethods"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "only the unexpired card: {}",
        offered.body
    );
    srv.confirm_with(&id, saved(ALICE_CARD))
        .await
        .assert_error(400, "card_invalid_expiry");
    // A card she removed (the Mastercard, billed by nothing) is not found.
    srv.route("payment-methods/remove", json!({"id": mastercard}), ALICE)
        .await
        .data();
    srv.confirm_with(&id, saved(&mastercard))
        .await
        .assert_error(404, "payment_method_not_found");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
}

#[tokio::test]
async fn a_confirm_pays_with_a_card_or_a_saved_card_never_both_or_neither() {
    let srv = TestServer::start().await;
    let id = srv.create_session_as("lifetime", ALICE).await;
    let both = json!({
        "email": "",
        "paymentMethodId": ALICE_CARD,
        "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2040, "cvc": "123"}
    });
    srv.confirm_with(&id, both)
        .await
        .assert_error(400, "payment_method_ambiguous");
    srv.confirm_with(&id, json!({"email": ""}))
        .await
        .assert_error(400, "payment_method_missing");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
}

#[tokio::test]
async fn a_double_confirm_with_a_saved_card_charges_once() {
    let (srv, processor) = TestServer::start_slow_with(Duration::from_millis(300), |c| {
        c.payment_attempts_per_session = Rate::Off;
    })
    .await;
    let id = srv.create_session_as("lifetime", ALICE).await;
    let (a, b) = tokio::join!(
        srv.confirm_with(&id, saved(ALICE_CARD)),
        srv.confirm_with(&id, saved(ALICE_CARD))
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.body, b.body);
    assert_eq!(processor.charges(), 1, "charged exactly once");
    assert_eq!(
        srv.count_rows("purchases WHERE checkout_session_id IS NOT NULL"),
        1
    );
}

#[tokio::test]
async fn a_declining_saved_card_leaves_the_checkout_open() {
    let srv = TestServer::start().await;
    // A saved card ending 0002 declines, like Stripe's test card.
    srv.run_sql(&format!(
        "UPDATE payment_methods SET last4 = '0002' WHERE id = '{ALICE_CARD}'"
    ));
    let id = srv.create_session_as("lifetime", ALICE).await;
    srv.confirm_with(&id, saved(ALICE_CARD))
        .await
        .assert_error(402, "card_declined");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
}

#[tokio::test]
async fn the_billing_panel_makes_a_card_default_and_removes_one_of_her_own() {
    let srv = TestServer::start().await;
    let mastercard = srv.alice_saves_a_mastercard().await;
    let made = srv
        .route(
            "payment-methods/set-default",
            json!({"id": mastercard}),
            ALICE,
        )
        .await;
    assert_eq!(
        cards_in(&made),
        [(mastercard.clone(), true), (ALICE_CARD.to_owned(), false)]
    );
    // Her subscription keeps billing to the Visa until that is removed;
    // then it moves to the default, with `subscription.updated`.
    let before = srv.saved_card_events("subscription.updated").await.len();
    let removed = srv
        .route("payment-methods/remove", json!({"id": ALICE_CARD}), ALICE)
        .await;
    assert_eq!(cards_in(&removed), [(mastercard.clone(), true)]);
    let billing = srv.billing("demo-alice").await;
    assert_eq!(
        billing["subscriptions"][0]["defaultPaymentMethodId"],
        mastercard.as_str()
    );
    assert_eq!(
        srv.saved_card_events("subscription.updated").await.len(),
        before + 1
    );
    // Her only card, billed by an active subscription, stays.
    srv.route("payment-methods/remove", json!({"id": mastercard}), ALICE)
        .await
        .assert_error(409, "payment_method_in_use");
    // Removing twice is not found; so is making a removed card the default.
    srv.route("payment-methods/remove", json!({"id": ALICE_CARD}), ALICE)
        .await
        .assert_error(404, "payment_method_not_found");
    srv.route(
        "payment-methods/set-default",
        json!({"id": ALICE_CARD}),
        ALICE,
    )
    .await
    .assert_error(404, "payment_method_not_found");
    assert_eq!(srv.cards_of(ALICE).await, [(mastercard, true)]);
}

#[tokio::test]
async fn removing_the_default_promotes_her_other_card() {
    let srv = TestServer::start().await;
    let mastercard = srv.alice_saves_a_mastercard().await;
    let removed = srv
        .route("payment-methods/remove", json!({"id": ALICE_CARD}), ALICE)
        .await;
    assert_eq!(cards_in(&removed), [(mastercard.clone(), true)]);
    let billing = srv.billing("demo-alice").await;
    assert_eq!(
        billing["subscriptions"][0]["defaultPaymentMethodId"],
        mastercard.as_str()
    );
}

#[tokio::test]
async fn card_actions_refuse_strangers_and_bad_bodies() {
    let srv = TestServer::start().await;
    for action in ["payment-methods/remove", "payment-methods/set-default"] {
        // Bob cannot touch Alice's card, and learns nothing about it.
        let theirs = srv.route(action, json!({"id": ALICE_CARD}), BOB).await;
        let message = theirs.assert_error(404, "payment_method_not_found");
        let missing = srv.route(action, json!({"id": "pm_missing"}), BOB).await;
        assert_eq!(
            missing.assert_error(404, "payment_method_not_found"),
            message
        );
        srv.route(action, json!({"id": ALICE_CARD}), Auth::None)
            .await
            .assert_error(401, "customer_required");
        srv.route(action, json!({}), ALICE)
            .await
            .assert_error(400, "invalid_request");
        srv.route(action, json!({"id": 5}), ALICE)
            .await
            .assert_error(400, "invalid_request");
        for bad in ["", "alice_visa", "pm_x;drop", &"pm_a".repeat(100)] {
            srv.route(action, json!({"id": bad}), ALICE)
                .await
                .assert_error(404, "payment_method_not_found");
        }
    }
    assert_eq!(srv.cards_of(ALICE).await, [(ALICE_CARD.to_owned(), true)]);
}

#[tokio::test]
async fn the_platform_api_changes_cards_with_the_secret_key_only() {
    let srv = TestServer::start().await;
    let mastercard = srv.alice_saves_a_mastercard().await;
    let url = srv.url(&format!("/api/v1/payment-methods/{mastercard}/set-default"));
    srv.send(srv.client.post(&url))
        .await
        .assert_error(401, "unauthorized");
    let made = srv
        .send(srv.client.post(&url).header("authorization", SECRET_KEY))
        .await;
    assert_eq!(made.status.as_u16(), 200, "{}", made.body);
    assert_eq!(made.body["data"][0]["id"], mastercard.as_str());
    assert_eq!(made.body["data"][0]["default"], true);
    let missing = srv.url("/api/v1/payment-methods/pm_missing/remove");
    srv.send(
        srv.client
            .post(&missing)
            .header("authorization", SECRET_KEY),
    )
    .await
    .assert_error(404, "payment_method_not_found");
}

#[tokio::test]
async fn a_crash_after_a_saved_card_charge_records_the_payment_on_that_card() {
    use checkout_server::payment::{
        PaymentAttempt, PaymentProcessor, SavedCard, TestCardProcessor,
    };
    let processor = Arc::new(TestCardProcessor::new());
    let srv = TestServer::start_with_processor(processor.clone(), |c| {
        c.payment_timeout = Duration::from_millis(200);
        c.timing.expiry_sweep_interval = Duration::from_millis(50);
    })
    .await;
    let id = srv.create_session_as("onboarding", ALICE).await;
    // The processor charged Alice's saved card, then the process died
    // before it recorded anything: the session is left pending with the
    // attempt it stored first, which names the card.
    let attempt = PaymentAttempt {
        session_id: id.clone(),
        key: "pa_saved_card_before_the_crash".into(),
    };
    let card = SavedCard {
        payment_method_id: ALICE_CARD.into(),
        brand: "visa".into(),
        last4: "4242".into(),
        exp_month: 12,
        exp_year: 2030,
    };
    processor
        .charge_saved(&attempt, 4900, "USD", &card)
        .await
        .unwrap();
    let payer = json!({
        "card": {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030},
        "email": "alice@example.com",
        "billingAddress": null,
        "paymentMethodId": ALICE_CARD,
    });
    srv.run_sql(&format!(
        "UPDATE checkout_sessions SET status = 'pending', updated_at = {},
            payment_attempt_key = '{}', payment_attempt_payer = '{}' WHERE id = '{id}'",
        crate::support::now_ms() - 60_000,
        attempt.key,
        payer
    ));
    for _ in 0..100 {
        if srv.hosted(&id).await.data()["status"] == "succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(srv.hosted(&id).await.data()["status"], "succeeded");
    // Recorded on the card that paid, which is not saved again.
    assert_eq!(srv.cards_of(ALICE).await, [(ALICE_CARD.to_owned(), true)]);
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let paid_with: Option<String> = conn
        .query_row(
            "SELECT payment_method_id FROM purchases WHERE checkout_session_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(paid_with.as_deref(), Some(ALICE_CARD));
}

#[tokio::test]
async fn a_remote_platform_changes_only_its_customers_own_cards() {
    use checkout_server::{
        BillingPlatform, CustomerIdentity, RemotePlatform, RemotePlatformOptions,
    };
    let a = TestServer::start().await;
    let mastercard = a.alice_saves_a_mastercard().await;
    let platform = RemotePlatform::new(RemotePlatformOptions::new(&a.server.base_url, SECRET_KEY))
        .expect("client");
    let who = |id: &str| CustomerIdentity {
        external_id: id.into(),
        name: id.into(),
        email: format!("{id}@example.com"),
    };
    let alice = platform
        .find_or_create_customer(&who("alice"))
        .await
        .unwrap();
    let bob = platform.find_or_create_customer(&who("bob")).await.unwrap();
    // Bob's route forwarding to A cannot touch Alice's card.
    for e in [
        platform
            .remove_payment_method(&bob, ALICE_CARD)
            .await
            .unwrap_err(),
        platform
            .set_default_payment_method(&bob, ALICE_CARD)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(e.code, checkout_protocol::ErrorCode::PaymentMethodNotFound);
    }
    let cards = platform
        .set_default_payment_method(&alice, &mastercard)
        .await
        .unwrap();
    assert_eq!(cards[0].id, mastercard);
    assert!(cards[0].default);
    let left = platform
        .remove_payment_method(&alice, ALICE_CARD)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(a.cards_of(ALICE).await, [(mastercard, true)]);
}
