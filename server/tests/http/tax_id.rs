//! Tax IDs: the merchant asks the hosted page to offer one
//! (`taxIdCollection`); the customer may send one with the payment, checked
//! by its type's format and normalized, and the merchant finds it on the
//! session, the purchase and the webhooks.

use crate::support::{confirm_body, create_body, Auth, TestServer, SECRET_KEY};
use serde_json::{json, Value};

async fn collecting(srv: &TestServer, customer: Option<&str>) -> String {
    let reply = srv
        .merchant_create(
            json!({"priceSlug": "onboarding", "taxIdCollection": true}),
            customer,
        )
        .await;
    assert_eq!(reply.data()["checkoutSession"]["taxIdCollection"], true);
    reply.data()["checkoutSession"]["id"]
        .as_str()
        .expect("session id")
        .to_owned()
}

fn with_tax_id(tax_id: Value) -> Value {
    let mut body = confirm_body("4242424242424242");
    body["taxId"] = tax_id;
    body
}

/// The payload of the `event_type` webhook recorded for session `id`.
async fn webhook(srv: &TestServer, event_type: &str, id: &str) -> Value {
    let log = srv.webhook_events("limit=100", Some(SECRET_KEY)).await;
    assert_eq!(log.status.as_u16(), 200, "{}", log.body);
    log.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == event_type && e["checkoutSessionId"] == id)
        .map(|e| e["payload"].clone())
        .unwrap_or_else(|| panic!("no {event_type} for {id}: {}", log.body))
}

#[tokio::test]
async fn the_browser_cannot_turn_collection_on() {
    let srv = TestServer::start().await;
    let body = create_body(json!({"priceSlug": "onboarding", "taxIdCollection": true}));
    let message = srv
        .route("checkout-sessions/create", body, Auth::None)
        .await
        .assert_error(400, "field_not_allowed");
    assert!(message.contains("`taxIdCollection`"), "{message}");
    assert_eq!(srv.count_rows("checkout_sessions"), 0);
}

#[tokio::test]
async fn a_gb_vat_number_is_normalized_kept_and_shown_to_the_merchant() {
    let srv = TestServer::start().await;
    let id = collecting(&srv, Some("bob")).await;
    assert_eq!(srv.hosted(&id).await.data()["taxIdCollection"], true);
    let paid = srv
        .confirm_with(
            &id,
            with_tax_id(
                json!({"type": "gb_vat", "value": "gb 123 456.789", "businessName": " Bob Ltd "}),
            ),
        )
        .await;
    paid.data();
    let expected = json!({"type": "gb_vat", "value": "GB123456789", "businessName": "Bob Ltd"});
    let session = srv.platform_get(&id, Some(SECRET_KEY)).await;
    assert_eq!(session.body["checkoutSession"]["taxId"], expected);
    let purchases = srv.billing("demo-bob").await;
    let purchase = purchases["purchases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["priceId"] == "price_onboarding")
        .expect("the purchase")
        .clone();
    assert_eq!(purchase["taxId"], expected);
    let completed = webhook(&srv, "checkout.session.completed", &id).await;
    assert_eq!(completed["data"]["checkoutSession"]["taxId"], expected);
    assert_eq!(completed["data"]["purchase"]["taxId"], expected);
    let bought = webhook(&srv, "purchase.completed", &id).await;
    assert_eq!(bought["data"]["purchase"]["taxId"], expected);
}

#[tokio::test]
async fn each_type_is_checked_by_format_and_a_refusal_names_it() {
    let srv = TestServer::start().await;
    let id = collecting(&srv, None).await;
    for (tax_id, names) in [
        (
            json!({"type": "eu_vat", "value": "GR123456789"}),
            "EL for Greece",
        ),
        (json!({"type": "eu_vat", "value": "DE1"}), "EU VAT"),
        (json!({"type": "gb_vat", "value": "GB12345678"}), "UK VAT"),
        (json!({"type": "us_ein", "value": "12-34567"}), "NN-NNNNNNN"),
        (json!({"type": "other", "value": "x".repeat(33)}), "1 to 32"),
        (json!({"type": "other", "value": " "}), "1 to 32"),
    ] {
        let message = srv
            .confirm_with(&id, with_tax_id(tax_id.clone()))
            .await
            .assert_error(400, "invalid_tax_id");
        assert!(message.contains(names), "{tax_id}: {message}");
    }
    for bad in [
        json!({"type": "vat", "value": "GB123456789"}),
        json!({"value": "x"}),
        json!("GB123456789"),
    ] {
        srv.confirm_with(&id, with_tax_id(bad))
            .await
            .assert_error(400, "invalid_request");
    }
    let long_name =
        json!({"type": "us_ein", "value": "123456789", "businessName": "n".repeat(201)});
    srv.confirm_with(&id, with_tax_id(long_name))
        .await
        .assert_error(400, "field_too_long");
    // Nothing was charged by any of them; a good one pays, normalized.
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    srv.confirm_with(
        &id,
        with_tax_id(json!({"type": "us_ein", "value": "123456789"})),
    )
    .await
    .data();
    let session = srv.platform_get(&id, Some(SECRET_KEY)).await;
    assert_eq!(
        session.body["checkoutSession"]["taxId"],
        json!({"type": "us_ein", "value": "12-3456789"})
    );
}

#[tokio::test]
async fn a_session_that_does_not_collect_refuses_one_and_collecting_is_optional() {
    let srv = TestServer::start().await;
    let plain = srv.create_session("onboarding").await;
    assert!(srv
        .hosted(&plain)
        .await
        .data()
        .get("taxIdCollection")
        .is_none());
    srv.confirm_with(
        &plain,
        with_tax_id(json!({"type": "gb_vat", "value": "GB123456789"})),
    )
    .await
    .assert_error(400, "field_not_allowed");
    assert_eq!(srv.hosted(&plain).await.data()["status"], "open");

    // Collecting offers the field; paying without it is fine.
    let id = collecting(&srv, None).await;
    srv.confirm(&id, "4242424242424242").await.data();
    let session = srv.platform_get(&id, Some(SECRET_KEY)).await;
    assert!(session.body["checkoutSession"].get("taxId").is_none());

    // Saving a card buys nothing, so it collects no tax ID.
    srv.platform_create(json!({"checkoutSession": create_body(json!({
        "type": "add_payment_method", "customerExternalId": "alice", "taxIdCollection": true}))}))
        .await
        .assert_error(400, "invalid_request");
}
