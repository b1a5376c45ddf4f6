//! Card-testing protection on the hosted confirm: payment attempts are
//! limited per session and per client address, answered 429
//! `rate_limited` with `Retry-After`; mistyped cards do not count, and a
//! limited client does not stop other clients.

use crate::support::{confirm_body, TestServer};
use checkout_server::Rate;
use reqwest::header;
use std::time::Duration;

const DECLINED: &str = "4000000000000002";

async fn confirm_from(
    srv: &TestServer,
    id: &str,
    number: &str,
    client: Option<&str>,
) -> reqwest::Response {
    let mut request = srv
        .client
        .post(srv.url(&format!("/api/checkout-sessions/{id}/confirm")))
        .json(&confirm_body(number));
    if let Some(ip) = client {
        request = request.header("x-forwarded-for", format!("198.51.100.250, {ip}"));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_session_takes_a_few_attempts_then_429_with_retry_after() {
    let srv = TestServer::start_with(|c| {
        c.payment_attempts_per_session = Rate::new(3, Duration::from_secs(60));
    })
    .await;
    let id = srv.create_session("onboarding").await;
    // Mistyped numbers are refused before they count.
    for _ in 0..5 {
        let r = confirm_from(&srv, &id, "4242424242424241", None).await;
        assert_eq!(r.status().as_u16(), 400);
    }
    for _ in 0..3 {
        let r = confirm_from(&srv, &id, DECLINED, None).await;
        assert_eq!(r.status().as_u16(), 402);
    }
    let limited = confirm_from(&srv, &id, "4242424242424242", None).await;
    assert_eq!(limited.status().as_u16(), 429);
    let retry: u64 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert!(limited.headers().get("x-should-retry").is_none());
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("for this checkout"),
        "{body}"
    );
    // The refused attempt changed nothing; another session is unaffected.
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    let other = srv.create_session("onboarding").await;
    assert_eq!(
        confirm_from(&srv, &other, "4242424242424242", None)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_client_address_is_limited_across_sessions() {
    let srv = TestServer::start_with(|c| {
        c.payment_attempts_per_client = Rate::new(4, Duration::from_secs(600));
        c.client_ip_header = Some(header::HeaderName::from_static("x-forwarded-for"));
    })
    .await;
    // A card tester spreads declines over many sessions from one address.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(declined_from(&srv, "203.0.113.9").await);
    }
    assert_eq!(statuses, [402, 402, 402, 402, 429, 429]);
    let id = srv.create_session("onboarding").await;
    let limited = confirm_from(&srv, &id, "4242424242424242", Some("203.0.113.9")).await;
    assert_eq!(limited.status().as_u16(), 429);
    assert!(
        limited.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 100
    );
    // Someone else (or the same customer on another address) still pays.
    assert_eq!(
        confirm_from(&srv, &id, "4242424242424242", Some("203.0.113.10"))
            .await
            .status()
            .as_u16(),
        200
    );
    // An IPv6 client is limited per /64 network.
    for i in 1..=4 {
        assert_eq!(
            declined_from(&srv, &format!("2001:db8:1:2::{i}")).await,
            402
        );
    }
    assert_eq!(declined_from(&srv, "2001:db8:1:2:ffff::9").await, 429);
    assert_eq!(declined_from(&srv, "2001:db8:1:3::1").await, 402);
}

/// A new session paid with the declined card from `ip`; the status.
async fn declined_from(srv: &TestServer, ip: &str) -> u16 {
    let id = srv.create_session("onboarding").await;
    confirm_from(srv, &id, DECLINED, Some(ip))
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn loopback_is_not_limited_per_address_by_default() {
    let srv = TestServer::start_with(|c| {
        c.payment_attempts_per_client = Rate::new(2, Duration::from_secs(600));
    })
    .await;
    for _ in 0..5 {
        let id = srv.create_session("onboarding").await;
        // Without --client-ip-header the header is not trusted; the peer
        // (loopback) is never limited per address.
        assert_eq!(
            confirm_from(&srv, &id, DECLINED, Some("203.0.113.9"))
                .await
                .status()
                .as_u16(),
            402
        );
    }
}
