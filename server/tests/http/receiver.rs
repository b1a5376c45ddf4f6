//! A real webhook receiver for the tests: a small axum server on loopback
//! that verifies every request with `standardwebhooks::Webhook::verify`
//! under the configured secret twice, once from the `webhook-*` headers and
//! once from the `svix-*` ones (Svix signs as Standard Webhooks does; these
//! are what Flowglad's `verifyWebhook` reads), records it, and answers the
//! statuses a test scripted (200 once the script is used up).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use serde_json::Value;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, Notify};

/// The signing secret the webhook tests configure (24 bytes, base64).
pub const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// When it arrived.
    pub at: Instant,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body as JSON.
    pub body: Value,
    /// Whether the `webhook-*` signature verified under the secret.
    pub verified: bool,
    /// Whether the `svix-*` signature verified under the secret, with the
    /// same id and timestamp as the `webhook-*` headers.
    pub svix_verified: bool,
    /// What the receiver answered.
    pub answered: u16,
}

impl Received {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The event type in the body.
    pub fn event_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }

    /// Whether it is one of the `checkout.session.*` events.
    pub fn is_checkout_session(&self) -> bool {
        self.event_type().starts_with("checkout.session.")
    }
}

struct Shared {
    secret: String,
    requests: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<u16>>,
    arrived: Notify,
}

/// A running receiver.
pub struct Receiver {
    /// The URL to configure as `--webhook-url`.
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let verify = |headers: &HeaderMap| {
        standardwebhooks::Webhook::new(&shared.secret)
            .and_then(|hook| hook.verify(&body, headers))
            .is_ok()
    };
    let verified = verify(&headers);
    // The svix-* headers, renamed, must verify on their own and name the
    // same message and attempt.
    let mut svix = HeaderMap::new();
    let mut same = true;
    for (svix_name, name) in [
        ("svix-id", "webhook-id"),
        ("svix-timestamp", "webhook-timestamp"),
        ("svix-signature", "webhook-signature"),
    ] {
        if let Some(value) = headers.get(svix_name) {
            svix.insert(name, value.clone());
        }
        same &= headers.get(svix_name) == headers.get(name);
    }
    let svix_verified = same && verify(&svix);
    let answered = shared
        .script
        .lock()
        .expect("script lock")
        .pop_front()
        .unwrap_or(200);
    shared
        .requests
        .lock()
        .expect("requests lock")
        .push(Received {
            at: Instant::now(),
            headers,
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
            verified,
            svix_verified,
            answered,
        });
    shared.arrived.notify_waiters();
    StatusCode::from_u16(answered).expect("a valid status")
}

impl Receiver {
    /// A receiver on a free loopback port verifying with `secret`.
    pub async fn start(secret: &str) -> Self {
        Self::start_on("127.0.0.1:0".parse().expect("addr"), secret).await
    }

    /// A receiver on `addr`.
    pub async fn start_on(addr: SocketAddr, secret: &str) -> Self {
        let shared = Arc::new(Shared {
            secret: secret.to_owned(),
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(VecDeque::new()),
            arrived: Notify::new(),
        });
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("receiver binds");
        let addr = listener.local_addr().expect("receiver address");
        let app = Router::new()
            .fallback(axum::routing::post(receive))
            .with_state(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Self {
            url: format!("http://{addr}/hooks/checkout"),
            shared,
            stop: Some(stop),
            task,
        }
    }

    /// Answers the next requests with `statuses`, in order.
    pub fn answer_next(&self, statuses: &[u16]) {
        self.shared
            .script
            .lock()
            .expect("script lock")
            .extend(statuses.iter().copied());
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Received> {
        self.shared.requests.lock().expect("requests lock").clone()
    }

    /// Waits (up to `within`) until `n` requests arrived; returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.shared.arrived.notified();
            let got = self.requests();
            if got.len() >= n {
                return got;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let got = self.requests();
                assert!(
                    got.len() >= n,
                    "expected {n} webhook requests within {within:?}, got {}: {:?}",
                    got.len(),
                    got.iter().map(Received::event_type).collect::<Vec<_>>()
                );
                return got;
            }
        }
    }

    /// Every request of `event_type` so far.
    pub fn of_type(&self, event_type: &str) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(|r| r.event_type() == event_type)
            .collect()
    }

    /// Waits (up to `within`) until `n` `checkout.session.*` requests
    /// arrived; returns those, in arrival order.
    pub async fn wait_for_sessions(&self, n: usize, within: Duration) -> Vec<Received> {
        self.wait_until(within, |got| {
            let sessions: Vec<Received> = got
                .iter()
                .filter(|r| r.is_checkout_session())
                .cloned()
                .collect();
            (sessions.len() >= n).then_some(sessions)
        })
        .await
    }

    /// Waits (up to `within`) until `n` requests of `event_type` arrived; returns them.
    pub async fn wait_for_n_of_type(
        &self,
        event_type: &str,
        n: usize,
        within: Duration,
    ) -> Vec<Received> {
        self.wait_until(within, |got| {
            let of_type: Vec<Received> = got
                .iter()
                .filter(|r| r.event_type() == event_type)
                .cloned()
                .collect();
            (of_type.len() >= n).then_some(of_type)
        })
        .await
    }

    /// Waits (up to `within`) until `done` finds what it wants in the requests so far.
    async fn wait_until<T>(&self, within: Duration, done: impl Fn(&[Received]) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.shared.arrived.notified();
            if let Some(found) = done(&self.requests()) {
                return found;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                if let Some(found) = done(&self.requests()) {
                    return found;
                }
                panic!(
                    "not what was awaited within {within:?}; got {:?}",
                    self.requests()
                        .iter()
                        .map(Received::event_type)
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    /// Waits (up to `within`) for a request of `event_type`.
    pub async fn wait_for_type(&self, event_type: &str, within: Duration) -> Received {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.shared.arrived.notified();
            if let Some(r) = self
                .requests()
                .into_iter()
                .find(|r| r.event_type() == event_type)
            {
                return r;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!(
                    "no {event_type} webhook within {within:?}; got {:?}",
                    self.requests()
                        .iter()
                        .map(Received::event_type)
                        .collect::<Vec<_>>()
                );
            }
        }
    }

    /// Stops listening (connections are refused afterwards).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}
