//! Command-line flags and their environment-variable equivalents.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The route prefix Flowglad's SDK posts to by default.
pub const DEFAULT_ROUTE_PREFIX: &str = "/api/billing";

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

    /// Platform API secret key; a random `sk_test_…` key is generated and printed when absent.
    #[arg(long, env = "CHECKOUT_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Where the merchant server route is mounted (leading slash, no trailing slash).
    #[arg(long, env = "CHECKOUT_ROUTE_PREFIX", default_value = DEFAULT_ROUTE_PREFIX, value_parser = parse_route_prefix)]
    pub route_prefix: String,

    /// Absolute origin used to build hosted-page URLs; `http://{bound address}` when absent.
    #[arg(long, env = "CHECKOUT_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
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
        }
    }
}

/// Normalises a route prefix to a leading slash and no trailing slash.
///
/// Rejects an empty prefix (the route would swallow every path) and characters
/// that are route syntax (`{`, `}`, `*`) or not allowed in a path.
pub fn parse_route_prefix(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Err("the route prefix must not be empty or `/`, e.g. /api/billing".into());
    }
    if let Some(bad) = trimmed
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~')))
    {
        return Err(format!("the route prefix must not contain `{bad}`"));
    }
    if trimmed.split('/').any(str::is_empty) {
        return Err("the route prefix must not contain `//`".into());
    }
    Ok(format!("/{trimmed}"))
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
            "sk_test_abc",
            "--route-prefix",
            "billing/",
            "--public-url",
            "https://pay.example.com/",
        ])
        .unwrap();
        assert_eq!(c.addr.port(), 0);
        assert_eq!(c.route_prefix, "/billing");
        assert_eq!(c.public_url.as_deref(), Some("https://pay.example.com"));
        assert_eq!(c.secret_key.as_deref(), Some("sk_test_abc"));
        assert!(Config::try_parse_from(["checkout-server", "--route-prefix", "/"]).is_err());
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let c = Config {
            secret_key: Some("sk_test_hidden".into()),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("sk_test_hidden"), "{shown}");
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
