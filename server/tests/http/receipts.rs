//! Receipts and branding (issue 16, items 3 and 6): a session created
//! without a `successUrl` (route and platform API) is sent back to its own
//! hosted page, which reads a receipt from the hosted view; the catalog's
//! logo and brand colour reach that view, are checked when the server
//! starts, and the logo's origin is the one image source the CSP adds.

use crate::support::{confirm_body, serve_catalog, write_files, Auth, TestServer};
use reqwest::header;
use serde_json::{json, Value};

/// Create params for `slug` with a cancel URL and no success URL.
fn without_success_url(slug: &str) -> Value {
    json!({"priceSlug": slug, "cancelUrl": "https://shop.test/pricing"})
}

fn demo_catalog() -> Value {
    serde_json::from_str(checkout_server::DEMO_CATALOG).expect("demo catalog is JSON")
}

/// Starts a server on the demo catalog with `organization` fields replaced,
/// expecting it to be refused; the start error as a person reads it.
async fn refused_start(organization: Value) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut catalog = demo_catalog();
    catalog["organization"] = organization;
    write_files(
        dir.path(),
        &[("catalog.json", &serde_json::to_vec(&catalog).unwrap())],
    );
    let mut config = crate::support::config_in(dir.path());
    config.catalog = Some(dir.path().join("catalog.json"));
    checkout_server::spawn(config)
        .await
        .expect_err("the catalog is refused")
        .to_string()
}

#[tokio::test]
async fn a_route_session_without_success_url_returns_to_its_receipt() {
    let srv = TestServer::start().await;
    let before = crate::support::now_ms();
    let created = srv
        .route(
            "checkout-sessions/create",
            without_success_url("onboarding"),
            Auth::None,
        )
        .await;
    let session = &created.data()["checkoutSession"];
    assert_eq!(session["successUrl"], Value::Null);
    let id = session["id"].as_str().unwrap().to_owned();
    let hosted_page = srv.url(&format!("/checkout/{id}"));

    let open = srv.hosted(&id).await;
    assert_eq!(open.data()["status"], "open");
    assert_eq!(open.data().get("paidAt"), None);
    assert_eq!(open.data().get("purchaseId"), None);

    let paid = srv.confirm(&id, "4242424242424242").await;
    assert_eq!(paid.data()["redirectUrl"], hosted_page.as_str());

    let receipt = srv.hosted(&id).await;
    let r = receipt.data();
    assert_eq!(r["status"], "succeeded");
    assert_eq!(r["successRedirectUrl"], hosted_page.as_str());
    assert_eq!(r["merchantName"], "Acme Cloud");
    assert_eq!(r["lineItems"][0]["name"], "Onboarding");
    assert_eq!(r["lineItems"][0]["quantity"], 1);
    assert_eq!(r["totalDueToday"], 4900);
    assert_eq!(r["paymentMethod"]["last4"], "4242");
    assert_eq!(r["paymentMethod"]["brand"], "visa");
    let paid_at = r["paidAt"].as_i64().expect("paidAt");
    assert!(
        paid_at >= before && paid_at <= crate::support::now_ms(),
        "{paid_at}"
    );
    assert!(r["purchaseId"].as_str().unwrap().starts_with("pur_"), "{r}");
    assert_eq!(r.get("subscriptionId"), None);
    // Public page: no customer ids or metadata on the receipt either.
    for private in [
        "customerId",
        "outputMetadata",
        "metadata",
        "customerExternalId",
    ] {
        assert_eq!(r.get(private), None, "{private}");
    }
    // The link read again later shows the same receipt.
    assert_eq!(srv.hosted(&id).await.data(), r);
}

