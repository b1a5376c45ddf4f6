//! CORS on the server route: same-origin only by default, the listed
//! origins (`--allowed-origins`) with credentials and answered preflights;
//! the widget's files keep `*` whatever the list.

use crate::dist;
use crate::support::{create_body, TestServer};
use checkout_server::config::parse_allowed_origins;
use reqwest::header::{self, HeaderMap};
use reqwest::Method;

const SHOP: &str = "https://shop.example";

async fn post_from(srv: &TestServer, origin: &str) -> HeaderMap {
    srv.client
        .post(srv.url("/api/billing/checkout-sessions/create"))
        .header(header::ORIGIN, origin)
        .json(&create_body(serde_json::json!({"priceSlug": "onboarding"})))
        .send()
        .await
        .unwrap()
        .headers()
        .clone()
}

async fn preflight(srv: &TestServer, origin: &str) -> reqwest::Response {
    srv.client
        .request(
            Method::OPTIONS,
            srv.url("/api/billing/checkout-sessions/create"),
        )
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "content-type, idempotency-key",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn by_default_no_other_origin_may_read_the_route() {
    let srv = TestServer::start().await;
    let headers = post_from(&srv, SHOP).await;
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert!(headers
        .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .is_none());
    assert!(headers[header::VARY].to_str().unwrap().contains("origin"));
    let refused = preflight(&srv, SHOP).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    assert!(refused
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_METHODS)
        .is_none());
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    // Same-origin calls need no CORS and still work.
    let own = srv.server.base_url.clone();
    assert!(post_from(&srv, &own)
        .await
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    assert_eq!(srv.count_rows("checkout_sessions"), 2);
}

#[tokio::test]
async fn listed_origins_get_credentials_and_preflights_others_do_not() {
    let srv = dist::server_with(|c| {
        c.allowed_origins =
            parse_allowed_origins("https://shop.example, http://localhost:3000").unwrap();
    })
    .await;
    for origin in [SHOP, "http://localhost:3000"] {
        let headers = post_from(&srv, origin).await;
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], origin);
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        let ok = preflight(&srv, origin).await;
        assert_eq!(ok.status().as_u16(), 204, "{origin}");
        let h = ok.headers();
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], origin);
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "POST");
        let allowed = h[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap();
        for needed in ["content-type", "authorization", "idempotency-key"] {
            assert!(allowed.contains(needed), "{allowed}");
        }
        assert_eq!(h[header::ACCESS_CONTROL_MAX_AGE], "600");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    }
    for other in [
        "https://evil.test",
        "http://shop.example",
        "https://shop.example.evil.test",
        "null",
    ] {
        let headers = post_from(&srv, other).await;
        assert!(
            headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
            "{other}"
        );
        assert_eq!(
            preflight(&srv, other).await.status().as_u16(),
            403,
            "{other}"
        );
    }
    // The hosted-page and platform APIs never answer with CORS.
    let hosted = srv
        .client
        .get(srv.url("/api/checkout-sessions/cs_nope"))
        .header(header::ORIGIN, SHOP)
        .send()
        .await
        .unwrap();
    assert!(hosted
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .is_none());
    // The widget's own files still load from anywhere.
    let js = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .header(header::ORIGIN, "https://anyone.example")
        .send()
        .await
        .unwrap();
    assert_eq!(js.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}
