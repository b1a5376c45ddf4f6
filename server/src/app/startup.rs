//! Starting and stopping the server: flags to state, the store opened and
//! seeded, the listener bound, the background jobs started; and a graceful
//! shutdown.

use crate::app::config::Config;
use crate::app::error::ServerError;
use crate::background::BackgroundTask;
use crate::domain::catalog::Catalog;
use crate::domain::payment::{PaymentProcessor, TestCardProcessor};
use crate::http::route::{CustomerResolver, RouteState};
use crate::http::router::{route_only_router, router};
use crate::http::state::AppState;
use crate::platform::jwt::JwtCustomers;
use crate::platform::{RemotePlatform, RemotePlatformOptions};
use crate::service::Billing;
use crate::store::{Db, Outbox};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a shutdown waits for open requests before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long a shutdown waits for each background task.
const BACKGROUND_GRACE: Duration = Duration::from_secs(5);

/// A server started by [`spawn`].
pub struct RunningServer {
    /// The address actually bound (the real port when asked for port 0).
    pub addr: SocketAddr,
    /// `http://{addr}`.
    pub base_url: String,
    /// The platform API secret key in force (given or generated).
    pub secret_key: String,
    /// The origin hosted-page URLs are built on.
    pub public_url: String,
    /// The webhook signing secret in force (given, or generated once and
    /// kept in the database).
    pub webhook_secret: String,
    /// Whether the webhook secret was not given (so it is worth printing).
    pub webhook_secret_generated: bool,
    /// The build id of `--dist` as loaded at start (see [`crate::http::static_files::bundle::build_id`]).
    pub build_id: String,
    /// How many customers can be signed in with a catalog sign-in token
    /// (the demo's `demo-alice`…): 0 unless embedded with the built-in demo
    /// catalog or a catalog file that gives tokens.
    pub sign_in_tokens: usize,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    background: Vec<BackgroundTask>,
    db: Db,
    db_path: PathBuf,
}

// Hand-written so a stray `{:?}` never logs the secret key.
impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// Stops accepting connections, lets open requests finish (up to 10 s),
    /// stops the expiry sweep and the webhook dispatcher (deliveries not yet
    /// made stay pending in the file), and closes the database file; a new
    /// [`spawn`] may then use it and resumes them.
    pub async fn shutdown(self) {
        if let Err(e) = self.stop().await {
            tracing::error!(error = %e, "shutdown");
        }
    }

    async fn stop(mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let served = match tokio::time::timeout(SHUTDOWN_GRACE, &mut self.task).await {
            Ok(joined) => joined.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            Err(_) => {
                tracing::warn!("requests still open after the grace period; closing anyway");
                self.task.abort();
                Ok(())
            }
        };
        for task in self.background.drain(..) {
            task.stop(BACKGROUND_GRACE).await;
        }
        let closed = self.db.close().await;
        served.map_err(ServerError::Serve)?;
        closed.map_err(|source| ServerError::Database {
            path: self.db_path,
            source,
        })
    }
}

/// Starts the server in the background with the test-card processor and
/// returns once it is listening.
pub async fn spawn(config: Config) -> Result<RunningServer, ServerError> {
    spawn_with_processor(config, Arc::new(TestCardProcessor::new())).await
}

