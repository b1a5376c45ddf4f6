//! The billing address at payment: required, optional, checked, and kept on
//! the session and the purchase in Flowglad's shape.

use crate::support::{confirm_body, customer_of, Auth, TestServer, SECRET_KEY};
use serde_json::{json, Value};

async fn session(srv: &TestServer, collection: &str, auth: Auth<'_>) -> String {
    let extra = json!({"priceSlug": "lifetime", "billingAddressCollection": collection});
    let reply = srv.merchant_create(extra, customer_of(auth)).await;
    reply.data()["checkoutSession"]["id"]
        .as_str()
        .expect("session id")
        .to_owned()
}

fn with_address(address: Value) -> Value {
    let mut body = confirm_body("4242424242424242");
    body["billingAddress"] = address;
    body
}

fn full_address() -> Value {
    json!({"name": "Ann Lee", "line1": "1 Main St", "line2": "Suite 5", "city": "Springfield",
           "state": "IL", "postal_code": "62701", "country": "US"})
}

#[tokio::test]
async fn a_required_address_must_be_complete_and_is_kept() {
    let srv = TestServer::start().await;
    let id = session(&srv, "required", Auth::Bearer("demo-alice")).await;
    let m = srv
        .confirm(&id, "4242424242424242")
        .await
        .assert_error(400, "billing_address_required");
    for field in ["name", "line1", "city", "postal_code", "country"] {
        assert!(m.contains(field), "{field} in {m}");
    }
    let m = srv
        .confirm_with(
            &id,
            with_address(json!({"name": "Ann Lee", "line1": "1 Main St", "city": " ",
                                "postal_code": "62701", "country": "us"})),
        )
        .await
        .assert_error(400, "billing_address_required");
    assert_eq!(
        m,
        "Enter a complete billing address: city and country (a two-letter code like US) are missing."
    );
    // Nothing was claimed or charged: the session is still open.
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");

    srv.confirm_with(&id, with_address(full_address()))
        .await
        .data();
    let read = srv.platform_get(&id, Some(SECRET_KEY)).await;
    assert_eq!(
        read.body["checkoutSession"]["billingAddress"],
        json!({
            "address": {"name": "Ann Lee", "line1": "1 Main St", "line2": "Suite 5", "city": "Springfield",
                        "state": "IL", "postal_code": "62701", "country": "US"},
            "name": "Ann Lee"
        })
    );
    let b = srv.billing("demo-alice").await;
    assert_eq!(
        b["purchases"][0]["billingAddress"],
        read.body["checkoutSession"]["billingAddress"]
    );
}

#[tokio::test]
async fn an_optional_address_is_kept_when_given() {
    let srv = TestServer::start().await;
    let without = session(&srv, "auto", Auth::None).await;
    srv.confirm(&without, "4242424242424242").await.data();
    let read = srv.platform_get(&without, Some(SECRET_KEY)).await;
    assert_eq!(read.body["checkoutSession"]["billingAddress"], Value::Null);

    let with = session(&srv, "auto", Auth::None).await;
    let mut address = full_address();
    address.as_object_mut().unwrap().remove("line2");
    address["state"] = json!("  ");
    srv.confirm_with(&with, with_address(address)).await.data();
    let read = srv.platform_get(&with, Some(SECRET_KEY)).await;
    let kept = &read.body["checkoutSession"]["billingAddress"]["address"];
    assert_eq!(kept["city"], "Springfield");
    assert_eq!(kept["line2"], Value::Null);
    assert_eq!(kept["state"], Value::Null, "a blank state is no state");
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT billing_address FROM purchases WHERE checkout_session_id = ?1",
            [&with],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored.contains("62701"), "{stored}");

    // Given, it must still be usable: a country is two upper-case letters.
    let odd = session(&srv, "auto", Auth::None).await;
    let mut address = full_address();
    address["country"] = json!("United States");
    srv.confirm_with(&odd, with_address(address))
        .await
        .assert_error(400, "billing_address_required");
}
