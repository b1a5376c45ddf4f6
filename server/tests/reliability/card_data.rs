//! No card number or CVC in the database file or the logs: real checkouts
//! through the real binary (logging at `trace`, webhooks on), then the
//! bytes of every SQLite file (main, WAL, shared memory — while running and
//! after shutdown) and the whole log are searched.

use crate::binary::ServerProcess;
use crate::receiver::{Receiver, WEBHOOK_SECRET};
use crate::report::figure;
use reqwest::Client;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

/// The cards paid with, and their security codes.
const CARDS: &[(&str, &str)] = &[
    ("4242424242424242", "913"),
    ("4242 4242 4242 4242", "913"),
    ("378282246310005", "7391"),
    ("4000000000000002", "846"),
];

/// Every file of the database, concatenated.
fn database_bytes(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(bytes) = std::fs::read(&name) {
            all.extend(bytes);
        }
    }
    all
}

/// Runs of at least 4 printable ASCII bytes (what `strings` shows): text the
/// server wrote, as opposed to page structure and binary integers.
fn text_runs(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|b| !(b.is_ascii_graphic() || *b == b' '))
        .filter(|run| run.len() >= 4)
        .collect()
}

/// Whether `needle` occurs in `hay` as a whole token: not inside a longer
/// run of letters and digits (a timestamp, an id, base64).
fn has_token(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).enumerate().any(|(at, w)| {
        w == needle
            && (at == 0 || !hay[at - 1].is_ascii_alphanumeric())
            && hay
                .get(at + needle.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// Asserts none of the cards' numbers (in any grouping) or CVCs are in `bytes`.
fn assert_clean(bytes: &[u8], what: &str) {
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for (number, cvc) in CARDS {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let spaced: String = digits
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let dashed = spaced.replace(' ', "-");
        for form in [&digits, &spaced, &dashed] {
            assert!(
                !contains(form.as_bytes()),
                "{what} holds the card number {form}"
            );
        }
        // Any 8 digits in a row of the number beyond the last four would
        // mean it was stored whole or in part.
        for window in digits.as_bytes()[..digits.len() - 4].windows(8) {
            assert!(
                !contains(window),
                "{what} holds part of {number}: {}",
                String::from_utf8_lossy(window)
            );
        }
        for run in text_runs(bytes) {
            assert!(
                !has_token(run, cvc.as_bytes()),
                "{what} holds the CVC {cvc}: …{}…",
                String::from_utf8_lossy(run)
            );
        }
    }
    let lower = bytes.to_ascii_lowercase();
    assert!(
        !lower.windows(5).any(|w| w == b"\"cvc\""),
        "{what} holds a cvc field"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real server binary; run by `cargo xtask test reliability`"]
async fn card_numbers_and_cvcs_never_reach_the_database_or_the_logs() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("cards.sqlite3");
    let log = dir.path().join("server.log");
    let receiver = Receiver::start(Duration::ZERO, 0).await;
    let server = ServerProcess::start(
        &db,
        &log,
        "trace",
        &[
            "--webhook-url",
            receiver.url.as_str(),
            "--webhook-secret",
            WEBHOOK_SECRET,
        ],
    );
    let client = Client::new();
    let base = server.base_url.clone();
    let mut checkouts = 0;
    for (i, (number, cvc)) in CARDS.iter().enumerate() {
        for auth in [None, Some("demo-alice")] {
            let mut create = client
                .post(format!("{base}/api/billing/checkout-sessions/create"))
                .json(
                    &json!({"priceSlug": "lifetime", "successUrl": "https://shop.test/ok",
                    "cancelUrl": "https://shop.test/no"}),
                );
            if let Some(token) = auth {
                create = create.bearer_auth(token);
            }
            let created: Value = create
                .send()
                .await
                .expect("create")
                .json()
                .await
                .expect("json");
            let id = created["data"]["checkoutSession"]["id"]
                .as_str()
                .expect("id")
                .to_owned();
            let answer = client
                .post(format!("{base}/api/checkout-sessions/{id}/confirm"))
                .json(&json!({"email": "cards@example.com",
                    "card": {"number": number, "expMonth": 12, "expYear": 2040, "cvc": cvc}}))
                .send()
                .await
                .expect("confirm");
            let expected = if i == 3 { 402 } else { 200 };
            assert_eq!(answer.status().as_u16(), expected, "{number}");
            checkouts += 1;
        }
    }
    // A payment the server refuses (bad expiry) must not leak the card either.
    let id = {
        let created: Value = client
            .post(format!("{base}/api/billing/checkout-sessions/create"))
            .json(&json!({"priceSlug": "lifetime", "successUrl": "https://shop.test/ok", "cancelUrl": "https://shop.test/no"}))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        created["data"]["checkoutSession"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let refused = client
        .post(format!("{base}/api/checkout-sessions/{id}/confirm"))
        .json(&json!({"email": "cards@example.com", "card": {"number": "4242424242424242", "expMonth": 13, "expYear": 2040, "cvc": "913"}}))
        .send()
        .await
        .expect("confirm");
    assert_eq!(refused.status().as_u16(), 400);
    // Let the webhooks go out (their payloads and the client's logs too).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let running = database_bytes(&db);
    assert_clean(&running, "the database files (server running)");
    server.stop();
    let stopped = database_bytes(&db);
    assert_clean(&stopped, "the database files (after shutdown)");
    let logged = std::fs::read(&log).expect("log");
    assert!(
        logged.len() > 1000,
        "the trace log is suspiciously short: {} bytes",
        logged.len()
    );
    assert_clean(&logged, "the server log");
    // The last four digits are kept, as they should be.
    assert!(running.windows(4).any(|w| w == b"4242") || stopped.windows(4).any(|w| w == b"4242"));
    assert!(!receiver.delivered().is_empty(), "webhooks went out");
    figure("card_data.checkouts", checkouts + 1);
    figure(
        "card_data.database_bytes_searched",
        running.len() + stopped.len(),
    );
    figure("card_data.log_bytes_searched", logged.len());
    figure(
        "card_data.seconds",
        format!("{:.1}", started.elapsed().as_secs_f64()),
    );
}

#[test]
fn the_search_finds_what_it_looks_for() {
    // The scan must be able to fail: stored data is found in every form.
    for leak in [
        &b"{\"number\":\"4242424242424242\"}"[..],
        b"card 4242 4242 4242 4242 ok",
        b"x 4242-4242-4242-4242",
        b"prefix 42424242 only",
        b"{\"cvc\":\"111\"}",
        b"{\"code\":\"913\"}",
    ] {
        let caught = std::panic::catch_unwind(|| assert_clean(leak, "sample"));
        assert!(caught.is_err(), "missed {}", String::from_utf8_lossy(leak));
    }
    // Timestamps, ids and the last four digits are not mistaken for a CVC.
    assert_clean(
        b"{\"createdAt\":1781481600913,\"id\":\"cs_0913ab\",\"last4\":\"4242\"}",
        "sample",
    );
}
