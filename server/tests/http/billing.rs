//! `customers/billing` and the billing-panel lists: who may read them, the
//! seeded demo data, and what a signed-in purchase adds.

use crate::support::{Auth, TestServer};
use serde_json::{json, Value};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

const CUSTOMER_ACTIONS: [&str; 8] = [
    "customers/billing",
    "checkout-sessions/create-add-payment-method",
    "checkout-sessions/create-activate-subscription",
    "subscriptions/cancel",
    "subscriptions/uncancel",
    "payment-methods/list",
    "invoices/list",
    "purchases/list",
];

#[tokio::test]
async fn every_customer_action_needs_a_signed_in_customer() {
    let srv = TestServer::start().await;
    for action in CUSTOMER_ACTIONS {
        let body = json!({"id": "sub_alice_pro", "cancellation": {"timing": "immediately"}, "customerId": "cus_alice"});
        let m = srv
            .route(action, body.clone(), Auth::None)
            .await
            .assert_error(401, "customer_required");
        assert!(m.contains("signed-in customer"), "{action}: {m}");
        srv.route(action, body.clone(), Auth::Bearer("bogus-token"))
            .await
            .assert_error(401, "unauthorized");
        srv.route(action, body, Auth::Cookie("bogus-token"))
            .await
            .assert_error(401, "unauthorized");
    }
    // Nothing was changed by the refused calls.
    let alice = srv.billing("demo-alice").await;
    assert_eq!(alice["subscriptions"][0]["status"], "active");
}

