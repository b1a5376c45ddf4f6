//! The platform API behind the secret key.

use crate::support::{TestServer, SECRET_KEY};

#[tokio::test]
async fn reading_a_session_needs_the_key() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    srv.confirm(&id, "4242424242424242").await.data();

    for key in [SECRET_KEY.to_owned(), format!("Bearer {SECRET_KEY}")] {
        let reply = srv.platform_get(&id, Some(&key)).await;
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
        assert!(
            reply.body.get("data").is_none(),
            "no route envelope: {}",
            reply.body
        );
        let session = &reply.body["checkoutSession"];
        assert_eq!(session["id"], id);
        assert_eq!(session["status"], "succeeded");
        assert_eq!(session["paymentMethodType"], "card");
        assert!(session["purchaseId"].as_str().unwrap().starts_with("pur_"));
        assert_eq!(session["customerEmail"], "buyer@example.com");
        assert_eq!(
            reply.body["url"],
            format!("{}/checkout/{id}", srv.server.base_url)
        );
    }

    srv.platform_get(&id, None)
        .await
        .assert_error(401, "unauthorized");
    srv.platform_get(&id, Some("sk_test_wrong"))
        .await
        .assert_error(401, "unauthorized");
    srv.platform_get(&id, Some(&format!("{SECRET_KEY}x")))
        .await
        .assert_error(401, "unauthorized");
    srv.platform_get("cs_nope", Some(SECRET_KEY))
        .await
        .assert_error(404, "checkout_session_not_found");
    // The key is checked before the session is looked up.
    srv.platform_get("cs_nope", None)
        .await
        .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn expiring_needs_the_key_and_an_open_session() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let url = srv.url(&format!("/api/v1/checkout-sessions/{id}/expire"));
    srv.send(srv.client.post(&url))
        .await
        .assert_error(401, "unauthorized");
    srv.send(srv.client.post(&url).header("authorization", "nope"))
        .await
        .assert_error(401, "unauthorized");
    srv.platform_expire("cs_nope")
        .await
        .assert_error(404, "checkout_session_not_found");

    let paid = srv.create_session("onboarding").await;
    srv.confirm(&paid, "4242424242424242").await.data();
    srv.platform_expire(&paid)
        .await
        .assert_error(409, "checkout_session_not_open");

    let reply = srv.platform_expire(&id).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["checkoutSession"]["status"], "expired");
    let read = srv.platform_get(&id, Some(SECRET_KEY)).await;
    assert_eq!(read.body["checkoutSession"]["status"], "expired");
}

#[tokio::test]
async fn a_generated_key_is_a_test_key_and_works() {
    let srv = TestServer::start_with(|c| c.secret_key = None).await;
    let key = srv.server.secret_key.clone();
    assert!(key.starts_with("sk_test_") && key.len() == 8 + 32, "{key}");
    let id = srv.create_session("onboarding").await;
    assert_eq!(srv.platform_get(&id, Some(&key)).await.status.as_u16(), 200);
    srv.platform_get(&id, Some(SECRET_KEY))
        .await
        .assert_error(401, "unauthorized");
}
