//! Security headers: the strict CSP and Referrer-Policy on every HTML
//! response, `nosniff` on everything, `no-store` on API JSON, and
//! `--frame-ancestors`.

use crate::dist;
use crate::support::{Auth, TestServer};
use checkout_server::config::parse_frame_ancestors;
use reqwest::header::{self, HeaderMap};
use serde_json::json;

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; \
base-uri 'none'; form-action 'self'; object-src 'none'";

#[track_caller]
fn assert_html_headers(headers: &HeaderMap, csp: &str, what: &str) {
    assert_eq!(headers[header::CONTENT_SECURITY_POLICY], csp, "{what}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(
        headers[header::REFERRER_POLICY],
        "strict-origin-when-cross-origin",
        "{what}"
    );
}

#[tokio::test]
async fn every_html_response_gets_the_csp_nosniff_and_referrer_policy() {
    let srv = dist::server().await;
    let id = srv.server.build_id.clone();
    for path in [
        "/".to_owned(),
        "/checkout/cs_x".to_owned(),
        "/add-payment-method/cs_x".to_owned(),
        "/success".to_owned(),
        "/examples/plain.html".to_owned(),
        format!("/v/{id}/index.html"),
    ] {
        let response = srv.client.get(srv.url(&path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_html_headers(response.headers(), CSP, &path);
    }
}

#[tokio::test]
async fn html_revalidations_and_the_not_built_page_keep_the_csp() {
    let srv = dist::server().await;
    let page = srv
        .client
        .get(srv.url("/checkout/cs_x"))
        .send()
        .await
        .unwrap();
    let etag = page.headers()[header::ETAG].clone();
    let not_modified = srv
        .client
        .get(srv.url("/checkout/cs_x"))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status().as_u16(), 304);
    assert_html_headers(not_modified.headers(), CSP, "304");

    let unbuilt = TestServer::start().await;
    let response = unbuilt.client.get(unbuilt.url("/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_html_headers(response.headers(), CSP, "503 page");
}

#[tokio::test]
async fn other_responses_get_nosniff_but_no_csp() {
    let srv = dist::server().await;
    let id = srv.server.build_id.clone();
    for path in [
        "/checkout-widget.js".to_owned(),
        format!("/v/{id}/checkout-widget.js"),
        "/checkout-widget-app_bg.wasm".to_owned(),
        "/widget.css".to_owned(),
        "/nope.js".to_owned(),
        "/api/embed".to_owned(),
        "/api/nope".to_owned(),
        "/healthz".to_owned(),
    ] {
        let response = srv.client.get(srv.url(&path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert!(
            headers.get(header::CONTENT_SECURITY_POLICY).is_none(),
            "{path}"
        );
        assert!(headers.get(header::REFERRER_POLICY).is_none(), "{path}");
    }
}

#[tokio::test]
async fn the_widget_files_load_from_other_origins_but_pages_and_apis_do_not() {
    let srv = dist::server().await;
    let id = srv.server.build_id.clone();
    for path in [
        "/checkout-widget.js".to_owned(),
        format!("/v/{id}/checkout-widget.js"),
        "/checkout-widget-app_bg.wasm".to_owned(),
        "/widget.css".to_owned(),
        // The message catalogs the embed fetches beside its entry module.
        "/locales/widget.fr.json".to_owned(),
        format!("/v/{id}/locales/widget.fr.json"),
    ] {
        let response = srv.client.get(srv.url(&path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "*",
            "{path}"
        );
        assert_eq!(
            response.headers()["cross-origin-resource-policy"],
            "cross-origin",
            "{path}"
        );
    }
    for path in [
        "/",
        "/checkout/cs_x",
        "/examples/plain.html",
        "/api/embed",
        "/api/nope",
        "/nope.js",
        // Other JSON is no widget file: only the catalogs are shared.
        "/manifest.json",
        "/locales/nope.json",
    ] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert!(
            response
                .headers()
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn frame_ancestors_go_into_the_csp() {
    let merchant =
        parse_frame_ancestors("'self', https://shop.example http://localhost:3000/").unwrap();
    let srv = dist::server_with(|c| c.frame_ancestors = merchant).await;
    let expected = CSP.replace(
        "frame-ancestors 'self';",
        "frame-ancestors 'self' https://shop.example http://localhost:3000;",
    );
    for path in ["/checkout/cs_x", "/examples/plain.html"] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_html_headers(response.headers(), &expected, path);
    }

    let none = parse_frame_ancestors("'none'").unwrap();
    let srv = dist::server_with(|c| c.frame_ancestors = none).await;
    let response = srv.client.get(srv.url("/")).send().await.unwrap();
    assert!(response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .contains("; frame-ancestors 'none'; "));
}

#[test]
fn invalid_frame_ancestors_stop_the_binary_with_a_clear_error() {
    for (how, value, says) in [
        ("flag", "https://shop.example/checkout", "no path"),
        ("flag", "self", "single quotes"),
        ("env", "'self' *.shop.example", "not a frame ancestor"),
        ("env", "'none' https://shop.example", "cannot be combined"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"));
        command
            .args(["--addr", "127.0.0.1:0"])
            .arg("--db")
            .arg(dir.path().join("db.sqlite3"))
            .env_remove("CHECKOUT_FRAME_ANCESTORS");
        match how {
            "flag" => command.args(["--frame-ancestors", value]),
            _ => command.env("CHECKOUT_FRAME_ANCESTORS", value),
        };
        let output = command.output().unwrap();
        assert!(!output.status.success(), "{value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--frame-ancestors"), "{value}: {stderr}");
        assert!(stderr.contains(says), "{value}: {stderr}");
        assert!(
            !dir.path().join("db.sqlite3").exists(),
            "refused before opening anything"
        );
    }
}

#[tokio::test]
async fn api_json_is_never_stored_but_static_json_revalidates() {
    let srv = dist::server().await;
    let pricing = srv
        .client
        .post(srv.url("/api/billing/pricing-models/retrieve"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(pricing.status().as_u16(), 200);
    assert_eq!(pricing.headers()[header::CACHE_CONTROL], "no-store");

    let id = srv.create_session("pro-monthly").await;
    for path in [
        format!("/api/checkout-sessions/{id}"),
        "/api/checkout-sessions/cs_nope".to_owned(),
        "/api/nope".to_owned(),
        "/api/embed".to_owned(),
    ] {
        let response = srv.client.get(srv.url(&path)).send().await.unwrap();
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-store",
            "{path}"
        );
    }
    let billing = crate::support::with_auth(
        srv.client
            .post(srv.url("/api/billing/customers/billing"))
            .json(&json!({})),
        Auth::Bearer("demo-alice"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(billing.status().as_u16(), 200);
    assert_eq!(billing.headers()[header::CACHE_CONTROL], "no-store");

    let file = srv
        .client
        .get(srv.url("/manifest.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.headers()[header::CACHE_CONTROL], "no-cache");
}
