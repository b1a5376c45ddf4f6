//! Where the server route is mounted (`--route-prefix`): Flowglad's default,
//! and the prefixes the server's own routes already take.

/// The route prefix Flowglad's SDK posts to by default.
pub const DEFAULT_ROUTE_PREFIX: &str = "/api/billing";

/// Prefixes the server's own routes take a path parameter right after, so a
/// server route mounted there would clash with them.
pub const RESERVED_ROUTE_PREFIXES: &[&str] = &[
    "/v",
    "/checkout",
    "/add-payment-method",
    "/api/checkout-sessions",
    "/api/v1/checkout-sessions",
    "/api/v1/webhook-events",
    "/api/v1/customers",
    "/api/v1/subscriptions",
];

/// Normalises a route prefix to a leading slash and no trailing slash.
///
/// Rejects an empty prefix (the route would swallow every path), characters
/// that are route syntax (`{`, `}`, `*`) or not allowed in a path, and the
/// [`RESERVED_ROUTE_PREFIXES`].
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
    let prefix = format!("/{trimmed}");
    if RESERVED_ROUTE_PREFIXES.contains(&prefix.as_str()) {
        return Err(format!(
            "the route prefix `{prefix}` is taken by the server's own pages and APIs"
        ));
    }
    Ok(prefix)
}