/// Like [`spawn`], charging cards with `payments` instead of the test-card processor.
pub async fn spawn_with_processor(
    config: Config,
    payments: Arc<dyn PaymentProcessor>,
) -> Result<RunningServer, ServerError> {
    // The flag is checked when parsed; a `Config` built in code is checked here.
    let route_prefix = crate::app::config::parse_route_prefix(&config.route_prefix)
        .map_err(ServerError::RoutePrefix)?;
    let catalog = Arc::new(load_catalog(config.catalog.as_deref()).await?);
    let security_headers = crate::http::security_headers::SecurityHeaders::new(
        &config.frame_ancestors,
        crate::domain::catalog::logo_origin(catalog.branding.as_ref()).as_deref(),
    )
    .map_err(ServerError::FrameAncestors)?;
    let bundle = crate::http::static_files::Bundle::load_async(&config.dist)
        .await
        .map_err(|source| ServerError::Dist {
            path: config.dist.clone(),
            source,
        })?;
    let remote = remote_platform(&config)?;
    let jwt_customers = customer_jwt(&config).await?;
    // Route-only mode bills real customers on a live platform: it must know
    // them from the merchant's own signed sign-in, never from demo tokens.
    if remote.is_some() && jwt_customers.is_none() {
        return Err(ServerError::CustomerSourceRequired);
    }
    let secret_key = match config.secret_key {
        // The flag is checked when parsed; a `Config` built in code is checked here.
        Some(key) => {
            crate::app::config::check_secret_key(&key).map_err(ServerError::SecretKeyTooShort)?
        }
        None => crate::http::platform_api::secret_key::generate_secret_key()
            .map_err(ServerError::Random)?,
    };
    let database = |source| ServerError::Database {
        path: config.db.clone(),
        source,
    };
    let outbox = Outbox::new(Arc::clone(&catalog), config.webhook_urls.clone());
    let db = Db::open(&config.db, outbox).await.map_err(database)?;
    db.seed((*catalog).clone(), crate::domain::clock::now_ms())
        .await
        .map_err(database)?;
    // A route-only server sends no webhooks (the platform does).
    let webhook_secret_generated = config.webhook_secret.is_none() && remote.is_none();
    let webhook_secret = match config.webhook_secret {
        Some(secret) => secret,
        None if remote.is_some() => String::new(),
        None => {
            let fresh = crate::webhook::generate_secret().map_err(ServerError::Random)?;
            db.webhook_secret_or(fresh).await.map_err(database)?
        }
    };
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.addr,
        source,
    })?;
    let base_url = format!("http://{addr}");
    let public_url = config.public_url.unwrap_or_else(|| base_url.clone());
    let openapi = crate::http::openapi::render(&route_prefix).map_err(ServerError::OpenApi)?;
    // Safe defaults (issue 13): an empty --redirect-hosts means any host only
    // for a loopback public URL; say at start which rule is in force.
    let redirect_rule = Arc::new(
        crate::domain::redirect_hosts::RedirectRule::new(config.redirect_hosts, &public_url)
            .map_err(ServerError::PublicUrl)?,
    );
    tracing::info!(rule = %redirect_rule.describe(), "success and cancel URLs may point at");
    let remote = remote.map(|platform| platform.with_redirect_rule(Arc::clone(&redirect_rule)));
    let payment_limits = crate::service::rate_limit::PaymentLimits::new(
        config.payment_attempts_per_session,
        config.payment_attempts_per_client,
        config.client_ip_header.clone(),
    );
    let abuse_limits =
        crate::service::rate_limit::AbuseLimits::new(crate::service::rate_limit::AbuseSettings {
            codes_per_session: config.promotion_codes_per_session,
            codes_per_client: config.promotion_codes_per_client,
            failed_auths_per_client: config.failed_auths_per_client,
            declines_per_minute: config.declines_per_minute,
            client_ip_header: config.client_ip_header.clone(),
        });
    let create_limits = Arc::new(crate::service::rate_limit::CreateLimits::new(
        config.anonymous_creates_per_client,
        config.creates_per_customer,
        config.client_ip_header.clone(),
    ));
    crate::service::rate_limit::warn_if_every_client_looks_alike(
        &public_url,
        config.client_ip_header.is_some(),
    );
    let connection_limits = crate::http::connections::ConnectionLimits {
        header_read_timeout: config.header_read_timeout,
        body_timeout: config.body_timeout,
        idle_timeout: config.idle_timeout,
        max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
    };
    let billing = Billing {
        db: db.clone(),
        catalog,
        payments,
        public_url: Arc::from(public_url.as_str()),
        redirect_rule: Arc::clone(&redirect_rule),
        payment_timeout: config.payment_timeout,
        abuse_limits: Arc::new(abuse_limits),
        redirect_signing_key: Arc::from(secret_key.as_str()),
    };
    let state = AppState {
        billing: billing.clone(),
        secret_key: Arc::from(secret_key.as_str()),
        route_prefix: Arc::from(route_prefix.as_str()),
        dist: Arc::new(config.dist),
        bundle: Arc::new(bundle),
        security_headers,
        allowed_origins: Arc::new(config.allowed_origins),
        payment_limits: Arc::new(payment_limits),
        openapi,
        create_limits: Arc::clone(&create_limits),
    };
    let build_id = state.bundle.id().to_owned();
    // Catalog sign-in tokens only in embedded mode, where the customers
    // they name live in this server's own store.
    let tokens = match &remote {
        Some(_) => None,
        None => Some(crate::platform::customer_source::SignInTokens::new(
            db.clone(),
            &billing.catalog,
        )),
    };
    let sign_in_tokens = match &tokens {
        Some(_) => billing.catalog.sign_in_token_count(),
        None => 0,
    };
    if sign_in_tokens > 0 {
        tracing::warn!(
            customers = sign_in_tokens,
            "{}",
            sign_in_tokens_warning(sign_in_tokens)
        );
    }
    let customers: Arc<dyn CustomerResolver> = Arc::new(
        crate::platform::customer_source::CustomerSource::new(jwt_customers, tokens),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let app = match &remote {
        Some(platform) => {
            let route_state = RouteState::new(Arc::new(platform.clone()), customers)
                .with_create_limits(create_limits);
            route_only_router(state, route_state)
        }
        None => router(state, customers),
    };
    let task = tokio::spawn(async move {
        // Handlers get the client address as ConnectInfo (rate limits).
        crate::http::connections::serve(listener, app, connection_limits, async move {
            let _ = stopped.await;
        })
        .await
    });
    let background = if remote.is_some() {
        Vec::new()
    } else {
        let dispatcher =
            match crate::webhook::dispatcher::start(db.clone(), &webhook_secret, &config.timing) {
                Ok(task) => task,
                Err(e) => {
                    let _ = stop.send(());
                    let _ = task.await;
                    let _ = db.close().await;
                    return Err(ServerError::Webhooks(e));
                }
            };
        let sweeper = crate::app::expiry::start(
            billing,
            config.timing.expiry_sweep_interval,
            config.session_retention,
        );
        vec![sweeper, dispatcher]
    };
    tracing::info!(%addr, %public_url, %build_id, webhook_endpoints = config.webhook_urls.len(), "checkout-server started");
    Ok(RunningServer {
        addr,
        base_url,
        secret_key,
        public_url,
        webhook_secret,
        webhook_secret_generated,
        build_id,
        sign_in_tokens,
        stop: Some(stop),
        task,
        background,
        db,
        db_path: config.db,
    })
}

