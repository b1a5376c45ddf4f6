//! Redirect URLs on the server: script schemes and their look-alikes are
//! refused on every create path, and `--redirect-hosts` restricts where a
//! checkout may send the customer (the server's own origin always allowed).

use crate::support::{create_body, Auth, TestServer};
use checkout_server::redirect_hosts::parse_redirect_hosts;
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
        ("https://a.example/ok?id={CHECKOUT_SESSION_ID}", "https://A.EXAMPLE/cancel"),
        ("https://shop.b.example/ok", "http://a.example:8080/back"),
        ("https://pay.example.com/success", "https://pay.example.com/cancel"),
    ] {
        create(success, cancel).await.data();
    }
    for (success, cancel, field, code) in [
        ("https://evil.test/ok", "https://a.example/c", "successUrl", "redirect_host_not_allowed"),
        ("https://a.example/ok", "https://evil.test/c", "cancelUrl", "redirect_host_not_allowed"),
        ("https://a.example.evil.test/ok", "https://a.example/c", "successUrl", "redirect_host_not_allowed"),
        ("https://b.example/ok", "https://a.example/c", "successUrl", "redirect_host_not_allowed"),
        ("https://pay.example.com:8443/ok", "https://a.example/c", "successUrl", "redirect_host_not_allowed"),
        ("https://xn--a-xcz.example/ok", "https://a.example/c", "successUrl", "redirect_host_not_allowed"),
        // The classic look-alike is refused before the allowlist is asked.
        ("https://a.example@evil.test/ok", "https://a.example/c", "successUrl", "invalid_url"),
    ] {
        let m = create(success, cancel).await.assert_error(400, code);
        assert!(m.starts_with(field), "{success}: {m}");
    }
    // The platform API is held to the same list.
    srv.platform_create(json!({"checkoutSession": {"type": "product", "anonymous": true, "priceSlug": "onboarding",
        "successUrl": "https://evil.test/ok", "cancelUrl": "https://a.example/c"}}))
        .await
        .assert_error(400, "redirect_host_not_allowed");
    assert_eq!(srv.count_rows("checkout_sessions"), 3);
}
