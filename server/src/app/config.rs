//! Command-line flags and their environment-variable equivalents.

pub use crate::background::Timing;
pub use crate::domain::clock::{format_duration, parse_duration};
pub use crate::domain::redirect_hosts::{parse_redirect_hosts, RedirectHosts};
pub use crate::http::cors::{parse_allowed_origins, AllowedOrigins};
pub use crate::http::frame_ancestors::{parse_frame_ancestors, FrameAncestors};
pub use crate::http::route::prefix::{
    parse_route_prefix, DEFAULT_ROUTE_PREFIX, RESERVED_ROUTE_PREFIXES,
};
pub use crate::service::rate_limit::Rate;
use clap::Parser;
use http::HeaderName;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How the server is started. Every flag has an environment equivalent.
#[derive(Clone, PartialEq, Eq, Parser)]
#[command(
    name = "checkout-server",
    version,
    about = "Reference billing server for the checkout widget"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CHECKOUT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// SQLite database file (parent folders are created).
    #[arg(long, env = "CHECKOUT_DB", default_value = "data/checkout.sqlite3")]
    pub db: PathBuf,

    /// Folder with the built widget (index.html, .js, .wasm).
    #[arg(long, env = "CHECKOUT_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Catalog JSON file; the built-in demo catalog when absent.
    #[arg(long, env = "CHECKOUT_CATALOG")]
    pub catalog: Option<PathBuf>,

    /// Platform API secret key, at least 32 characters; a random `sk_test_…`
    /// key is generated and printed when absent.
    #[arg(long, env = "CHECKOUT_SECRET_KEY", hide_env_values = true, value_parser = parse_secret_key)]
    pub secret_key: Option<String>,

    /// Where the merchant server route is mounted (leading slash, no trailing slash).
    #[arg(long, env = "CHECKOUT_ROUTE_PREFIX", default_value = DEFAULT_ROUTE_PREFIX, value_parser = parse_route_prefix)]
    pub route_prefix: String,

    /// Absolute origin used to build hosted-page URLs; `http://{bound address}` when absent.
    #[arg(long, env = "CHECKOUT_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// A URL that receives every webhook event (repeatable; the environment
    /// variable takes a comma-separated list).
    #[arg(
        long = "webhook-url",
        env = "CHECKOUT_WEBHOOK_URLS",
        value_delimiter = ',',
        value_parser = parse_webhook_url
    )]
    pub webhook_urls: Vec<String>,

    /// The webhook signing secret (`whsec_` + base64), for Standard Webhooks
    /// libraries and `@flowglad/server`'s `verifyWebhook` alike; generated
    /// once, stored in the database and printed at start when absent.
    #[arg(long, env = "CHECKOUT_WEBHOOK_SECRET", hide_env_values = true, value_parser = parse_webhook_secret)]
    pub webhook_secret: Option<String>,

    /// Who may frame the HTML pages (the CSP `frame-ancestors` sources): a
    /// space- or comma-separated list of 'self', 'none' or http(s) origins.
    /// The widget's overlay and inline modes frame the hosted checkout, so a
    /// merchant on another origin lists that origin here.
    #[arg(long, env = "CHECKOUT_FRAME_ANCESTORS", default_value = "'self'", value_parser = parse_frame_ancestors)]
    pub frame_ancestors: FrameAncestors,

    /// The only hosts success and cancel URLs may point at (comma- or
    /// space-separated; `*.shop.example` for its subdomains), besides this
    /// server's own origin. When absent: any host while the public URL is
    /// loopback (127.0.0.0/8, ::1, localhost), else only the own origin.
    #[arg(long, env = "CHECKOUT_REDIRECT_HOSTS", default_value = "", hide_default_value = true, value_parser = parse_redirect_hosts)]
    pub redirect_hosts: RedirectHosts,

    /// Origins whose pages may call the server route from the browser
    /// (CORS; comma- or space-separated http(s) origins). Same-origin only
    /// when absent.
    #[arg(long, env = "CHECKOUT_ALLOWED_ORIGINS", default_value = "", hide_default_value = true, value_parser = parse_allowed_origins)]
    pub allowed_origins: AllowedOrigins,

    /// Payment attempts (hosted-page confirms) allowed per checkout session:
    /// N/PERIOD, a burst of N refilling over PERIOD, or `off`.
    #[arg(long, env = "CHECKOUT_PAYMENT_ATTEMPTS_PER_SESSION", default_value = Rate::PER_SESSION_DEFAULT)]
    pub payment_attempts_per_session: Rate,

    /// Payment attempts allowed per client address (IPv6: per /64), as
    /// N/PERIOD or `off`. Loopback clients are not limited per address.
    #[arg(long, env = "CHECKOUT_PAYMENT_ATTEMPTS_PER_CLIENT", default_value = Rate::PER_CLIENT_DEFAULT)]
    pub payment_attempts_per_client: Rate,

    /// A header a trusted reverse proxy puts the client address in (e.g.
    /// X-Forwarded-For: its last entry is used). Without it the TCP peer is
    /// the client; set it only behind a proxy that overwrites the header.
    #[arg(long, env = "CHECKOUT_CLIENT_IP_HEADER", value_parser = parse_header_name)]
    pub client_ip_header: Option<HeaderName>,

    /// How long a charge may take before it is abandoned (e.g. 60s, 2m); the
    /// processor is then asked what became of the attempt. A session left
    /// `pending` for twice this long — by a crash mid-payment — is settled
    /// the same way: paid if charged, reopened if not, kept while unknown.
    #[arg(long, env = "CHECKOUT_PAYMENT_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub payment_timeout: Duration,

    /// A Flowglad-compatible billing platform to forward the server route to
    /// (Flowglad's API, or another checkout-server): this server then runs
    /// only the route and the widget's files, and the platform holds the
    /// customers, sessions and hosted pages. Everything embedded when absent.
    #[arg(long, env = "CHECKOUT_PLATFORM_URL", requires = "platform_key", value_parser = parse_platform_url)]
    pub platform_url: Option<String>,

    /// The secret API key of `--platform-url`'s platform.
    #[arg(
        long,
        env = "CHECKOUT_PLATFORM_KEY",
        hide_env_values = true,
        requires = "platform_url"
    )]
    pub platform_key: Option<String>,

    /// How long one call to `--platform-url` may take (e.g. 10s, 2s).
    #[arg(long, env = "CHECKOUT_PLATFORM_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub platform_timeout: Duration,

    // --- Customer identity: the merchant's own signed JWT ---
    /// HS256 shared secret the merchant's sign-in signs customer JWTs with
    /// (at least 32 bytes). The route then bills the token's `sub`.
    #[arg(long, env = "CHECKOUT_CUSTOMER_JWT_SECRET", hide_env_values = true)]
    pub customer_jwt_secret: Option<String>,

    /// A JWKS file (`{"keys": [...]}`) of the RS256 / ES256 public keys the
    /// merchant's sign-in signs customer JWTs with, chosen by `kid`.
    #[arg(long, env = "CHECKOUT_CUSTOMER_JWKS")]
    pub customer_jwks: Option<PathBuf>,

    /// The `iss` customer JWTs must have (then required).
    #[arg(long, env = "CHECKOUT_CUSTOMER_JWT_ISSUER")]
    pub customer_jwt_issuer: Option<String>,

    /// The `aud` customer JWTs must have (then required).
    #[arg(long, env = "CHECKOUT_CUSTOMER_JWT_AUDIENCE")]
    pub customer_jwt_audience: Option<String>,

    /// The cookie a customer JWT is read from when the request has no
    /// `Authorization: Bearer` token.
    #[arg(long, env = "CHECKOUT_CUSTOMER_COOKIE", default_value = crate::platform::jwt::DEFAULT_CUSTOMER_COOKIE)]
    pub customer_cookie: String,
    // --- Abuse limits and connections (issue 13, items 3 and 4). ---
    /// Checkouts started without a signed-in customer allowed per client
    /// address (IPv6: per /64), as N/PERIOD or `off`.
    #[arg(long, env = "CHECKOUT_ANONYMOUS_CREATES_PER_CLIENT", default_value_t = Rate::ANONYMOUS_CREATES_DEFAULT)]
    pub anonymous_creates_per_client: Rate,

    /// Checkouts started per signed-in customer (by their external id), as
    /// N/PERIOD or `off`.
    #[arg(long, env = "CHECKOUT_CREATES_PER_CUSTOMER", default_value_t = Rate::CUSTOMER_CREATES_DEFAULT)]
    pub creates_per_customer: Rate,

    /// Discount codes tried on the hosted page per checkout session, as
    /// N/PERIOD or `off`.
    #[arg(long, env = "CHECKOUT_PROMOTION_CODES_PER_SESSION", default_value_t = Rate::CODES_PER_SESSION_DEFAULT)]
    pub promotion_codes_per_session: Rate,

    /// Discount codes tried on the hosted page per client address, as
    /// N/PERIOD or `off`.
    #[arg(long, env = "CHECKOUT_PROMOTION_CODES_PER_CLIENT", default_value_t = Rate::CODES_PER_CLIENT_DEFAULT)]
    pub promotion_codes_per_client: Rate,

    /// Failed platform-API authentications (wrong or missing key) allowed
    /// per client address before even a right key is refused, as N/PERIOD
    /// or `off`.
    #[arg(long, env = "CHECKOUT_FAILED_AUTHS_PER_CLIENT", default_value_t = Rate::FAILED_AUTHS_DEFAULT)]
    pub failed_auths_per_client: Rate,

    /// Card declines per minute across all clients; past it every payment
    /// attempt is refused until the minute is over (0: no ceiling).
    #[arg(long, env = "CHECKOUT_DECLINES_PER_MINUTE", default_value_t = crate::service::rate_limit::DEFAULT_DECLINES_PER_MINUTE)]
    pub declines_per_minute: u32,

    /// How long expired and abandoned sessions are kept before they are
    /// deleted with their webhook events (e.g. 30d, 72h). Paid sessions and
    /// anything a purchase or subscription refers to are never deleted.
    #[arg(long, env = "CHECKOUT_SESSION_RETENTION", default_value = "30d", value_parser = parse_duration)]
    pub session_retention: Duration,

    /// How long a client may take to send a request's headers (from its
    /// first byte, or from connecting) before the connection is closed.
    #[arg(long, env = "CHECKOUT_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = parse_positive_duration)]
    pub header_read_timeout: Duration,

    /// How long a client may take to send a request's body; past it the
    /// request is answered 408 `request_timeout` and the connection closed.
    #[arg(long, env = "CHECKOUT_BODY_TIMEOUT", default_value = "30s", value_parser = parse_positive_duration)]
    pub body_timeout: Duration,

    /// How long a kept-alive connection may sit idle between requests.
    #[arg(long, env = "CHECKOUT_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_positive_duration)]
    pub idle_timeout: Duration,

    /// Open connections served at once; further ones wait in the listen
    /// queue until one closes.
    #[arg(long, env = "CHECKOUT_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    // --- end of abuse limits and connections. ---
    /// Timing of the background work (retries, expiry sweeps); not a flag.
    #[arg(skip)]
    pub timing: Timing,
}

