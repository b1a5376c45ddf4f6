//! Redirect URLs on the server: script schemes and their look-alikes are
//! refused on every create path, and `--redirect-hosts` restricts where a
//! checkout may send the customer (the server's own origin always allowed).

use crate::support::{create_body, Auth, TestServer};
use checkout_server::config::parse_redirect_hosts;
use serde_json::json;

/// Script URLs a merchant page (or an attacker holding a key) might try.
const HOSTILE: &[&str] = &[
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\u{1}javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript%3Aalert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "VbScRiPt:msgbox(1)",
    "https://shop.example@evil.test/",
    "https:\\\\evil.test/",
    "https://shop\u{200B}.example/",
    "//evil.test/path",
];

#[tokio::test]
async fn script_and_look_alike_urls_are_refused_on_every_create() {
    let srv = TestServer::start().await;
    for bad in HOSTILE {
        for field in ["successUrl", "cancelUrl"] {
            let mut body = create_body(json!({"priceSlug": "onboarding"}));
            body[field] = json!(bad);
            let m = srv
                .route("checkout-sessions/create", body.clone(), Auth::None)
                .await
                .assert_error(400, "invalid_url");
            assert!(m.starts_with(field), "{bad:?}: {m}");
            srv.route(
                "checkout-sessions/create-add-payment-method",
                body.clone(),
                Auth::Bearer("demo-alice"),
            )
            .await
            .assert_error(400, "invalid_url");
            let mut platform = body.clone();
            platform["type"] = json!("product");
            platform["anonymous"] = json!(true);
            srv.platform_create(json!({"checkoutSession": platform}))
                .await
                .assert_error(400, "invalid_url");
        }
    }
    assert_eq!(srv.count_rows("checkout_sessions"), 0);
}

#[tokio::test]
async fn an_allowlist_limits_redirect_hosts_but_never_the_server_itself() {
    let srv = TestServer::start_with(|c| {
        c.redirect_hosts = parse_redirect_hosts("a.example,*.b.example").unwrap();
        c.public_url = Some("https://pay.example.com".into());
    })
    .await;
    let create = |success: &str, cancel: &str| {
        let body = json!({"priceSlug": "onboarding", "successUrl": success, "cancelUrl": cancel});
        srv.route("checkout-sessions/create", body, Auth::None)
    };
    for (success, cancel) in [
        (
            "https://a.example/ok?id={CHECKOUT_SESSION_ID}",
            "https://A.EXAMPLE/cancel",
        ),
        ("https://shop.b.example/ok", "http://a.example:8080/back"),
        (
            "https://pay.example.com/success",
            "https://pay.example.com/cancel",
        ),
    ] {
        create(success, cancel).await.data();
    }
    for (success, cancel, field, code) in [
        (
            "https://evil.test/ok",
            "https://a.example/c",
            "successUrl",
            "redirect_host_not_allowed",
        ),
        (
            "https://a.example/ok",
            "https://evil.test/c",
            "cancelUrl",
            "redirect_host_not_allowed",
        ),
        (
            "https://a.example.evil.test/ok",
            "https://a.example/c",
            "successUrl",
            "redirect_host_not_allowed",
        ),
        (
            "https://b.example/ok",
            "https://a.example/c",
            "successUrl",
            "redirect_host_not_allowed",
        ),
        (
            "https://pay.example.com:8443/ok",
            "https://a.example/c",
            "successUrl",
            "redirect_host_not_allowed",
        ),
        (
            "https://xn--a-xcz.example/ok",
            "https://a.example/c",
            "successUrl",
            "redirect_host_not_allowed",
        ),
        // The classic look-alike is refused before the allowlist is asked.
        (
            "https://a.example@evil.test/ok",
            "https://a.example/c",
            "successUrl",
            "invalid_url",
        ),
    ] {
        let m = create(success, cancel).await.assert_error(400, code);
        assert!(m.starts_with(field), "{success}: {m}");
    }
    // The platform API is held to the same list.
    srv.platform_create(
        json!({"checkoutSession": {"type": "product", "anonymous": true, "priceSlug": "onboarding",
        "successUrl": "https://evil.test/ok", "cancelUrl": "https://a.example/c"}}),
    )
    .await
    .assert_error(400, "redirect_host_not_allowed");
    assert_eq!(srv.count_rows("checkout_sessions"), 3);
}

