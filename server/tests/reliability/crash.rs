//! SIGKILL in the middle of a load, then a restart on the same file: every
//! session the server acknowledged is there and consistent, no payment is
//! lost or doubled, nothing is left `pending`, and the webhook outbox
//! delivers everything it held.
//!
//! The load runs 16 clients creating sessions (route and platform API, most
//! with idempotency keys) and paying them (good, declined and mistyped
//! cards). Faults injected besides the kill: clients that hang up mid-
//! payment, malformed and oversized requests, and a webhook endpoint that
//! is slow (so the outbox backs up) and fails first attempts (so retries are
//! pending at the kill).

use crate::binary::{ServerProcess, SECRET_KEY};
use crate::receiver::{Receiver, WEBHOOK_SECRET};
use crate::report::figure;
use reqwest::Client;
use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 16;
const LOAD_BEFORE_KILL: Duration = Duration::from_millis(2500);
const GOOD_CARD: &str = "4242 4242 4242 4242";
const DECLINED_CARD: &str = "4000000000000002";
const NO_FUNDS_CARD: &str = "4000000000009995";
const MISTYPED_CARD: &str = "4242424242424241";

/// What the clients were told, and what they did.
#[derive(Default)]
struct Ledger {
    /// Acknowledged creates: session id → the idempotency key, if any.
    created: HashMap<String, Option<String>>,
    /// Keyed creates that got no answer (the kill): key → body, to retry.
    unanswered_keys: Vec<(String, Value)>,
    /// Confirms answered 200.
    paid: HashSet<String>,
    /// Confirms answered 402 (declined).
    declined: HashSet<String>,
    /// Confirms answered 400 (mistyped card).
    mistyped: HashSet<String>,
    /// Confirms sent without an answer (hung up on purpose, or the kill).
    unknown: HashSet<String>,
    /// Answers that broke a rule before the kill (5xx, a key answering two ids…).
    violations: Vec<String>,
}

struct Load {
    client: Client,
    base: String,
    ledger: Mutex<Ledger>,
    requests: AtomicU64,
    hung_up: AtomicU64,
    malformed: AtomicU64,
    stop: AtomicBool,
    killed: AtomicBool,
}

impl Load {
    fn note(&self, f: impl FnOnce(&mut Ledger)) {
        f(&mut self.ledger.lock().expect("ledger"));
    }

    fn violation(&self, what: String) {
        if !self.killed.load(Ordering::SeqCst) {
            self.note(|l| l.violations.push(what));
        }
    }

    /// Sends `request`; `None` when no answer came.
    async fn send(&self, request: reqwest::RequestBuilder) -> Option<(u16, Value)> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                if !e.is_timeout() {
                    self.violation(format!("no answer before the kill: {e:?}"));
                }
                return None;
            }
        };
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        Some((status, body))
    }
}

fn create_body(worker: usize, i: usize) -> Value {
    json!({
        "priceSlug": if i.is_multiple_of(2) { "onboarding" } else { "lifetime" },
        "successUrl": "https://shop.test/ok?id={CHECKOUT_SESSION_ID}",
        "cancelUrl": "https://shop.test/cancel",
        // Unique per create, so a retried key that made two sessions shows
        // (a browser may not set `requestId`; the platform creates add it).
        "outputName": format!("w{worker}-{i}"),
        "outputMetadata": {"worker": worker, "i": i},
    })
}