/// The default `--max-connections`.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 1024;

/// The default `--session-retention`: 30 days.
pub const DEFAULT_SESSION_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// [`parse_duration`], refusing zero (a zero timeout would close every connection).
pub fn parse_positive_duration(raw: &str) -> Result<Duration, String> {
    let d = parse_duration(raw)?;
    if d.is_zero() {
        return Err(format!("`{raw}` must be longer than zero"));
    }
    Ok(d)
}

// Hand-written so a stray `{:?}` never logs the secret key.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("dist", &self.dist)
            .field("catalog", &self.catalog)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("route_prefix", &self.route_prefix)
            .field("public_url", &self.public_url)
            .field("webhook_urls", &self.webhook_urls)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("frame_ancestors", &self.frame_ancestors)
            .field("redirect_hosts", &self.redirect_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field(
                "payment_attempts_per_session",
                &self.payment_attempts_per_session,
            )
            .field(
                "payment_attempts_per_client",
                &self.payment_attempts_per_client,
            )
            .field("client_ip_header", &self.client_ip_header)
            .field("payment_timeout", &self.payment_timeout)
            .field("platform_url", &self.platform_url)
            .field(
                "platform_key",
                &self.platform_key.as_ref().map(|_| "<redacted>"),
            )
            .field("platform_timeout", &self.platform_timeout)
            .field(
                "customer_jwt_secret",
                &self.customer_jwt_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("customer_jwks", &self.customer_jwks)
            .field("customer_jwt_issuer", &self.customer_jwt_issuer)
            .field("customer_jwt_audience", &self.customer_jwt_audience)
            .field("customer_cookie", &self.customer_cookie)
            .field(
                "anonymous_creates_per_client",
                &self.anonymous_creates_per_client,
            )
            .field("creates_per_customer", &self.creates_per_customer)
            .field(
                "promotion_codes_per_session",
                &self.promotion_codes_per_session,
            )
            .field(
                "promotion_codes_per_client",
                &self.promotion_codes_per_client,
            )
            .field("failed_auths_per_client", &self.failed_auths_per_client)
            .field("declines_per_minute", &self.declines_per_minute)
            .field("session_retention", &self.session_retention)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("timing", &self.timing)
            .finish()
    }
}