// --- Safe defaults (issue 13): redirect hosts in a public deployment. ---

#[tokio::test]
async fn a_public_deployment_without_a_list_redirects_only_to_its_own_origin() {
    let srv =
        TestServer::start_with(|c| c.public_url = Some("https://pay.example.com".into())).await;
    let create = |success: &str, cancel: &str| {
        let body = json!({"priceSlug": "onboarding", "successUrl": success, "cancelUrl": cancel});
        srv.route("checkout-sessions/create", body, Auth::None)
    };
    create(
        "https://pay.example.com/thanks?id={CHECKOUT_SESSION_ID}",
        "https://pay.example.com/back",
    )
    .await
    .data();
    for (success, cancel, field) in [
        (
            "https://evil.test/ok",
            "https://pay.example.com/c",
            "successUrl",
        ),
        (
            "https://pay.example.com/ok",
            "https://shop.test/c",
            "cancelUrl",
        ),
        (
            "http://pay.example.com/ok",
            "https://pay.example.com/c",
            "successUrl",
        ),
        (
            "https://pay.example.com.evil.test/ok",
            "https://pay.example.com/c",
            "successUrl",
        ),
    ] {
        let m = create(success, cancel)
            .await
            .assert_error(400, "redirect_host_not_allowed");
        assert!(m.starts_with(field), "{success} {cancel}: {m}");
    }
    srv.route(
        "checkout-sessions/create-add-payment-method",
        create_body(json!({})),
        Auth::Bearer("demo-alice"),
    )
    .await
    .assert_error(400, "redirect_host_not_allowed");
    // The platform API is held to the same rule.
    srv.platform_create(
        json!({"checkoutSession": {"type": "product", "anonymous": true, "priceSlug": "onboarding",
        "successUrl": "https://evil.test/ok", "cancelUrl": "https://pay.example.com/c"}}),
    )
    .await
    .assert_error(400, "redirect_host_not_allowed");
    assert_eq!(srv.count_rows("checkout_sessions"), 1);
    // A loopback public URL (the demo, these tests) keeps accepting any host.
    let local = TestServer::start().await;
    local
        .route(
            "checkout-sessions/create",
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::None,
        )
        .await
        .data();
}

#[tokio::test]
async fn a_route_only_server_checks_redirect_hosts_before_forwarding() {
    // A accepts any host (loopback); B is a public route forwarding to it.
    let a = TestServer::start().await;
    let upstream = a.server.base_url.clone();
    let route_only = |hosts: &'static str| {
        let upstream = upstream.clone();
        TestServer::start_with(move |c| {
            c.platform_url = Some(upstream);
            c.platform_key = Some(crate::support::SECRET_KEY.to_owned());
            c.public_url = Some("https://shop.example".into());
            // A route-only server needs a customer source (issue 13).
            c.customer_jwt_secret = Some("redirect-test-jwt-secret-0123456789abcdef".into());
            c.redirect_hosts = parse_redirect_hosts(hosts).unwrap();
        })
    };
    async fn create(b: &TestServer, success: &str) -> crate::support::Reply {
        let body = json!({"priceSlug": "onboarding", "successUrl": success, "cancelUrl": "https://shop.example/no"});
        b.route("checkout-sessions/create", body, Auth::None).await
    }
    let b = route_only("").await;
    create(&b, "https://evil.test/ok")
        .await
        .assert_error(400, "redirect_host_not_allowed");
    assert_eq!(
        a.count_rows("checkout_sessions"),
        0,
        "nothing was forwarded"
    );
    create(&b, "https://shop.example/ok?id={CHECKOUT_SESSION_ID}")
        .await
        .data();
    assert_eq!(a.count_rows("checkout_sessions"), 1);
    // With a list, listed hosts (and B's own origin) pass, others do not.
    let listed = route_only("pay.example").await;
    create(&listed, "https://pay.example/ok").await.data();
    create(&listed, "https://shop.example/ok").await.data();
    create(&listed, "https://evil.test/ok")
        .await
        .assert_error(400, "redirect_host_not_allowed");
    assert_eq!(a.count_rows("checkout_sessions"), 3);
}