/// One client: create, sometimes replay the create, pay; now and then a
/// malformed request or a hang-up.
async fn client_loop(load: Arc<Load>, worker: usize) {
    let route = format!("{}/api/billing/checkout-sessions/create", load.base);
    let platform = format!("{}/api/v1/checkout-sessions", load.base);
    let mut i = 0usize;
    while !load.stop.load(Ordering::SeqCst) {
        i += 1;
        if i.is_multiple_of(11) {
            malformed(&load, &route, i).await;
        }
        let body = create_body(worker, i);
        let key = (!i.is_multiple_of(5)).then(|| format!("crash-w{worker}-{i}"));
        let via_platform = i % 4 == 3;
        let request = |body: &Value| {
            let mut r = if via_platform {
                let mut input = body.clone();
                input["type"] = json!("product");
                input["anonymous"] = json!(true);
                input["requestId"] = json!(format!("w{worker}-{i}"));
                load.client
                    .post(&platform)
                    .header("authorization", SECRET_KEY)
                    .json(&json!({"checkoutSession": input}))
            } else {
                load.client.post(&route).json(body)
            };
            if let Some(k) = &key {
                r = r.header("idempotency-key", k.as_str());
            }
            r
        };
        let Some((status, answer)) = load.send(request(&body)).await else {
            if let Some(k) = &key {
                // Only route creates are retried after the restart (the
                // platform body differs); their key must still make one session.
                if !via_platform {
                    load.note(|l| l.unanswered_keys.push((k.clone(), body.clone())));
                }
            }
            continue;
        };
        let id = match (
            status,
            answer["data"]["checkoutSession"]["id"].as_str(),
            answer["checkoutSession"]["id"].as_str(),
        ) {
            (200, Some(id), _) | (200, None, Some(id)) => id.to_owned(),
            _ => {
                load.violation(format!("create answered {status}: {answer}"));
                continue;
            }
        };
        load.note(|l| {
            l.created.insert(id.clone(), key.clone());
        });
        if key.is_some() && i.is_multiple_of(3) {
            // A client retrying the same create gets the same session.
            if let Some((200, again)) = load.send(request(&body)).await {
                let again_id = again["data"]["checkoutSession"]["id"]
                    .as_str()
                    .or(again["checkoutSession"]["id"].as_str())
                    .unwrap_or_default();
                if again_id != id {
                    load.violation(format!("key {key:?} answered {id} then {again_id}"));
                }
            }
        }
        confirm(&load, &id, i).await;
    }
}

async fn confirm(load: &Load, id: &str, i: usize) {
    let card = match i % 10 {
        7 => DECLINED_CARD,
        8 => NO_FUNDS_CARD,
        9 => MISTYPED_CARD,
        _ => GOOD_CARD,
    };
    let mut request = load
        .client
        .post(format!("{}/api/checkout-sessions/{id}/confirm", load.base))
        .json(&json!({
            "email": "load@example.com",
            "card": {"number": card, "expMonth": 12, "expYear": 2040, "cvc": "123"}
        }));
    if i.is_multiple_of(7) {
        // Hang up a few milliseconds in: the payment may or may not settle.
        request = request.timeout(Duration::from_millis(1 + (i % 5) as u64));
        load.hung_up.fetch_add(1, Ordering::Relaxed);
    }
    let answer = load.send(request).await;
    load.note(|l| match answer {
        Some((200, _)) => {
            l.paid.insert(id.to_owned());
        }
        Some((402, _)) => {
            l.declined.insert(id.to_owned());
        }
        Some((400, _)) => {
            l.mistyped.insert(id.to_owned());
        }
        Some((status, body)) => {
            if !load.killed.load(Ordering::SeqCst) {
                l.violations
                    .push(format!("confirm {id} answered {status}: {body}"));
            }
            l.unknown.insert(id.to_owned());
        }
        None => {
            l.unknown.insert(id.to_owned());
        }
    });
}

/// A request the server must refuse with a 4xx (never a 5xx, never a hang).
async fn malformed(load: &Load, route: &str, i: usize) {
    load.malformed.fetch_add(1, Ordering::Relaxed);
    let request = match (i / 11) % 3 {
        0 => load
            .client
            .post(route)
            .header("content-type", "application/json")
            .body("{\"priceSlug\": [1, "),
        1 => load
            .client
            .post(route)
            .header("content-type", "text/plain")
            .body("priceSlug=onboarding"),
        _ => load
            .client
            .post(route)
            .header("content-type", "application/json")
            .body(vec![b'['; 300 * 1024]),
    };
    if let Some((status, body)) = load.send(request).await {
        if !(400..500).contains(&status) {
            load.violation(format!("a malformed request answered {status}: {body}"));
        }
    }
}