impl Default for Config {
    /// The command-line defaults, ignoring the environment.
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("data/checkout.sqlite3"),
            dist: PathBuf::from("dist"),
            catalog: None,
            secret_key: None,
            route_prefix: DEFAULT_ROUTE_PREFIX.to_owned(),
            public_url: None,
            webhook_urls: Vec::new(),
            webhook_secret: None,
            frame_ancestors: FrameAncestors::default(),
            redirect_hosts: RedirectHosts::default(),
            allowed_origins: AllowedOrigins::default(),
            payment_attempts_per_session: Rate::PER_SESSION_DEFAULT.parse().unwrap_or(Rate::Off),
            payment_attempts_per_client: Rate::PER_CLIENT_DEFAULT.parse().unwrap_or(Rate::Off),
            client_ip_header: None,
            payment_timeout: DEFAULT_PAYMENT_TIMEOUT,
            platform_url: None,
            platform_key: None,
            platform_timeout: crate::platform::remote::DEFAULT_TIMEOUT,
            customer_jwt_secret: None,
            customer_jwks: None,
            customer_jwt_issuer: None,
            customer_jwt_audience: None,
            customer_cookie: crate::platform::jwt::DEFAULT_CUSTOMER_COOKIE.to_owned(),
            anonymous_creates_per_client: Rate::ANONYMOUS_CREATES_DEFAULT,
            creates_per_customer: Rate::CUSTOMER_CREATES_DEFAULT,
            promotion_codes_per_session: Rate::CODES_PER_SESSION_DEFAULT,
            promotion_codes_per_client: Rate::CODES_PER_CLIENT_DEFAULT,
            failed_auths_per_client: Rate::FAILED_AUTHS_DEFAULT,
            declines_per_minute: crate::service::rate_limit::DEFAULT_DECLINES_PER_MINUTE,
            session_retention: DEFAULT_SESSION_RETENTION,
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            timing: Timing::default(),
        }
    }
}

