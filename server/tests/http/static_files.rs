//! The built widget and the health check.

use crate::support::TestServer;
use reqwest::header;

const INDEX: &str =
    "<!doctype html><title>widget</title><script type=module src=/checkout-widget.js></script>";

async fn with_dist() -> TestServer {
    let srv = TestServer::start().await;
    let dist = srv.dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX).unwrap();
    std::fs::write(dist.join("checkout-widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("checkout-widget.js"), "export {};").unwrap();
    srv
}

#[tokio::test]
async fn app_paths_serve_index_html_without_caching() {
    let srv = with_dist().await;
    for path in [
        "/",
        "/checkout/cs_x",
        "/add-payment-method/cs_x",
        "/success",
        "/cancel",
    ] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-cache",
            "{path}"
        );
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn files_get_their_content_types_and_unknown_paths_404() {
    let srv = with_dist().await;
    let wasm = srv
        .client
        .get(srv.url("/checkout-widget_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(wasm.status().as_u16(), 200);
    assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
    let js = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .send()
        .await
        .unwrap();
    assert!(js.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));

    let missing = srv.client.get(srv.url("/nope.js")).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let escape = srv
        .client
        .get(srv.url("/../Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(escape.status().as_u16(), 404);

    let api = srv.send(srv.client.get(srv.url("/api/nope"))).await;
    api.assert_error(404, "not_found");
    srv.send(srv.client.post(srv.url("/api/v2/things")))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn an_unbuilt_widget_says_how_to_build_it() {
    let srv = TestServer::start().await;
    for path in ["/", "/checkout/cs_x", "/add-payment-method/cs_x"] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 503, "{path}");
        assert!(
            response.text().await.unwrap().contains("cargo xtask build"),
            "{path}"
        );
    }
    let health = srv.client.get(srv.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
}
