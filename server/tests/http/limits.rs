//! Oversized and hostile input: a 10 MB body on every API (declared or
//! chunked), absurd field values, deep nesting — each a 4xx with a stable
//! code in the usual error envelope, and the server still answering after.

use crate::support::{confirm_body, create_body, Auth, Reply, TestServer, SECRET_KEY};
use reqwest::Method;
use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TEN_MB: usize = 10 * 1024 * 1024;

/// A JSON-looking body of `len` bytes: a string value of spaces.
fn big_json(len: usize) -> Vec<u8> {
    let mut body = b"{\"outputName\":\"".to_vec();
    body.resize(len - 2, b' ');
    body.extend_from_slice(b"\"}");
    body
}

#[tokio::test]
async fn a_ten_megabyte_body_is_refused_on_every_api_with_413() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let body = big_json(TEN_MB);
    let cases: Vec<(Method, String)> = vec![
        (Method::POST, "/api/billing/checkout-sessions/create".into()),
        (Method::POST, "/api/billing/pricing-models/retrieve".into()),
        (Method::POST, "/api/billing/subscriptions/cancel".into()),
        (Method::POST, "/api/v1/checkout-sessions".into()),
        (Method::GET, "/api/v1/checkout-sessions".into()),
        (
            Method::POST,
            format!("/api/v1/checkout-sessions/{id}/expire"),
        ),
        (Method::GET, format!("/api/checkout-sessions/{id}")),
        (Method::POST, format!("/api/checkout-sessions/{id}/confirm")),
        (
            Method::POST,
            format!("/api/checkout-sessions/{id}/discount"),
        ),
        (Method::GET, "/api/v1/webhook-events".into()),
        (Method::GET, "/api/openapi.json".into()),
        (Method::POST, "/api/nope".into()),
        (Method::POST, "/checkout/x".into()),
    ];
    for (method, path) in cases {
        let reply = srv
            .send(
                srv.client
                    .request(method.clone(), srv.url(&path))
                    .header("content-type", "application/json")
                    .header("authorization", SECRET_KEY)
                    .body(body.clone()),
            )
            .await;
        let message = reply.assert_error(413, "payload_too_large");
        assert!(message.contains("256 KiB"), "{method} {path}: {message}");
    }
    // The unread rest of a body ends the connection, and the answer says so.
    let response = srv
        .client
        .post(srv.url("/api/v1/checkout-sessions"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(response.headers()["connection"], "close");
    // Nothing was created or changed, and the server still serves.
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    assert_eq!(srv.count_rows("checkout_sessions"), 1);
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_cut_off_at_the_limit() {
    let srv = TestServer::start().await;
    let mut stream = tokio::net::TcpStream::connect(srv.server.addr)
        .await
        .unwrap();
    let head = format!(
        "POST /api/billing/checkout-sessions/create HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        srv.server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    // Up to 10 MB, stopping as soon as the server has answered and closed.
    let mut sent = 0;
    while sent < TEN_MB {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&frame).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"payload_too_large\""), "{answer}");
    srv.route("pricing-models/retrieve", json!({}), Auth::None)
        .await
        .data();
}

async fn create(srv: &TestServer, extra: Value) -> Reply {
    srv.route("checkout-sessions/create", create_body(extra), Auth::None)
        .await
}

#[tokio::test]
async fn absurd_field_values_get_their_own_codes() {
    let srv = TestServer::start().await;
    for quantity in [1e12, 1e300, -1.0, 0.5, 1_000_001.0] {
        create(
            &srv,
            json!({"priceSlug": "onboarding", "quantity": quantity}),
        )
        .await
        .assert_error(400, "invalid_quantity");
    }
    create(
        &srv,
        json!({"lineItems": [{"priceSlug": "onboarding", "quantity": 1e12}]}),
    )
    .await
    .assert_error(400, "invalid_quantity");

    // 1 MB of metadata is over the body limit before it is metadata.
    let mut megabyte = Map::new();
    megabyte.insert("blob".into(), json!("x".repeat(1024 * 1024)));
    create(
        &srv,
        json!({"priceSlug": "onboarding", "outputMetadata": megabyte}),
    )
    .await
    .assert_error(413, "payload_too_large");
    // Within the body limit it is still far too much metadata.
    let mut big = Map::new();
    big.insert("blob".into(), json!("x".repeat(100 * 1024)));
    let m = create(
        &srv,
        json!({"priceSlug": "onboarding", "outputMetadata": big}),
    )
    .await
    .assert_error(400, "invalid_metadata");
    assert!(m.contains("16 KiB"), "{m}");
    let many: Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
    create(
        &srv,
        json!({"priceSlug": "onboarding", "outputMetadata": many}),
    )
    .await
    .assert_error(400, "invalid_metadata");

    // 10,000 line items fit in the body limit; the count is refused.
    let lines: Vec<Value> = (0..10_000).map(|_| json!({"priceId": "x"})).collect();
    let m = create(&srv, json!({"lineItems": lines}))
        .await
        .assert_error(400, "too_many_line_items");
    assert!(m.contains("10000"), "{m}");

    for (field, max) in [
        ("priceSlug", 256),
        ("priceId", 256),
        ("discountCode", 256),
        ("requestId", 201),
        ("outputName", 201),
    ] {
        let mut extra = json!({"priceSlug": "onboarding"});
        extra[field] = json!("x".repeat(max));
        if field == "priceId" {
            extra = json!({"priceId": "x".repeat(max)});
        }
        // Merchant-only fields come from the merchant's server, the platform API.
        let reply = if checkout_protocol::MERCHANT_ONLY_FIELDS.contains(&field) {
            srv.merchant_create(extra, None).await
        } else {
            create(&srv, extra).await
        };
        let m = reply.assert_error(400, "field_too_long");
        assert!(m.starts_with(field), "{field}: {m}");
    }
    srv.platform_create(
        json!({"checkoutSession": {"type": "invoice", "customerExternalId": "b".repeat(300),
        "successUrl": "https://a.test/s", "cancelUrl": "https://a.test/c"}}),
    )
    .await
    .assert_error(400, "field_too_long");
    srv.route(
        "subscriptions/cancel",
        json!({"id": "s".repeat(300), "cancellation": {"timing": "immediately"}}),
        Auth::Bearer("demo-alice"),
    )
    .await
    .assert_error(400, "field_too_long");

    let id = srv.create_session("onboarding").await;
    let mut body = confirm_body("4242424242424242");
    body["billingAddress"] = json!({"name": "n".repeat(300), "line1": "1 Main St", "city": "X", "postal_code": "1", "country": "US"});
    srv.confirm_with(&id, body)
        .await
        .assert_error(400, "field_too_long");
    let mut body = confirm_body(&"4".repeat(5000));
    body["cvc"] = json!("1".repeat(5000));
    srv.confirm_with(&id, body)
        .await
        .assert_error(400, "card_invalid_number");
    assert_eq!(srv.count_rows("checkout_sessions"), 1);
}

#[tokio::test]
async fn deep_nesting_and_odd_json_are_refused_not_crashed_on() {
    let srv = TestServer::start().await;
    let url = srv.url("/api/billing/checkout-sessions/create");
    let raw = |body: String| {
        srv.client
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
    };
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    srv.send(raw(nested))
        .await
        .assert_error(400, "invalid_request");
    let nested_meta = format!(
        "{{\"priceSlug\":\"onboarding\",\"outputMetadata\":{{\"a\":{}1{}}}}}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    srv.send(raw(nested_meta))
        .await
        .assert_error(400, "invalid_request");
    for odd in [
        "\u{feff}{}",
        "{\"priceSlug\":\"\\ud800\"}",
        "nul\u{0}",
        "1e999999",
        "{\"quantity\":1e999}",
    ] {
        let reply = srv.send(raw(odd.to_owned())).await;
        assert_eq!(reply.status.as_u16(), 400, "{odd:?}: {}", reply.body);
    }
    srv.route("pricing-models/retrieve", json!({}), Auth::None)
        .await
        .data();
}
