//! Webhooks end to end: a real receiver verifies every request's Standard
//! Webhooks signature and its Svix one (what Flowglad's `verifyWebhook`
//! checks); completed, expired and payment_failed events carry what they
//! should; Flowglad's event types arrive once per change with Flowglad's
//! body; failed deliveries are retried on schedule and logged; a restart
//! resumes pending deliveries; nothing is sent for a change that did not
//! happen; and the delivery log API shows it all.

use crate::receiver::{Received, Receiver, WEBHOOK_SECRET};
use crate::support::{config_in, create_body, now_ms, webhooks_to, Auth, TestServer, SECRET_KEY};
use checkout_server::spawn;
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

fn fast() -> Vec<Duration> {
    vec![Duration::from_millis(100); 3]
}

/// Every request verified and well-formed, with the same id as the logged event.
#[track_caller]
fn assert_signed(r: &Received) {
    assert!(r.verified, "signature must verify: {:?}", r.headers);
    assert!(
        r.svix_verified,
        "svix signature must verify: {:?}",
        r.headers
    );
    assert_eq!(r.header("svix-id"), r.header("webhook-id"));
    assert_eq!(r.header("content-type"), "application/json");
    assert!(
        r.header("webhook-id").starts_with("msg_"),
        "{:?}",
        r.headers
    );
    assert!(r.header("webhook-signature").starts_with("v1,"));
    let ts: i64 = r.header("webhook-timestamp").parse().expect("seconds");
    assert!((ts - now_ms() / 1000).abs() < 60, "timestamp is now: {ts}");
    let stamp = r.body["timestamp"].as_str().unwrap_or_default();
    assert!(stamp.ends_with('Z') && stamp.len() == 24, "{stamp}");
}

#[tokio::test]
async fn a_completed_checkout_sends_its_session_purchase_subscription_invoice_and_card() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let reply = srv
        .merchant_create(
            json!({
                "priceSlug": "pro-yearly",
                "requestId": "order-2040",
                "outputName": "Team plan",
                "outputMetadata": {"team": "t_9", "seats": 4, "annual": true}
            }),
            Some("alice"),
        )
        .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&id, "4242424242424242").await.data();

    let got = receiver.wait_for_sessions(1, WAIT).await;
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_signed(r);
    assert_eq!(r.event_type(), "checkout.session.completed");
    let data = &r.body["data"];
    let cs = &data["checkoutSession"];
    assert_eq!(cs["id"], id);
    assert_eq!(cs["status"], "succeeded");
    assert_eq!(cs["requestId"], "order-2040");
    assert_eq!(cs["outputName"], "Team plan");
    let metadata = json!({"team": "t_9", "seats": 4, "annual": true});
    assert_eq!(cs["outputMetadata"], metadata);
    assert_eq!(cs["customerId"], "cus_alice");
    assert_eq!(cs["paymentMethodType"], "card");
    let purchase = &data["purchase"];
    assert_eq!(purchase["name"], "Team plan");
    assert_eq!(purchase["metadata"], metadata);
    assert_eq!(purchase["priceId"], "price_pro_yearly");
    assert_eq!(purchase["firstInvoiceValue"], 12000);
    assert_eq!(purchase["requestId"], "order-2040");
    assert_eq!(cs["purchaseId"], purchase["id"]);
    let subscription = &data["subscription"];
    assert_eq!(subscription["name"], "Team plan");
    assert_eq!(subscription["metadata"], metadata);
    assert_eq!(subscription["status"], "active");
    assert_eq!(subscription["requestId"], "order-2040");
    // …and on the customer's records, where a merchant reads them later.
    let billing = srv.billing("demo-alice").await;
    let stored = |list: &str, key: &Value| {
        billing[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == *key)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        stored("purchases", &purchase["id"])["requestId"],
        "order-2040"
    );
    assert_eq!(
        stored("subscriptions", &subscription["id"])["requestId"],
        "order-2040"
    );
    assert_eq!(
        subscription["defaultPaymentMethodId"],
        data["paymentMethod"]["id"]
    );
    assert_eq!(data["invoice"]["status"], "paid");
    assert_eq!(data["invoice"]["subscriptionId"], subscription["id"]);
    assert_eq!(data["paymentMethod"]["paymentMethodData"]["last4"], "4242");
    let raw = r.body.to_string();
    assert!(
        !raw.contains("4242424242424242"),
        "no card number in a webhook"
    );

    // The log shows it delivered on the first attempt, under the same id.
    let log = srv.webhook_events("", Some(SECRET_KEY)).await;
    assert_eq!(log.status.as_u16(), 200, "{}", log.body);
    let event = log.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == r.header("webhook-id"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(event["type"], "checkout.session.completed");
    assert_eq!(event["checkoutSessionId"], id);
    assert_eq!(event["payload"], r.body);
    let delivery = wait_delivered(&srv, event["id"].as_str().unwrap()).await;
    assert_eq!(delivery["endpointUrl"], receiver.url);
    assert_eq!(delivery["attemptCount"], 1);
    assert_eq!(delivery["lastStatusCode"], 200);
    srv.server.shutdown().await;
    receiver.stop().await;
}

