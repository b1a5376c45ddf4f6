//! The platform API behind the secret key.

use crate::support::{Auth, TestServer, SECRET_KEY};

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
    // Stainless SDKs retry 409s unless told not to.
    let conflict = srv
        .client
        .post(srv.url(&format!("/api/v1/checkout-sessions/{paid}/expire")))
        .header("authorization", SECRET_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(conflict.status().as_u16(), 409);
    assert_eq!(conflict.headers()["x-should-retry"], "false");

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

fn product(extra: serde_json::Value) -> serde_json::Value {
    let mut session = serde_json::json!({
        "type": "product",
        "successUrl": "https://shop.test/ok?session={CHECKOUT_SESSION_ID}",
        "cancelUrl": "https://shop.test/pricing",
    });
    session
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    serde_json::json!({ "checkoutSession": session })
}

#[tokio::test]
async fn creating_a_session_for_a_customer() {
    use serde_json::{json, Value};
    let srv = TestServer::start().await;
    let reply = srv
        .platform_create(product(json!({
            "customerExternalId": "alice", "priceSlug": "onboarding", "quantity": 2,
            "outputMetadata": {"plan": "team"}, "outputName": "Team onboarding", "requestId": "crm-5"
        })))
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert!(reply.body.get("data").is_none(), "no route envelope");
    let s = &reply.body["checkoutSession"];
    let id = s["id"].as_str().unwrap();
    assert_eq!(s["type"], "product");
    assert_eq!(s["status"], "open");
    assert_eq!(s["customerId"], "cus_alice");
    assert_eq!(s["customerEmail"], "alice@example.com");
    assert_eq!(s["customerName"], "Alice Martin");
    assert_eq!(
        (s["priceId"].as_str(), s["quantity"].as_i64()),
        (Some("price_onboarding"), Some(2))
    );
    assert_eq!(s["outputMetadata"], json!({"plan": "team"}));
    assert_eq!(s["outputName"], "Team onboarding");
    assert_eq!(s["requestId"], "crm-5");
    assert_eq!(s["livemode"], false);
    assert_eq!(
        reply.body["url"],
        format!("{}/checkout/{id}", srv.server.base_url)
    );
    let read = srv.platform_get(id, Some(SECRET_KEY)).await;
    assert_eq!(read.body, reply.body);

    let anonymous = srv
        .platform_create(product(
            json!({"anonymous": true, "priceId": "price_lifetime"}),
        ))
        .await;
    assert_eq!(anonymous.status.as_u16(), 200, "{}", anonymous.body);
    assert_eq!(anonymous.body["checkoutSession"]["customerId"], Value::Null);

    // The route's validation applies.
    srv.platform_create(product(
        json!({"customerExternalId": "alice", "priceSlug": "nope"}),
    ))
    .await
    .assert_error(404, "price_not_found");
    srv.platform_create(product(
        json!({"customerExternalId": "alice", "priceSlug": "lifetime", "discountCode": "NOPE"}),
    ))
    .await
    .assert_error(400, "discount_code_invalid");
    srv.platform_create(product(
        json!({"customerExternalId": "alice", "lineItems": [
        {"priceSlug": "lifetime"}, {"priceSlug": "support-kwd"}]}),
    ))
    .await
    .assert_error(400, "currency_mismatch");
    srv.platform_create(product(
        json!({"anonymous": true, "priceSlug": "lifetime", "successUrl": "javascript:x"}),
    ))
    .await
    .assert_error(400, "invalid_url");
}

#[tokio::test]
async fn platform_create_refusals() {
    use serde_json::json;
    let srv = TestServer::start().await;
    let m = srv
        .platform_create(product(
            json!({"customerExternalId": "carol", "priceSlug": "lifetime"}),
        ))
        .await
        .assert_error(404, "customer_not_found");
    assert!(m.contains("carol"), "{m}");
    srv.platform_create(product(json!({"priceSlug": "lifetime"})))
        .await
        .assert_error(400, "invalid_request");
    srv.platform_create(product(
        json!({"anonymous": true, "customerExternalId": "alice", "priceSlug": "lifetime"}),
    ))
    .await
    .assert_error(400, "invalid_request");
    srv.platform_create(
        json!({"checkoutSession": {"type": "invoice", "customerExternalId": "alice"}}),
    )
    .await
    .assert_error(400, "invalid_request");
    srv.platform_create(json!({"checkoutSession": {"type": "gift"}}))
        .await
        .assert_error(400, "invalid_request");
    srv.platform_create(json!({"priceSlug": "lifetime"}))
        .await
        .assert_error(400, "invalid_request");
    for kind in ["add_payment_method", "activate_subscription"] {
        let m = srv
            .platform_create(
                json!({"checkoutSession": {"type": kind, "targetSubscriptionId": "sub_alice_pro",
                "successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"}}),
            )
            .await
            .assert_error(400, "invalid_request");
        assert!(m.contains("customerExternalId"), "{m}");
    }
    let body = product(json!({"anonymous": true, "priceSlug": "lifetime"}));
    for key in [None, Some("sk_test_wrong"), Some("Bearer sk_test_wrong")] {
        srv.platform_create_with(body.clone(), key, None)
            .await
            .assert_error(401, "unauthorized");
    }
    let bearer = srv
        .platform_create_with(body, Some(&format!("Bearer {SECRET_KEY}")), None)
        .await;
    assert_eq!(bearer.status.as_u16(), 200);
    assert_eq!(
        srv.count_rows("checkout_sessions"),
        1,
        "only the authorized create stored a session"
    );
}

#[tokio::test]
async fn platform_card_and_activation_sessions() {
    use serde_json::json;
    let srv = TestServer::start().await;
    let urls = json!({"successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"});
    let mut card = urls.clone();
    card.as_object_mut().unwrap().extend(
        json!({"type": "add_payment_method", "customerExternalId": "alice", "targetSubscriptionId": "sub_alice_pro",
               "automaticallyUpdateSubscriptions": true})
        .as_object()
        .unwrap()
        .clone(),
    );
    let reply = srv.platform_create(json!({"checkoutSession": card})).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let s = &reply.body["checkoutSession"];
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(s["type"], "add_payment_method");
    assert_eq!(s["automaticallyUpdateSubscriptions"], true);
    assert_eq!(s["targetSubscriptionId"], "sub_alice_pro");
    assert_eq!(
        reply.body["url"],
        format!("{}/add-payment-method/{id}", srv.server.base_url)
    );
    srv.confirm(&id, "5555555555554444").await.data();
    let b = srv.billing("demo-alice").await;
    let new_card = b["paymentMethods"][0]["id"].clone();
    assert_eq!(b["paymentMethods"][0]["default"], true);
    assert_eq!(b["subscriptions"][0]["defaultPaymentMethodId"], new_card);

    let mut bob_card = card.clone();
    bob_card["customerExternalId"] = json!("bob");
    srv.platform_create(json!({"checkoutSession": bob_card}))
        .await
        .assert_error(404, "subscription_not_found");

    let mut activate = urls.clone();
    activate.as_object_mut().unwrap().extend(
        json!({"type": "activate_subscription", "customerExternalId": "alice", "targetSubscriptionId": "sub_alice_pro",
               "preserveBillingCycleAnchor": true})
        .as_object()
        .unwrap()
        .clone(),
    );
    let reply = srv
        .platform_create(json!({"checkoutSession": activate.clone()}))
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    let s = &reply.body["checkoutSession"];
    assert_eq!(s["type"], "activate_subscription");
    assert_eq!(s["preserveBillingCycleAnchor"], true);
    assert_eq!(s["priceId"], "price_pro_monthly");
    activate
        .as_object_mut()
        .unwrap()
        .remove("targetSubscriptionId");
    srv.platform_create(json!({"checkoutSession": activate}))
        .await
        .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn listing_pages_through_every_session_newest_first() {
    use serde_json::json;
    let srv = TestServer::start().await;
    let mut created = Vec::new();
    for i in 0..7 {
        let auth = if i % 2 == 0 {
            Auth::Bearer("demo-alice")
        } else {
            Auth::Cookie("demo-bob")
        };
        created.push(srv.create_session_as("onboarding", auth).await);
    }
    created.push(srv.create_session("lifetime").await);

    let first = srv.platform_list("").await;
    assert_eq!(first.status.as_u16(), 200, "{}", first.body);
    assert_eq!(first.body["total"], 8);
    assert_eq!(
        first.body["data"].as_array().unwrap().len(),
        8,
        "the default limit is 10"
    );
    assert_eq!(first.body["hasMore"], false);
    assert!(first.body.get("nextCursor").is_none());
    let newest_first: Vec<String> = first.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let created_at: Vec<i64> = first.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["createdAt"].as_i64().unwrap())
        .collect();
    assert!(
        created_at.windows(2).all(|w| w[0] >= w[1]),
        "{created_at:?}"
    );
    assert_eq!(newest_first[0], created[7]);

    let mut seen = Vec::new();
    let mut query = "limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = srv.platform_list(&query).await;
        assert_eq!(page.status.as_u16(), 200, "{}", page.body);
        assert_eq!(page.body["total"], 8);
        let data = page.body["data"].as_array().unwrap();
        assert!(data.len() <= 3);
        seen.extend(data.iter().map(|s| s["id"].as_str().unwrap().to_owned()));
        pages += 1;
        if page.body["hasMore"] == false {
            assert!(page.body.get("nextCursor").is_none());
            break;
        }
        let next = page.body["nextCursor"].as_str().unwrap().to_owned();
        query = format!("limit=3&cursor={next}");
        // Reading a page twice gives the same page (the cursor is stable).
        let again = srv.platform_list(&query).await;
        assert_eq!(again.body["currentCursor"], json!(next));
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, newest_first, "every session once, in order");

    // Filters.
    let alice = srv.platform_list("customerExternalId=alice").await;
    assert_eq!(alice.body["total"], 4);
    assert!(alice.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["customerId"] == "cus_alice"));
    let bob = srv.platform_list("customerId=cus_bob&limit=2").await;
    assert_eq!(
        (bob.body["total"].as_i64(), bob.body["hasMore"].as_bool()),
        (Some(3), Some(true))
    );
    srv.confirm(&created[0], "4242424242424242").await.data();
    srv.platform_expire(&created[1]).await;
    let paid = srv.platform_list("status=succeeded").await;
    assert_eq!(paid.body["total"], 1);
    assert_eq!(paid.body["data"][0]["id"], created[0].as_str());
    let expired = srv
        .platform_list("status=expired&customerExternalId=bob")
        .await;
    assert_eq!(expired.body["total"], 1);
    assert_eq!(srv.platform_list("status=open").await.body["total"], 6);
    assert_eq!(
        srv.platform_list("customerExternalId=nobody").await.body["total"],
        0
    );

    for bad in [
        "limit=0",
        "limit=101",
        "limit=two",
        "cursor=garbage!",
        "status=paid",
    ] {
        srv.platform_list(bad)
            .await
            .assert_error(400, "invalid_request");
    }
    assert_eq!(srv.platform_list("limit=100").await.status.as_u16(), 200);
    srv.send(srv.client.get(srv.url("/api/v1/checkout-sessions")))
        .await
        .assert_error(401, "unauthorized");
    srv.send(
        srv.client
            .get(srv.url("/api/v1/checkout-sessions"))
            .header("authorization", "Bearer nope"),
    )
    .await
    .assert_error(401, "unauthorized");
}

