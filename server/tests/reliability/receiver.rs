//! A webhook endpoint for the crash test: verifies every signature, takes
//! its time answering (so the outbox backs up under load), and fails the
//! first attempt of every `fail_every`-th event with a 500 (so retries are
//! pending when the server is killed).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The signing secret the crash test configures.
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Default)]
struct Seen {
    /// Attempts per event id (`webhook-id`).
    attempts: HashMap<String, u32>,
    /// Event ids answered 2xx with a valid signature.
    delivered: HashSet<String>,
    /// Requests whose signature did not verify.
    unverified: u32,
}

struct Shared {
    delay_ms: AtomicU64,
    fail_every: usize,
    events: AtomicUsize,
    failed: AtomicUsize,
    seen: Mutex<Seen>,
}

/// A running receiver.
pub struct Receiver {
    /// Its URL, for `--webhook-url`.
    pub url: String,
    shared: Arc<Shared>,
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    tokio::time::sleep(Duration::from_millis(
        shared.delay_ms.load(Ordering::SeqCst),
    ))
    .await;
    let verified = standardwebhooks::Webhook::new(WEBHOOK_SECRET)
        .and_then(|hook| hook.verify(&body, &headers))
        .is_ok();
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut seen = shared.seen.lock().expect("receiver lock");
    if !verified {
        seen.unverified += 1;
        return StatusCode::BAD_REQUEST;
    }
    let attempts = seen.attempts.entry(id.clone()).or_insert(0);
    *attempts += 1;
    let first = *attempts == 1;
    if first {
        let n = shared.events.fetch_add(1, Ordering::SeqCst) + 1;
        if shared.fail_every > 0 && n % shared.fail_every == 0 {
            shared.failed.fetch_add(1, Ordering::SeqCst);
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    seen.delivered.insert(id);
    StatusCode::NO_CONTENT
}

impl Receiver {
    /// Starts on a free loopback port.
    pub async fn start(delay: Duration, fail_every: usize) -> Self {
        let shared = Arc::new(Shared {
            delay_ms: AtomicU64::new(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)),
            fail_every,
            events: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            seen: Mutex::new(Seen::default()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver binds");
        let addr = listener.local_addr().expect("receiver address");
        let app = Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}/hooks"),
            shared,
        }
    }

    /// Answers without the delay from now on.
    pub fn hurry(&self) {
        self.shared.delay_ms.store(0, Ordering::SeqCst);
    }

    /// Event ids delivered (2xx, signature valid).
    pub fn delivered(&self) -> HashSet<String> {
        self.shared
            .seen
            .lock()
            .expect("receiver lock")
            .delivered
            .clone()
    }

    /// Requests for an event after its first (retries and redeliveries).
    pub fn repeats(&self) -> u32 {
        let seen = self.shared.seen.lock().expect("receiver lock");
        seen.attempts.values().map(|n| n.saturating_sub(1)).sum()
    }

    /// Requests whose signature did not verify.
    pub fn unverified(&self) -> u32 {
        self.shared.seen.lock().expect("receiver lock").unverified
    }

    /// First attempts answered 500 on purpose.
    pub fn failures_injected(&self) -> usize {
        self.shared.failed.load(Ordering::SeqCst)
    }
}
