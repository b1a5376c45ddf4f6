//! Races that must never double-charge or double-create: 100 confirms of
//! one session at once, and 1,000 creates sharing 100 idempotency keys.

use crate::support::{confirm_body, create_body, TestServer};
use checkout_server::Rate;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

#[tokio::test]
async fn a_hundred_concurrent_confirms_of_one_session_pay_once() {
    // A slow charge keeps the session pending while the others arrive, and
    // no rate limit stands between them and the claim.
    let (srv, processor) = TestServer::start_slow_with(Duration::from_millis(300), |c| {
        c.payment_attempts_per_session = Rate::Off;
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let url = srv.url(&format!("/api/checkout-sessions/{id}/confirm"));
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(100));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let request = srv
                .client
                .post(&url)
                .json(&confirm_body("4242424242424242"));
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let response = request.send().await.expect("answered");
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                (
                    status,
                    body["error"]["code"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let ok = outcomes.iter().filter(|(s, _)| *s == 200).count();
    let not_open = outcomes
        .iter()
        .filter(|(s, code)| *s == 409 && code == "checkout_session_not_open")
        .count();
    assert_eq!(ok, 1, "{outcomes:?}");
    assert_eq!(not_open, 99, "{outcomes:?}");
    assert_eq!(processor.charges(), 1, "charged exactly once");
    assert_eq!(srv.hosted(&id).await.data()["status"], "succeeded");
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let of_session = |sql: &str| -> i64 { conn.query_row(sql, [&id], |r| r.get(0)).unwrap() };
    assert_eq!(
        of_session("SELECT count(*) FROM purchases WHERE checkout_session_id = ?1"),
        1
    );
    assert_eq!(
        of_session("SELECT count(*) FROM webhook_events WHERE type = 'checkout.session.completed' AND checkout_session_id = ?1"),
        1
    );
}

#[tokio::test]
async fn a_thousand_concurrent_creates_on_a_hundred_keys_make_a_hundred_sessions() {
    let srv = TestServer::start().await;
    let url = srv.url("/api/billing/checkout-sessions/create");
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(1000));
    let mut tasks = Vec::new();
    for copy in 0..10 {
        for key in 0..100 {
            // Each key has its own body; every copy sends the same one.
            let body = create_body(
                json!({"priceSlug": "onboarding", "outputName": format!("order-{key}")}),
            );
            let request = srv
                .client
                .post(&url)
                .header("idempotency-key", format!("key-{key}"))
                .json(&body);
            let start = start.clone();
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                let response = request.send().await.expect("answered");
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let id = body["data"]["checkoutSession"]["id"]
                    .as_str()
                    .map(str::to_owned);
                (key, copy, status, id)
            }));
        }
    }
    let mut by_key: HashMap<u32, HashSet<String>> = HashMap::new();
    for task in tasks {
        let (key, copy, status, id) = task.await.unwrap();
        assert_eq!(status, 200, "key {key} copy {copy}");
        by_key
            .entry(key)
            .or_default()
            .insert(id.expect("a session id"));
    }
    assert_eq!(by_key.len(), 100);
    for (key, ids) in &by_key {
        assert_eq!(ids.len(), 1, "key {key} made {ids:?}");
    }
    let distinct: HashSet<&String> = by_key.values().flatten().collect();
    assert_eq!(distinct.len(), 100);
    assert_eq!(srv.count_rows("checkout_sessions"), 100);
    assert_eq!(srv.count_rows("idempotency_keys"), 100);
}
