//! A test server and a client that speaks its API.

use checkout_protocol::AuthenticationOutcome;
use checkout_server::payment::{
    ChargeFuture, OutcomeFuture, PaymentAttempt, PaymentProcessor, SavedCard, TestCardProcessor,
    ValidatedCard,
};
use checkout_server::{spawn, spawn_with_processor, Config, RunningServer};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;

/// The platform key the tests start the server with.
pub const SECRET_KEY: &str = "sk_test_integration_0123456789abcdef";

/// Credentials for the merchant route.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(&'a str),
    /// `Cookie: session=<token>`.
    Cookie(&'a str),
}

/// A running server with its own temporary folder.
pub struct TestServer {
    pub server: RunningServer,
    pub dir: TempDir,
    pub client: Client,
}

/// A response's status and JSON body (`Value::Null` if the body is not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// Asserts an error reply with `status` and `code` in Flowglad's shape; returns the message.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        let error = &self.body["error"];
        assert_eq!(error["code"], code, "body: {}", self.body);
        let message = error["message"].as_str().unwrap_or_default().to_owned();
        assert!(!message.is_empty(), "error needs a message: {}", self.body);
        assert_eq!(error["json"]["message"], message, "body: {}", self.body);
        assert!(self.body.get("data").is_none(), "body: {}", self.body);
        // Flowglad's API error shape at the top level, which
        // @flowglad/node and @flowglad/server read.
        assert_eq!(self.body["message"], message, "body: {}", self.body);
        let flowglad = match status {
            401 => "UNAUTHORIZED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            409 => "CONFLICT",
            413 => "PAYLOAD_TOO_LARGE",
            415 => "UNSUPPORTED_MEDIA_TYPE",
            429 => "TOO_MANY_REQUESTS",
            400..=499 => "BAD_REQUEST",
            502 => "BAD_GATEWAY",
            503 => "SERVICE_UNAVAILABLE",
            504 => "GATEWAY_TIMEOUT",
            _ => "INTERNAL_SERVER_ERROR",
        };
        assert_eq!(self.body["code"], flowglad, "body: {}", self.body);
        message
    }

    /// Asserts a 200 with a `data` member and returns it.
    #[track_caller]
    pub fn data(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        assert!(self.body.get("error").is_none(), "body: {}", self.body);
        &self.body["data"]
    }
}

impl TestServer {
    /// Posts every body to the route's `action` as the customer signed in
    /// with `token`, all at once (one task each); the status and body of each.
    pub async fn route_all_at_once(
        &self,
        action: &str,
        token: &str,
        bodies: Vec<Value>,
    ) -> Vec<(u16, Value)> {
        let url = self.url(&format!("/api/billing/{action}"));
        let tasks: Vec<_> = bodies
            .into_iter()
            .map(|body| {
                let client = self.client.clone();
                let url = url.clone();
                let token = token.to_owned();
                tokio::spawn(async move {
                    let response = client
                        .post(url)
                        .bearer_auth(token)
                        .json(&body)
                        .send()
                        .await
                        .expect("sent");
                    let status = response.status().as_u16();
                    (status, response.json::<Value>().await.expect("json"))
                })
            })
            .collect();
        let mut replies = Vec::new();
        for task in tasks {
            replies.push(task.await.expect("task"));
        }
        replies
    }

