//! Session retention (issue 13): expired and abandoned sessions are deleted
//! by the sweep once `--session-retention` has passed, with their
//! idempotency keys and webhook events, deliveries and attempt logs; paid
//! sessions, sessions records refer to, and sessions whose webhook is yet
//! to be delivered are kept. The retention here is a fraction of a second
//! so the test does not wait for days.

use crate::receiver::{Receiver, WEBHOOK_SECRET};
use crate::support::{create_body, now_ms, webhooks_to, Auth, TestServer};
use serde_json::json;
use std::time::{Duration, Instant};

const RETENTION: Duration = Duration::from_millis(300);

/// Rows of `table` whose `column` is `id`.
fn rows(srv: &TestServer, table: &str, column: &str, id: &str) -> i64 {
    let conn = rusqlite::Connection::open(srv.db_path()).expect("db opens");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE {column} = ?1"),
        [id],
        |r| r.get(0),
    )
    .expect("count")
}

/// Webhook deliveries and attempts of session `id`'s events.
fn outbox_rows(srv: &TestServer, id: &str) -> (i64, i64, i64) {
    let conn = rusqlite::Connection::open(srv.db_path()).expect("db opens");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [id], |r| r.get(0)).expect("count") };
    (
        count("SELECT count(*) FROM webhook_events WHERE checkout_session_id = ?1"),
        count(
            "SELECT count(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
             WHERE e.checkout_session_id = ?1",
        ),
        count(
            "SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
             JOIN webhook_events e ON e.id = d.event_id WHERE e.checkout_session_id = ?1",
        ),
    )
}

/// Waits up to 10 s for `done`.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn expired_sessions_are_purged_after_the_retention_with_their_outbox_rows() {
    let receiver = Receiver::start(WEBHOOK_SECRET).await;
    let srv = TestServer::start_with(|c| {
        webhooks_to(c, &receiver.url, vec![Duration::from_secs(60)]);
        c.session_retention = RETENTION;
    })
    .await;
    // Still open and within its expiry: kept.
    let open = srv.create_session("onboarding").await;
    // Paid: kept, with its purchase and events.
    let paid = srv
        .buy(json!({"priceSlug": "onboarding"}), Auth::None)
        .await;
    // Expired early by the merchant: purged.
    let expired = srv.create_session("onboarding").await;
    srv.platform_expire(&expired).await;
    // Abandoned open past its expiry (the sweep expires it): purged.
    let abandoned = srv.create_session("onboarding").await;
    srv.set_expires_at(&abandoned, now_ms() - 1_000);
    // Made under an idempotency key, then expired: purged with its key.
    let keyed = srv
        .route_keyed(
            "checkout-sessions/create",
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::None,
            "retention-key-1",
        )
        .await;
    let keyed = keyed.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.platform_expire(&keyed).await;
    assert_eq!(
        rows(&srv, "idempotency_keys", "checkout_session_id", &keyed),
        1
    );

    // The three expiries went out (and were delivered) before the purge.
    let expired_ids = || {
        let mut ids: Vec<String> = receiver
            .requests()
            .iter()
            .filter(|r| r.event_type() == "checkout.session.expired")
            .map(|r| {
                r.body["data"]["checkoutSession"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        ids.sort();
        ids
    };
    let mut want = vec![expired.clone(), abandoned.clone(), keyed.clone()];
    want.sort();
    eventually("the expiries were delivered", || expired_ids() == want).await;
    for id in [&expired, &abandoned, &keyed] {
        eventually("the session is purged", || {
            rows(&srv, "checkout_sessions", "id", id) == 0
        })
        .await;
        assert_eq!(outbox_rows(&srv, id), (0, 0, 0), "{id}: outbox compacted");
        srv.hosted(id)
            .await
            .assert_error(404, "checkout_session_not_found");
    }
    assert_eq!(
        rows(&srv, "idempotency_keys", "checkout_session_id", &keyed),
        0
    );
    // Kept: the open and the paid session, the paid one's purchase and events.
    assert_eq!(srv.hosted(&open).await.data()["status"], "open");
    assert_eq!(srv.hosted(&paid).await.data()["status"], "succeeded");
    assert_eq!(rows(&srv, "purchases", "checkout_session_id", &paid), 1);
    assert!(
        outbox_rows(&srv, &paid).0 > 0,
        "the paid session's events stay"
    );
    // The webhook log still pages cleanly without the purged events.
    srv.webhook_events("limit=100", Some(crate::support::SECRET_KEY))
        .await
        .data();
    drop(srv);
    receiver.stop().await;
}

#[tokio::test]
async fn a_session_whose_webhook_is_still_pending_is_kept() {
    // Webhooks go to a port nobody listens on and wait an hour to retry.
    let srv = TestServer::start_with(|c| {
        webhooks_to(
            c,
            "http://127.0.0.1:9/hooks",
            vec![Duration::from_secs(3600)],
        );
        c.session_retention = RETENTION;
    })
    .await;
    let expired = srv.create_session("onboarding").await;
    srv.platform_expire(&expired).await;
    // A control session with no webhook endpoint would be gone by now.
    tokio::time::sleep(RETENTION * 3).await;
    assert_eq!(srv.hosted(&expired).await.data()["status"], "expired");
    assert!(outbox_rows(&srv, &expired).1 > 0);
}

#[tokio::test]
async fn the_default_retention_keeps_expired_sessions() {
    // 30 days by default: a session expired a moment ago stays readable.
    let srv = TestServer::start_with(|c| {
        c.timing.expiry_sweep_interval = Duration::from_millis(50);
    })
    .await;
    let expired = srv.create_session("onboarding").await;
    srv.platform_expire(&expired).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(srv.hosted(&expired).await.data()["status"], "expired");
}