#[tokio::test]
async fn a_platform_session_without_success_url_returns_to_its_hosted_page() {
    let srv = TestServer::start().await;
    let mut session = without_success_url("pro-monthly");
    session["type"] = json!("product");
    session["customerExternalId"] = json!("alice");
    let created = srv
        .platform_create(json!({ "checkoutSession": session }))
        .await;
    assert_eq!(created.status.as_u16(), 200, "{}", created.body);
    assert_eq!(created.body["checkoutSession"]["successUrl"], Value::Null);
    let id = created.body["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let paid = srv
        .confirm_with(&id, confirm_body("4242424242424242"))
        .await;
    assert_eq!(
        paid.data()["redirectUrl"],
        srv.url(&format!("/checkout/{id}")).as_str()
    );
    let r = srv.hosted(&id).await;
    assert!(
        r.data()["subscriptionId"]
            .as_str()
            .unwrap()
            .starts_with("sub_"),
        "{}",
        r.body
    );
    // The merchant's own view says the same: no success URL, paid.
    let merchant = srv
        .platform_get(&id, Some(crate::support::SECRET_KEY))
        .await;
    assert_eq!(merchant.body["checkoutSession"]["successUrl"], Value::Null);
    assert_eq!(merchant.body["checkoutSession"]["status"], "succeeded");
}

#[tokio::test]
async fn a_blank_success_url_is_none_and_a_bad_one_is_still_refused() {
    let srv = TestServer::start().await;
    let mut blank = without_success_url("onboarding");
    blank["successUrl"] = json!("   ");
    let created = srv
        .route("checkout-sessions/create", blank, Auth::None)
        .await;
    assert_eq!(created.data()["checkoutSession"]["successUrl"], Value::Null);
    for bad in [
        "javascript:alert(1)",
        "/relative",
        "https://shop.test@evil.test/",
    ] {
        let mut body = without_success_url("onboarding");
        body["successUrl"] = json!(bad);
        let reply = srv
            .route("checkout-sessions/create", body, Auth::None)
            .await;
        let message = reply.assert_error(400, "invalid_url");
        assert!(message.starts_with("successUrl "), "{bad}: {message}");
    }
    // The cancel URL stays required.
    let reply = srv
        .route(
            "checkout-sessions/create",
            json!({"priceSlug": "onboarding"}),
            Auth::None,
        )
        .await;
    assert_eq!(
        reply.assert_error(400, "invalid_url"),
        "cancelUrl is required."
    );
}

#[tokio::test]
async fn the_catalog_branding_reaches_the_hosted_view() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let r = srv.hosted(&id).await;
    assert_eq!(
        r.data()["branding"],
        json!({"logoUrl": "/favicon.svg", "brandColor": "#4f46e5", "brandTextColor": "#ffffff"})
    );
}

#[tokio::test]
async fn a_low_contrast_brand_colour_is_refused_at_start_naming_the_ratio() {
    let message = refused_start(json!({
        "id": "org_demo", "name": "Acme Cloud",
        "brandColor": "#FACC15", "brandTextColor": "#ffffff"
    }))
    .await;
    assert!(
        message.contains(
            "organization.brandColor #facc15 with brandTextColor #ffffff has a contrast of only 1.53:1; \
             button text needs at least 4.5:1 (WCAG AA)"
        ),
        "{message}"
    );
    assert!(message.contains("#000000"), "{message}");
}

#[tokio::test]
async fn a_brand_colour_alone_gets_text_that_passes() {
    let mut catalog = demo_catalog();
    catalog["organization"]["brandColor"] = json!("#FACC15");
    let (srv, _dir) = serve_catalog(tempfile::tempdir().unwrap(), &catalog).await;
    let id = srv.create_session("onboarding").await;
    let reply = srv.hosted(&id).await;
    let branding = &reply.data()["branding"];
    assert_eq!(branding["brandColor"], "#facc15");
    assert_eq!(branding["brandTextColor"], "#000000");
}

#[tokio::test]
async fn a_logo_that_is_not_https_is_refused_at_start() {
    for bad in [
        "http://cdn.example.com/logo.png",
        "data:image/svg+xml,<svg/>",
        "//cdn.example.com/logo.png",
    ] {
        let message =
            refused_start(json!({"id": "org_demo", "name": "Acme Cloud", "logoUrl": bad})).await;
        assert!(
            message
                .contains("organization.logoUrl must be an https:// URL or a path on this server"),
            "{bad}: {message}"
        );
    }
    let message =
        refused_start(json!({"id": "org_demo", "name": "Acme Cloud", "brandColor": "indigo"}))
            .await;
    assert!(
        message.contains("organization.brandColor must be a colour written #rrggbb"),
        "{message}"
    );
}

#[tokio::test]
async fn an_https_logo_adds_only_its_origin_to_the_csp() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = demo_catalog();
    catalog["organization"]["logoUrl"] = json!("https://cdn.example.com/brand/logo.svg");
    write_files(
        dir.path(),
        &[("catalog.json", &serde_json::to_vec(&catalog).unwrap())],
    );
    let path = dir.path().join("catalog.json");
    let srv = TestServer::with_dist(&[("index.html", crate::dist::INDEX.as_bytes())], |c| {
        c.catalog = Some(path)
    })
    .await;
    let response = srv
        .client
        .get(srv.url("/checkout/cs_x"))
        .send()
        .await
        .unwrap();
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("; img-src 'self' data: https://cdn.example.com; "),
        "{csp}"
    );
    assert!(!csp.contains("/brand/logo.svg"), "{csp}");
    let id = srv.create_session("onboarding").await;
    assert_eq!(
        srv.hosted(&id).await.data()["branding"]["logoUrl"],
        "https://cdn.example.com/brand/logo.svg"
    );
}