    /// A server on a free loopback port with the demo catalog and no dist folder.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Like [`start`], after `adjust` changes the config.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = config_in(dir.path());
        adjust(&mut config);
        let server = spawn(config).await.expect("server starts");
        Self {
            server,
            dir,
            client: Client::new(),
        }
    }

    /// A server whose `dist` holds `files` (path, contents) before it starts,
    /// so they are in the build it loads, after `adjust` changes the config.
    pub async fn with_dist(files: &[(&str, &[u8])], adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_with(|config| {
            write_files(&config.dist, files);
            adjust(config);
        })
        .await
    }

    /// The folder the server serves the widget from.
    pub fn dist(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    /// A server whose card processor takes `delay` per charge and counts charges.
    pub async fn start_slow(delay: Duration) -> (Self, Arc<SlowProcessor>) {
        Self::start_slow_with(delay, |_| {}).await
    }

    /// Like [`start_slow`], after `adjust` changes the config.
    pub async fn start_slow_with(
        delay: Duration,
        adjust: impl FnOnce(&mut Config),
    ) -> (Self, Arc<SlowProcessor>) {
        let processor = Arc::new(SlowProcessor {
            delay,
            charges: AtomicUsize::new(0),
            inner: TestCardProcessor::new(),
        });
        let srv = Self::start_with_processor(processor.clone(), adjust).await;
        (srv, processor)
    }

    /// A server charging with `processor`, after `adjust` changes the config.
    pub async fn start_with_processor(
        processor: Arc<dyn PaymentProcessor>,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = config_in(dir.path());
        adjust(&mut config);
        let server = spawn_with_processor(config, processor)
            .await
            .expect("server starts");
        Self {
            server,
            dir,
            client: Client::new(),
        }
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("db/checkout.sqlite3")
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url)
    }

    /// Sends `request` and reads the reply.
    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body read");
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// `POST /api/billing/{action}` with a JSON body.
    pub async fn route(&self, action: &str, body: Value, auth: Auth<'_>) -> Reply {
        let request = self
            .client
            .post(self.url(&format!("/api/billing/{action}")))
            .json(&body);
        self.send(with_auth(request, auth)).await
    }

    /// `POST /api/billing/{action}` with a JSON body and an `Idempotency-Key`.
    pub async fn route_keyed(&self, action: &str, body: Value, auth: Auth<'_>, key: &str) -> Reply {
        let request = self
            .client
            .post(self.url(&format!("/api/billing/{action}")))
            .header("idempotency-key", key)
            .json(&body);
        self.send(with_auth(request, auth)).await
    }

    /// `customers/billing` for `token` (Bearer); asserts a 200 and returns `data`.
    pub async fn billing(&self, token: &str) -> Value {
        self.route("customers/billing", json!({}), Auth::Bearer(token))
            .await
            .data()
            .clone()
    }

    /// Creates a session with `extra` create params as `auth`, pays it with
    /// the 4242 card, and returns the session id. With a merchant-only
    /// option in `extra` the session is made as the merchant's server would
    /// (see [`TestServer::merchant_create`]), since a browser may not.
    pub async fn buy(&self, extra: Value, auth: Auth<'_>) -> String {
        let merchant_only = checkout_protocol::MERCHANT_ONLY_FIELDS
            .iter()
            .any(|f| extra.get(*f).is_some());
        let reply = if merchant_only {
            self.merchant_create(extra, customer_of(auth)).await
        } else {
            self.route("checkout-sessions/create", create_body(extra), auth)
                .await
        };
        let id = reply.data()["checkoutSession"]["id"]
            .as_str()
            .expect("session id")
            .to_owned();
        self.confirm(&id, "4242424242424242").await.data();
        id
    }

    /// A product checkout with `extra` create params (merchant-only options
    /// too) created as the merchant's server would: through the platform
    /// API with the secret key, for the customer with `external_id` or
    /// anonymous. Answers in the route's `{data}` envelope, so tests read it
    /// like a route create.
    pub async fn merchant_create(&self, extra: Value, external_id: Option<&str>) -> Reply {
        let mut session = create_body(extra);
        session["type"] = json!("product");
        match external_id {
            Some(id) => session["customerExternalId"] = json!(id),
            None => session["anonymous"] = json!(true),
        }
        let reply = self
            .platform_create(json!({ "checkoutSession": session }))
            .await;
        if reply.status == StatusCode::OK {
            Reply {
                status: reply.status,
                body: json!({ "data": reply.body }),
            }
        } else {
            reply
        }
    }

    /// `POST /api/v1/checkout-sessions` with the test key and `body`.
    pub async fn platform_create(&self, body: Value) -> Reply {
        self.platform_create_with(body, Some(SECRET_KEY), None)
            .await
    }

    /// `POST /api/v1/checkout-sessions` with `key` as Authorization and an optional `Idempotency-Key`.
    pub async fn platform_create_with(
        &self,
        body: Value,
        key: Option<&str>,
        idempotency: Option<&str>,
    ) -> Reply {
        let mut request = self
            .client
            .post(self.url("/api/v1/checkout-sessions"))
            .json(&body);
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        if let Some(idempotency) = idempotency {
            request = request.header("idempotency-key", idempotency);
        }
        self.send(request).await
    }

    /// `GET /api/v1/checkout-sessions?{query}` with the test key.
    pub async fn platform_list(&self, query: &str) -> Reply {
        let url = self.url(&format!("/api/v1/checkout-sessions?{query}"));
        self.send(self.client.get(url).header("authorization", SECRET_KEY))
            .await
    }

    /// Rows in `table` (read from the database file while the server runs).
    pub fn count_rows(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db_path()).expect("db opens");
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }

    /// Creates a session for `slug` (quantity 1, anonymous) and returns its id.
    pub async fn create_session(&self, slug: &str) -> String {
        self.create_session_as(slug, Auth::None).await
    }

    /// Creates a session for `slug` with `auth` and returns its id.
    pub async fn create_session_as(&self, slug: &str, auth: Auth<'_>) -> String {
        let reply = self
            .route(
                "checkout-sessions/create",
                create_body(json!({"priceSlug": slug})),
                auth,
            )
            .await;
        reply.data()["checkoutSession"]["id"]
            .as_str()
            .expect("session id")
            .to_owned()
    }

    /// `GET /api/checkout-sessions/{id}`.
    pub async fn hosted(&self, id: &str) -> Reply {
        self.send(
            self.client
                .get(self.url(&format!("/api/checkout-sessions/{id}"))),
        )
        .await
    }

    /// `POST /api/checkout-sessions/{id}/confirm` with `number` and valid other fields.
    pub async fn confirm(&self, id: &str, number: &str) -> Reply {
        self.confirm_with(id, confirm_body(number)).await
    }

    /// `POST /api/checkout-sessions/{id}/confirm` with `body`.
    pub async fn confirm_with(&self, id: &str, body: Value) -> Reply {
        self.send(
            self.client
                .post(self.url(&format!("/api/checkout-sessions/{id}/confirm")))
                .json(&body),
        )
        .await
    }

    /// `GET /api/v1/checkout-sessions/{id}` with `key` as the Authorization header.
    pub async fn platform_get(&self, id: &str, key: Option<&str>) -> Reply {
        let mut request = self
            .client
            .get(self.url(&format!("/api/v1/checkout-sessions/{id}")));
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        self.send(request).await
    }

    /// A server whose webhooks go to `url`, signed with the test secret,
    /// retried after `retry_delays`, sweeping expiry every 100 ms.
    pub async fn with_webhooks(url: &str, retry_delays: Vec<Duration>) -> Self {
        Self::start_with(|c| webhooks_to(c, url, retry_delays)).await
    }

    /// `GET /api/v1/webhook-events?{query}` with `key`.
    pub async fn webhook_events(&self, query: &str, key: Option<&str>) -> Reply {
        let mut request = self
            .client
            .get(self.url(&format!("/api/v1/webhook-events?{query}")));
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        self.send(request).await
    }

    /// `GET /api/v1/webhook-events/{id}` with the test key.
    pub async fn webhook_event(&self, id: &str) -> Reply {
        let url = self.url(&format!("/api/v1/webhook-events/{id}"));
        self.send(self.client.get(url).header("authorization", SECRET_KEY))
            .await
    }

    /// `POST /api/checkout-sessions/{id}/discount` with `body`.
    pub async fn discount(&self, id: &str, body: Value) -> Reply {
        self.send(
            self.client
                .post(self.url(&format!("/api/checkout-sessions/{id}/discount")))
                .json(&body),
        )
        .await
    }

    /// `POST /api/checkout-sessions/{id}/quantity` with `body`.
    pub async fn quantity(&self, id: &str, body: Value) -> Reply {
        self.send(
            self.client
                .post(self.url(&format!("/api/checkout-sessions/{id}/quantity")))
                .json(&body),
        )
        .await
    }

    /// Moves a session's expiry to `at` (epoch ms) in the database file.
    pub fn set_expires_at(&self, id: &str, at: i64) {
        let conn = rusqlite::Connection::open(self.db_path()).expect("db opens");
        conn.busy_timeout(Duration::from_secs(5))
            .expect("busy timeout");
        let changed = conn
            .execute(
                "UPDATE checkout_sessions SET expires_at = ?2 WHERE id = ?1",
                rusqlite::params![id, at],
            )
            .expect("update");
        assert_eq!(changed, 1, "session {id}");
    }

    /// `POST /api/v1/checkout-sessions/{id}/expire` with the test key.
    pub async fn platform_expire(&self, id: &str) -> Reply {
        let url = self.url(&format!("/api/v1/checkout-sessions/{id}/expire"));
        self.send(self.client.post(url).header("authorization", SECRET_KEY))
            .await
    }
}

