//! 3-D Secure in test mode (issue 16): Stripe's authentication test cards
//! ask for the bank's challenge, which waits with its open session until
//! the hosted page posts how it ended — and nothing is charged without it.

use crate::support::{config_in, confirm_body, Reply, TestServer, SECRET_KEY};
use checkout_server::spawn;
use serde_json::{json, Value};
use std::time::Duration;

/// Always asks for authentication, then succeeds.
const ALWAYS: &str = "4000002760003184";
/// Asks for 3DS2 authentication, then succeeds.
const THREE_DS2: &str = "4000000000003220";
/// Asks for authentication, then is declined for insufficient funds.
const THEN_INSUFFICIENT: &str = "4000008260003178";

impl TestServer {
    /// `POST /api/checkout-sessions/{id}/authenticate` with `body`.
    async fn authenticate_with(&self, id: &str, body: Value) -> Reply {
        let url = self.url(&format!("/api/checkout-sessions/{id}/authenticate"));
        self.send(self.client.post(url).json(&body)).await
    }

    /// Finishes `id`'s challenge `auth` with `outcome`.
    async fn authenticate(&self, id: &str, auth: &str, outcome: &str) -> Reply {
        self.authenticate_with(id, json!({"authenticationId": auth, "outcome": outcome}))
            .await
    }

    /// Confirms `id` with a 3-D Secure `card`; asserts the challenge and
    /// returns its id.
    async fn challenged(&self, id: &str, card: &str) -> String {
        let reply = self.confirm(id, card).await;
        let data = reply.data();
        assert_eq!(data["nextAction"], "authenticate", "{data}");
        assert!(data.get("redirectUrl").is_none(), "{data}");
        let session = &data["checkoutSession"];
        assert_eq!(session["status"], "open", "{data}");
        let auth = &session["authentication"];
        assert_eq!(auth["card"]["last4"], card[card.len() - 4..], "{data}");
        assert_eq!(auth["amount"], session["totalDueToday"]);
        assert_eq!(auth["currency"], session["currency"]);
        auth["id"].as_str().expect("authentication id").to_owned()
    }

    /// The types of the webhook events recorded for session `id`, oldest first.
    async fn event_types_of(&self, id: &str) -> Vec<String> {
        let log = self.webhook_events("limit=100", Some(SECRET_KEY)).await;
        let mut types: Vec<(String, String)> = log.body["data"]
            .as_array()
            .expect("event log")
            .iter()
            .filter(|e| e["checkoutSessionId"] == id || e["payload"].to_string().contains(id))
            .map(|e| {
                (
                    e["createdAt"].to_string(),
                    e["type"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        types.sort();
        types.into_iter().map(|(_, t)| t).collect()
    }

    /// Rows of `table` about session `id`.
    fn rows_of(&self, table: &str, column: &str, id: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db_path()).expect("db opens");
        conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE {column} = ?1"),
            [id],
            |r| r.get(0),
        )
        .expect("count")
    }
}

#[tokio::test]
async fn each_authentication_card_asks_for_the_challenge_and_charges_nothing_yet() {
    let srv = TestServer::start().await;
    for card in [ALWAYS, THREE_DS2, THEN_INSUFFICIENT] {
        let id = srv.create_session("onboarding").await;
        let auth = srv.challenged(&id, card).await;
        assert!(auth.starts_with("auth_"), "{auth}");
        assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 0);
        // Nothing is charged without it: the session is open, not paid.
        let page = srv.hosted(&id).await;
        assert_eq!(page.data()["status"], "open");
        assert_eq!(page.data()["authentication"]["id"], auth.as_str());
        let raw = page.body.to_string();
        assert!(!raw.contains(card), "never the card number: {raw}");
        // Nor does the stored challenge keep it: brand, last four, expiry only.
        let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
        let payer: String = conn
            .query_row(
                "SELECT payer FROM session_authentications WHERE session_id = ?1",
                [&id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            !payer.contains(card) && payer.contains(&card[card.len() - 4..]),
            "{payer}"
        );
    }
    // A card without 3-D Secure pays at once, as before.
    let id = srv.create_session("onboarding").await;
    let paid = srv.confirm(&id, "4242424242424242").await;
    assert!(paid.data()["redirectUrl"].is_string());
    assert!(paid.data().get("nextAction").is_none());
}

#[tokio::test]
async fn completing_the_challenge_pays_and_sends_the_webhook() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let auth = srv.challenged(&id, ALWAYS).await;
    let paid = srv.authenticate(&id, &auth, "succeeded").await;
    let data = paid.data();
    assert_eq!(data["checkoutSession"]["status"], "succeeded");
    assert_eq!(data["checkoutSession"]["paymentMethod"]["last4"], "3184");
    assert!(data["checkoutSession"].get("authentication").is_none());
    let redirect = data["redirectUrl"].as_str().expect("redirect");
    assert!(
        redirect.starts_with(&format!("https://shop.test/success?session_id={id}")),
        "{redirect}"
    );
    assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 1);
    let types = srv.event_types_of(&id).await;
    for paid in ["checkout.session.completed", "payment.succeeded"] {
        assert_eq!(
            types.iter().filter(|t| *t == paid).count(),
            1,
            "{paid} once: {types:?}"
        );
    }
    assert!(
        !types.iter().any(|t| t.contains("failed")),
        "no failure: {types:?}"
    );
    // The challenge is spent: another completion is refused.
    srv.authenticate(&id, &auth, "succeeded")
        .await
        .assert_error(409, "checkout_session_not_open");
}

