//! The OpenAPI document: served, valid JSON, and describing the APIs under
//! the configured route prefix.

use crate::support::TestServer;
use serde_json::Value;

#[tokio::test]
async fn the_openapi_document_is_served_for_the_configured_prefix() {
    let srv = TestServer::start_with(|c| c.route_prefix = "/billing".into()).await;
    let response = srv
        .client
        .get(srv.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/billing/checkout-sessions/create"));
    assert!(paths.contains_key("/api/v1/checkout-sessions"));
    assert!(paths.contains_key("/api/checkout-sessions/{id}/confirm"));
    assert!(!paths.keys().any(|p| p.starts_with("/api/billing")));
    let confirm = &paths["/api/checkout-sessions/{id}/confirm"]["post"];
    assert!(
        confirm["responses"]["429"]["headers"]["Retry-After"].is_object(),
        "{confirm}"
    );
}