/// The test config for a folder: loopback port 0, a DB file in a sub-folder
/// (which the server must create), a fixed key, dist inside the folder.
pub fn config_in(dir: &Path) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        db: dir.join("db/checkout.sqlite3"),
        dist: dir.join("dist"),
        secret_key: Some(SECRET_KEY.to_owned()),
        ..Config::default()
    }
}

/// Writes `files` (path relative to `dir`, contents) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, contents) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder created");
        }
        std::fs::write(path, contents).expect("file written");
    }
}

/// Points `config`'s webhooks at `url` with the test secret, `retry_delays`
/// and a 100 ms expiry sweep.
pub fn webhooks_to(config: &mut Config, url: &str, retry_delays: Vec<Duration>) {
    config.webhook_urls = vec![url.to_owned()];
    config.webhook_secret = Some(crate::receiver::WEBHOOK_SECRET.to_owned());
    config.timing.retry_delays = retry_delays;
    config.timing.webhook_timeout = Duration::from_secs(5);
    config.timing.expiry_sweep_interval = Duration::from_millis(100);
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    i64::try_from(since_epoch.as_millis()).expect("milliseconds fit in i64")
}

/// Adds credentials to a request.
pub fn with_auth(request: RequestBuilder, auth: Auth<'_>) -> RequestBuilder {
    match auth {
        Auth::None => request,
        Auth::Bearer(token) => request.bearer_auth(token),
        Auth::Cookie(token) => request.header("cookie", format!("theme=dark; session={token}")),
    }
}