#[tokio::test]
async fn a_failed_challenge_is_refused_recorded_and_the_checkout_can_be_paid_again() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let auth = srv.challenged(&id, THREE_DS2).await;
    let message = srv
        .authenticate(&id, &auth, "failed")
        .await
        .assert_error(402, "authentication_failed");
    assert!(message.starts_with("Authentication failed"), "{message}");
    let page = srv.hosted(&id).await;
    assert_eq!(page.data()["status"], "open");
    assert!(page.data().get("authentication").is_none());
    let types = srv.event_types_of(&id).await;
    assert!(
        types.contains(&"checkout.session.payment_failed".to_owned())
            && types.contains(&"payment.failed".to_owned()),
        "recorded like a decline: {types:?}"
    );
    // The customer tries again with another card.
    let paid = srv.confirm(&id, "4242424242424242").await;
    assert_eq!(paid.data()["checkoutSession"]["status"], "succeeded");
    assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 1);
}

#[tokio::test]
async fn the_3178_card_is_declined_after_authentication() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let auth = srv.challenged(&id, THEN_INSUFFICIENT).await;
    srv.authenticate(&id, &auth, "succeeded")
        .await
        .assert_error(402, "card_insufficient_funds");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 0);
    assert!(srv
        .event_types_of(&id)
        .await
        .contains(&"checkout.session.payment_failed".to_owned()));
}

#[tokio::test]
async fn a_reload_shows_the_waiting_challenge_and_it_holds_the_checkout() {
    let srv = TestServer::start().await;
    // A merchant's checkout that takes discount codes.
    let created = srv
        .merchant_create(
            json!({"priceSlug": "onboarding", "allowPromotionCodes": true}),
            None,
        )
        .await;
    let id = created.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = srv.challenged(&id, ALWAYS).await;
    let page = srv.hosted(&id).await;
    let shown = &page.data()["authentication"];
    assert_eq!(shown["id"], auth.as_str());
    assert_eq!(shown["card"]["brand"], "visa");
    assert_eq!(shown["card"]["expYear"], 2040);
    let expires = shown["expires"].as_i64().unwrap();
    let ten_minutes = 10 * 60 * 1000;
    let now = crate::support::now_ms();
    assert!(
        expires > now && expires <= now + ten_minutes,
        "{expires} vs {now}"
    );
    // While it waits, no second payment starts and the total cannot change.
    srv.confirm(&id, "4242424242424242")
        .await
        .assert_error(409, "authentication_pending");
    srv.discount(&id, json!({"code": "WELCOME10"}))
        .await
        .assert_error(409, "authentication_pending");
    // The same checkout served by a restarted server (with the same file)
    // still shows it; the test processor forgot it, so completing it says
    // so, charges nothing, and leaves the checkout to be paid again.
    let TestServer {
        server,
        dir,
        client,
    } = srv;
    server.shutdown().await;
    let server = spawn(config_in(dir.path())).await.unwrap();
    let srv = TestServer {
        server,
        dir,
        client,
    };
    assert_eq!(
        srv.hosted(&id).await.data()["authentication"]["id"],
        auth.as_str()
    );
    srv.authenticate(&id, &auth, "succeeded")
        .await
        .assert_error(410, "authentication_expired");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 0);
    let paid = srv.confirm(&id, "4242424242424242").await;
    assert_eq!(paid.data()["checkoutSession"]["status"], "succeeded");
}

