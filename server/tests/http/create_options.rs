//! The superset create params (line items, request id, customer email,
//! discount code, page options, trial days, expiry) and the card-saving and
//! activation creates, with what the hosted page shows for each.

use crate::support::{config_in, create_body, Auth, TestServer, SECRET_KEY};
use checkout_server::spawn;
use serde_json::{json, Value};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const ALICE: Auth<'static> = Auth::Bearer("demo-alice");

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A product checkout with merchant-only options, made through the platform
/// API as the merchant's server would (the route refuses them from a browser).
async fn merchant(srv: &TestServer, extra: Value, auth: Auth<'_>) -> crate::support::Reply {
    srv.merchant_create(extra, crate::support::customer_of(auth))
        .await
}

async fn create(srv: &TestServer, extra: Value, auth: Auth<'_>) -> crate::support::Reply {
    srv.route("checkout-sessions/create", create_body(extra), auth)
        .await
}

#[tokio::test]
async fn line_items_show_one_line_per_price() {
    let srv = TestServer::start().await;
    let reply = create(
        &srv,
        json!({"lineItems": [
            {"priceSlug": "onboarding", "quantity": 2},
            {"priceId": "price_lifetime"},
            {"priceSlug": "pro-monthly"},
            {"priceSlug": "onboarding"}
        ]}),
        Auth::None,
    )
    .await;
    let session = &reply.data()["checkoutSession"];
    assert_eq!(session["priceId"], "price_onboarding");
    assert_eq!(session["quantity"], 3);
    let page = srv.hosted(session["id"].as_str().unwrap()).await;
    let page = page.data();
    let lines = page["lineItems"].as_array().unwrap();
    let shown: Vec<(&str, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["quantity"].as_i64().unwrap(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Onboarding", 3, 14700),
            ("Lifetime", 1, 19900),
            ("Pro", 1, 1200)
        ]
    );
    assert_eq!(page["subtotal"], 14700 + 19900 + 1200);
    assert_eq!(
        page["totalDueToday"],
        14700 + 19900,
        "the subscription starts with its trial"
    );
    assert_eq!(page["recurring"]["amount"], 1200);
    assert_eq!(page["trialDays"], 14);
}

#[tokio::test]
async fn line_item_errors() {
    let srv = TestServer::start().await;
    let m = create(
        &srv,
        json!({"lineItems": [{"priceSlug": "onboarding"}, {"priceSlug": "credits-jpy"}]}),
        Auth::None,
    )
    .await
    .assert_error(400, "currency_mismatch");
    assert!(m.contains("USD") && m.contains("JPY"), "{m}");
    create(
        &srv,
        json!({"lineItems": [{"priceSlug": "pro-monthly"}, {"priceSlug": "pro-yearly"}]}),
        Auth::None,
    )
    .await
    .assert_error(400, "multiple_subscription_prices");
    let many: Vec<Value> = (0..251)
        .map(|_| json!({"priceSlug": "onboarding"}))
        .collect();
    create(&srv, json!({"lineItems": many}), Auth::None)
        .await
        .assert_error(400, "too_many_line_items");
    create(
        &srv,
        json!({"priceSlug": "onboarding", "lineItems": [{"priceSlug": "lifetime"}]}),
        Auth::None,
    )
    .await
    .assert_error(400, "price_ambiguous");
    create(
        &srv,
        json!({"lineItems": [{"priceSlug": "lifetime", "priceId": "price_lifetime"}]}),
        Auth::None,
    )
    .await
    .assert_error(400, "price_ambiguous");
    create(&srv, json!({"lineItems": []}), Auth::None)
        .await
        .assert_error(400, "price_missing");
    let m = create(
        &srv,
        json!({"lineItems": [{"priceSlug": "lifetime"}, {"priceSlug": "gone"}]}),
        Auth::None,
    )
    .await
    .assert_error(404, "price_not_found");
    assert!(m.starts_with("lineItems[1]: ") && m.contains("gone"), "{m}");
    create(
        &srv,
        json!({"lineItems": [{"priceSlug": "lifetime", "quantity": 0}]}),
        Auth::None,
    )
    .await
    .assert_error(400, "invalid_quantity");
    create(
        &srv,
        json!({"lineItems": [{"priceSlug": "lifetime", "quantity": 1.5}]}),
        Auth::None,
    )
    .await
    .assert_error(400, "invalid_quantity");
    create(
        &srv,
        json!({"lineItems": [{"priceSlug": "lifetime"}], "quantity": 2}),
        Auth::None,
    )
    .await
    .assert_error(400, "invalid_request");
    assert_eq!(
        srv.count_rows("checkout_sessions"),
        0,
        "no failed create stored anything"
    );
}