fn read_only(db: &Path) -> Connection {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("db opens read-only");
    conn.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    conn
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Polls `sql` (a count) until it is zero; false if `within` passes first.
async fn until_zero(db: &Path, sql: &str, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if count(&read_only(db), sql) == 0 {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "drives the real server binary; run by `cargo xtask test reliability`"]
async fn sigkill_mid_load_loses_no_acknowledged_session_and_no_webhook() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.sqlite3");
    let log = dir.path().join("server.log");
    let receiver = Receiver::start(Duration::from_millis(40), 5).await;
    let flags = [
        "--webhook-url",
        receiver.url.as_str(),
        "--webhook-secret",
        WEBHOOK_SECRET,
        "--payment-timeout",
        "1s",
        "--payment-attempts-per-session",
        "off",
        "--payment-attempts-per-client",
        "off",
        // A fifth of this load's payments are declined on purpose, far more
        // than the shop-wide ceiling allows a minute; this test is about
        // crashes, not card testing.
        "--declines-per-minute",
        "0",
    ];
    let first = ServerProcess::start(&db, &log, "info", &flags);
    let load = Arc::new(Load {
        client: Client::builder()
            .pool_max_idle_per_host(CLIENTS)
            .build()
            .expect("client"),
        base: first.base_url.clone(),
        ledger: Mutex::new(Ledger::default()),
        requests: AtomicU64::new(0),
        hung_up: AtomicU64::new(0),
        malformed: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        killed: AtomicBool::new(false),
    });
    let workers: Vec<_> = (0..CLIENTS)
        .map(|w| tokio::spawn(client_loop(Arc::clone(&load), w)))
        .collect();
    tokio::time::sleep(LOAD_BEFORE_KILL).await;
    let killed_pid = first.pid();
    load.killed.store(true, Ordering::SeqCst);
    first.kill();
    // Requests in flight at the kill fail; no client starts another.
    load.stop.store(true, Ordering::SeqCst);
    for w in workers {
        let _ = tokio::time::timeout(Duration::from_secs(5), w).await;
    }
    println!(
        "killed server pid {killed_pid} after {} requests",
        load.requests.load(Ordering::SeqCst)
    );

    // The file as the kill left it (read-only: nothing is checkpointed).
    let (events_at_kill, pending_at_kill) = {
        let conn = read_only(&db);
        (
            count(&conn, "SELECT count(*) FROM webhook_events"),
            count(
                &conn,
                "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'",
            ),
        )
    };

    receiver.hurry();
    let second = ServerProcess::start(&db, &log, "info", &flags);
    let base = second.base_url.clone();
    let client = Client::new();
    let ledger = std::mem::take(&mut *load.ledger.lock().expect("ledger"));
    assert!(
        ledger.violations.is_empty(),
        "rules broken under load: {:#?}",
        ledger.violations
    );
    assert!(
        ledger.created.len() >= 50,
        "the load made too few sessions: {}",
        ledger.created.len()
    );

    // A keyed create whose answer the kill swallowed, sent again, makes one session.
    let mut retried = 0;
    for (key, body) in &ledger.unanswered_keys {
        let answer = client
            .post(format!("{base}/api/billing/checkout-sessions/create"))
            .header("idempotency-key", key.as_str())
            .json(body)
            .send()
            .await
            .expect("retry answered");
        assert_eq!(answer.status().as_u16(), 200, "retry of {key}");
        retried += 1;
    }

    // Nothing stays pending: payments the kill interrupted are reopened.
    assert!(
        until_zero(
            &db,
            "SELECT count(*) FROM checkout_sessions WHERE status = 'pending'",
            Duration::from_secs(30)
        )
        .await,
        "sessions still pending after the restart"
    );

    // Every acknowledged session is there, in the state its answers promised.
    let mut found = 0;
    let mut statuses: HashMap<String, usize> = HashMap::new();
    for id in ledger.created.keys() {
        let answer = client
            .get(format!("{base}/api/v1/checkout-sessions/{id}"))
            .header("authorization", SECRET_KEY)
            .send()
            .await
            .expect("read answered");
        assert_eq!(
            answer.status().as_u16(),
            200,
            "acknowledged session {id} is missing"
        );
        let body: Value = answer.json().await.expect("json");
        let status = body["checkoutSession"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        found += 1;
        *statuses.entry(status.clone()).or_default() += 1;
        if ledger.paid.contains(id) {
            assert_eq!(status, "succeeded", "{id} was paid");
        } else if !ledger.unknown.contains(id) {
            assert_eq!(
                status,
                "open",
                "{id} was never paid (declined: {}, mistyped: {})",
                ledger.declined.contains(id),
                ledger.mistyped.contains(id)
            );
        } else {
            assert!(
                status == "open" || status == "succeeded",
                "{id} is {status}"
            );
        }
    }

    let conn = read_only(&db);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    let checks = [
        ("succeeded sessions without exactly one purchase",
         "SELECT count(*) FROM checkout_sessions s WHERE s.status = 'succeeded' AND (SELECT count(*) FROM purchases p WHERE p.checkout_session_id = s.id) != 1"),
        ("purchases of sessions that are not succeeded",
         "SELECT count(*) FROM purchases p JOIN checkout_sessions s ON s.id = p.checkout_session_id WHERE s.status != 'succeeded'"),
        ("succeeded sessions without exactly one completed event",
         "SELECT count(*) FROM checkout_sessions s WHERE s.status = 'succeeded' AND (SELECT count(*) FROM webhook_events e WHERE e.checkout_session_id = s.id AND e.type = 'checkout.session.completed') != 1"),
        ("completed events of sessions that are not succeeded",
         "SELECT count(*) FROM webhook_events e JOIN checkout_sessions s ON s.id = e.checkout_session_id WHERE e.type = 'checkout.session.completed' AND s.status != 'succeeded'"),
        ("request ids with more than one session (a key made two)",
         "SELECT count(*) FROM (SELECT request_id FROM checkout_sessions WHERE request_id IS NOT NULL GROUP BY request_id HAVING count(*) > 1)"),
        ("creates with more than one session (a key made two)",
         "SELECT count(*) FROM (SELECT output_name FROM checkout_sessions WHERE output_name IS NOT NULL GROUP BY output_name HAVING count(*) > 1)"),
        ("events without a delivery",
         "SELECT count(*) FROM webhook_events e WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)"),
    ];
    for (what, sql) in checks {
        assert_eq!(count(&conn, sql), 0, "{what}");
    }
    for id in &ledger.declined {
        let failed: i64 = conn
            .query_row(
                "SELECT count(*) FROM webhook_events WHERE checkout_session_id = ?1 AND type = 'checkout.session.payment_failed'",
                [id],
                |r| r.get(0),
            )
            .expect("count");
        assert!(
            failed >= 1,
            "the decline of {id} recorded no payment_failed event"
        );
    }
    for (id, key) in &ledger.created {
        if let Some(key) = key {
            let stored: Option<String> = conn
                .query_row(
                    "SELECT checkout_session_id FROM idempotency_keys WHERE key = ?1",
                    [key],
                    |r| r.get(0),
                )
                .ok();
            assert_eq!(stored.as_deref(), Some(id.as_str()), "key {key}");
        }
    }
    drop(conn);

    // The outbox delivers everything: what was pending at the kill, retries
    // of the failures, and what the restart itself produced.
    assert!(
        until_zero(
            &db,
            "SELECT count(*) FROM webhook_deliveries WHERE status != 'delivered'",
            Duration::from_secs(90)
        )
        .await,
        "webhook deliveries still pending or failed after the restart"
    );
    let conn = read_only(&db);
    let events: Vec<String> = conn
        .prepare("SELECT id FROM webhook_events")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("ids");
    drop(conn);
    let delivered = receiver.delivered();
    let missing: Vec<&String> = events.iter().filter(|e| !delivered.contains(*e)).collect();
    assert!(missing.is_empty(), "events never received: {missing:?}");
    assert_eq!(receiver.unverified(), 0, "every webhook is signed");
    second.stop();

    let requests = load.requests.load(Ordering::SeqCst) + retried + ledger.created.len() as u64;
    let hung_up = load.hung_up.load(Ordering::SeqCst);
    let malformed = load.malformed.load(Ordering::SeqCst);
    let webhook_failures = receiver.failures_injected() as u64;
    figure("crash.requests_tried", requests);
    figure("crash.faults.sigkill", 1);
    figure("crash.faults.client_hang_ups", hung_up);
    figure("crash.faults.malformed_requests", malformed);
    figure("crash.faults.webhook_500s", webhook_failures);
    figure(
        "crash.faults_injected",
        1 + hung_up + malformed + webhook_failures,
    );
    figure("crash.sessions_acknowledged", ledger.created.len());
    figure("crash.sessions_found_after_restart", found);
    figure("crash.payments_acknowledged", ledger.paid.len());
    figure("crash.payments_in_doubt_at_kill", ledger.unknown.len());
    figure("crash.keyed_creates_retried_after_restart", retried);
    figure(
        "crash.session_states_after_restart",
        format!("{statuses:?}"),
    );
    figure("crash.webhook_events_at_kill", events_at_kill);
    figure("crash.webhook_deliveries_pending_at_kill", pending_at_kill);
    figure("crash.webhook_events_delivered", events.len());
    figure("crash.webhook_redeliveries", receiver.repeats());
    figure(
        "crash.seconds",
        format!("{:.1}", started.elapsed().as_secs_f64()),
    );
    assert_eq!(found, ledger.created.len());
}
