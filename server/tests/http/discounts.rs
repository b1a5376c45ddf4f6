//! Discount codes on the hosted page: apply, replace, remove, and the
//! sessions that take none.

use crate::support::{create_body, customer_of, Auth, TestServer};
use serde_json::{json, Value};

async fn session(srv: &TestServer, extra: Value, auth: Auth<'_>) -> String {
    let reply = srv.merchant_create(extra, customer_of(auth)).await;
    reply.data()["checkoutSession"]["id"]
        .as_str()
        .expect("session id")
        .to_owned()
}

#[tokio::test]
async fn a_code_comes_off_todays_total_and_can_be_removed() {
    let srv = TestServer::start().await;
    let id = session(
        &srv,
        json!({"priceSlug": "onboarding", "allowPromotionCodes": true}),
        Auth::None,
    )
    .await;
    let reply = srv.discount(&id, json!({"code": "welcome10"})).await;
    let page = reply.data();
    assert_eq!(page["id"], id);
    assert_eq!(page["discountCode"], "WELCOME10");
    assert_eq!(page["discountName"], "Welcome discount");
    assert_eq!(
        (
            page["subtotal"].as_i64(),
            page["discount"].as_i64(),
            page["totalDueToday"].as_i64()
        ),
        (Some(4900), Some(490), Some(4410))
    );
    // The page reads the same.
    assert_eq!(srv.hosted(&id).await.data()["totalDueToday"], 4410);

    let m = srv
        .discount(&id, json!({"code": "SUMMER2024"}))
        .await
        .assert_error(400, "discount_code_invalid");
    assert_eq!(m, "That code has expired.");
    let m = srv
        .discount(&id, json!({"code": "FREEBIES"}))
        .await
        .assert_error(400, "discount_code_invalid");
    assert_eq!(m, "That code isn't valid.");
    // A refused code leaves the applied one in place.
    assert_eq!(srv.hosted(&id).await.data()["discountCode"], "WELCOME10");

    let reply = srv.discount(&id, json!({"code": null})).await;
    let page = reply.data();
    assert_eq!(page["discount"], 0);
    assert_eq!(page["totalDueToday"], 4900);
    assert!(page.get("discountCode").is_none(), "{page}");
    assert!(page.get("discountName").is_none(), "{page}");

    // Paid with the code re-applied: charged the discounted total; then no more changes.
    srv.discount(&id, json!({"code": " Welcome10 "}))
        .await
        .data();
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
    srv.discount(&id, json!({"code": null}))
        .await
        .assert_error(409, "checkout_session_not_open");
}

#[tokio::test]
async fn a_subscription_discount_applies_to_the_first_charge_only() {
    let srv = TestServer::start().await;
    let id = session(
        &srv,
        json!({"priceSlug": "pro-yearly", "allowPromotionCodes": true}),
        Auth::Bearer("demo-alice"),
    )
    .await;
    let reply = srv.discount(&id, json!({"code": "WELCOME10"})).await;
    let page = reply.data();
    assert_eq!(page["totalDueToday"], 10800);
    assert_eq!(page["discount"], 1200);
    assert_eq!(
        page["recurring"],
        json!({"amount": 12000, "intervalUnit": "year", "intervalCount": 1})
    );
}

#[tokio::test]
async fn a_prefilled_code_may_be_removed_and_replaced_without_allow_promotion_codes() {
    let srv = TestServer::start().await;
    let id = session(
        &srv,
        json!({"priceSlug": "lifetime", "discountCode": "WELCOME10"}),
        Auth::None,
    )
    .await;
    assert_eq!(srv.hosted(&id).await.data()["totalDueToday"], 17910);
    let removed = srv.discount(&id, json!({"code": null})).await;
    assert_eq!(removed.data()["totalDueToday"], 19900);
    let back = srv.discount(&id, json!({"code": "welcome10"})).await;
    assert_eq!(back.data()["totalDueToday"], 17910);
}

#[tokio::test]
async fn sessions_that_take_no_codes_say_so() {
    let srv = TestServer::start().await;
    let plain = session(&srv, json!({"priceSlug": "onboarding"}), Auth::None).await;
    let m = srv
        .discount(&plain, json!({"code": "WELCOME10"}))
        .await
        .assert_error(400, "promotion_codes_not_allowed");
    assert_eq!(m, "This checkout does not take discount codes.");
    let refused = session(
        &srv,
        json!({"priceSlug": "onboarding", "allowPromotionCodes": false}),
        Auth::None,
    )
    .await;
    srv.discount(&refused, json!({"code": null}))
        .await
        .assert_error(400, "promotion_codes_not_allowed");
    // Saving a card charges nothing to discount.
    let card = srv
        .route(
            "checkout-sessions/create-add-payment-method",
            create_body(json!({})),
            Auth::Bearer("demo-alice"),
        )
        .await;
    let card_id = card.data()["checkoutSession"]["id"].as_str().unwrap();
    srv.discount(card_id, json!({"code": "WELCOME10"}))
        .await
        .assert_error(400, "promotion_codes_not_allowed");
    srv.discount("cs_00000000000000000000000000000000", json!({"code": null}))
        .await
        .assert_error(404, "checkout_session_not_found");
    let allowed = session(
        &srv,
        json!({"priceSlug": "onboarding", "allowPromotionCodes": true}),
        Auth::None,
    )
    .await;
    let bad_body = srv
        .send(
            srv.client
                .post(srv.url(&format!("/api/checkout-sessions/{allowed}/discount")))
                .header("content-type", "application/json")
                .body("{\"code\": 10}"),
        )
        .await;
    bad_body.assert_error(400, "invalid_request");
    // An expired session is gone for good.
    srv.set_expires_at(&allowed, 1);
    srv.discount(&allowed, json!({"code": "WELCOME10"}))
        .await
        .assert_error(410, "checkout_session_expired");
}
