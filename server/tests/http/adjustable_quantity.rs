//! Adjustable quantity: the merchant lets the customer change the quantity
//! on the hosted page within bounds; the browser cannot turn it on, the
//! bounds hold on create and on every change, and a payment charges the
//! quantity it claimed the session with.

use crate::support::{create_body, now_ms, Auth, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

const ADJUSTABLE: fn(u32, u32) -> Value =
    |min, max| json!({"enabled": true, "minimum": min, "maximum": max});

async fn adjustable(srv: &TestServer, extra: Value) -> String {
    let reply = srv.merchant_create(extra, None).await;
    reply.data()["checkoutSession"]["id"]
        .as_str()
        .expect("session id")
        .to_owned()
}

#[tokio::test]
async fn the_browser_cannot_enable_it() {
    let srv = TestServer::start().await;
    let body =
        create_body(json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": true}}));
    let message = srv
        .route("checkout-sessions/create", body, Auth::None)
        .await
        .assert_error(400, "field_not_allowed");
    assert!(message.contains("`adjustableQuantity`"), "{message}");
    assert_eq!(srv.count_rows("checkout_sessions"), 0);
}

#[tokio::test]
async fn bounds_and_session_kinds_are_checked_on_create_and_nothing_is_stored() {
    let srv = TestServer::start().await;
    let product = |extra: Value| {
        let mut s =
            create_body(json!({"type": "product", "anonymous": true, "priceSlug": "onboarding"}));
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        json!({ "checkoutSession": s })
    };
    let cases = [
        (
            product(json!({"adjustableQuantity": ADJUSTABLE(5, 4)})),
            "invalid_quantity",
        ),
        (
            product(json!({"adjustableQuantity": ADJUSTABLE(0, 4)})),
            "invalid_quantity",
        ),
        (
            product(json!({"adjustableQuantity": {"enabled": true, "maximum": 1_000_001}})),
            "invalid_quantity",
        ),
        (
            product(json!({"adjustableQuantity": {"enabled": true, "maximum": 3}, "quantity": 4})),
            "quantity_out_of_range",
        ),
        (
            product(json!({"adjustableQuantity": ADJUSTABLE(2, 9)})),
            "quantity_out_of_range",
        ),
        (
            product(
                json!({"priceSlug": null, "lineItems": [{"priceSlug": "onboarding"}, {"priceSlug": "lifetime"}],
                "adjustableQuantity": {"enabled": true}}),
            ),
            "adjustable_quantity_not_allowed",
        ),
        (
            json!({"checkoutSession": create_body(json!({"type": "invoice", "customerExternalId": "bob",
                "invoiceId": "inv_bob_0001", "adjustableQuantity": {"enabled": true}}))}),
            "adjustable_quantity_not_allowed",
        ),
        (
            json!({"checkoutSession": create_body(json!({"type": "add_payment_method", "customerExternalId": "alice",
                "adjustableQuantity": {"enabled": true}}))}),
            "adjustable_quantity_not_allowed",
        ),
        (
            json!({"checkoutSession": create_body(json!({"type": "activate_subscription", "customerExternalId": "alice",
                "targetSubscriptionId": "sub_alice_pro", "adjustableQuantity": {"enabled": true}}))}),
            "adjustable_quantity_not_allowed",
        ),
    ];
    for (body, code) in cases {
        let message = srv
            .platform_create(body.clone())
            .await
            .assert_error(400, code);
        assert!(!message.is_empty(), "{body}");
    }
    let message = srv
        .platform_create(product(json!({"adjustableQuantity": ADJUSTABLE(2, 9)})))
        .await
        .assert_error(400, "quantity_out_of_range");
    assert!(message.contains("from 2 to 9"), "{message}");
    assert_eq!(srv.count_rows("checkout_sessions"), 0);

    // Disabled is the same as absent; enabled shows the bounds (defaults 1 and 99).
    let off = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": false}}),
    )
    .await;
    assert!(srv
        .hosted(&off)
        .await
        .data()
        .get("adjustableQuantity")
        .is_none());
    let on = srv
        .merchant_create(
            json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": true}}),
            None,
        )
        .await;
    assert_eq!(
        on.data()["checkoutSession"]["adjustableQuantity"],
        json!({"minimum": 1, "maximum": 99})
    );
    let id = on.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        srv.hosted(&id).await.data()["adjustableQuantity"],
        json!({"minimum": 1, "maximum": 99})
    );
}

