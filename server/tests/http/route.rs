//! The merchant server route: pricing model, session creation, validation
//! order and codes, and who the customer is.

use crate::support::{create_body, Auth, TestServer};
use serde_json::{json, Value};

const QUANTITY_MESSAGE: &str = "Quantity must be a whole number from 1 to 1,000,000.";

fn price<'a>(model: &'a Value, slug: &str) -> &'a Value {
    model["products"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["prices"].as_array().into_iter().flatten())
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("no price {slug}"))
}

#[tokio::test]
async fn pricing_model_has_the_demo_prices_in_flowglad_shape() {
    let srv = TestServer::start().await;
    let reply = srv
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    let data = reply.data();
    assert_eq!(data["source"], "default");
    let model = &data["pricingModel"];
    assert_eq!(model["id"], "pm_demo");
    assert_eq!(model["organizationId"], "org_demo");
    assert_eq!(model["livemode"], false);
    let count: usize = model["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["prices"].as_array().unwrap().len())
        .sum();
    assert_eq!(count, 6);

    let monthly = price(model, "pro-monthly");
    assert_eq!(monthly["unitPrice"], 1200);
    assert_eq!(monthly["currency"], "USD");
    assert_eq!(monthly["type"], "subscription");
    assert_eq!(monthly["intervalUnit"], "month");
    assert_eq!(monthly["intervalCount"], 1);
    assert_eq!(monthly["trialPeriodDays"], 14);
    assert_eq!(monthly["productId"], "prod_pro");
    assert_eq!(monthly["pricingModelId"], "pm_demo");
    assert_eq!(monthly["isDefault"], true);
    assert_eq!(monthly["active"], true);
    assert!(monthly["createdAt"].as_i64().unwrap() > 1_600_000_000_000);

    let yearly = price(model, "pro-yearly");
    assert_eq!(
        (
            yearly["unitPrice"].as_i64(),
            yearly["intervalUnit"].as_str()
        ),
        (Some(12000), Some("year"))
    );
    assert_eq!(yearly["trialPeriodDays"], Value::Null);

    let jpy = price(model, "credits-jpy");
    assert_eq!(jpy["unitPrice"], 1200);
    assert_eq!(jpy["currency"], "JPY");
    assert_eq!(jpy["type"], "single_payment");
    assert_eq!(jpy["intervalUnit"], Value::Null);

    let kwd = price(model, "support-kwd");
    assert_eq!(
        (kwd["unitPrice"].as_i64(), kwd["currency"].as_str()),
        (Some(5125), Some("KWD"))
    );
    assert_eq!(price(model, "lifetime")["unitPrice"], 19900);
    assert_eq!(price(model, "onboarding")["unitPrice"], 4900);

    let pro = &model["products"][0];
    assert_eq!(pro["defaultPrice"]["id"], "price_pro_monthly");
    assert_eq!(model["products"][2]["singularQuantityLabel"], "credit pack");
    assert!(
        model.get("defaultProduct").is_none(),
        "no product is marked default"
    );
}

#[tokio::test]
async fn pricing_model_accepts_an_empty_body_and_knows_the_customer() {
    let srv = TestServer::start().await;
    let empty = srv
        .send(
            srv.client
                .post(srv.url("/api/billing/pricing-models/retrieve")),
        )
        .await;
    assert_eq!(empty.data()["source"], "default");
    let alice = srv
        .route(
            "pricing-models/retrieve",
            json!({}),
            Auth::Bearer("demo-alice"),
        )
        .await;
    assert_eq!(alice.data()["source"], "customer");
    // A stale token is no error for a public read.
    let stale = srv
        .route(
            "pricing-models/retrieve",
            json!({}),
            Auth::Bearer("bogus-token"),
        )
        .await;
    assert_eq!(stale.data()["source"], "default");
}

#[tokio::test]
async fn create_by_slug_returns_an_open_product_session_and_hosted_url() {
    let srv = TestServer::start().await;
    let body = create_body(json!({
        "priceSlug": "onboarding",
        "outputName": "Team onboarding",
        "outputMetadata": {"team": "t_42"},
    }));
    let reply = srv
        .route("checkout-sessions/create", body, Auth::None)
        .await;
    let data = reply.data();
    let session = &data["checkoutSession"];
    let id = session["id"].as_str().unwrap();
    assert!(id.starts_with("cs_") && id.len() == 35, "{id}");
    assert!(
        id[3..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
    assert_eq!(
        data["url"],
        format!("{}/checkout/{id}", srv.server.base_url)
    );
    assert_eq!(session["type"], "product");
    assert_eq!(session["status"], "open");
    assert_eq!(session["priceId"], "price_onboarding");
    assert_eq!(session["quantity"], 1);
    assert_eq!(session["customerId"], Value::Null);
    assert_eq!(session["outputName"], "Team onboarding");
    assert_eq!(session["outputMetadata"]["team"], "t_42");
    assert_eq!(session["organizationId"], "org_demo");
    assert_eq!(session["pricingModelId"], "pm_demo");
    assert_eq!(session["livemode"], false);
    // The placeholder survives validation and storage unchanged.
    assert_eq!(
        session["successUrl"],
        "https://shop.test/success?session_id={CHECKOUT_SESSION_ID}"
    );
    assert_eq!(
        session["cancelUrl"],
        "https://shop.test/pricing?cancelled={CHECKOUT_SESSION_ID}"
    );
    let created = session["createdAt"].as_i64().unwrap();
    assert_eq!(
        session["expires"].as_i64().unwrap() - created,
        24 * 60 * 60 * 1000
    );
}

#[tokio::test]
async fn create_by_id_and_quantity_three_of_jpy_totals_3600() {
    let srv = TestServer::start().await;
    let reply = srv
        .route(
            "checkout-sessions/create",
            create_body(json!({"priceId": "price_credits_jpy", "quantity": 3})),
            Auth::None,
        )
        .await;
    let session = &reply.data()["checkoutSession"];
    assert_eq!(session["priceId"], "price_credits_jpy");
    assert_eq!(session["quantity"], 3);
    let hosted = srv.hosted(session["id"].as_str().unwrap()).await;
    let page = hosted.data();
    assert_eq!(page["currency"], "JPY");
    assert_eq!(page["lineItems"][0]["quantity"], 3);
    assert_eq!(page["lineItems"][0]["unitAmount"], 1200);
    assert_eq!(page["lineItems"][0]["amount"], 3600);
    assert_eq!(page["subtotal"], 3600);
    assert_eq!(page["totalDueToday"], 3600);
}

#[tokio::test]
async fn create_errors_have_their_status_and_code() {
    let srv = TestServer::start().await;
    let create = |body: Value| srv.route("checkout-sessions/create", body, Auth::None);

    let m = create(create_body(json!({"priceSlug": "no-such-price"})))
        .await
        .assert_error(404, "price_not_found");
    assert!(m.contains("no-such-price"), "{m}");
    let m = create(create_body(json!({"priceId": "price_nope"})))
        .await
        .assert_error(404, "price_not_found");
    assert!(m.contains("price_nope"), "{m}");
    create(create_body(
        json!({"priceId": "price_lifetime", "priceSlug": "lifetime"}),
    ))
    .await
    .assert_error(400, "price_ambiguous");
    create(create_body(json!({})))
        .await
        .assert_error(400, "price_missing");

    for q in [json!(0), json!(-1), json!(1.5), json!(1_000_001)] {
        let m = create(create_body(
            json!({"priceSlug": "credits-jpy", "quantity": q}),
        ))
        .await
        .assert_error(400, "invalid_quantity");
        assert_eq!(m, QUANTITY_MESSAGE, "{q}");
    }
    create(create_body(
        json!({"priceSlug": "credits-jpy", "quantity": "3"}),
    ))
    .await
    .assert_error(400, "invalid_request");

    // (A missing successUrl is allowed: see receipts.rs.)
    let mut no_cancel = create_body(json!({"priceSlug": "onboarding"}));
    no_cancel.as_object_mut().unwrap().remove("cancelUrl");
    let m = create(no_cancel).await.assert_error(400, "invalid_url");
    assert!(m.contains("cancelUrl"), "{m}");
    let m = create(create_body(
        json!({"priceSlug": "onboarding", "cancelUrl": "javascript:alert(1)"}),
    ))
    .await
    .assert_error(400, "invalid_url");
    assert!(m.contains("cancelUrl"), "{m}");
    for bad in ["data:text/html,hi", "/relative", "https://"] {
        create(create_body(
            json!({"priceSlug": "onboarding", "successUrl": bad}),
        ))
        .await
        .assert_error(400, "invalid_url");
    }
    create(create_body(
        json!({"priceSlug": "onboarding", "outputName": "x".repeat(201)}),
    ))
    .await
    .assert_error(400, "field_too_long");

    // Validation order: the price is checked before the quantity and URLs.
    create(json!({"priceSlug": "nope", "quantity": 0}))
        .await
        .assert_error(404, "price_not_found");
    create(json!({"priceSlug": "onboarding", "quantity": 0}))
        .await
        .assert_error(400, "invalid_quantity");
}

#[tokio::test]
async fn malformed_requests_and_unknown_actions() {
    let srv = TestServer::start().await;
    let url = srv.url("/api/billing/checkout-sessions/create");
    let raw = |body: &'static str, ct: &'static str| {
        srv.client.post(&url).header("content-type", ct).body(body)
    };

    let m = srv
        .send(raw("{\"priceSlug\": ", "application/json"))
        .await
        .assert_error(400, "invalid_request");
    assert!(m.contains("JSON"), "{m}");
    srv.send(raw("[1,2]", "application/json"))
        .await
        .assert_error(400, "invalid_request");
    srv.send(raw("{\"priceSlug\":\"onboarding\"}", "text/plain"))
        .await
        .assert_error(400, "invalid_request");
    let big = format!("{{\"outputName\":\"{}\"}}", "x".repeat(300 * 1024));
    srv.send(
        srv.client
            .post(&url)
            .header("content-type", "application/json")
            .body(big),
    )
    .await
    .assert_error(413, "payload_too_large");

    srv.route("no/such-action", json!({}), Auth::None)
        .await
        .assert_error(404, "not_found");
    srv.route("customers/billing/extra", json!({}), Auth::None)
        .await
        .assert_error(404, "not_found");
    // An action Flowglad's hook does not have (subscriptions/adjust is
    // answered since issue 15).
    srv.route("subscriptions/pause", json!({}), Auth::None)
        .await
        .assert_error(404, "not_found");
    // Every action the protocol lists (what the widget's test kit answers)
    // is one this route knows: none is an unknown action.
    for action in checkout_protocol::action::ALL {
        let reply = srv.route(action, json!({}), Auth::None).await;
        assert!(
            reply.body["error"]["code"] != "not_found",
            "{action}: {} {}",
            reply.status,
            reply.body
        );
    }
    // The route only takes POST.
    srv.send(
        srv.client
            .get(srv.url("/api/billing/pricing-models/retrieve")),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn the_customer_comes_from_credentials_never_the_body() {
    let srv = TestServer::start().await;
    let create =
        |extra: Value, auth| srv.route("checkout-sessions/create", create_body(extra), auth);

    let alice = create(
        json!({"priceSlug": "onboarding"}),
        Auth::Bearer("demo-alice"),
    )
    .await;
    let s = &alice.data()["checkoutSession"];
    assert_eq!(s["customerId"], "cus_alice");
    assert_eq!(s["customerEmail"], "alice@example.com");
    assert_eq!(s["customerName"], "Alice Martin");

    let bob = create(json!({"priceSlug": "onboarding"}), Auth::Cookie("demo-bob")).await;
    assert_eq!(bob.data()["checkoutSession"]["customerId"], "cus_bob");

    let spoof = create(
        json!({"priceSlug": "onboarding", "customerId": "cus_alice"}),
        Auth::None,
    )
    .await;
    assert_eq!(spoof.data()["checkoutSession"]["customerId"], Value::Null);
    let spoof = create(
        json!({"priceSlug": "onboarding", "customerId": "cus_alice"}),
        Auth::Cookie("demo-bob"),
    )
    .await;
    assert_eq!(spoof.data()["checkoutSession"]["customerId"], "cus_bob");

    let m = create(
        json!({"priceSlug": "onboarding"}),
        Auth::Bearer("bogus-token"),
    )
    .await
    .assert_error(401, "unauthorized");
    assert_eq!(m, "Your sign-in is no longer valid. Sign in again.");
    create(
        json!({"priceSlug": "onboarding"}),
        Auth::Cookie("bogus-token"),
    )
    .await
    .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn route_prefix_and_public_url_are_configurable() {
    let srv = TestServer::start_with(|c| {
        c.route_prefix = "/billing".into();
        c.public_url = Some("https://pay.example.com".into());
        // A public URL redirects only to its own origin unless the hosts
        // are listed; the test shop's host is.
        c.redirect_hosts = "shop.test".parse().unwrap();
    })
    .await;
    let reply = srv
        .send(
            srv.client
                .post(srv.url("/billing/checkout-sessions/create"))
                .json(&create_body(json!({"priceSlug": "lifetime"}))),
        )
        .await;
    let data = reply.data();
    let id = data["checkoutSession"]["id"].as_str().unwrap();
    assert_eq!(
        data["url"],
        format!("https://pay.example.com/checkout/{id}")
    );
    srv.send(srv.client.post(srv.url("/billing/nope")).json(&json!({})))
        .await
        .assert_error(404, "not_found");
    srv.route("pricing-models/retrieve", json!({}), Auth::None)
        .await
        .assert_error(404, "not_found");
}