// --- Safe defaults (issue 13): the secret key's minimum length. ---

#[tokio::test]
async fn a_secret_key_shorter_than_32_characters_is_refused_at_start() {
    for short in ["abc", "sk_test_abc", "   ", &"k".repeat(31)] {
        let dir = tempfile::tempdir().unwrap();
        let config = checkout_server::Config {
            secret_key: Some(short.to_owned()),
            ..crate::support::config_in(dir.path())
        };
        let error = checkout_server::spawn(config)
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("at least 32"), "{short:?}: {error}");
        assert!(error.contains("--secret-key"), "{error}");
        assert!(
            !error.contains(short.trim()) || short.trim().is_empty(),
            "the key is not echoed: {error}"
        );
    }
    // The binary refuses it before doing anything, with a message that says why.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"))
        .args(["--addr", "127.0.0.1:0", "--secret-key", "abc"])
        .arg("--db")
        .arg(dir.path().join("db.sqlite3"))
        .env_remove("CHECKOUT_SECRET_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--secret-key") && stderr.contains("at least 32"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("db.sqlite3").exists(),
        "nothing was started"
    );
    // 32 characters are enough.
    let srv = TestServer::start_with(|c| c.secret_key = Some("k".repeat(32))).await;
    let id = srv.create_session("onboarding").await;
    let key = "k".repeat(32);
    assert_eq!(srv.platform_get(&id, Some(&key)).await.status.as_u16(), 200);
}
