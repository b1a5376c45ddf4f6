//! Compression: brotli and gzip for text, JavaScript, wasm and JSON, never
//! for compressed image formats; `Vary: Accept-Encoding`; the bytes survive
//! the round trip.

use crate::dist;
use crate::support::TestServer;
use reqwest::header;
use std::io::Read;

fn brotli_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

fn gzip_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

async fn get_encoded(srv: &TestServer, path: &str, accept: &str) -> reqwest::Response {
    srv.client
        .get(srv.url(path))
        .header(header::ACCEPT_ENCODING, accept)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn wasm_round_trips_through_brotli_at_both_urls() {
    let srv = dist::server().await;
    let wasm = dist::wasm();
    for path in [
        "/checkout-widget-app_bg.wasm".to_owned(),
        format!("/v/{}/checkout-widget-app_bg.wasm", srv.server.build_id),
    ] {
        let response = get_encoded(&srv, &path, "br").await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_ENCODING], "br", "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/wasm", "{path}");
        assert_eq!(headers[header::VARY], "accept-encoding", "{path}");
        let body = response.bytes().await.unwrap();
        assert!(body.len() < wasm.len(), "{path}: {} bytes", body.len());
        assert_eq!(brotli_decode(&body), wasm, "{path}");
    }
}

#[tokio::test]
async fn js_json_and_css_round_trip_through_gzip() {
    let srv = dist::server().await;
    let js = get_encoded(&srv, "/checkout-widget-app.js", "gzip").await;
    assert_eq!(js.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(
        gzip_decode(&js.bytes().await.unwrap()),
        dist::app_js().into_bytes()
    );

    let pricing = srv
        .client
        .post(srv.url("/api/billing/pricing-models/retrieve"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(pricing.headers()[header::CONTENT_ENCODING], "gzip");
    let body: serde_json::Value =
        serde_json::from_slice(&gzip_decode(&pricing.bytes().await.unwrap())).unwrap();
    assert!(body["data"]["pricingModel"].is_object(), "{body}");

    let preferred = get_encoded(&srv, "/checkout-widget-app.js", "gzip;q=0.5, br").await;
    assert_eq!(preferred.headers()[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn identity_when_not_asked_and_images_never() {
    let srv = dist::server().await;
    let plain = srv
        .client
        .get(srv.url("/checkout-widget-app_bg.wasm"))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(
        plain.headers()[header::VARY],
        "accept-encoding",
        "caches must know it varies"
    );
    assert_eq!(
        plain.bytes().await.unwrap().as_ref(),
        dist::wasm().as_slice()
    );

    let png = get_encoded(&srv, "/logo.png", "br, gzip").await;
    assert!(png.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(png.headers().get(header::VARY).is_none());
    assert_eq!(png.bytes().await.unwrap().as_ref(), dist::png().as_slice());
}

#[tokio::test]
async fn encoded_bodies_have_their_own_etag_and_still_revalidate() {
    let srv = dist::server().await;
    let plain = srv
        .client
        .get(srv.url("/checkout-widget-app_bg.wasm"))
        .send()
        .await
        .unwrap();
    let etag = plain.headers()[header::ETAG].to_str().unwrap().to_owned();
    let br = get_encoded(&srv, "/checkout-widget-app_bg.wasm", "br").await;
    let br_etag = br.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(br_etag, format!("{}-br\"", etag.trim_end_matches('"')));

    let again = srv
        .client
        .get(srv.url("/checkout-widget-app_bg.wasm"))
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_NONE_MATCH, &br_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers()[header::VARY], "accept-encoding");
}

/// A real brotli stream of `text`, made by the server's own on-the-fly compression.
async fn brotli_of(text: &[u8]) -> Vec<u8> {
    let srv = crate::support::TestServer::with_dist(&[("m.js", text)], |_| {}).await;
    let response = get_encoded(&srv, "/m.js", "br").await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_precompressed_br_sibling_is_what_brotli_clients_get_at_both_urls() {
    // The sibling decodes to other text than the file, so the answer shows which bytes went out.
    let marker = b"export const precompressed = true;\n".repeat(20);
    let br = brotli_of(&marker).await;
    let js = dist::contents("checkout-widget-app.js");
    // Written sibling first, as a copy of dist/ may do: the file is a moment newer.
    let srv = TestServer::with_dist(&[("app.js.br", &br), ("app.js", &js)], |_| {}).await;
    for path in [
        "/app.js".to_owned(),
        format!("/v/{}/app.js", srv.server.build_id),
    ] {
        let response = get_encoded(&srv, &path, "gzip, deflate, br").await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_ENCODING], "br", "{path}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8",
            "{path}"
        );
        assert!(
            headers[header::VARY]
                .to_str()
                .unwrap()
                .contains("accept-encoding"),
            "{path}"
        );
        assert!(
            headers[header::ETAG].to_str().unwrap().ends_with("-br\""),
            "{path}"
        );
        let body = response.bytes().await.unwrap();
        assert_eq!(body.as_ref(), br.as_slice(), "{path}");
        assert_eq!(brotli_decode(&body), marker, "{path}");

        // A client without brotli gets the file itself.
        let plain = get_encoded(&srv, &path, "gzip").await;
        assert_eq!(plain.headers()[header::CONTENT_ENCODING], "gzip", "{path}");
        assert_eq!(gzip_decode(&plain.bytes().await.unwrap()), js, "{path}");
    }
}

#[tokio::test]
async fn a_br_sibling_much_older_than_its_file_is_ignored() {
    let marker = b"export const stale = true;\n".repeat(20);
    let br = brotli_of(&marker).await;
    let js = dist::contents("checkout-widget-app.js");
    let srv = TestServer::with_dist(&[("app.js.br", &br), ("app.js", &js)], |_| {}).await;
    // The file is edited two minutes after the build wrote its sibling.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(srv.dist().join("app.js"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let response = get_encoded(&srv, "/app.js", "br").await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(brotli_decode(&response.bytes().await.unwrap()), js);
}