#[tokio::test]
async fn a_change_within_bounds_recomputes_the_totals_with_the_discount_and_is_what_is_charged() {
    let srv = TestServer::start().await;
    let id = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "allowPromotionCodes": true, "adjustableQuantity": ADJUSTABLE(1, 10)}),
    )
    .await;
    srv.discount(&id, json!({"code": "WELCOME10"})).await.data();
    let reply = srv.quantity(&id, json!({"quantity": 3})).await;
    let page = reply.data();
    assert_eq!(page["lineItems"][0]["quantity"], 3);
    assert_eq!(page["lineItems"][0]["amount"], 14700);
    assert_eq!(
        (&page["subtotal"], &page["discount"], &page["totalDueToday"]),
        (&json!(14700), &json!(1470), &json!(13230))
    );
    assert_eq!(srv.hosted(&id).await.data()["totalDueToday"], 13230);
    let merchant = srv
        .platform_get(&id, Some(crate::support::SECRET_KEY))
        .await;
    assert_eq!(merchant.body["checkoutSession"]["quantity"], 3);

    // Outside the bounds, not whole, or not a number: refused, nothing changes.
    let m = srv
        .quantity(&id, json!({"quantity": 11}))
        .await
        .assert_error(400, "quantity_out_of_range");
    assert_eq!(m, "Quantity must be from 1 to 10 for this checkout.");
    for bad in [json!(0), json!(1.5), json!(-2), json!(1e300)] {
        srv.quantity(&id, json!({ "quantity": bad }))
            .await
            .assert_error(400, "invalid_quantity");
    }
    for bad in [json!({"quantity": "3"}), json!({}), json!([])] {
        srv.quantity(&id, bad)
            .await
            .assert_error(400, "invalid_request");
    }
    assert_eq!(srv.hosted(&id).await.data()["lineItems"][0]["quantity"], 3);

    srv.confirm(&id, "4242424242424242").await.data();
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let (quantity, amount): (i64, i64) = conn
        .query_row(
            "SELECT quantity, amount FROM purchases WHERE checkout_session_id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((quantity, amount), (3, 13230));
    srv.quantity(&id, json!({"quantity": 2}))
        .await
        .assert_error(409, "checkout_session_not_open");
}

#[tokio::test]
async fn a_subscription_quantity_changes_the_recurring_amount() {
    let srv = TestServer::start().await;
    let reply = srv
        .merchant_create(
            json!({"priceSlug": "pro-yearly", "adjustableQuantity": {"enabled": true, "maximum": 5}}),
            Some("bob"),
        )
        .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = srv.quantity(&id, json!({"quantity": 4})).await;
    let page = page.data();
    assert_eq!(page["recurring"]["amount"], 48000);
    assert_eq!(page["totalDueToday"], 48000);
    srv.confirm(&id, "4242424242424242").await.data();
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let quantity: i64 = conn
        .query_row(
            "SELECT quantity FROM subscriptions WHERE checkout_session_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(quantity, 4);
}

#[tokio::test]
async fn a_fixed_or_expired_session_refuses_changes() {
    let srv = TestServer::start().await;
    let fixed = srv.create_session("onboarding").await;
    let m = srv
        .quantity(&fixed, json!({"quantity": 2}))
        .await
        .assert_error(400, "adjustable_quantity_not_allowed");
    assert_eq!(m, "The quantity of this checkout cannot be changed.");
    srv.quantity("cs_nope", json!({"quantity": 2}))
        .await
        .assert_error(404, "checkout_session_not_found");

    let id = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": true}}),
    )
    .await;
    srv.set_expires_at(&id, now_ms() - 1);
    srv.quantity(&id, json!({"quantity": 2}))
        .await
        .assert_error(410, "checkout_session_expired");
}