/// Polls the log until the event's first delivery is `delivered`; returns it.
async fn wait_delivered(srv: &TestServer, event_id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let reply = srv.webhook_event(event_id).await;
        let delivery = reply.body["webhookEvent"]["deliveries"][0].clone();
        if delivery["status"] == "delivered" {
            return delivery;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not delivered: {}",
            reply.body
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_anonymous_one_time_purchase_sends_the_purchase_without_customer_records() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let id = srv
        .buy(
            json!({"priceSlug": "onboarding", "requestId": "anon-1", "outputName": "Setup", "outputMetadata": {"ref": "x"}}),
            Auth::None,
        )
        .await;
    let r = receiver
        .wait_for_type("checkout.session.completed", WAIT)
        .await;
    assert_signed(&r);
    let data = &r.body["data"];
    assert_eq!(data["checkoutSession"]["id"], id);
    assert_eq!(data["checkoutSession"]["requestId"], "anon-1");
    assert_eq!(
        data["checkoutSession"]["customerEmail"],
        "buyer@example.com"
    );
    assert_eq!(data["purchase"]["metadata"], json!({"ref": "x"}));
    assert_eq!(data["purchase"]["name"], "Setup");
    assert_eq!(data["purchase"]["requestId"], "anon-1");
    for absent in ["subscription", "invoice", "paymentMethod"] {
        assert!(data.get(absent).is_none(), "{absent}: {data}");
    }
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_decline_sends_payment_failed_and_never_completed() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let reply = srv
        .merchant_create(
            json!({"priceSlug": "lifetime", "requestId": "order-7"}),
            None,
        )
        .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&id, "4000000000000002")
        .await
        .assert_error(402, "card_declined");
    srv.confirm(&id, "4000000000009995")
        .await
        .assert_error(402, "card_insufficient_funds");
    // A card refused before any charge (Luhn) is no payment attempt.
    srv.confirm(&id, "4242424242424241")
        .await
        .assert_error(400, "card_invalid_number");

    let got = receiver.wait_for_sessions(2, WAIT).await;
    let failures: Vec<(&str, &str)> = got
        .iter()
        .map(|r| {
            (
                r.body["data"]["failureCode"].as_str().unwrap_or_default(),
                r.body["data"]["failureMessage"]
                    .as_str()
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        failures,
        [
            ("card_declined", "Your card was declined. Try another card."),
            (
                "card_insufficient_funds",
                "Your card has insufficient funds. Try another card."
            )
        ]
    );
    for r in &got {
        assert_signed(r);
        assert_eq!(r.event_type(), "checkout.session.payment_failed");
        assert_eq!(r.body["data"]["checkoutSession"]["id"], id);
        assert_eq!(r.body["data"]["checkoutSession"]["status"], "open");
        assert_eq!(r.body["data"]["checkoutSession"]["requestId"], "order-7");
    }
    assert_ne!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    // Flowglad's payment.failed, once per declined charge, naming the attempt.
    let failed = receiver.wait_for_n_of_type("payment.failed", 2, WAIT).await;
    let codes: Vec<&str> = failed
        .iter()
        .map(|r| {
            assert_signed(r);
            assert_eq!(r.body["object"], "payment");
            assert_eq!(r.body["id"], r.body["data"]["payment"]["id"]);
            assert!(r.body.get("customer").is_none(), "anonymous: {}", r.body);
            let payment = &r.body["data"]["payment"];
            assert!(payment["id"].as_str().unwrap().starts_with("pa_"));
            assert_eq!(payment["status"], "failed");
            assert_eq!(payment["checkoutSessionId"], id);
            assert_eq!(payment["amount"], 19900);
            payment["failureCode"].as_str().unwrap_or_default()
        })
        .collect();
    assert_eq!(codes, ["card_declined", "card_insufficient_funds"]);
    assert_ne!(failed[0].body["id"], failed[1].body["id"], "two attempts");
    // Nothing else was recorded: the declined payments changed nothing else.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.requests().len(), 4);
    assert_eq!(srv.count_rows("webhook_events"), 4);
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");

    // Paying now completes, once.
    srv.confirm(&id, "4242424242424242").await.data();
    srv.confirm(&id, "4242424242424242")
        .await
        .assert_error(409, "checkout_session_not_open");
    let got = receiver.wait_for_sessions(3, WAIT).await;
    assert_eq!(got[2].event_type(), "checkout.session.completed");
    let paid = receiver.wait_for_type("payment.succeeded", WAIT).await;
    assert_ne!(paid.body["id"], failed[1].body["id"], "a new attempt");
    receiver.wait_for_type("purchase.completed", WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sessions = receiver
        .requests()
        .iter()
        .filter(|r| r.is_checkout_session())
        .count();
    assert_eq!(sessions, 3);
    assert_eq!(receiver.of_type("payment.succeeded").len(), 1);
    assert_eq!(receiver.of_type("purchase.completed").len(), 1);
    assert_eq!(receiver.requests().len(), 7);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn expiry_by_the_sweep_and_by_the_platform_api_sends_expired() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let swept = srv.create_session("onboarding").await;
    let ended = srv.create_session("lifetime").await;
    let paid = srv.create_session("credits-jpy").await;
    srv.confirm(&paid, "4242424242424242").await.data();
    receiver
        .wait_for_type("checkout.session.completed", WAIT)
        .await;

    // Nobody reads `swept` again: the background sweep expires it.
    srv.set_expires_at(&swept, now_ms() - 1);
    let r = receiver
        .wait_for_type("checkout.session.expired", WAIT)
        .await;
    assert_signed(&r);
    assert_eq!(r.body["data"]["checkoutSession"]["id"], swept);
    assert_eq!(r.body["data"]["checkoutSession"]["status"], "expired");
    assert_eq!(r.body["data"].as_object().unwrap().len(), 1);
    srv.confirm(&swept, "4242424242424242")
        .await
        .assert_error(410, "checkout_session_expired");

    // The merchant ends one through the platform API.
    let reply = srv.platform_expire(&ended).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let got = receiver.wait_for_sessions(3, WAIT).await;
    let expired: Vec<&str> = got
        .iter()
        .filter(|r| r.event_type() == "checkout.session.expired")
        .map(|r| {
            r.body["data"]["checkoutSession"]["id"]
                .as_str()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(expired, [swept.as_str(), ended.as_str()]);
    // Expiring again, or a paid session, sends nothing more.
    srv.platform_expire(&ended)
        .await
        .assert_error(409, "checkout_session_not_open");
    srv.platform_expire(&paid)
        .await
        .assert_error(409, "checkout_session_not_open");
    srv.set_expires_at(&paid, now_ms() - 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sessions = receiver
        .requests()
        .iter()
        .filter(|r| r.is_checkout_session())
        .count();
    assert_eq!(sessions, 3, "one event per change");
    assert_eq!(srv.hosted(&paid).await.data()["status"], "succeeded");
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_on_schedule_and_delivered_once() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    receiver.answer_next(&[500, 500]);
    let delays = vec![Duration::from_millis(300), Duration::from_millis(600)];
    let srv = TestServer::with_webhooks(&receiver.url, delays).await;
    // Expiring records one event, so every request is an attempt of it.
    let id = srv.create_session("onboarding").await;
    srv.platform_expire(&id).await;

    let got = receiver.wait_for(3, WAIT).await;
    assert_eq!(
        got.iter().map(|r| r.answered).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    for r in &got {
        assert_signed(r);
        assert_eq!(
            r.header("webhook-id"),
            got[0].header("webhook-id"),
            "one message, retried"
        );
        assert_eq!(r.body, got[0].body, "the same body each time");
        assert_eq!(r.body["data"]["checkoutSession"]["id"], id);
    }
    // The waits were honoured (each is a lower bound; jitter only adds).
    let first_gap = got[1].at - got[0].at;
    let second_gap = got[2].at - got[1].at;
    assert!(first_gap >= Duration::from_millis(300), "{first_gap:?}");
    assert!(second_gap >= Duration::from_millis(600), "{second_gap:?}");
    assert!(first_gap < Duration::from_secs(5), "{first_gap:?}");

    // Delivered once: nothing more arrives.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.requests().len(), 3);

    let event_id = got[0].header("webhook-id").to_owned();
    let delivery = wait_delivered(&srv, &event_id).await;
    assert_eq!(delivery["attemptCount"], 3);
    assert_eq!(delivery["nextAttemptAt"], Value::Null);
    assert!(delivery["deliveredAt"].as_i64().is_some());
    let attempts = delivery["attempts"].as_array().unwrap();
    let logged: Vec<(i64, Value, bool)> = attempts
        .iter()
        .map(|a| {
            (
                a["attempt"].as_i64().unwrap(),
                a["statusCode"].clone(),
                a["succeeded"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        logged,
        [
            (1, json!(500), false),
            (2, json!(500), false),
            (3, json!(200), true)
        ]
    );
    assert_eq!(attempts[0]["error"], "HTTP 500");
    assert!(attempts
        .iter()
        .all(|a| a["durationMs"].as_i64().is_some_and(|d| d >= 0)));
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_ends_failed_after_its_retries() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    receiver.answer_next(&[503; 10]);
    let delays = vec![Duration::from_millis(50), Duration::from_millis(50)];
    let srv = TestServer::with_webhooks(&receiver.url, delays).await;
    let id = srv.create_session("onboarding").await;
    srv.platform_expire(&id).await;
    let got = receiver.wait_for(3, WAIT).await;
    let event_id = got[0].header("webhook-id").to_owned();
    let deadline = tokio::time::Instant::now() + WAIT;
    let delivery = loop {
        let reply = srv.webhook_event(&event_id).await;
        let d = reply.body["webhookEvent"]["deliveries"][0].clone();
        if d["status"] == "failed" {
            break d;
        }
        assert!(tokio::time::Instant::now() < deadline, "{}", reply.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(delivery["attemptCount"], 3, "the first try and two retries");
    assert_eq!(delivery["lastStatusCode"], 503);
    assert_eq!(delivery["nextAttemptAt"], Value::Null);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.requests().len(), 3, "no attempt after giving up");
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_delivery_pending_at_shutdown_is_sent_after_a_restart() {
    // A port held but not listened on: attempts are refused, and no other
    // test can take it before the receiver does.
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = held.local_addr().unwrap();
    let url = format!("http://{addr}/hooks/checkout");
    let dir = tempfile::tempdir().unwrap();
    let delays = vec![Duration::from_millis(200); 20];
    let mut config = config_in(dir.path());
    webhooks_to(&mut config, &url, delays.clone());
    let server = spawn(config).await.unwrap();
    let srv = TestServer {
        server,
        dir,
        client: reqwest::Client::new(),
    };
    // One event (an expiry), so the log's newest is it.
    let id = srv.create_session("lifetime").await;
    srv.platform_expire(&id).await;
    // Wait until the refused attempt is logged.
    let deadline = tokio::time::Instant::now() + WAIT;
    let event_id = loop {
        let log = srv.webhook_events("", Some(SECRET_KEY)).await;
        let event = &log.body["data"][0];
        if event["deliveries"][0]["attemptCount"].as_i64() >= Some(1) {
            assert_eq!(event["deliveries"][0]["status"], "pending");
            assert_eq!(event["deliveries"][0]["lastStatusCode"], Value::Null);
            assert!(event["deliveries"][0]["lastError"]
                .as_str()
                .is_some_and(|e| !e.is_empty()));
            break event["id"].as_str().unwrap().to_owned();
        }
        assert!(tokio::time::Instant::now() < deadline, "{}", log.body);
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let TestServer {
        server,
        dir,
        client,
    } = srv;
    server.shutdown().await;

    drop(held);
    let receiver = Receiver::start_on(addr, WEBHOOK_SECRET).await;
    let mut config = config_in(dir.path());
    webhooks_to(&mut config, &url, delays);
    let server = spawn(config).await.expect("restarts on the same file");
    let srv = TestServer {
        server,
        dir,
        client,
    };
    let got = receiver.wait_for(1, WAIT).await;
    assert_signed(&got[0]);
    assert_eq!(got[0].header("webhook-id"), event_id);
    assert_eq!(got[0].event_type(), "checkout.session.expired");
    assert_eq!(got[0].body["data"]["checkoutSession"]["id"], id);
    let delivery = wait_delivered(&srv, &event_id).await;
    assert!(
        delivery["attemptCount"].as_i64().unwrap() >= 2,
        "{delivery}"
    );
    srv.server.shutdown().await;
    receiver.stop().await;
}

#[tokio::test]
async fn the_delivery_log_needs_the_key_and_pages_newest_first() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    for key in [None, Some("sk_test_wrong")] {
        srv.webhook_events("", key)
            .await
            .assert_error(401, "unauthorized");
    }
    let unauthorized = srv
        .send(srv.client.get(srv.url("/api/v1/webhook-events/msg_1")))
        .await;
    unauthorized.assert_error(401, "unauthorized");
    srv.webhook_event("msg_nope")
        .await
        .assert_error(404, "webhook_event_not_found");
    srv.webhook_events("limit=0", Some(SECRET_KEY))
        .await
        .assert_error(400, "invalid_request");

    let first = srv.create_session("onboarding").await;
    srv.platform_expire(&first).await;
    // A later millisecond, so the order is by time, not by id.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let second = srv.create_session("lifetime").await;
    srv.platform_expire(&second).await;
    receiver.wait_for(2, WAIT).await;

    let page = srv.webhook_events("limit=1", Some(SECRET_KEY)).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    assert_eq!(page.body["total"], 2);
    assert_eq!(page.body["hasMore"], true);
    assert_eq!(page.body["data"][0]["checkoutSessionId"], second);
    assert_eq!(page.body["data"][0]["type"], "checkout.session.expired");
    let delivery = &page.body["data"][0]["deliveries"][0];
    assert!(
        delivery.get("attempts").is_none(),
        "the list has counts, not the log"
    );
    let cursor = page.body["nextCursor"].as_str().unwrap();
    let next = srv
        .webhook_events(&format!("limit=1&cursor={cursor}"), Some(SECRET_KEY))
        .await;
    assert_eq!(next.body["data"][0]["checkoutSessionId"], first);
    assert_eq!(next.body["data"][0]["type"], "checkout.session.expired");
    assert_eq!(next.body["hasMore"], false);
    assert_eq!(next.body["currentCursor"], cursor);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn without_endpoints_events_are_logged_but_not_sent() {
    let srv = TestServer::start().await;
    srv.buy(json!({"priceSlug": "onboarding"}), Auth::None)
        .await;
    let log = srv.webhook_events("", Some(SECRET_KEY)).await;
    // checkout.session.completed, payment.succeeded, purchase.completed.
    assert_eq!(log.body["total"], 3);
    for event in log.body["data"].as_array().unwrap() {
        assert_eq!(event["deliveries"], json!([]));
    }
    assert!(
        srv.server.webhook_secret.starts_with("whsec_"),
        "a secret is generated"
    );
    // The generated secret is kept for the next start.
    let secret = srv.server.webhook_secret.clone();
    let TestServer { server, dir, .. } = srv;
    server.shutdown().await;
    let again = spawn(config_in(dir.path())).await.unwrap();
    assert_eq!(again.webhook_secret, secret);
    assert!(again.webhook_secret_generated);
    again.shutdown().await;
}

#[tokio::test]
async fn saving_a_card_and_paying_an_invoice_send_what_they_changed() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let card = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            create_body(json!({"targetSubscriptionId": "sub_alice_pro"})),
            Auth::Bearer("demo-alice"),
        )
        .await;
    let card_session = card.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&card_session, "5555555555554444").await.data();
    let r = receiver
        .wait_for_type("checkout.session.completed", WAIT)
        .await;
    assert_signed(&r);
    let data = &r.body["data"];
    assert_eq!(data["checkoutSession"]["type"], "add_payment_method");
    assert_eq!(
        data["paymentMethod"]["paymentMethodData"]["brand"],
        "mastercard"
    );
    assert_eq!(data["paymentMethod"]["default"], true);
    assert_eq!(data["subscription"]["id"], "sub_alice_pro");
    assert_eq!(
        data["subscription"]["defaultPaymentMethodId"],
        data["paymentMethod"]["id"]
    );
    assert!(data.get("purchase").is_none() && data.get("invoice").is_none());
    // The subscription's card changed: subscription.updated; nothing was charged.
    let updated = receiver.wait_for_type("subscription.updated", WAIT).await;
    assert_signed(&updated);
    assert_eq!(updated.body["id"], "sub_alice_pro");
    assert_eq!(
        updated.body["data"]["subscription"]["defaultPaymentMethodId"],
        data["paymentMethod"]["id"]
    );

    let invoice = srv
        .platform_create(json!({"checkoutSession": {
            "type": "invoice", "customerExternalId": "bob", "invoiceId": "inv_bob_0001",
            "successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"
        }}))
        .await;
    let invoice_session = invoice.body["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&invoice_session, "4242424242424242")
        .await
        .data();
    let got = receiver.wait_for_sessions(2, WAIT).await;
    let data = &got[1].body["data"];
    assert_signed(&got[1]);
    assert_eq!(data["checkoutSession"]["id"], invoice_session);
    assert_eq!(data["checkoutSession"]["invoiceId"], "inv_bob_0001");
    assert_eq!(data["invoice"]["invoiceNumber"], "BOB-0001");
    assert_eq!(data["invoice"]["status"], "paid");
    assert_eq!(data["invoice"]["subtotal"], 33000);
    assert_eq!(data["paymentMethod"]["customerId"], "cus_bob");
    assert!(data.get("purchase").is_none() && data.get("subscription").is_none());
    // Paying the invoice is a payment of its amount, and no purchase.
    let paid = receiver.wait_for_type("payment.succeeded", WAIT).await;
    assert_signed(&paid);
    let payment = &paid.body["data"]["payment"];
    assert_eq!(payment["amount"], 33000);
    assert_eq!(payment["invoiceId"], "inv_bob_0001");
    assert_eq!(payment["checkoutSessionId"], invoice_session);
    assert_eq!(paid.body["customer"]["externalId"], "bob");
    assert_eq!(settled_count(&receiver, "payment.succeeded").await, 1);
    assert!(receiver.of_type("purchase.completed").is_empty());
    assert_eq!(receiver.of_type("subscription.updated").len(), 1);
    srv.server.shutdown().await;
}

/// Waits a moment for stragglers, then the number of `event_type` requests.
async fn settled_count(receiver: &Receiver, event_type: &str) -> usize {
    tokio::time::sleep(Duration::from_millis(400)).await;
    receiver.of_type(event_type).len()
}

/// Flowglad's body: `id`, `object`, `customer: {id, externalId}` and
/// `pricingModelId` at the top, beside `type`, `timestamp` and `data`.
#[track_caller]
fn assert_flowglad_body(r: &Received, object: &str, customer: Option<(&str, &str)>) {
    assert_signed(r);
    let body = &r.body;
    assert_eq!(body["object"], object, "{body}");
    assert_eq!(body["pricingModelId"], "pm_demo", "{body}");
    assert_eq!(body["data"][object]["id"], body["id"], "{body}");
    match customer {
        Some((id, external_id)) => {
            assert_eq!(
                body["customer"],
                json!({"id": id, "externalId": external_id})
            );
        }
        None => assert!(body.get("customer").is_none(), "{body}"),
    }
}

#[tokio::test]
async fn a_subscription_checkout_sends_payment_purchase_and_subscription_once() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let reply = srv
        .merchant_create(
            json!({"priceSlug": "pro-yearly", "outputMetadata": {"team": "t_1"}}),
            Some("bob"),
        )
        .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&id, "4242424242424242").await.data();
    let completed = receiver
        .wait_for_type("checkout.session.completed", WAIT)
        .await;
    let data = &completed.body["data"];
    let bob = Some(("cus_bob", "bob"));

    let paid = receiver.wait_for_type("payment.succeeded", WAIT).await;
    assert_flowglad_body(&paid, "payment", bob);
    let payment = &paid.body["data"]["payment"];
    assert!(payment["id"].as_str().unwrap().starts_with("pa_"));
    assert_eq!(payment["status"], "succeeded");
    assert_eq!(payment["checkoutSessionId"], id);
    assert_eq!(payment["customerId"], "cus_bob");
    assert_eq!(payment["amount"], data["invoice"]["subtotal"]);
    assert_eq!(payment["purchaseId"], data["purchase"]["id"]);
    assert_eq!(payment["subscriptionId"], data["subscription"]["id"]);
    assert_eq!(payment["invoiceId"], data["invoice"]["id"]);
    assert_eq!(payment["paymentMethodId"], data["paymentMethod"]["id"]);
    assert_eq!(payment["failureCode"], Value::Null);

    let purchase = receiver.wait_for_type("purchase.completed", WAIT).await;
    assert_flowglad_body(&purchase, "purchase", bob);
    assert_eq!(purchase.body["data"]["purchase"], data["purchase"]);
    assert_eq!(purchase.body["data"]["purchase"]["metadata"]["team"], "t_1");

    let created = receiver.wait_for_type("subscription.created", WAIT).await;
    assert_flowglad_body(&created, "subscription", bob);
    assert_eq!(created.body["data"]["subscription"], data["subscription"]);
    assert_eq!(created.body["data"]["subscription"]["status"], "active");

    // Paying again is refused and reports nothing; each event came once.
    srv.confirm(&id, "4242424242424242")
        .await
        .assert_error(409, "checkout_session_not_open");
    for event_type in [
        "payment.succeeded",
        "purchase.completed",
        "subscription.created",
    ] {
        assert_eq!(
            settled_count(&receiver, event_type).await,
            1,
            "{event_type}"
        );
    }
    assert!(receiver.of_type("subscription.updated").is_empty());
    assert!(
        receiver.of_type("customer.created").is_empty(),
        "Bob existed"
    );
    assert_eq!(receiver.requests().len(), 4);

    // A trial charges nothing today: a subscription and a purchase, no payment.
    let trial = srv
        .merchant_create(json!({"priceSlug": "pro-monthly"}), Some("bob"))
        .await;
    let trial = trial.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&trial, "4242424242424242").await.data();
    let created = receiver
        .wait_for_n_of_type("subscription.created", 2, WAIT)
        .await;
    assert_eq!(
        created[1].body["data"]["subscription"]["status"],
        "trialing"
    );
    receiver
        .wait_for_n_of_type("purchase.completed", 2, WAIT)
        .await;
    assert_eq!(settled_count(&receiver, "payment.succeeded").await, 1);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn an_anonymous_purchase_reports_its_payment_and_purchase_without_a_customer() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let id = srv
        .buy(json!({"priceSlug": "onboarding"}), Auth::None)
        .await;
    let paid = receiver.wait_for_type("payment.succeeded", WAIT).await;
    assert_flowglad_body(&paid, "payment", None);
    assert_eq!(paid.body["data"]["payment"]["checkoutSessionId"], id);
    assert_eq!(paid.body["data"]["payment"]["customerId"], Value::Null);
    let purchase = receiver.wait_for_type("purchase.completed", WAIT).await;
    assert_flowglad_body(&purchase, "purchase", None);
    assert_eq!(settled_count(&receiver, "purchase.completed").await, 1);
    assert!(receiver.of_type("subscription.created").is_empty());
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_new_customer_sends_customer_created_once() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let create = |external_id: &str| {
        let body = json!({"customer": {"externalId": external_id, "name": "Carol Diaz",
            "email": "carol@example.com"}});
        srv.send(
            srv.client
                .post(srv.url("/api/v1/customers"))
                .header("authorization", SECRET_KEY)
                .json(&body),
        )
    };
    let first = create("carol").await;
    assert_eq!(first.status.as_u16(), 200, "{}", first.body);
    let carol = first.body["data"]["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Finding her again, or finding a seeded customer, creates nothing.
    create("carol").await;
    create("alice").await;
    // Two first calls at once make one customer and one event.
    let (a, b) = tokio::join!(create("dana"), create("dana"));
    assert_eq!(
        a.body["data"]["customer"]["id"],
        b.body["data"]["customer"]["id"]
    );
    let dana = a.body["data"]["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let got = receiver
        .wait_for_n_of_type("customer.created", 2, WAIT)
        .await;
    let carol_event = got.iter().find(|r| r.body["id"] == carol).unwrap();
    assert_flowglad_body(carol_event, "customer", Some((&carol, "carol")));
    let customer = &carol_event.body["data"]["customer"];
    assert_eq!(customer["externalId"], "carol");
    assert_eq!(customer["email"], "carol@example.com");
    assert_eq!(customer["name"], "Carol Diaz");
    assert!(got.iter().any(|r| r.body["id"] == dana));
    assert_eq!(settled_count(&receiver, "customer.created").await, 2);
    assert_eq!(receiver.requests().len(), 2);
    srv.server.shutdown().await;
}

fn cancel_body(timing: &str) -> Value {
    json!({"id": "sub_alice_pro", "cancellation": {"timing": timing}})
}

#[tokio::test]
async fn cancel_and_uncancel_send_subscription_updated_then_canceled_once() {
    const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let alice = Some(("cus_alice", "alice"));

    // Scheduling the end is a change (Flowglad's platform is silent here).
    let at_end = cancel_body("at_end_of_current_billing_period");
    srv.route("subscriptions/cancel", at_end.clone(), ALICE)
        .await
        .data();
    let updated = receiver.wait_for_type("subscription.updated", WAIT).await;
    assert_flowglad_body(&updated, "subscription", alice);
    assert_eq!(
        updated.body["data"]["subscription"]["status"],
        "cancellation_scheduled"
    );
    // Scheduling again changes nothing: no event.
    srv.route("subscriptions/cancel", at_end, ALICE)
        .await
        .data();
    assert_eq!(settled_count(&receiver, "subscription.updated").await, 1);

    // Undoing it is a change; undoing again is not.
    srv.route(
        "subscriptions/uncancel",
        json!({"id": "sub_alice_pro"}),
        ALICE,
    )
    .await
    .data();
    let got = receiver
        .wait_for_n_of_type("subscription.updated", 2, WAIT)
        .await;
    assert_eq!(got[1].body["data"]["subscription"]["status"], "active");
    srv.route(
        "subscriptions/uncancel",
        json!({"id": "sub_alice_pro"}),
        ALICE,
    )
    .await
    .data();
    assert_eq!(settled_count(&receiver, "subscription.updated").await, 2);

    // Ending it now is Flowglad's subscription.canceled, once.
    srv.route("subscriptions/cancel", cancel_body("immediately"), ALICE)
        .await
        .data();
    let canceled = receiver.wait_for_type("subscription.canceled", WAIT).await;
    assert_flowglad_body(&canceled, "subscription", alice);
    assert_eq!(canceled.body["data"]["subscription"]["status"], "canceled");
    // The log shows the type, and no checkout: none made this change.
    let logged = srv.webhook_event(canceled.header("webhook-id")).await;
    assert_eq!(logged.body["webhookEvent"]["type"], "subscription.canceled");
    assert_eq!(
        logged.body["webhookEvent"]["checkoutSessionId"],
        Value::Null
    );
    let again = srv
        .route("subscriptions/cancel", cancel_body("immediately"), ALICE)
        .await;
    assert!(again.status.is_client_error(), "{}", again.body);
    assert_eq!(settled_count(&receiver, "subscription.canceled").await, 1);
    assert_eq!(receiver.requests().len(), 3);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_scheduled_cancellation_reports_canceled_when_it_takes_effect() {
    const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    srv.route(
        "subscriptions/cancel",
        cancel_body("at_end_of_current_billing_period"),
        ALICE,
    )
    .await
    .data();
    receiver.wait_for_type("subscription.updated", WAIT).await;
    assert!(receiver.of_type("subscription.canceled").is_empty());
    // The period ends (moved into the past in the file).
    let conn = rusqlite::Connection::open(srv.db_path()).expect("db opens");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    let changed = conn
        .execute(
            "UPDATE subscriptions SET cancel_scheduled_at = ?1 WHERE id = 'sub_alice_pro'",
            [now_ms() - 1],
        )
        .expect("update");
    assert_eq!(changed, 1);
    drop(conn);
    // The next read applies it and reports it; later reads do not again.
    let billing = srv.billing("demo-alice").await;
    let status = billing["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "sub_alice_pro")
        .map(|s| s["status"].clone());
    assert_eq!(status, Some(json!("canceled")));
    let canceled = receiver.wait_for_type("subscription.canceled", WAIT).await;
    assert_flowglad_body(&canceled, "subscription", Some(("cus_alice", "alice")));
    srv.billing("demo-alice").await;
    assert_eq!(settled_count(&receiver, "subscription.canceled").await, 1);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn an_activation_checkout_updates_the_subscription_it_bills() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::with_webhooks(&receiver.url, fast()).await;
    let reply = srv
        .route(
            "checkout-sessions/create-activate-subscription",
            create_body(json!({"targetSubscriptionId": "sub_alice_pro"})),
            Auth::Bearer("demo-alice"),
        )
        .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&id, "4242424242424242").await.data();
    let updated = receiver.wait_for_type("subscription.updated", WAIT).await;
    assert_flowglad_body(&updated, "subscription", Some(("cus_alice", "alice")));
    assert_eq!(updated.body["id"], "sub_alice_pro");
    assert_eq!(updated.body["data"]["subscription"]["status"], "active");
    let paid = receiver.wait_for_type("payment.succeeded", WAIT).await;
    assert_eq!(
        paid.body["data"]["payment"]["subscriptionId"],
        "sub_alice_pro"
    );
    assert_eq!(settled_count(&receiver, "subscription.updated").await, 1);
    assert!(receiver.of_type("subscription.created").is_empty());
    srv.server.shutdown().await;
}