/// Runs the server until Ctrl-C or SIGTERM, printing the generated secret key
/// (if any), `checkout-server listening on http://ADDR` and
/// `embed script: {public_url}/v/{build_id}/checkout-widget.js` on stdout.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let platform_url = config.platform_url.clone();
    let generated_key = config.secret_key.is_none() && platform_url.is_none();
    let mut running = spawn(config).await?;
    if generated_key {
        println!("platform API secret key: {}", running.secret_key);
    }
    if let Some(url) = &platform_url {
        println!("server route forwarding to the billing platform at {url}");
    }
    if running.webhook_secret_generated {
        println!("webhook signing secret: {}", running.webhook_secret);
    }
    if running.sign_in_tokens > 0 {
        println!(
            "warning: {}",
            sign_in_tokens_warning(running.sign_in_tokens)
        );
    }
    println!("checkout-server listening on {}", running.base_url);
    println!(
        "embed script: {}",
        crate::http::static_files::versioned_url(
            &running.public_url,
            &running.build_id,
            crate::http::static_files::EMBED_SCRIPT
        )
    );
    let ended = tokio::select! {
        () = shutdown_signal() => None,
        joined = &mut running.task => Some(joined),
    };
    match ended {
        None => {
            tracing::info!("shutting down");
            running.stop().await
        }
        Some(joined) => {
            for task in running.background.drain(..) {
                task.stop(BACKGROUND_GRACE).await;
            }
            let _ = running.db.close().await;
            joined
                .unwrap_or_else(|e| Err(std::io::Error::other(e)))
                .map_err(ServerError::Serve)
        }
    }
}