#[tokio::test]
async fn alice_sees_her_seeded_subscription_card_purchase_and_invoice() {
    let before = now_ms();
    let srv = TestServer::start().await;
    let after = now_ms();
    let b = srv.billing("demo-alice").await;

    assert_eq!(b["customer"]["id"], "cus_alice");
    assert_eq!(b["customer"]["externalId"], "alice");
    assert_eq!(b["customer"]["email"], "alice@example.com");
    assert_eq!(b["customer"]["name"], "Alice Martin");
    assert_eq!(b["customer"]["organizationId"], "org_demo");
    assert_eq!(b["pricingModel"]["id"], "pm_demo");
    assert_eq!(
        b["catalog"], b["pricingModel"],
        "the legacy name carries the same model"
    );
    assert_eq!(b["billingPortalUrl"], Value::Null);

    let subs = b["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 1);
    let sub = &subs[0];
    assert_eq!(sub["id"], "sub_alice_pro");
    assert_eq!(sub["priceId"], "price_pro_monthly");
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["current"], true);
    assert_eq!(sub["interval"], "month");
    assert_eq!(sub["intervalCount"], 1);
    assert_eq!(sub["name"], "Pro");
    assert_eq!(sub["defaultPaymentMethodId"], "pm_alice_visa");
    let start = sub["startDate"].as_i64().unwrap();
    assert!(
        start >= before - 10 * DAY_MS && start <= after - 10 * DAY_MS,
        "started 10 days before the start"
    );
    assert_eq!(sub["currentBillingPeriodStart"], start);
    let end = sub["currentBillingPeriodEnd"].as_i64().unwrap();
    assert!(
        (28 * DAY_MS..=31 * DAY_MS).contains(&(end - start)),
        "a monthly period"
    );
    assert_eq!(sub["cancelScheduledAt"], Value::Null);
    assert_eq!(sub["canceledAt"], Value::Null);
    assert_eq!(b["currentSubscription"]["id"], "sub_alice_pro");
    assert_eq!(b["currentSubscriptions"].as_array().unwrap().len(), 1);

    let purchases = b["purchases"].as_array().unwrap();
    assert_eq!(purchases.len(), 1);
    assert_eq!(purchases[0]["priceType"], "subscription");
    assert_eq!(purchases[0]["priceId"], "price_pro_monthly");
    assert_eq!(purchases[0]["pricePerBillingCycle"], 1200);
    assert_eq!(purchases[0]["customerId"], "cus_alice");

    let invoices = b["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 1);
    let invoice = &invoices[0]["invoice"];
    assert_eq!(invoice["invoiceNumber"], "ALICE-0001");
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["type"], "subscription");
    assert_eq!(invoice["currency"], "USD");
    assert_eq!(invoice["subtotal"], 1200);
    assert_eq!(invoice["subscriptionId"], "sub_alice_pro");
    assert_eq!(invoice["invoiceDate"], start);
    let lines = invoices[0]["invoiceLineItems"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["type"], "static");
    assert_eq!(lines[0]["price"], 1200);
    assert_eq!(lines[0]["quantity"], 1);
    assert_eq!(lines[0]["invoiceId"], invoice["id"]);

    let methods = b["paymentMethods"].as_array().unwrap();
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0]["id"], "pm_alice_visa");
    assert_eq!(methods[0]["type"], "card");
    assert_eq!(methods[0]["default"], true);
    assert_eq!(
        methods[0]["paymentMethodData"],
        json!({"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2030})
    );
}

#[tokio::test]
async fn bob_has_only_an_open_invoice_and_the_body_never_picks_the_customer() {
    let srv = TestServer::start().await;
    for auth in [Auth::Bearer("demo-bob"), Auth::Cookie("demo-bob")] {
        let reply = srv
            .route(
                "customers/billing",
                json!({"customerId": "cus_alice", "externalId": "alice"}),
                auth,
            )
            .await;
        let b = reply.data();
        assert_eq!(b["customer"]["id"], "cus_bob");
        for list in [
            "subscriptions",
            "purchases",
            "paymentMethods",
            "currentSubscriptions",
        ] {
            assert_eq!(b[list], json!([]), "{list}");
        }
        let invoices = b["invoices"].as_array().unwrap();
        assert_eq!(invoices.len(), 1, "the invoice raised by hand");
        assert_eq!(invoices[0]["invoice"]["invoiceNumber"], "BOB-0001");
        assert_eq!(invoices[0]["invoice"]["status"], "open");
        assert_eq!(invoices[0]["invoice"]["type"], "standalone");
        assert_eq!(invoices[0]["invoice"]["subtotal"], 33000);
        assert_eq!(b["currentSubscription"], Value::Null);
        assert_eq!(b["pricingModel"]["id"], "pm_demo");
    }
}

#[tokio::test]
async fn a_signed_in_purchase_adds_a_card_an_invoice_and_a_purchase() {
    let srv = TestServer::start().await;
    let bob = Auth::Bearer("demo-bob");
    let paid = srv
        .buy(
            json!({"priceSlug": "onboarding", "outputName": "Team onboarding", "outputMetadata": {"team": "t_7", "seats": 3}}),
            bob,
        )
        .await;
    // Anonymous buyers add nothing to anyone's billing.
    srv.buy(json!({"priceSlug": "lifetime"}), Auth::None).await;

    let b = srv.billing("demo-bob").await;
    let purchases = b["purchases"].as_array().unwrap();
    assert_eq!(purchases.len(), 1);
    let p = &purchases[0];
    assert_eq!(p["name"], "Team onboarding");
    assert_eq!(p["metadata"], json!({"team": "t_7", "seats": 3}));
    assert_eq!(p["priceType"], "single_payment");
    assert_eq!(p["priceId"], "price_onboarding");
    assert_eq!(p["status"], "paid");
    assert_eq!(p["firstInvoiceValue"], 4900);
    assert_eq!(p["totalPurchaseValue"], 4900);
    let session = srv
        .platform_get(&paid, Some(crate::support::SECRET_KEY))
        .await;
    assert_eq!(session.body["checkoutSession"]["purchaseId"], p["id"]);

    let invoices = b["invoices"].as_array().unwrap();
    assert_eq!(
        invoices.len(),
        2,
        "the new one and the open one raised by hand"
    );
    assert_eq!(invoices[0]["invoice"]["invoiceNumber"], "BOB-0002");
    assert_eq!(invoices[0]["invoice"]["status"], "paid");
    assert_eq!(invoices[0]["invoice"]["type"], "purchase");
    assert_eq!(invoices[0]["invoice"]["purchaseId"], p["id"]);
    assert_eq!(invoices[0]["invoice"]["subtotal"], 4900);
    let lines = invoices[0]["invoiceLineItems"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0]["description"].as_str(), lines[0]["price"].as_i64()),
        (Some("Onboarding"), Some(4900))
    );

    let methods = b["paymentMethods"].as_array().unwrap();
    assert_eq!(methods.len(), 1);
    assert_eq!(
        methods[0]["default"], true,
        "the first card becomes the default"
    );
    assert_eq!(
        methods[0]["paymentMethodData"],
        json!({"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2040})
    );
    assert_eq!(b["subscriptions"], json!([]));
    // Alice's billing is untouched by Bob's and the anonymous purchase.
    let alice = srv.billing("demo-alice").await;
    assert_eq!(alice["purchases"].as_array().unwrap().len(), 1);
    assert_eq!(alice["invoices"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_subscription_checkout_starts_a_subscription_on_the_paying_card() {
    let srv = TestServer::start().await;
    let bob = Auth::Cookie("demo-bob");
    srv.buy(json!({"priceSlug": "onboarding"}), bob).await;
    let before = now_ms();
    let id = srv.create_session_as("pro-monthly", bob).await;
    srv.confirm(&id, "5555 5555 5555 4444").await.data();
    let after = now_ms();

    let b = srv.billing("demo-bob").await;
    let sub = &b["subscriptions"][0];
    assert_eq!(b["subscriptions"].as_array().unwrap().len(), 1);
    assert_eq!(sub["status"], "trialing");
    assert_eq!(sub["current"], true);
    assert_eq!(sub["priceId"], "price_pro_monthly");
    let start = sub["startDate"].as_i64().unwrap();
    assert!((before..=after).contains(&start));
    assert_eq!(sub["trialEnd"], start + 14 * DAY_MS);
    assert_eq!(sub["currentBillingPeriodStart"], start);
    let end = sub["currentBillingPeriodEnd"].as_i64().unwrap();
    assert!((28 * DAY_MS..=31 * DAY_MS).contains(&(end - start)));
    assert_eq!(b["currentSubscription"]["id"], sub["id"]);

    let methods = b["paymentMethods"].as_array().unwrap();
    assert_eq!(methods.len(), 2);
    let master = methods
        .iter()
        .find(|m| m["paymentMethodData"]["brand"] == "mastercard")
        .unwrap();
    assert_eq!(
        master["default"], false,
        "a second card does not take over the default"
    );
    assert_eq!(
        sub["defaultPaymentMethodId"], master["id"],
        "the subscription renews on the card that paid"
    );

    let newest = &b["purchases"][0];
    assert_eq!(newest["priceType"], "subscription");
    assert_eq!(
        newest["firstInvoiceValue"], 0,
        "nothing is charged during the trial"
    );
    assert_eq!(newest["pricePerBillingCycle"], 1200);
    assert_eq!(newest["intervalUnit"], "month");
    assert_eq!(newest["trialPeriodDays"], 14);
    let invoice = &b["invoices"][0];
    assert_eq!(invoice["invoice"]["invoiceNumber"], "BOB-0003");
    assert_eq!(invoice["invoice"]["type"], "subscription");
    assert_eq!(invoice["invoice"]["subscriptionId"], sub["id"]);
    assert_eq!(
        invoice["invoiceLineItems"][0]["description"],
        "Pro (14-day free trial)"
    );
    assert_eq!(invoice["invoiceLineItems"][0]["price"], 0);

    // Paying again with the same card does not save it twice.
    srv.buy(json!({"priceSlug": "credits-jpy", "quantity": 2}), bob)
        .await;
    let b = srv.billing("demo-bob").await;
    assert_eq!(b["paymentMethods"].as_array().unwrap().len(), 2);
    assert_eq!(b["invoices"].as_array().unwrap().len(), 4);
    assert_eq!(b["invoices"][0]["invoice"]["currency"], "JPY");
    assert_eq!(b["invoices"][0]["invoiceLineItems"][0]["quantity"], 2);
}

#[tokio::test]
async fn a_multi_line_purchase_bills_one_line_per_price() {
    let srv = TestServer::start().await;
    let alice = Auth::Bearer("demo-alice");
    srv.buy(
        json!({"lineItems": [{"priceSlug": "onboarding", "quantity": 2}, {"priceId": "price_lifetime"}], "discountCode": "WELCOME10"}),
        alice,
    )
    .await;
    let b = srv.billing("demo-alice").await;
    let invoice = &b["invoices"][0];
    assert_eq!(invoice["invoice"]["invoiceNumber"], "ALICE-0002");
    let lines = invoice["invoiceLineItems"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["priceId"].as_str(), lines[0]["quantity"].as_i64()),
        (Some("price_onboarding"), Some(2))
    );
    assert_eq!(
        (lines[1]["priceId"].as_str(), lines[1]["price"].as_i64()),
        (Some("price_lifetime"), Some(19900))
    );
    assert_eq!(invoice["invoice"]["subtotal"], 9800 + 19900);
    assert_eq!(
        invoice["invoice"]["memo"],
        "Discount WELCOME10 (10% off) applied."
    );
    let p = &b["purchases"][0];
    assert_eq!(
        p["firstInvoiceValue"],
        29700 - 2970,
        "the discount comes off what is charged"
    );
    assert_eq!(p["priceId"], "price_onboarding");
    assert_eq!(p["quantity"], 2);
    // The visa she already has is not saved again.
    assert_eq!(
        b["paymentMethods"].as_array().unwrap().len(),
        2,
        "4242 exp 12/2040 differs from 12/2030"
    );
    srv.buy(json!({"priceSlug": "lifetime"}), alice).await;
    assert_eq!(
        srv.billing("demo-alice").await["paymentMethods"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn lists_answer_in_the_node_list_shape() {
    let srv = TestServer::start().await;
    let alice = Auth::Bearer("demo-alice");
    let methods = srv.route("payment-methods/list", json!({}), alice).await;
    let data = methods.data();
    assert_eq!(data["hasMore"], false);
    assert_eq!(data["total"], 1);
    assert_eq!(data["data"][0]["id"], "pm_alice_visa");
    assert_eq!(data["data"][0]["paymentMethodData"]["last4"], "4242");

    let invoices = srv.route("invoices/list", json!({}), alice).await;
    let data = invoices.data();
    assert_eq!(
        (data["total"].as_i64(), data["hasMore"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(data["data"][0]["invoiceNumber"], "ALICE-0001");
    assert!(
        data["data"][0].get("invoiceLineItems").is_none(),
        "invoices are listed without lines"
    );

    let purchases = srv.route("purchases/list", json!({}), alice).await;
    assert_eq!(purchases.data()["data"][0]["priceType"], "subscription");
    assert_eq!(purchases.data()["total"], 1);

    // Newest first, and only the caller's.
    srv.buy(json!({"priceSlug": "support-kwd"}), alice).await;
    let purchases = srv.route("purchases/list", json!({}), alice).await;
    assert_eq!(purchases.data()["total"], 2);
    assert_eq!(purchases.data()["data"][0]["priceId"], "price_support_kwd");
    for action in ["payment-methods/list", "invoices/list", "purchases/list"] {
        // An empty body without a content type is fine: the body is ignored.
        let reply = srv
            .send(
                srv.client
                    .post(srv.url(&format!("/api/billing/{action}")))
                    .bearer_auth("demo-bob"),
            )
            .await;
        if action == "invoices/list" {
            assert_eq!(reply.data()["total"], 1, "Bob's open invoice");
            assert_eq!(reply.data()["data"][0]["invoiceNumber"], "BOB-0001");
            continue;
        }
        assert_eq!(
            reply.data(),
            &json!({"data": [], "hasMore": false, "total": 0}),
            "{action}"
        );
    }
}
