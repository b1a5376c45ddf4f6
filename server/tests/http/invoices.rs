//! Invoice sessions: the platform API makes one for a customer's open
//! invoice, the hosted page shows the invoice's own lines, and paying marks
//! the invoice paid (once).

use crate::support::{Reply, TestServer};
use serde_json::{json, Value};

const BOB_INVOICE: &str = "inv_bob_0001";

fn invoice_session(customer: &str, invoice_id: &str) -> Value {
    json!({"checkoutSession": {
        "type": "invoice",
        "customerExternalId": customer,
        "invoiceId": invoice_id,
        "successUrl": "https://shop.test/paid?session_id={CHECKOUT_SESSION_ID}",
        "cancelUrl": "https://shop.test/account",
        "requestId": "invoice-run-1"
    }})
}

async fn create(srv: &TestServer, customer: &str, invoice_id: &str) -> Reply {
    srv.platform_create(invoice_session(customer, invoice_id))
        .await
}

fn session_id(reply: &Reply) -> String {
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    reply.body["checkoutSession"]["id"]
        .as_str()
        .expect("session id")
        .to_owned()
}

#[tokio::test]
async fn bob_pays_his_open_invoice_and_it_shows_paid() {
    let srv = TestServer::start().await;
    let reply = create(&srv, "bob", BOB_INVOICE).await;
    let id = session_id(&reply);
    let session = &reply.body["checkoutSession"];
    assert_eq!(session["type"], "invoice");
    assert_eq!(session["invoiceId"], BOB_INVOICE);
    assert_eq!(session["customerId"], "cus_bob");
    assert_eq!(session["priceId"], Value::Null);
    assert_eq!(session["requestId"], "invoice-run-1");
    assert_eq!(
        reply.body["url"],
        format!("{}/checkout/{id}", srv.server.public_url)
    );

    let page = srv.hosted(&id).await;
    let page = page.data();
    assert_eq!(page["type"], "invoice");
    assert_eq!(page["invoiceNumber"], "BOB-0001");
    assert_eq!(page["currency"], "USD");
    let lines: Vec<(&str, i64, i64, i64)> = page["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap(),
                l["quantity"].as_i64().unwrap(),
                l["unitAmount"].as_i64().unwrap(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("Custom onboarding workshop", 1, 25000, 25000),
            ("Travel", 1, 8000, 8000)
        ]
    );
    assert_eq!(
        (
            page["subtotal"].as_i64(),
            page["discount"].as_i64(),
            page["totalDueToday"].as_i64()
        ),
        (Some(33000), Some(0), Some(33000))
    );
    assert_eq!(page["recurring"], Value::Null);
    assert_eq!(page["customerEmail"], "bob@example.com");

    let paid = srv.confirm(&id, "4242 4242 4242 4242").await;
    let data = paid.data();
    assert_eq!(data["checkoutSession"]["status"], "succeeded");
    let redirect = data["redirectUrl"].as_str().unwrap();
    assert!(
        redirect.starts_with(&format!(
            "https://shop.test/paid?session_id={id}&checkout_id={id}&request_id=invoice-run-1&customer_id=cus_bob&signature="
        )),
        "an invoice makes no purchase: {redirect}"
    );
    assert!(crate::signed_redirects::verifies(
        redirect,
        crate::support::SECRET_KEY
    ));

    let b = srv.billing("demo-bob").await;
    let invoices = b["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "paying an invoice raises no new one");
    assert_eq!(invoices[0]["invoice"]["invoiceNumber"], "BOB-0001");
    assert_eq!(invoices[0]["invoice"]["status"], "paid");
    assert_eq!(invoices[0]["invoiceLineItems"].as_array().unwrap().len(), 2);
    assert_eq!(b["purchases"], json!([]), "an invoice is no purchase");
    let methods = b["paymentMethods"].as_array().unwrap();
    assert_eq!(
        methods.len(),
        1,
        "the card is saved as for any signed-in payment"
    );
    assert_eq!(methods[0]["paymentMethodData"]["last4"], "4242");

    // Paid now: no second session, and the platform shows the session paid.
    create(&srv, "bob", BOB_INVOICE)
        .await
        .assert_error(409, "invoice_not_open");
    let read = srv
        .platform_get(&id, Some(crate::support::SECRET_KEY))
        .await;
    assert_eq!(read.body["checkoutSession"]["status"], "succeeded");
    assert_eq!(read.body["checkoutSession"]["invoiceId"], BOB_INVOICE);
    assert_eq!(read.body["checkoutSession"]["paymentMethodType"], "card");
}

#[tokio::test]
async fn two_sessions_for_one_invoice_pay_it_once() {
    let srv = TestServer::start().await;
    let first = session_id(&create(&srv, "bob", BOB_INVOICE).await);
    let second = session_id(&create(&srv, "bob", BOB_INVOICE).await);
    assert_ne!(first, second);
    srv.confirm(&first, "4242424242424242").await.data();
    let m = srv
        .confirm(&second, "4242424242424242")
        .await
        .assert_error(409, "invoice_not_open");
    assert!(m.contains("paid"), "{m}");
    assert_eq!(srv.hosted(&second).await.data()["status"], "open");
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let paid_by: String = conn
        .query_row(
            "SELECT checkout_session_id FROM invoices WHERE id = ?1",
            [BOB_INVOICE],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(paid_by, first);
}

#[tokio::test]
async fn unknown_or_someone_elses_invoices_are_not_found() {
    let srv = TestServer::start().await;
    let m = create(&srv, "bob", "inv_nope")
        .await
        .assert_error(404, "invoice_not_found");
    assert!(m.contains("inv_nope"), "{m}");
    create(&srv, "alice", BOB_INVOICE)
        .await
        .assert_error(404, "invoice_not_found");
    create(&srv, "nobody", BOB_INVOICE)
        .await
        .assert_error(404, "customer_not_found");
    let mut no_invoice = invoice_session("bob", BOB_INVOICE);
    no_invoice["checkoutSession"]
        .as_object_mut()
        .unwrap()
        .remove("invoiceId");
    srv.platform_create(no_invoice)
        .await
        .assert_error(400, "invalid_request");
    let mut anonymous = invoice_session("bob", BOB_INVOICE);
    anonymous["checkoutSession"]["customerExternalId"] = Value::Null;
    anonymous["checkoutSession"]["anonymous"] = json!(true);
    srv.platform_create(anonymous)
        .await
        .assert_error(400, "invalid_request");
    // The cancel URL is required, as for every platform session (the success
    // URL may be left out: the hosted page then shows the receipt).
    let mut no_url = invoice_session("bob", BOB_INVOICE);
    no_url["checkoutSession"]
        .as_object_mut()
        .unwrap()
        .remove("cancelUrl");
    srv.platform_create(no_url)
        .await
        .assert_error(400, "invalid_url");
    let mut discounted = invoice_session("bob", BOB_INVOICE);
    discounted["checkoutSession"]["discountCode"] = json!("WELCOME10");
    srv.platform_create(discounted)
        .await
        .assert_error(400, "promotion_codes_not_allowed");
    // The merchant route has no invoice action (Flowglad's has none either).
    srv.route(
        "invoices/pay",
        json!({"invoiceId": BOB_INVOICE}),
        crate::support::Auth::Bearer("demo-bob"),
    )
    .await
    .assert_error(404, "not_found");
    assert_eq!(srv.count_rows("checkout_sessions"), 0);
}
