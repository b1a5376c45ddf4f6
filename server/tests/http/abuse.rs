//! Abuse limits (issue 13): anonymous creates per client address, creates
//! per customer, discount-code guesses per session and per client, the
//! shop-wide ceiling on declines, failed platform keys per client — each a
//! 429 `rate_limited` with `Retry-After` — and no exemption for a forwarded
//! `127.0.0.1`. The clients here come through `--client-ip-header` with
//! public addresses, as they would behind a proxy; a real loopback peer
//! without the flag stays exempt (the tests, the bench, the crash tests).

use crate::support::{confirm_body, create_body, Auth, TestServer, SECRET_KEY};
use checkout_server::Config;
use checkout_server::Rate;
use reqwest::header::{HeaderName, RETRY_AFTER};
use reqwest::{RequestBuilder, Response};
use serde_json::{json, Value};
use std::time::Duration;

const DECLINED: &str = "4000000000000002";
const FORWARDED: &str = "x-forwarded-for";

/// Clients are told apart by `X-Forwarded-For`, as behind a proxy.
fn behind_proxy(c: &mut Config) {
    c.client_ip_header = Some(HeaderName::from_static(FORWARDED));
}

/// `request` as sent by `ip` through the proxy (which appends the address).
fn from(request: RequestBuilder, ip: &str) -> RequestBuilder {
    request.header(FORWARDED, format!("198.51.100.250, {ip}"))
}

async fn create_from(srv: &TestServer, ip: &str, auth: Auth<'_>) -> Response {
    let request = srv
        .client
        .post(srv.url("/api/billing/checkout-sessions/create"))
        .json(&create_body(json!({"priceSlug": "onboarding"})));
    crate::support::with_auth(from(request, ip), auth)
        .send()
        .await
        .unwrap()
}

