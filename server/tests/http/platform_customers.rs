//! The platform API's customers, pricing model and subscription changes:
//! what a server forwarding its route to this one calls.

use crate::support::{Auth, Reply, TestServer, SECRET_KEY};
use serde_json::{json, Value};

impl TestServer {
    /// `GET {path}` of the platform API with the test key.
    async fn platform_read(&self, path: &str) -> Reply {
        let request = self
            .client
            .get(self.url(path))
            .header("authorization", SECRET_KEY);
        self.send(request).await
    }

    /// `POST {path}` of the platform API with the test key and a JSON body.
    async fn platform_post(&self, path: &str, body: Value) -> Reply {
        let request = self
            .client
            .post(self.url(path))
            .header("authorization", SECRET_KEY)
            .json(&body);
        self.send(request).await
    }
}

#[tokio::test]
async fn every_new_endpoint_needs_the_key() {
    let srv = TestServer::start().await;
    for path in [
        "/api/v1/pricing-models/default",
        "/api/v1/customers/alice",
        "/api/v1/customers/alice/billing",
    ] {
        srv.send(srv.client.get(srv.url(path)))
            .await
            .assert_error(401, "unauthorized");
    }
    for path in [
        "/api/v1/customers",
        "/api/v1/subscriptions/sub_alice_pro/cancel",
        "/api/v1/subscriptions/sub_alice_pro/uncancel",
    ] {
        let request = srv.client.post(srv.url(path)).json(&json!({}));
        srv.send(request).await.assert_error(401, "unauthorized");
    }
}

#[tokio::test]
async fn the_default_pricing_model_is_the_catalog() {
    let srv = TestServer::start().await;
    let reply = srv.platform_read("/api/v1/pricing-models/default").await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let route = srv
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    assert_eq!(reply.body["pricingModel"], route.data()["pricingModel"]);
}

#[tokio::test]
async fn customers_are_found_or_created_by_external_id() {
    let srv = TestServer::start().await;
    let alice = srv.platform_read("/api/v1/customers/alice").await;
    assert_eq!(alice.status.as_u16(), 200, "{}", alice.body);
    assert_eq!(alice.body["customer"]["id"], "cus_alice");
    assert_eq!(alice.body["customer"]["externalId"], "alice");
    srv.platform_read("/api/v1/customers/carol")
        .await
        .assert_error(404, "customer_not_found");

    let new = json!({"customer": {"externalId": "carol", "name": "Carol Diaz", "email": "carol@example.com"}});
    let created = srv.platform_post("/api/v1/customers", new.clone()).await;
    assert_eq!(created.status.as_u16(), 200, "{}", created.body);
    let carol = &created.body["data"]["customer"];
    assert!(carol["id"].as_str().unwrap().starts_with("cus_"), "{carol}");
    assert_eq!(carol["email"], "carol@example.com");
    // Creating again answers the same customer: a retry is harmless.
    let again = srv.platform_post("/api/v1/customers", new).await;
    assert_eq!(again.body["data"]["customer"]["id"], carol["id"]);
    let read = srv.platform_read("/api/v1/customers/carol").await;
    assert_eq!(read.body["customer"]["id"], carol["id"]);
    // A known external id keeps its stored name.
    let alice = json!({"customer": {"externalId": "alice", "name": "Someone Else", "email": "x@example.com"}});
    let reply = srv.platform_post("/api/v1/customers", alice).await;
    assert_eq!(reply.body["data"]["customer"]["name"], "Alice Martin");

    for (customer, code) in [
        (
            json!({"externalId": " ", "name": "N", "email": "n@example.com"}),
            "invalid_request",
        ),
        (
            json!({"externalId": "x".repeat(256), "name": "N", "email": "n@example.com"}),
            "field_too_long",
        ),
        (
            json!({"externalId": "dan", "name": "N".repeat(201), "email": "n@example.com"}),
            "field_too_long",
        ),
        (
            json!({"externalId": "dan", "name": "N", "email": "nope"}),
            "invalid_email",
        ),
        (json!({"externalId": "dan", "name": "N"}), "invalid_request"),
    ] {
        srv.platform_post("/api/v1/customers", json!({ "customer": customer }))
            .await
            .assert_error(400, code);
    }
}

#[tokio::test]
async fn billing_details_are_the_routes() {
    let srv = TestServer::start().await;
    let reply = srv.platform_read("/api/v1/customers/alice/billing").await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body, srv.billing("demo-alice").await);
    srv.platform_read("/api/v1/customers/nobody/billing")
        .await
        .assert_error(404, "customer_not_found");
}

#[tokio::test]
async fn subscriptions_cancel_and_uncancel_by_id() {
    let srv = TestServer::start().await;
    let at_end = json!({"cancellation": {"timing": "at_end_of_current_billing_period"}});
    let reply = srv
        .platform_post("/api/v1/subscriptions/sub_alice_pro/cancel", at_end.clone())
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(
        reply.body["subscription"]["status"],
        "cancellation_scheduled"
    );
    let reply = srv
        .send(
            srv.client
                .post(srv.url("/api/v1/subscriptions/sub_alice_pro/uncancel"))
                .header("authorization", SECRET_KEY),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["subscription"]["status"], "active");
    srv.platform_post("/api/v1/subscriptions/sub_nope/cancel", at_end)
        .await
        .assert_error(404, "subscription_not_found");
    srv.platform_post(
        "/api/v1/subscriptions/sub_alice_pro/cancel",
        json!({"cancellation": {"timing": "someday"}}),
    )
    .await
    .assert_error(400, "invalid_request");
    let now = json!({"cancellation": {"timing": "immediately"}});
    let reply = srv
        .platform_post("/api/v1/subscriptions/sub_alice_pro/cancel", now.clone())
        .await;
    assert_eq!(reply.body["subscription"]["status"], "canceled");
    srv.platform_post("/api/v1/subscriptions/sub_alice_pro/cancel", now)
        .await
        .assert_error(409, "subscription_not_cancelable");
}