#[tokio::test]
async fn a_discount_code_comes_off_the_total_and_is_charged_so() {
    let srv = TestServer::start().await;
    let reply = merchant(
        &srv,
        json!({"priceSlug": "onboarding", "discountCode": "welcome10"}),
        Auth::None,
    )
    .await;
    let session = &reply.data()["checkoutSession"];
    assert_eq!(session["discountId"], "disc_welcome10");
    let id = session["id"].as_str().unwrap().to_owned();
    let page = srv.hosted(&id).await;
    let page = page.data();
    assert_eq!(page["discountCode"], "WELCOME10");
    assert_eq!(
        (page["subtotal"].as_i64(), page["discount"].as_i64()),
        (Some(4900), Some(490))
    );
    assert_eq!(page["totalDueToday"], 4410);
    srv.confirm(&id, "4242424242424242").await.data();
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let amount: i64 = conn
        .query_row(
            "SELECT amount FROM purchases WHERE checkout_session_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(amount, 4410);

    let m = merchant(
        &srv,
        json!({"priceSlug": "onboarding", "discountCode": "SUMMER99"}),
        Auth::None,
    )
    .await
    .assert_error(400, "discount_code_invalid");
    assert!(m.contains("SUMMER99"), "{m}");
    // A blank code is no code.
    let reply = merchant(
        &srv,
        json!({"priceSlug": "onboarding", "discountCode": "  "}),
        Auth::None,
    )
    .await;
    assert_eq!(reply.data()["checkoutSession"]["discountId"], Value::Null);
}

#[tokio::test]
async fn request_id_email_and_page_options() {
    let srv = TestServer::start().await;
    let reply = merchant(
        &srv,
        json!({"priceSlug": "lifetime", "requestId": "order-77", "customerEmail": " ann@example.com ",
               "allowPromotionCodes": true, "billingAddressCollection": "required"}),
        Auth::None,
    )
    .await;
    let session = &reply.data()["checkoutSession"];
    assert_eq!(session["requestId"], "order-77");
    assert_eq!(session["customerEmail"], "ann@example.com");
    let id = session["id"].as_str().unwrap();
    let page = srv.hosted(id).await;
    let page = page.data();
    assert_eq!(page["customerEmail"], "ann@example.com");
    assert_eq!(page["allowPromotionCodes"], true);
    assert_eq!(page["billingAddressCollection"], "required");
    assert!(
        page.get("requestId").is_none(),
        "the hosted page does not carry the merchant's reference"
    );
    let platform = srv.platform_get(id, Some(SECRET_KEY)).await;
    assert_eq!(platform.body["checkoutSession"]["requestId"], "order-77");

    // The signed-in customer's own email wins.
    let reply = merchant(
        &srv,
        json!({"priceSlug": "lifetime", "customerEmail": "other@example.com"}),
        ALICE,
    )
    .await;
    assert_eq!(
        reply.data()["checkoutSession"]["customerEmail"],
        "alice@example.com"
    );

    merchant(
        &srv,
        json!({"priceSlug": "lifetime", "requestId": "r".repeat(201)}),
        Auth::None,
    )
    .await
    .assert_error(400, "field_too_long");
    merchant(
        &srv,
        json!({"priceSlug": "lifetime", "customerEmail": "ann@example"}),
        Auth::None,
    )
    .await
    .assert_error(400, "invalid_email");
    merchant(
        &srv,
        json!({"priceSlug": "lifetime", "billingAddressCollection": "sometimes"}),
        Auth::None,
    )
    .await
    .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn trial_days_override_the_price() {
    let srv = TestServer::start().await;
    let reply = merchant(
        &srv,
        json!({"priceSlug": "pro-yearly", "trialDays": 7}),
        Auth::None,
    )
    .await;
    let page = srv
        .hosted(reply.data()["checkoutSession"]["id"].as_str().unwrap())
        .await;
    assert_eq!(
        (
            page.data()["trialDays"].as_i64(),
            page.data()["totalDueToday"].as_i64()
        ),
        (Some(7), Some(0))
    );
    let reply = merchant(
        &srv,
        json!({"priceSlug": "pro-monthly", "trialDays": 0}),
        Auth::None,
    )
    .await;
    let page = srv
        .hosted(reply.data()["checkoutSession"]["id"].as_str().unwrap())
        .await;
    assert_eq!(
        (
            page.data()["trialDays"].clone(),
            page.data()["totalDueToday"].as_i64()
        ),
        (Value::Null, Some(1200))
    );

    // Paid by a customer, the trial the merchant chose is the subscription's.
    let id = srv
        .buy(
            json!({"priceSlug": "pro-yearly", "trialDays": 30}),
            Auth::Bearer("demo-bob"),
        )
        .await;
    let sub = srv.billing("demo-bob").await["subscriptions"][0].clone();
    assert_eq!(sub["status"], "trialing");
    assert_eq!(
        sub["trialEnd"].as_i64().unwrap() - sub["startDate"].as_i64().unwrap(),
        30 * DAY_MS
    );
    assert_eq!(srv.hosted(&id).await.data()["trialDays"], 30);

    for bad in [json!(731), json!(-1), json!(1.5), json!("7")] {
        merchant(
            &srv,
            json!({"priceSlug": "pro-monthly", "trialDays": bad}),
            Auth::None,
        )
        .await
        .assert_error(400, "invalid_request");
    }
    let m = merchant(
        &srv,
        json!({"priceSlug": "lifetime", "trialDays": 3}),
        Auth::None,
    )
    .await
    .assert_error(400, "invalid_request");
    assert!(m.contains("subscription"), "{m}");
}

#[tokio::test]
async fn expires_at_sets_the_expiry_within_limits() {
    let srv = TestServer::start().await;
    let at = now_ms() + 2 * 60 * 60 * 1000;
    let reply = merchant(
        &srv,
        json!({"priceSlug": "lifetime", "expiresAt": at}),
        Auth::None,
    )
    .await;
    assert_eq!(reply.data()["checkoutSession"]["expires"], at);
    assert_eq!(
        srv.hosted(reply.data()["checkoutSession"]["id"].as_str().unwrap())
            .await
            .data()["expires"],
        at
    );
    for bad in [now_ms() + 30_000, now_ms() + 31 * DAY_MS, now_ms() - DAY_MS] {
        let m = merchant(
            &srv,
            json!({"priceSlug": "lifetime", "expiresAt": bad}),
            Auth::None,
        )
        .await
        .assert_error(400, "invalid_request");
        assert!(m.contains("expiresAt"), "{m}");
    }
}

#[tokio::test]
async fn every_option_survives_a_restart() {
    let srv = TestServer::start().await;
    let at = now_ms() + 3 * DAY_MS;
    let reply = merchant(
        &srv,
        json!({"lineItems": [{"priceSlug": "pro-yearly"}, {"priceSlug": "onboarding", "quantity": 2}],
               "requestId": "req-9", "customerEmail": "ann@example.com", "discountCode": "WELCOME10",
               "allowPromotionCodes": false, "billingAddressCollection": "auto", "trialDays": 5, "expiresAt": at}),
        Auth::None,
    )
    .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page_before = srv.hosted(&id).await.data().clone();
    let session_before =
        srv.platform_get(&id, Some(SECRET_KEY)).await.body["checkoutSession"].clone();
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
    assert_eq!(srv.hosted(&id).await.data(), &page_before);
    assert_eq!(
        srv.platform_get(&id, Some(SECRET_KEY)).await.body["checkoutSession"],
        session_before
    );
    assert_eq!(page_before["billingAddressCollection"], "auto");
    assert_eq!(page_before["allowPromotionCodes"], false);
    assert_eq!(page_before["trialDays"], 5);
    assert_eq!(
        page_before["discount"], 980,
        "10 % of the 9800 charged today"
    );
    assert_eq!(session_before["expires"], at);
    assert_eq!(session_before["requestId"], "req-9");
    assert_eq!(session_before["discountId"], "disc_welcome10");
}

#[tokio::test]
async fn saving_a_card_for_a_subscription() {
    let srv = TestServer::start().await;
    let body = json!({"successUrl": "https://shop.test/card-saved", "cancelUrl": "https://shop.test/billing",
                      "targetSubscriptionId": "sub_alice_pro"});
    let reply = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            body.clone(),
            ALICE,
        )
        .await;
    let data = reply.data();
    let session = &data["checkoutSession"];
    let id = session["id"].as_str().unwrap().to_owned();
    assert_eq!(session["type"], "add_payment_method");
    assert_eq!(session["status"], "open");
    assert_eq!(session["customerId"], "cus_alice");
    assert_eq!(session["priceId"], Value::Null);
    assert_eq!(session["targetSubscriptionId"], "sub_alice_pro");
    assert_eq!(
        data["url"],
        format!("{}/add-payment-method/{id}", srv.server.base_url)
    );

    let page = srv.hosted(&id).await;
    let page = page.data();
    assert_eq!(page["type"], "add_payment_method");
    assert_eq!(page["lineItems"], json!([]));
    assert_eq!(
        (page["totalDueToday"].as_i64(), page["currency"].as_str()),
        (Some(0), Some("USD"))
    );
    assert_eq!(page["customerEmail"], "alice@example.com");

    let paid = srv.confirm(&id, "5555555555554444").await;
    // Saving a card makes no purchase or subscription: the redirect names
    // the checkout and the customer only.
    let redirect = paid.data()["redirectUrl"].as_str().unwrap();
    assert!(
        redirect.starts_with(&format!(
            "https://shop.test/card-saved?checkout_id={id}&customer_id=cus_alice&signature="
        )),
        "{redirect}"
    );
    assert!(crate::signed_redirects::verifies(
        redirect,
        crate::support::SECRET_KEY
    ));
    let b = srv.billing("demo-alice").await;
    let methods = b["paymentMethods"].as_array().unwrap();
    assert_eq!(methods.len(), 2);
    let master = methods
        .iter()
        .find(|m| m["paymentMethodData"]["brand"] == "mastercard")
        .unwrap();
    assert_eq!(
        master["default"], true,
        "a card saved on purpose becomes the default"
    );
    assert_eq!(methods.iter().filter(|m| m["default"] == true).count(), 1);
    assert_eq!(
        b["subscriptions"][0]["defaultPaymentMethodId"],
        master["id"]
    );
    assert_eq!(
        b["invoices"].as_array().unwrap().len(),
        1,
        "nothing was billed"
    );
    assert_eq!(b["purchases"].as_array().unwrap().len(), 1);

    // Someone else's subscription, or none at all.
    let m = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            body,
            Auth::Bearer("demo-bob"),
        )
        .await
        .assert_error(404, "subscription_not_found");
    assert!(m.contains("sub_alice_pro"), "{m}");
    let plain = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            json!({"successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"}),
            Auth::Cookie("demo-bob"),
        )
        .await;
    assert_eq!(
        plain.data()["checkoutSession"]["targetSubscriptionId"],
        Value::Null
    );
    // Without a success URL the hosted page is where it ends (issue 16, item 3);
    // the cancel URL is still required.
    let no_success = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            json!({"cancelUrl": "https://shop.test/no"}),
            ALICE,
        )
        .await;
    assert_eq!(
        no_success.data()["checkoutSession"]["successUrl"],
        Value::Null
    );
    srv.route(
        "checkout-sessions/create-add-payment-method",
        json!({"successUrl": "https://shop.test/ok"}),
        ALICE,
    )
    .await
    .assert_error(400, "invalid_url");
}