/// Asserts a 429 `rate_limited` with a `Retry-After` of at least one second;
/// returns the message.
async fn assert_limited(response: Response) -> String {
    assert_eq!(response.status().as_u16(), 429);
    let retry: u64 = response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited", "{body}");
    let message = body["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains(&format!("{retry} seconds")), "{message}");
    message
}

#[tokio::test]
async fn the_101st_anonymous_create_from_one_client_is_429() {
    // The defaults: 100 per 10 minutes. 300 creates in a row, as in the issue.
    let srv = TestServer::start_with(behind_proxy).await;
    let mut created = 0;
    let mut first_refused = None;
    for i in 0..300 {
        let response = create_from(&srv, "203.0.113.7", Auth::None).await;
        if response.status().as_u16() == 200 {
            created += 1;
        } else if first_refused.is_none() {
            first_refused = Some(i);
            let message = assert_limited(response).await;
            assert!(message.contains("from your network"), "{message}");
        } else {
            assert_eq!(response.status().as_u16(), 429);
        }
    }
    assert_eq!(created, 100);
    assert_eq!(first_refused, Some(100));
    assert_eq!(srv.count_rows("checkout_sessions"), 100);
    // Another client is not affected, nor a signed-in customer on the same address.
    assert_eq!(
        create_from(&srv, "203.0.113.8", Auth::None)
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        create_from(&srv, "203.0.113.7", Auth::Bearer("demo-alice"))
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_forwarded_loopback_address_is_not_exempt() {
    let srv = TestServer::start_with(|c| {
        behind_proxy(c);
        c.anonymous_creates_per_client = Rate::new(3, Duration::from_secs(600));
        c.payment_attempts_per_client = Rate::new(2, Duration::from_secs(600));
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            create_from(&srv, "127.0.0.1", Auth::None)
                .await
                .status()
                .as_u16(),
            200
        );
    }
    assert_limited(create_from(&srv, "127.0.0.1", Auth::None).await).await;
    // The payment limit too (the hole the issue found): a forwarded
    // 127.0.0.1 gets its two attempts, then 429.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        // Made on the platform API: the route's creates from 127.0.0.1 are used up.
        let id = session_taking_codes(&srv).await;
        let response = from(
            srv.client
                .post(srv.url(&format!("/api/checkout-sessions/{id}/confirm")))
                .json(&confirm_body(DECLINED)),
            "127.0.0.1",
        )
        .send()
        .await
        .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [402, 402, 429]);
    // `::1` and the IPv4-mapped form are the same kind of address.
    let mapped = create_from(&srv, "::ffff:127.0.0.1", Auth::None).await;
    assert_eq!(
        mapped.status().as_u16(),
        429,
        "the same client as 127.0.0.1"
    );
}

#[tokio::test]
async fn behind_the_proxy_a_request_without_the_header_is_the_proxys() {
    let srv = TestServer::start_with(|c| {
        behind_proxy(c);
        c.anonymous_creates_per_client = Rate::new(2, Duration::from_secs(600));
    })
    .await;
    let plain = || async {
        srv.route(
            "checkout-sessions/create",
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::None,
        )
        .await
    };
    plain().await.data();
    plain().await.data();
    plain().await.assert_error(429, "rate_limited");
}

#[tokio::test]
async fn creates_are_limited_per_customer_whatever_the_address() {
    let srv = TestServer::start_with(|c| {
        behind_proxy(c);
        c.creates_per_customer = Rate::new(3, Duration::from_secs(600));
    })
    .await;
    // One customer moving between addresses still has one budget.
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        assert_eq!(
            create_from(&srv, ip, Auth::Bearer("demo-alice"))
                .await
                .status()
                .as_u16(),
            200
        );
    }
    let message =
        assert_limited(create_from(&srv, "203.0.113.4", Auth::Bearer("demo-alice")).await).await;
    assert!(message.contains("for your account"), "{message}");
    // The other create actions count too.
    let request = srv
        .client
        .post(srv.url("/api/billing/checkout-sessions/create-add-payment-method"))
        .json(&create_body(json!({})));
    let response = from(request, "203.0.113.5")
        .bearer_auth("demo-alice")
        .send()
        .await
        .unwrap();
    assert_limited(response).await;
    // Another customer, and anonymous buyers, have their own limits.
    assert_eq!(
        create_from(&srv, "203.0.113.4", Auth::Bearer("demo-bob"))
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        create_from(&srv, "203.0.113.4", Auth::None)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn new_sessions_do_not_reset_the_payment_limit_of_a_client() {
    // Per session 2, per client 5 (the defaults are 10 and 30): a card
    // tester making a fresh session whenever one is limited is still
    // stopped by the per-client limit.
    let srv = TestServer::start_with(|c| {
        behind_proxy(c);
        c.payment_attempts_per_session = Rate::new(2, Duration::from_secs(600));
        c.payment_attempts_per_client = Rate::new(5, Duration::from_secs(600));
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let id = srv.create_session("onboarding").await;
        for _ in 0..3 {
            let response = from(
                srv.client
                    .post(srv.url(&format!("/api/checkout-sessions/{id}/confirm")))
                    .json(&confirm_body(DECLINED)),
                "203.0.113.77",
            )
            .send()
            .await
            .unwrap();
            statuses.push(response.status().as_u16());
        }
    }
    // An attempt the session's limit refuses has already spent the
    // client's token (the client is counted first), so the client's five
    // are gone after two sessions.
    assert_eq!(
        statuses,
        [402, 402, 429, 402, 402, 429, 429, 429, 429, 429, 429, 429],
        "4 declines in all, whatever the number of sessions"
    );
}

/// A session that takes discount codes (the merchant allowed them on the platform API).
async fn session_taking_codes(srv: &TestServer) -> String {
    let reply = srv
        .platform_create(json!({"checkoutSession": {
            "type": "product",
            "anonymous": true,
            "priceSlug": "onboarding",
            "successUrl": "https://shop.test/ok",
            "cancelUrl": "https://shop.test/no",
            "allowPromotionCodes": true,
        }}))
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    reply.body["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn try_code(srv: &TestServer, id: &str, code: &str, ip: &str) -> Response {
    from(
        srv.client
            .post(srv.url(&format!("/api/checkout-sessions/{id}/discount")))
            .json(&json!({"code": code})),
        ip,
    )
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn guessing_discount_codes_is_429_after_the_limit() {
    // The defaults: 10 per session, 30 per client, per 10 minutes.
    let srv = TestServer::start_with(behind_proxy).await;
    let id = session_taking_codes(&srv).await;
    // 120 guesses from as many addresses: the session's limit holds.
    let mut statuses = Vec::new();
    for i in 0..120 {
        let ip = format!("203.0.{}.{}", 100 + i / 200, 1 + i % 200);
        statuses.push(
            try_code(&srv, &id, &format!("GUESS{i:03}"), &ip)
                .await
                .status()
                .as_u16(),
        );
    }
    assert!(statuses[..10].iter().all(|s| *s == 400), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    let message = assert_limited(try_code(&srv, &id, "WELCOME10", "203.0.113.200").await).await;
    assert!(message.contains("on this checkout"), "{message}");
    // One address guessing over many sessions: the client's limit (30).
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let other = session_taking_codes(&srv).await;
        for i in 0..10 {
            statuses.push(
                try_code(&srv, &other, &format!("NOPE{i}"), "198.51.100.9")
                    .await
                    .status()
                    .as_u16(),
            );
        }
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        30,
        "{statuses:?}"
    );
    assert!(statuses[30..].iter().all(|s| *s == 429), "{statuses:?}");
    // Someone else on a fresh session still gets their code.
    let fresh = session_taking_codes(&srv).await;
    assert_eq!(
        try_code(&srv, &fresh, "WELCOME10", "198.51.100.10")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn past_the_declines_ceiling_every_payment_attempt_is_429() {
    let srv = TestServer::start_with(|c| {
        behind_proxy(c);
        c.declines_per_minute = 3;
    })
    .await;
    // Card testing spread over many addresses: each stays under its own limit.
    for i in 1..=3 {
        let id = srv.create_session("onboarding").await;
        let response = from(
            srv.client
                .post(srv.url(&format!("/api/checkout-sessions/{id}/confirm")))
                .json(&confirm_body(DECLINED)),
            &format!("203.0.113.{i}"),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(response.status().as_u16(), 402);
    }
    // Now nobody's attempt reaches the processor until the minute is over.
    let id = srv.create_session("onboarding").await;
    let response = from(
        srv.client
            .post(srv.url(&format!("/api/checkout-sessions/{id}/confirm")))
            .json(&confirm_body("4242424242424242")),
        "198.51.100.44",
    )
    .send()
    .await
    .unwrap();
    let retry: u64 = response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let message = assert_limited(response).await;
    assert!(message.contains("declined payments"), "{message}");
    assert_eq!(
        srv.hosted(&id).await.data()["status"],
        "open",
        "nothing was charged"
    );
    // Loopback (the tests' own peer) is refused too: the ceiling is for everyone.
    let direct = srv.confirm(&id, "4242424242424242").await;
    direct.assert_error(429, "rate_limited");
}

async fn platform_get_from(srv: &TestServer, key: &str, ip: &str) -> u16 {
    from(
        srv.client
            .get(srv.url("/api/v1/checkout-sessions?limit=1"))
            .header("authorization", key),
        ip,
    )
    .send()
    .await
    .unwrap()
    .status()
    .as_u16()
}

#[tokio::test]
async fn repeated_bad_platform_keys_are_429_before_the_key_is_checked() {
    let srv = TestServer::start_with(|c| {
        behind_proxy(c);
        c.failed_auths_per_client = Rate::new(5, Duration::from_secs(600));
    })
    .await;
    // Successes never count.
    for _ in 0..20 {
        assert_eq!(
            platform_get_from(&srv, SECRET_KEY, "203.0.113.50").await,
            200
        );
    }
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(platform_get_from(&srv, &format!("sk_test_guess{i}"), "203.0.113.50").await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    // Past the limit even the right key is refused: a lucky guess tells nothing.
    assert_eq!(
        platform_get_from(&srv, SECRET_KEY, "203.0.113.50").await,
        429
    );
    let response = from(
        srv.client
            .post(srv.url("/api/v1/checkout-sessions"))
            .header("authorization", "wrong")
            .json(&json!({})),
        "203.0.113.50",
    )
    .send()
    .await
    .unwrap();
    let message = assert_limited(response).await;
    assert!(message.contains("API key"), "{message}");
    // Another client, and the webhook log with a good key, are unaffected.
    assert_eq!(
        platform_get_from(&srv, SECRET_KEY, "203.0.113.51").await,
        200
    );
    let log = from(
        srv.client
            .get(srv.url("/api/v1/webhook-events"))
            .header("authorization", SECRET_KEY),
        "203.0.113.51",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(log.status().as_u16(), 200);
}

#[tokio::test]
async fn a_loopback_peer_without_the_header_flag_stays_exempt() {
    // What the bench and the crash tests rely on: small limits, many calls
    // from this machine, nothing refused.
    let srv = TestServer::start_with(|c| {
        c.anonymous_creates_per_client = Rate::new(2, Duration::from_secs(600));
        c.creates_per_customer = Rate::new(2, Duration::from_secs(600));
        c.failed_auths_per_client = Rate::new(2, Duration::from_secs(600));
        c.promotion_codes_per_client = Rate::new(2, Duration::from_secs(600));
    })
    .await;
    for _ in 0..5 {
        srv.create_session("onboarding").await;
        srv.create_session_as("onboarding", Auth::Bearer("demo-alice"))
            .await;
        assert_eq!(
            srv.platform_get("cs_nope", Some("bad"))
                .await
                .status
                .as_u16(),
            401
        );
    }
    let id = session_taking_codes(&srv).await;
    for i in 0..5 {
        let reply = srv.discount(&id, json!({"code": format!("NOPE{i}")})).await;
        reply.assert_error(400, "discount_code_invalid");
    }
}

#[tokio::test]
async fn metadata_and_urls_are_capped_in_total_per_session() {
    let srv = TestServer::start().await;
    // Each field within its own limit (16 KiB of metadata, 2048-byte URLs)…
    let metadata = json!({"note": "m".repeat(14 * 1024)});
    let long_url = format!("https://shop.test/{}", "p".repeat(1900));
    let fits = srv
        .route(
            "checkout-sessions/create",
            create_body(json!({"priceSlug": "onboarding", "outputMetadata": metadata})),
            Auth::None,
        )
        .await;
    fits.data();
    // …but not all of them at once: one cap on the sum, named in the message.
    let body = json!({
        "priceSlug": "onboarding",
        "outputMetadata": metadata,
        "successUrl": long_url,
        "cancelUrl": long_url,
        "outputName": "n".repeat(200),
    });
    let message = srv
        .route("checkout-sessions/create", body.clone(), Auth::None)
        .await
        .assert_error(400, "session_data_too_large");
    assert!(message.contains("16 KiB"), "{message}");
    assert!(message.contains("outputMetadata"), "{message}");
    // The platform API keeps the same cap.
    let mut input = body;
    input["type"] = json!("product");
    input["anonymous"] = json!(true);
    srv.platform_create(json!({"checkoutSession": input}))
        .await
        .assert_error(400, "session_data_too_large");
    assert_eq!(srv.count_rows("checkout_sessions"), 1);
}