/// Checks a public URL: an absolute http(s) origin with a host; returned without a trailing slash.
pub fn parse_public_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let url = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not an absolute URL: {e}"))?;
    if !checkout_protocol::redirect::is_allowed_scheme(url.scheme()) {
        return Err(format!("`{raw}` must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{raw}` has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{raw}` must not have a query or fragment"));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// Checks a platform URL: an absolute http(s) URL with a host (a path
/// prefix is kept), no query or fragment; returned without a trailing slash.
/// The same rules as [`parse_public_url`].
pub fn parse_platform_url(raw: &str) -> Result<String, String> {
    parse_public_url(raw)
}

/// Checks a webhook endpoint: an absolute http(s) URL with a host, at most 2048 bytes.
pub fn parse_webhook_url(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.len() > crate::domain::validation::MAX_URL_LEN {
        return Err(format!(
            "a webhook URL must be at most {} bytes",
            crate::domain::validation::MAX_URL_LEN
        ));
    }
    let url = url::Url::parse(raw).map_err(|e| format!("`{raw}` is not an absolute URL: {e}"))?;
    if !checkout_protocol::redirect::is_allowed_scheme(url.scheme()) {
        return Err(format!("`{raw}` must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{raw}` has no host"));
    }
    Ok(raw.to_owned())
}

/// The default `--payment-timeout`.
pub const DEFAULT_PAYMENT_TIMEOUT: Duration = Duration::from_secs(60);

// --- Safe defaults (issue 13): the secret key's minimum length. ---

/// The fewest characters `--secret-key` may have. The key is the platform
/// API's only credential (it reads and changes every customer and session),
/// so a short one could be guessed; the generated `sk_test_` + 32 hex digits
/// has 40.
pub const MIN_SECRET_KEY_CHARS: usize = 32;

/// The key, if it has at least [`MIN_SECRET_KEY_CHARS`] characters (not
/// counting surrounding spaces); else how many it has.
pub fn check_secret_key(key: &str) -> Result<String, usize> {
    let length = key.trim().chars().count();
    if length < MIN_SECRET_KEY_CHARS {
        return Err(length);
    }
    Ok(key.to_owned())
}

/// Checks `--secret-key` (see [`check_secret_key`]).
pub fn parse_secret_key(raw: &str) -> Result<String, String> {
    check_secret_key(raw).map_err(|length| {
        format!(
            "the secret key has {length} characters; it must have at least {MIN_SECRET_KEY_CHARS} random ones (leave it unset to generate one)"
        )
    })
}

/// Checks a header name for `--client-ip-header`.
pub fn parse_header_name(raw: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(raw.trim().as_bytes())
        .map_err(|_| format!("`{raw}` is not a header name, e.g. X-Forwarded-For"))
}

/// Checks a webhook signing secret: `whsec_` (optional) and base64 of 24 to 64 bytes.
pub fn parse_webhook_secret(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    crate::webhook::signing_key_len(raw)
        .filter(|n| (24..=64).contains(n))
        .map(|_| raw.to_owned())
        .ok_or_else(|| {
            "the webhook secret must be `whsec_` followed by base64 of 24 to 64 random bytes"
                .to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_prefix_is_normalised() {
        assert_eq!(parse_route_prefix("/api/billing").unwrap(), "/api/billing");
        assert_eq!(parse_route_prefix("api/billing/").unwrap(), "/api/billing");
        assert_eq!(parse_route_prefix(" /billing// ").unwrap(), "/billing");
        assert!(parse_route_prefix("/").is_err());
        assert!(parse_route_prefix("").is_err());
        assert!(parse_route_prefix("/api/{x}").is_err());
        assert!(parse_route_prefix("/api//x").is_err());
        for taken in RESERVED_ROUTE_PREFIXES {
            assert!(parse_route_prefix(taken).is_err(), "{taken}");
        }
        assert_eq!(parse_route_prefix("/v/billing").unwrap(), "/v/billing");
    }

    #[test]
    fn public_url_rules() {
        assert_eq!(
            parse_public_url("https://pay.example.com/").unwrap(),
            "https://pay.example.com"
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:9000").unwrap(),
            "http://127.0.0.1:9000"
        );
        assert!(parse_public_url("pay.example.com").is_err());
        assert!(parse_public_url("javascript:alert(1)").is_err());
        assert!(parse_public_url("https://x.test/?a=1").is_err());
    }

    #[test]
    fn flags_parse_and_normalise() {
        let c = Config::try_parse_from([
            "checkout-server",
            "--addr",
            "127.0.0.1:0",
            "--db",
            "/tmp/x.sqlite3",
            "--dist",
            "/tmp/dist",
            "--catalog",
            "shop.json",
            "--secret-key",
            "sk_test_abcdefghijklmnopqrstuvwxyz012345",
            "--route-prefix",
            "billing/",
            "--public-url",
            "https://pay.example.com/",
        ])
        .unwrap();
        assert_eq!(c.addr.port(), 0);
        assert_eq!(c.route_prefix, "/billing");
        assert_eq!(c.public_url.as_deref(), Some("https://pay.example.com"));
        assert_eq!(
            c.secret_key.as_deref(),
            Some("sk_test_abcdefghijklmnopqrstuvwxyz012345")
        );
        assert!(Config::try_parse_from(["checkout-server", "--route-prefix", "/"]).is_err());
    }

    #[test]
    fn webhook_flags_repeat_and_check_their_values() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let c = Config::try_parse_from([
            "checkout-server",
            "--webhook-url",
            "https://hooks.example.com/a",
            "--webhook-url",
            "http://127.0.0.1:9000/b",
            "--webhook-secret",
            secret,
        ])
        .unwrap();
        assert_eq!(
            c.webhook_urls,
            ["https://hooks.example.com/a", "http://127.0.0.1:9000/b"]
        );
        assert_eq!(c.webhook_secret.as_deref(), Some(secret));
        assert_eq!(c.timing, Timing::default());
        for bad in ["ftp://x.test/h", "/relative", "javascript:alert(1)"] {
            assert!(
                Config::try_parse_from(["checkout-server", "--webhook-url", bad]).is_err(),
                "{bad}"
            );
        }
        for bad in ["whsec_", "whsec_!!!", "whsec_c2hvcnQ="] {
            assert!(
                Config::try_parse_from(["checkout-server", "--webhook-secret", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn frame_ancestors_flag_takes_a_list_and_defaults_to_self() {
        let c = Config::try_parse_from(["checkout-server"]).unwrap();
        assert_eq!(c.frame_ancestors.to_string(), "'self'");
        let c = Config::try_parse_from([
            "checkout-server",
            "--frame-ancestors",
            "'self' https://shop.example,http://localhost:3000",
        ])
        .unwrap();
        assert_eq!(
            c.frame_ancestors.sources(),
            ["'self'", "https://shop.example", "http://localhost:3000"]
        );
        for bad in [
            "https://shop.example/pay",
            "self",
            "*",
            "'none' https://a.test",
        ] {
            let error = Config::try_parse_from(["checkout-server", "--frame-ancestors", bad])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("--frame-ancestors"), "{bad}: {error}");
        }
    }

    #[test]
    fn hardening_flags_parse_with_their_defaults() {
        let c = Config::try_parse_from(["checkout-server"]).unwrap();
        assert!(!c.redirect_hosts.is_restricted());
        assert!(c.allowed_origins.origins().is_empty());
        assert_eq!(c.payment_attempts_per_session.to_string(), "10/10m");
        assert_eq!(c.payment_attempts_per_client.to_string(), "30/10m");
        assert_eq!(c.client_ip_header, None);
        assert_eq!(c.payment_timeout, DEFAULT_PAYMENT_TIMEOUT);
        assert_eq!(
            c,
            Config {
                addr: c.addr,
                ..Config::default()
            }
        );
        let c = Config::try_parse_from([
            "checkout-server",
            "--redirect-hosts",
            "a.example,b.example",
            "--allowed-origins",
            "https://shop.example http://localhost:3000",
            "--payment-attempts-per-session",
            "3/1m",
            "--payment-attempts-per-client",
            "off",
            "--client-ip-header",
            "X-Forwarded-For",
            "--payment-timeout",
            "5s",
        ])
        .unwrap();
        assert_eq!(c.redirect_hosts.to_string(), "a.example,b.example");
        assert_eq!(
            c.allowed_origins.to_string(),
            "https://shop.example,http://localhost:3000"
        );
        assert_eq!(c.payment_attempts_per_session.to_string(), "3/1m");
        assert_eq!(c.payment_attempts_per_client, Rate::Off);
        assert_eq!(
            c.client_ip_header.as_ref().map(HeaderName::as_str),
            Some("x-forwarded-for")
        );
        assert_eq!(c.payment_timeout, Duration::from_secs(5));
        for (flag, bad) in [
            ("--redirect-hosts", "https://a.example"),
            ("--allowed-origins", "*"),
            ("--payment-attempts-per-session", "lots"),
            ("--client-ip-header", "bad header"),
            ("--payment-timeout", "soon"),
        ] {
            assert!(
                Config::try_parse_from(["checkout-server", flag, bad]).is_err(),
                "{flag} {bad}"
            );
        }
    }

    #[test]
    fn abuse_and_connection_flags_parse_with_their_defaults() {
        let c = Config::try_parse_from(["checkout-server"]).unwrap();
        assert_eq!(c.anonymous_creates_per_client.to_string(), "100/10m");
        assert_eq!(c.creates_per_customer.to_string(), "100/10m");
        assert_eq!(c.promotion_codes_per_session.to_string(), "10/10m");
        assert_eq!(c.promotion_codes_per_client.to_string(), "30/10m");
        assert_eq!(c.failed_auths_per_client.to_string(), "20/10m");
        assert_eq!(c.declines_per_minute, 60);
        assert_eq!(c.session_retention, Duration::from_secs(30 * 86_400));
        assert_eq!(c.header_read_timeout, Duration::from_secs(10));
        assert_eq!(c.body_timeout, Duration::from_secs(30));
        assert_eq!(c.idle_timeout, Duration::from_secs(60));
        assert_eq!(c.max_connections, 1024);
        let c = Config::try_parse_from([
            "checkout-server",
            "--anonymous-creates-per-client",
            "5/1m",
            "--creates-per-customer",
            "off",
            "--promotion-codes-per-session",
            "3/10m",
            "--promotion-codes-per-client",
            "9/1h",
            "--failed-auths-per-client",
            "2/1m",
            "--declines-per-minute",
            "0",
            "--session-retention",
            "72h",
            "--header-read-timeout",
            "2s",
            "--body-timeout",
            "500ms",
            "--idle-timeout",
            "5m",
            "--max-connections",
            "8",
        ])
        .unwrap();
        assert_eq!(c.anonymous_creates_per_client.to_string(), "5/1m");
        assert_eq!(c.creates_per_customer, Rate::Off);
        assert_eq!(c.promotion_codes_per_session.to_string(), "3/10m");
        assert_eq!(c.promotion_codes_per_client.to_string(), "9/1h");
        assert_eq!(c.failed_auths_per_client.to_string(), "2/1m");
        assert_eq!(c.declines_per_minute, 0);
        assert_eq!(c.session_retention, Duration::from_secs(72 * 3600));
        assert_eq!(c.header_read_timeout, Duration::from_secs(2));
        assert_eq!(c.body_timeout, Duration::from_millis(500));
        assert_eq!(c.idle_timeout, Duration::from_secs(300));
        assert_eq!(c.max_connections, 8);
        for (flag, bad) in [
            ("--anonymous-creates-per-client", "many"),
            ("--declines-per-minute", "-1"),
            ("--session-retention", "forever"),
            ("--header-read-timeout", "0s"),
            ("--body-timeout", "0"),
            ("--idle-timeout", "soon"),
            ("--max-connections", "0"),
        ] {
            assert!(
                Config::try_parse_from(["checkout-server", flag, bad]).is_err(),
                "{flag} {bad}"
            );
        }
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        for bad in ["", "m", "1.5s", "-1s", "1w", "99999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_duration("30d").unwrap(), DEFAULT_SESSION_RETENTION);
        for d in ["250ms", "90s", "10m", "2h", "30d"] {
            assert_eq!(format_duration(parse_duration(d).unwrap()), d);
        }
    }

    #[test]
    fn platform_flags_come_together() {
        let c = Config::try_parse_from([
            "checkout-server",
            "--platform-url",
            "https://api.example.com/flowglad/",
            "--platform-key",
            "sk_live_abc",
            "--platform-timeout",
            "3s",
        ])
        .unwrap();
        assert_eq!(
            c.platform_url.as_deref(),
            Some("https://api.example.com/flowglad")
        );
        assert_eq!(c.platform_key.as_deref(), Some("sk_live_abc"));
        assert_eq!(c.platform_timeout, Duration::from_secs(3));
        assert!(!format!("{c:?}").contains("sk_live_abc"));
        for args in [
            &["--platform-url", "https://api.example.com"][..],
            &["--platform-key", "sk_live_abc"][..],
            &["--platform-url", "api.example.com", "--platform-key", "k"][..],
            &[
                "--platform-url",
                "https://x.test/?a=1",
                "--platform-key",
                "k",
            ][..],
        ] {
            let argv = std::iter::once("checkout-server").chain(args.iter().copied());
            assert!(Config::try_parse_from(argv).is_err(), "{args:?}");
        }
    }

    #[test]
    fn customer_jwt_flags_parse() {
        let c = Config::try_parse_from([
            "checkout-server",
            "--customer-jwt-secret",
            "jwt-secret-hidden-0123456789abcdef",
            "--customer-jwks",
            "keys.json",
            "--customer-jwt-issuer",
            "https://shop.example",
            "--customer-jwt-audience",
            "billing",
            "--customer-cookie",
            "shop_session",
        ])
        .unwrap();
        assert_eq!(c.customer_jwks, Some(PathBuf::from("keys.json")));
        assert_eq!(
            c.customer_jwt_issuer.as_deref(),
            Some("https://shop.example")
        );
        assert_eq!(c.customer_jwt_audience.as_deref(), Some("billing"));
        assert_eq!(c.customer_cookie, "shop_session");
        assert!(!format!("{c:?}").contains("jwt-secret-hidden"));
        assert_eq!(Config::default().customer_cookie, "session");
    }

    #[test]
    fn a_short_secret_key_is_refused() {
        for short in ["", "   ", "abc", "sk_test_abc", &"x".repeat(31)] {
            let error = Config::try_parse_from(["checkout-server", "--secret-key", short])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("at least 32"), "{short:?}: {error}");
        }
        assert_eq!(check_secret_key(&"x".repeat(31)), Err(31));
        // Characters, not bytes: 16 two-byte letters are still 16.
        assert_eq!(check_secret_key(&"é".repeat(16)), Err(16));
        let ok = "x".repeat(32);
        assert_eq!(check_secret_key(&ok), Ok(ok.clone()));
        let generated = crate::http::platform_api::secret_key::generate_secret_key().unwrap();
        assert_eq!(check_secret_key(&generated), Ok(generated.clone()));
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let c = Config {
            secret_key: Some("sk_test_hidden".into()),
            webhook_secret: Some("whsec_hiddenhiddenhiddenhiddenhidden".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("sk_test_hidden"), "{shown}");
        assert!(!shown.contains("whsec_hidden"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn default_matches_documented_defaults() {
        let c = Config::default();
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.route_prefix, DEFAULT_ROUTE_PREFIX);
        assert_eq!(c.db, PathBuf::from("data/checkout.sqlite3"));
    }
}