#[tokio::test]
async fn activating_a_subscription_bills_it_from_now() {
    let srv = TestServer::start().await;
    let urls =
        json!({"successUrl": "https://shop.test/active", "cancelUrl": "https://shop.test/billing"});
    let with = |extra: Value| {
        let mut b = urls.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let action = "checkout-sessions/create-activate-subscription";
    srv.route(action, urls.clone(), ALICE)
        .await
        .assert_error(400, "invalid_request");
    srv.route(
        action,
        with(json!({"targetSubscriptionId": "sub_alice_pro"})),
        Auth::Bearer("demo-bob"),
    )
    .await
    .assert_error(404, "subscription_not_found");
    srv.route(
        action,
        with(json!({"targetSubscriptionId": "sub_alice_pro", "priceId": "price_lifetime"})),
        ALICE,
    )
    .await
    .assert_error(400, "invalid_request");
    srv.route(
        action,
        with(json!({"targetSubscriptionId": "sub_alice_pro", "priceId": "price_gone"})),
        ALICE,
    )
    .await
    .assert_error(404, "price_not_found");

    let monthly = srv
        .route(
            action,
            with(json!({"targetSubscriptionId": "sub_alice_pro"})),
            ALICE,
        )
        .await;
    let session = &monthly.data()["checkoutSession"];
    assert_eq!(session["type"], "activate_subscription");
    assert_eq!(session["priceId"], "price_pro_monthly");
    assert_eq!(session["targetSubscriptionId"], "sub_alice_pro");
    let id = session["id"].as_str().unwrap();
    assert_eq!(
        monthly.data()["url"],
        format!("{}/checkout/{id}", srv.server.base_url)
    );
    let page = srv.hosted(id).await;
    assert_eq!(
        page.data()["totalDueToday"],
        1200,
        "no trial when activating"
    );

    let yearly = srv
        .route(
            action,
            with(json!({"targetSubscriptionId": "sub_alice_pro", "priceId": "price_pro_yearly"})),
            ALICE,
        )
        .await;
    let id = yearly.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(srv.hosted(&id).await.data()["totalDueToday"], 12000);
    let before = now_ms();
    srv.confirm(&id, "4242424242424242").await.data();
    let b = srv.billing("demo-alice").await;
    let sub = &b["subscriptions"][0];
    assert_eq!(
        b["subscriptions"].as_array().unwrap().len(),
        1,
        "the same subscription, not a new one"
    );
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["priceId"], "price_pro_yearly");
    assert_eq!(sub["interval"], "year");
    let start = sub["currentBillingPeriodStart"].as_i64().unwrap();
    assert!(start >= before);
    assert!(sub["currentBillingPeriodEnd"].as_i64().unwrap() - start >= 365 * DAY_MS);
    let invoice = &b["invoices"][0];
    assert_eq!(invoice["invoice"]["subscriptionId"], "sub_alice_pro");
    assert_eq!(invoice["invoiceLineItems"][0]["price"], 12000);
    assert_eq!(
        b["purchases"].as_array().unwrap().len(),
        1,
        "activation makes no new purchase"
    );
}
