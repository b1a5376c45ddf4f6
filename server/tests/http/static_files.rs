//! The built widget and the health check: content types, the app shell,
//! examples, and what happens when nothing is built.

use crate::dist::{self, HOSTED, INDEX};
use crate::support::TestServer;
use reqwest::header;

#[tokio::test]
async fn app_paths_serve_index_html_and_hosted_pages_hosted_html_without_caching() {
    let srv = dist::server().await;
    for (path, shell) in [
        ("/", INDEX),
        ("/index.html", INDEX),
        ("/checkout/cs_x", HOSTED),
        ("/add-payment-method/cs_x", HOSTED),
        ("/success", INDEX),
        ("/cancel", INDEX),
    ] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-cache",
            "{path}"
        );
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8",
            "{path}"
        );
        assert!(response.headers().contains_key(header::ETAG), "{path}");
        assert_eq!(response.text().await.unwrap(), shell, "{path}");
    }
}

#[tokio::test]
async fn a_hosted_page_without_hosted_html_says_how_to_build_it() {
    let srv = TestServer::start().await;
    crate::support::write_files(&srv.dist(), &[("index.html", INDEX.as_bytes())]);
    let app = srv.client.get(srv.url("/")).send().await.unwrap();
    assert_eq!(app.status().as_u16(), 200);
    let page = srv
        .client
        .get(srv.url("/checkout/cs_x"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 503);
    let text = page.text().await.unwrap();
    assert!(text.contains("cargo xtask build"), "{text}");
    assert!(
        !text.contains("<title>widget</title>"),
        "never the app shell instead"
    );
}

#[tokio::test]
async fn every_kind_of_file_gets_its_content_type() {
    let srv = dist::server().await;
    for (path, content_type) in [
        ("/checkout-widget.js", "text/javascript; charset=utf-8"),
        ("/checkout-widget-app.js", "text/javascript; charset=utf-8"),
        (
            "/snippets/checkout-widget-a2ef/js/custom-element.js",
            "text/javascript; charset=utf-8",
        ),
        ("/module.mjs", "text/javascript; charset=utf-8"),
        ("/checkout-widget-app_bg.wasm", "application/wasm"),
        ("/widget.css", "text/css; charset=utf-8"),
        ("/main.css", "text/css; charset=utf-8"),
        ("/checkout-widget.d.ts", "text/plain; charset=utf-8"),
        ("/examples/plain.html", "text/html; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/manifest.json", "application/json"),
        ("/logo.png", "image/png"),
    ] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            content_type,
            "{path}"
        );
        let key = path.trim_start_matches('/');
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            dist::contents(key).as_slice(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_paths_escapes_and_api_paths_are_404s() {
    let srv = dist::server().await;
    for path in [
        "/nope.js",
        "/../Cargo.toml",
        "/%2e%2e/db/checkout.sqlite3",
        "/examples/..%2f..%2fdb/checkout.sqlite3",
        "/checkout-widget.js/x",
        "//checkout-widget.js",
    ] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    let api = srv.send(srv.client.get(srv.url("/api/nope"))).await;
    api.assert_error(404, "not_found");
    srv.send(srv.client.post(srv.url("/api/v2/things")))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn files_answer_only_get_and_head() {
    let srv = dist::server().await;
    let head = srv
        .client
        .head(srv.url("/checkout-widget.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    assert!(head.headers().contains_key(header::ETAG));
    assert_eq!(head.bytes().await.unwrap().len(), 0);

    let post = srv
        .client
        .post(srv.url("/checkout-widget.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);
    assert_eq!(post.headers()[header::ALLOW], "GET, HEAD");
}

#[tokio::test]
async fn examples_are_served_and_a_folder_needs_an_index() {
    let srv = dist::server().await;
    let page = srv
        .client
        .get(srv.url("/examples/plain.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");
    for path in ["/examples", "/examples/"] {
        let response = srv.client.get(srv.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path} has no index.html");
    }

    std::fs::write(
        srv.dist().join("examples/index.html"),
        "<!doctype html><title>examples</title>",
    )
    .unwrap();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let bare = no_redirects.get(srv.url("/examples")).send().await.unwrap();
    assert_eq!(
        bare.status().as_u16(),
        308,
        "to the folder, so relative links resolve"
    );
    assert_eq!(bare.headers()[header::LOCATION], "/examples/");
    let index = srv.client.get(srv.url("/examples/")).send().await.unwrap();
    assert_eq!(index.status().as_u16(), 200);
    assert_eq!(
        index.text().await.unwrap(),
        "<!doctype html><title>examples</title>"
    );
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

#[tokio::test]
async fn a_widget_built_after_start_is_served_at_its_unversioned_urls() {
    let srv = TestServer::start().await;
    crate::support::write_files(
        &srv.dist(),
        &[
            ("index.html", INDEX.as_bytes()),
            ("checkout-widget.js", b"export {};"),
        ],
    );
    let page = srv.client.get(srv.url("/")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.text().await.unwrap(), INDEX);
    let js = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status().as_u16(), 200);
}

#[tokio::test]
async fn a_route_prefix_on_the_servers_own_paths_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::support::config_in(dir.path());
    config.route_prefix = "/v".into();
    let error = checkout_server::spawn(config).await.unwrap_err();
    assert!(error.to_string().contains("`/v` is taken"), "{error}");
}