#[tokio::test]
async fn a_change_during_the_payment_is_refused_and_the_claimed_quantity_is_charged() {
    let (srv, processor) = TestServer::start_slow(Duration::from_millis(600)).await;
    let id = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": true}}),
    )
    .await;
    srv.quantity(&id, json!({"quantity": 2})).await.data();
    let srv = std::sync::Arc::new(srv);
    let paying = {
        let (srv, id) = (srv.clone(), id.clone());
        tokio::spawn(async move { srv.confirm(&id, "4242424242424242").await })
    };
    // Wait until the payment has claimed the session.
    let mut claimed = false;
    for _ in 0..50 {
        if srv.hosted(&id).await.data()["status"] == "pending" {
            claimed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(claimed, "the payment never claimed the session");
    srv.quantity(&id, json!({"quantity": 5}))
        .await
        .assert_error(409, "checkout_session_not_open");
    let paid = paying.await.unwrap();
    let page = &paid.data()["checkoutSession"];
    assert_eq!(page["lineItems"][0]["quantity"], 2);
    assert_eq!(page["totalDueToday"], 9800);
    assert_eq!(processor.charges(), 1);
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let (quantity, amount): (i64, i64) = conn
        .query_row(
            "SELECT quantity, amount FROM purchases WHERE checkout_session_id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((quantity, amount), (2, 9800));
}

#[tokio::test]
async fn two_changes_at_once_leave_one_consistent_quantity() {
    let srv = TestServer::start().await;
    let id = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": true}}),
    )
    .await;
    let (a, b) = tokio::join!(
        srv.quantity(&id, json!({"quantity": 4})),
        srv.quantity(&id, json!({"quantity": 7}))
    );
    for (reply, q) in [(&a, 4), (&b, 7)] {
        let page = reply.data();
        assert_eq!(page["lineItems"][0]["quantity"], q);
        assert_eq!(page["totalDueToday"], 4900 * q);
    }
    let page = srv.hosted(&id).await;
    let page = page.data();
    let q = page["lineItems"][0]["quantity"].as_i64().unwrap();
    assert!(q == 4 || q == 7, "{q}");
    assert_eq!(page["totalDueToday"].as_i64(), Some(4900 * q));
    let merchant = srv
        .platform_get(&id, Some(crate::support::SECRET_KEY))
        .await;
    assert_eq!(
        merchant.body["checkoutSession"]["quantity"].as_i64(),
        Some(q)
    );
}

#[tokio::test]
async fn changes_are_rate_limited_per_session() {
    let srv = TestServer::start().await;
    let id = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "adjustableQuantity": {"enabled": true}}),
    )
    .await;
    for i in 0..60 {
        srv.quantity(&id, json!({"quantity": 1 + i % 5}))
            .await
            .data();
    }
    let reply = srv.quantity(&id, json!({"quantity": 2})).await;
    reply.assert_error(429, "rate_limited");
    assert!(
        reply.body.to_string().contains("quantity changes"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn the_quantity_cannot_change_under_a_waiting_3ds_challenge() {
    let srv = TestServer::start().await;
    let id = adjustable(
        &srv,
        json!({"priceSlug": "onboarding", "adjustableQuantity": ADJUSTABLE(1, 10)}),
    )
    .await;
    // The bank is asked to approve the amount as it is now.
    let reply = srv.confirm(&id, "4000002760003184").await;
    assert_eq!(reply.data()["nextAction"], "authenticate");
    let approved = reply.data()["checkoutSession"]["authentication"]["amount"].clone();
    srv.quantity(&id, json!({"quantity": 3}))
        .await
        .assert_error(409, "authentication_pending");
    let session = srv.hosted(&id).await;
    assert_eq!(session.data()["lineItems"][0]["quantity"], 1);
    assert_eq!(session.data()["totalDueToday"], approved);
}
