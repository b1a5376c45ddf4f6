//! The hosted-page API: totals, paying, declines, and races.

use crate::support::{confirm_body, Auth, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn trial_subscription_is_free_today_and_recurs_monthly() {
    let srv = TestServer::start().await;
    let id = srv.create_session("pro-monthly").await;
    let reply = srv.hosted(&id).await;
    let page = reply.data();
    assert_eq!(page["id"], id);
    assert_eq!(page["type"], "product");
    assert_eq!(page["status"], "open");
    assert_eq!(page["merchantName"], "Acme Cloud");
    assert_eq!(page["currency"], "USD");
    let line = &page["lineItems"][0];
    assert_eq!(page["lineItems"].as_array().unwrap().len(), 1);
    assert_eq!(line["name"], "Pro");
    assert_eq!(
        line["description"],
        "Unlimited projects, priority builds and team seats."
    );
    assert_eq!(
        (
            line["quantity"].as_i64(),
            line["unitAmount"].as_i64(),
            line["amount"].as_i64()
        ),
        (Some(1), Some(1200), Some(1200))
    );
    assert_eq!(line["priceType"], "subscription");
    assert_eq!(line["intervalUnit"], "month");
    assert_eq!(page["subtotal"], 1200);
    assert_eq!(page["discount"], 0);
    assert_eq!(page["totalDueToday"], 0);
    assert_eq!(page["trialDays"], 14);
    assert_eq!(
        page["recurring"],
        json!({"amount": 1200, "intervalUnit": "month", "intervalCount": 1})
    );
    assert_eq!(page["customerEmail"], Value::Null);
    assert_eq!(
        page["cancelUrl"],
        format!("https://shop.test/pricing?cancelled={id}")
    );
    assert_eq!(page["paymentMethod"], Value::Null);
    assert_eq!(page["successRedirectUrl"], Value::Null);
    assert!(page["expires"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn single_payment_is_due_today_and_email_is_prefilled_for_a_customer() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let reply = srv.hosted(&id).await;
    let page = reply.data();
    assert_eq!(page["subtotal"], 4900);
    assert_eq!(page["totalDueToday"], 4900);
    assert_eq!(page["recurring"], Value::Null);
    assert_eq!(page["trialDays"], Value::Null);
    assert_eq!(page["lineItems"][0]["priceType"], "single_payment");

    let alice = srv
        .create_session_as("support-kwd", Auth::Bearer("demo-alice"))
        .await;
    let reply = srv.hosted(&alice).await;
    assert_eq!(reply.data()["customerEmail"], "alice@example.com");
    assert_eq!(reply.data()["currency"], "KWD");
    assert_eq!(reply.data()["totalDueToday"], 5125);
}

#[tokio::test]
async fn paying_succeeds_once_and_redirects_with_the_id() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let reply = srv.confirm(&id, "4242 4242 4242 4242").await;
    let data = reply.data();
    // The merchant's URL with the id filled in, then the signed parameters.
    let expected_redirect = data["redirectUrl"].as_str().unwrap().to_owned();
    assert!(expected_redirect.starts_with(&format!(
        "https://shop.test/success?session_id={id}&checkout_id={id}&"
    )));
    assert!(crate::signed_redirects::verifies(
        &expected_redirect,
        crate::support::SECRET_KEY
    ));
    let page = &data["checkoutSession"];
    assert_eq!(page["status"], "succeeded");
    assert_eq!(page["customerEmail"], "buyer@example.com");
    assert_eq!(
        page["paymentMethod"],
        json!({"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2040})
    );
    assert_eq!(page["successRedirectUrl"], expected_redirect);

    // The page reads the paid state afterwards too.
    let again = srv.hosted(&id).await;
    assert_eq!(again.data()["status"], "succeeded");
    assert_eq!(again.data()["successRedirectUrl"], expected_redirect);

    srv.confirm(&id, "4242424242424242")
        .await
        .assert_error(409, "checkout_session_not_open");
}

#[tokio::test]
async fn invalid_payment_details_are_rejected_before_charging() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    srv.confirm(&id, "4242 4242 4242 4241")
        .await
        .assert_error(400, "card_invalid_number");
    srv.confirm(&id, "4242abcd")
        .await
        .assert_error(400, "card_invalid_number");

    let mut bad_email = confirm_body("4242424242424242");
    for email in [
        "",
        "buyer",
        "buyer@example",
        "a@b@example.com",
        "bu yer@example.com",
    ] {
        bad_email["email"] = json!(email);
        srv.confirm_with(&id, bad_email.clone())
            .await
            .assert_error(400, "invalid_email");
    }
    let mut past = confirm_body("4242424242424242");
    past["card"]["expYear"] = json!(2020);
    srv.confirm_with(&id, past)
        .await
        .assert_error(400, "card_invalid_expiry");
    let mut month = confirm_body("4242424242424242");
    month["card"]["expMonth"] = json!(13);
    srv.confirm_with(&id, month)
        .await
        .assert_error(400, "card_invalid_expiry");
    let mut cvc = confirm_body("4242424242424242");
    cvc["card"]["cvc"] = json!("12");
    srv.confirm_with(&id, cvc)
        .await
        .assert_error(400, "card_invalid_cvc");
    // Neither a card nor a saved card (issue 16: one of the two is needed).
    srv.confirm_with(&id, json!({"email": "buyer@example.com"}))
        .await
        .assert_error(400, "payment_method_missing");
    let not_json = srv
        .client
        .post(srv.url(&format!("/api/checkout-sessions/{id}/confirm")))
        .header("content-type", "application/json")
        .body("{");
    srv.send(not_json)
        .await
        .assert_error(400, "invalid_request");

    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    // A customer's email is locked: whatever the page sends is ignored.
    let alice = srv
        .create_session_as("onboarding", Auth::Bearer("demo-alice"))
        .await;
    let mut body = confirm_body("4242424242424242");
    body["email"] = json!("not-an-email");
    let reply = srv.confirm_with(&alice, body).await;
    assert_eq!(
        reply.data()["checkoutSession"]["customerEmail"],
        "alice@example.com"
    );
}

#[tokio::test]
async fn declines_leave_the_session_open_for_another_card() {
    let srv = TestServer::start().await;
    let id = srv.create_session("lifetime").await;
    let m = srv
        .confirm(&id, "4000000000000002")
        .await
        .assert_error(402, "card_declined");
    assert_eq!(m, "Your card was declined. Try another card.");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    let m = srv
        .confirm(&id, "4000000000009995")
        .await
        .assert_error(402, "card_insufficient_funds");
    assert_eq!(m, "Your card has insufficient funds. Try another card.");
    let m = srv
        .confirm(&id, "4000000000000069")
        .await
        .assert_error(402, "card_expired");
    assert_eq!(m, "Your card has expired. Try another card.");
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    assert_eq!(
        srv.confirm(&id, "4242424242424242").await.data()["checkoutSession"]["status"],
        "succeeded"
    );

    // A free trial still verifies the card.
    let trial = srv.create_session("pro-monthly").await;
    srv.confirm(&trial, "4000000000000002")
        .await
        .assert_error(402, "card_declined");
    let ok = srv.confirm(&trial, "5555 5555 5555 4444").await;
    assert_eq!(
        ok.data()["checkoutSession"]["paymentMethod"]["brand"],
        "mastercard"
    );
}

#[tokio::test]
async fn unknown_sessions_are_404() {
    let srv = TestServer::start().await;
    srv.hosted("cs_00000000000000000000000000000000")
        .await
        .assert_error(404, "checkout_session_not_found");
    srv.confirm("cs_00000000000000000000000000000000", "4242424242424242")
        .await
        .assert_error(404, "checkout_session_not_found");
    srv.hosted("anything-else")
        .await
        .assert_error(404, "checkout_session_not_found");
}

#[tokio::test]
async fn expired_sessions_cannot_be_paid() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let expired = srv.platform_expire(&id).await;
    assert_eq!(expired.status.as_u16(), 200, "{}", expired.body);
    assert_eq!(expired.body["checkoutSession"]["status"], "expired");
    assert_eq!(srv.hosted(&id).await.data()["status"], "expired");
    srv.confirm(&id, "4242424242424242")
        .await
        .assert_error(410, "checkout_session_expired");
    srv.platform_expire(&id)
        .await
        .assert_error(409, "checkout_session_not_open");
}

#[tokio::test]
async fn twenty_concurrent_confirms_pay_exactly_once() {
    // A slow charge keeps the session pending while the others arrive; the
    // per-session rate limit is off so that all twenty reach the claim.
    let (srv, processor) = TestServer::start_slow_with(Duration::from_millis(200), |c| {
        c.payment_attempts_per_session = checkout_server::Rate::Off;
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let url = srv.url(&format!("/api/checkout-sessions/{id}/confirm"));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let request = srv
            .client
            .post(&url)
            .json(&confirm_body("4242424242424242"));
        tasks.push(tokio::spawn(async move {
            request.send().await.map(|r| r.status().as_u16())
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let conflicts = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert_eq!(conflicts, 19, "{statuses:?}");
    assert_eq!(processor.charges(), 1, "charged exactly once");
    assert_eq!(srv.hosted(&id).await.data()["status"], "succeeded");
}

#[tokio::test]
async fn a_payment_settles_even_if_the_customer_disconnects_mid_charge() {
    let (srv, processor) = TestServer::start_slow(Duration::from_millis(300)).await;
    let id = srv.create_session("onboarding").await;
    let url = srv.url(&format!("/api/checkout-sessions/{id}/confirm"));
    let gave_up = srv
        .client
        .post(&url)
        .json(&confirm_body("4242424242424242"))
        .timeout(Duration::from_millis(50))
        .send()
        .await;
    assert!(
        gave_up.is_err(),
        "the client times out before the charge ends"
    );
    let mut status = Value::Null;
    for _ in 0..50 {
        status = srv.hosted(&id).await.data()["status"].clone();
        if status != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, "succeeded", "not left pending");
    assert_eq!(processor.charges(), 1);
}

#[tokio::test]
async fn a_paid_session_names_what_it_recorded_for_the_embed() {
    let srv = TestServer::start().await;
    // A subscription needs a customer: Bob, who has none yet.
    for (slug, auth, field, prefix, other) in [
        (
            "onboarding",
            Auth::None,
            "purchaseId",
            "pur_",
            "subscriptionId",
        ),
        (
            "pro-yearly",
            Auth::Bearer("demo-bob"),
            "subscriptionId",
            "sub_",
            "purchaseId",
        ),
    ] {
        let id = srv.create_session_as(slug, auth).await;
        // Open: nothing recorded yet, so neither id is there.
        let open = srv.hosted(&id).await;
        assert_eq!(open.data()["purchaseId"], Value::Null, "{slug}");
        assert_eq!(open.data()["subscriptionId"], Value::Null, "{slug}");

        let paid = srv.confirm(&id, "4242 4242 4242 4242").await;
        let page = &paid.data()["checkoutSession"];
        let recorded = page[field].as_str().unwrap_or_default().to_owned();
        assert!(recorded.starts_with(prefix), "{slug}: {page}");
        // The same ids the merchant reads with its secret key.
        let merchant = srv
            .platform_get(&id, Some(crate::support::SECRET_KEY))
            .await;
        let merchant = &merchant.body["checkoutSession"];
        assert_eq!(merchant[field], recorded.as_str(), "{slug}");
        if merchant[other].is_string() {
            assert_eq!(page[other], merchant[other], "{slug}");
        } else {
            assert_eq!(page[other], Value::Null, "{slug}");
        }
        // The paid page reads them afterwards too.
        assert_eq!(srv.hosted(&id).await.data()[field], recorded.as_str());
    }
}