/// The external id of the demo customer whose sign-in token `auth` carries
/// (`demo-alice` is `alice`), for creating their sessions through the
/// platform API.
pub fn customer_of(auth: Auth<'_>) -> Option<&str> {
    match auth {
        Auth::None => None,
        Auth::Bearer(token) | Auth::Cookie(token) => {
            Some(token.strip_prefix("demo-").unwrap_or(token))
        }
    }
}

/// Valid create params merged with `extra`.
pub fn create_body(extra: Value) -> Value {
    let mut body = json!({
        "successUrl": "https://shop.test/success?session_id={CHECKOUT_SESSION_ID}",
        "cancelUrl": "https://shop.test/pricing?cancelled={CHECKOUT_SESSION_ID}",
    });
    if let (Some(target), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    body
}

/// A confirm body paying with `number`, valid until 12/2040.
pub fn confirm_body(number: &str) -> Value {
    json!({
        "email": "buyer@example.com",
        "card": {"number": number, "expMonth": 12, "expYear": 2040, "cvc": "123"}
    })
}

/// The test-card processor, slowed down, counting the charges that went through.
pub struct SlowProcessor {
    delay: Duration,
    charges: AtomicUsize,
    inner: TestCardProcessor,
}

impl SlowProcessor {
    /// Charges that succeeded so far.
    pub fn charges(&self) -> usize {
        self.charges.load(Ordering::SeqCst)
    }
}

impl PaymentProcessor for SlowProcessor {
    fn charge<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let receipt = self.inner.charge(attempt, amount, currency, card).await?;
            self.charges.fetch_add(1, Ordering::SeqCst);
            Ok(receipt)
        })
    }

    fn attempt_outcome<'a>(&'a self, attempt: &'a PaymentAttempt) -> OutcomeFuture<'a> {
        self.inner.attempt_outcome(attempt)
    }

    // 3-D Secure (issue 16): a completed authentication is a charge too.
    fn complete_authentication<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        reference: &'a str,
        outcome: AuthenticationOutcome,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let receipt = self
                .inner
                .complete_authentication(attempt, reference, outcome)
                .await?;
            self.charges.fetch_add(1, Ordering::SeqCst);
            Ok(receipt)
        })
    }

    // Plan changes (issue 15): saved cards are slowed and counted too.
    fn charge_saved<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a SavedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let receipt = self
                .inner
                .charge_saved(attempt, amount, currency, card)
                .await?;
            self.charges.fetch_add(1, Ordering::SeqCst);
            Ok(receipt)
        })
    }
}

/// A shop's own sign-in for tests of the route as a library: a `shop_user`
/// cookie holding the user's id (a stand-in for the merchant's session).
pub struct ShopCookie;

#[async_trait::async_trait]
impl checkout_server::CustomerResolver for ShopCookie {
    async fn resolve(
        &self,
        headers: &axum::http::HeaderMap,
    ) -> Result<Option<checkout_server::CustomerIdentity>, checkout_server::ApiError> {
        let user = headers
            .get("cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("shop_user="));
        Ok(user.map(|u| checkout_server::CustomerIdentity {
            external_id: u.to_owned(),
            name: format!("Shop user {u}"),
            email: format!("{u}@shop.example"),
        }))
    }
}

/// Starts a server on `catalog` (usually the demo catalog edited by a
/// test), written as a catalog file into `dir`, which the caller keeps
/// alive as long as the server.
pub async fn serve_catalog(dir: TempDir, catalog: &Value) -> (TestServer, TempDir) {
    let text = serde_json::to_vec(catalog).expect("catalog serializes");
    write_files(dir.path(), &[("catalog.json", &text)]);
    let path = dir.path().join("catalog.json");
    (
        TestServer::start_with(|c| c.catalog = Some(path)).await,
        dir,
    )
}