#[tokio::test]
async fn an_expired_challenge_is_refused_and_the_checkout_stays_open() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let auth = srv.challenged(&id, ALWAYS).await;
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute(
        "UPDATE session_authentications SET expires_at = 1 WHERE session_id = ?1",
        [&id],
    )
    .unwrap();
    assert!(srv.hosted(&id).await.data().get("authentication").is_none());
    srv.authenticate(&id, &auth, "succeeded")
        .await
        .assert_error(410, "authentication_expired");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 0);
    // Once dropped it is simply gone; the customer pays again.
    srv.authenticate(&id, &auth, "succeeded")
        .await
        .assert_error(404, "authentication_not_found");
    let again = srv.challenged(&id, ALWAYS).await;
    assert_ne!(again, auth, "a new challenge");
    let paid = srv.authenticate(&id, &again, "succeeded").await;
    assert_eq!(paid.data()["checkoutSession"]["status"], "succeeded");
}

#[tokio::test]
async fn a_double_click_on_complete_charges_once() {
    let (srv, processor) = TestServer::start_slow_with(Duration::from_millis(300), |c| {
        c.payment_attempts_per_session = checkout_server::Rate::Off;
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let auth = srv.challenged(&id, ALWAYS).await;
    assert_eq!(
        processor.charges(),
        0,
        "nothing charged before authentication"
    );
    let url = srv.url(&format!("/api/checkout-sessions/{id}/authenticate"));
    let body = json!({"authenticationId": auth, "outcome": "succeeded"});
    let clicks: Vec<_> = (0..5)
        .map(|_| {
            let request = srv.client.post(&url).json(&body);
            tokio::spawn(async move {
                let response = request.send().await.expect("answered");
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                (status, body["error"]["code"].as_str().map(str::to_owned))
            })
        })
        .collect();
    let mut answers = Vec::new();
    for click in clicks {
        answers.push(click.await.unwrap());
    }
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 200).count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(s, code)| *s == 200
            || matches!(
                code.as_deref(),
                Some("checkout_session_not_open" | "authentication_not_found")
            )),
        "{answers:?}"
    );
    assert_eq!(processor.charges(), 1, "charged exactly once");
    assert_eq!(srv.rows_of("purchases", "checkout_session_id", &id), 1);
}

#[tokio::test]
async fn only_this_checkouts_waiting_challenge_can_be_finished() {
    let srv = TestServer::start().await;
    let mine = srv.create_session("onboarding").await;
    let theirs = srv.create_session("onboarding").await;
    let their_auth = srv.challenged(&theirs, ALWAYS).await;
    // No challenge waits on this checkout at all.
    let message = srv
        .authenticate(&mine, &their_auth, "succeeded")
        .await
        .assert_error(404, "authentication_not_found");
    assert!(message.contains("no bank authentication"), "{message}");
    // Another checkout's id does not finish this one's, nor does a made-up one.
    let my_auth = srv.challenged(&mine, ALWAYS).await;
    srv.authenticate(&mine, &their_auth, "succeeded")
        .await
        .assert_error(404, "authentication_not_found");
    srv.authenticate(&mine, &"a".repeat(5000), "succeeded")
        .await
        .assert_error(404, "authentication_not_found");
    srv.authenticate_with(
        &mine,
        json!({"authenticationId": my_auth, "outcome": "maybe"}),
    )
    .await
    .assert_error(400, "invalid_request");
    srv.authenticate_with(&mine, json!({"outcome": "succeeded"}))
        .await
        .assert_error(400, "invalid_request");
    srv.authenticate("cs_missing", &my_auth, "succeeded")
        .await
        .assert_error(404, "checkout_session_not_found");
    // Both still wait, untouched, and each finishes with its own id.
    assert_eq!(
        srv.hosted(&mine).await.data()["authentication"]["id"],
        my_auth.as_str()
    );
    assert_eq!(
        srv.authenticate(&theirs, &their_auth, "succeeded")
            .await
            .data()["checkoutSession"]["status"],
        "succeeded"
    );
    assert_eq!(
        srv.authenticate(&mine, &my_auth, "succeeded").await.data()["checkoutSession"]["status"],
        "succeeded"
    );
}

#[tokio::test]
async fn an_authentication_counts_as_a_payment_attempt() {
    let srv = TestServer::start_with(|c| {
        c.payment_attempts_per_session = checkout_server::Rate::new(2, Duration::from_secs(600));
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let auth = srv.challenged(&id, ALWAYS).await;
    srv.authenticate(&id, &auth, "failed")
        .await
        .assert_error(402, "authentication_failed");
    // Two attempts spent (the confirm and the authentication): the third waits.
    srv.confirm_with(&id, confirm_body(ALWAYS))
        .await
        .assert_error(429, "rate_limited");
}