/// The platform `--platform-url` and `--platform-key` name, if given (both or neither).
fn remote_platform(config: &Config) -> Result<Option<RemotePlatform>, ServerError> {
    match (&config.platform_url, &config.platform_key) {
        (None, None) => Ok(None),
        (Some(url), Some(key)) => {
            let options = RemotePlatformOptions {
                timeout: config.platform_timeout,
                ..RemotePlatformOptions::new(url.as_str(), key.as_str())
            };
            RemotePlatform::new(options)
                .map(Some)
                .map_err(|e| ServerError::Platform(e.0))
        }
        _ => Err(ServerError::Platform(
            "give --platform-url and --platform-key together".into(),
        )),
    }
}

/// The start-up warning while catalog sign-in tokens are live.
fn sign_in_tokens_warning(customers: usize) -> String {
    format!(
        "sign-in tokens are live for {customers} catalog customer(s) (e.g. `Authorization: Bearer demo-alice`): \
         anyone who knows one is that customer. Demo and tests only; in production identify customers with \
         --customer-jwt-secret or --customer-jwks"
    )
}

/// The customer JWT verifier the flags describe, if any key is given: the
/// HS256 secret (at least 32 bytes) and/or the JWKS file, with the optional
/// issuer, audience and cookie.
async fn customer_jwt(config: &Config) -> Result<Option<JwtCustomers>, ServerError> {
    let fail = |e: &dyn std::fmt::Display| ServerError::CustomerJwt(e.to_string());
    let secret = config.customer_jwt_secret.as_deref();
    let jwks = match &config.customer_jwks {
        Some(path) => Some(tokio::fs::read_to_string(path).await.map_err(|e| {
            fail(&format_args!(
                "cannot read the JWKS file {}: {e}",
                path.display()
            ))
        })?),
        None => None,
    };
    let customers = match (secret, jwks.as_deref()) {
        (None, None) => {
            let cookie_set = config.customer_cookie != crate::platform::jwt::DEFAULT_CUSTOMER_COOKIE;
            if config.customer_jwt_issuer.is_some()
                || config.customer_jwt_audience.is_some()
                || cookie_set
            {
                return Err(fail(
                    &"--customer-jwt-issuer, --customer-jwt-audience and --customer-cookie describe customer JWTs; \
                      give their key with --customer-jwt-secret or --customer-jwks",
                ));
            }
            return Ok(None);
        }
        (Some(secret), None) => JwtCustomers::hs256(secret.as_bytes()),
        (None, Some(jwks)) => JwtCustomers::jwks(jwks),
        (Some(secret), Some(jwks)) => {
            JwtCustomers::hs256(secret.as_bytes()).and_then(|c| c.with_jwks(jwks))
        }
    }
    .and_then(|c| c.with_cookie(&config.customer_cookie))
    .map_err(|e| fail(&e))?;
    let customers = match config.customer_jwt_issuer.as_deref().map(str::trim) {
        Some("") => return Err(fail(&"--customer-jwt-issuer is blank")),
        Some(issuer) => customers.with_issuer(issuer),
        None => customers,
    };
    let customers = match config.customer_jwt_audience.as_deref().map(str::trim) {
        Some("") => return Err(fail(&"--customer-jwt-audience is blank")),
        Some(audience) => customers.with_audience(audience),
        None => customers,
    };
    Ok(Some(customers))
}

async fn load_catalog(path: Option<&std::path::Path>) -> Result<Catalog, ServerError> {
    let Some(path) = path else {
        return Ok(Catalog::demo()?);
    };
    let text =
        tokio::fs::read_to_string(path)
            .await
            .map_err(|source| ServerError::CatalogRead {
                path: path.to_owned(),
                source,
            })?;
    Ok(Catalog::parse(&text, &path.display().to_string())?)
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
