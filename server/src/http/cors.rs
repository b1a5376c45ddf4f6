//! CORS on the merchant server route (`--allowed-origins`).
//!
//! By default the route is same-origin only: a response never carries
//! `Access-Control-Allow-Origin`, so a page on another origin cannot read
//! it, and a preflight from another origin is refused. A merchant whose
//! pages live on another origin than this server lists those origins; they
//! get `Access-Control-Allow-Origin: <their origin>` with
//! `Access-Control-Allow-Credentials: true` (the route knows the customer
//! from a cookie or a Bearer token) and answered preflights.
//!
//! Cross-site request forgery does not depend on this list: every action
//! that changes something needs a JSON body with `Content-Type:
//! application/json`, which a cross-origin page can only send after a
//! preflight this module refuses.
//!
//! Only the route: the widget's files keep `Access-Control-Allow-Origin: *`
//! (see [`crate::http::security_headers`]), and the hosted-page and platform APIs
//! have no CORS at all.

use crate::domain::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use checkout_protocol::ErrorCode;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The request headers a cross-origin page may send to the route.
pub const ALLOWED_HEADERS: &str = "content-type, authorization, idempotency-key";

/// How long a browser may cache a preflight answer, in seconds.
pub const MAX_AGE_SECS: u32 = 600;

/// What a route response varies on once CORS is in play.
const VARY: &str = "origin, access-control-request-method, access-control-request-headers";

/// The origins allowed to call the route from a browser, normalised
/// (`https://shop.example`, `http://localhost:3000`); empty means same-origin only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    /// Whether the `Origin` header value `origin` is on the list.
    pub fn allows(&self, origin: &str) -> bool {
        normalise(origin).is_some_and(|o| self.0.contains(&o))
    }

    /// The origins, normalised.
    pub fn origins(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for AllowedOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl FromStr for AllowedOrigins {
    type Err = String;

    /// See [`parse_allowed_origins`].
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        parse_allowed_origins(raw)
    }
}

/// Parses a comma- or space-separated list of http(s) origins (scheme,
/// host, optional port; no path, query, credentials or wildcard). An empty
/// list means same-origin only.
pub fn parse_allowed_origins(raw: &str) -> Result<AllowedOrigins, String> {
    let mut origins = Vec::new();
    for token in raw
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
    {
        let not_origin = |why: &str| {
            format!("`{token}` is not an origin ({why}); write it like https://shop.example or http://localhost:3000")
        };
        let url = url::Url::parse(token).map_err(|e| not_origin(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(not_origin("only http and https origins can call the route"));
        }
        if url
            .host_str()
            .is_none_or(|h| h.is_empty() || h.contains('*'))
        {
            return Err(not_origin("it needs a host, without wildcards"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(not_origin("it has credentials"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(not_origin("an origin has no path, query or fragment"));
        }
        let origin = url.origin().ascii_serialization();
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(AllowedOrigins(origins))
}

/// An `Origin` header value in its normalised form; `None` for `null` and
/// anything that is not an http(s) origin.
fn normalise(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin.trim()).ok()?;
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The request's `Origin`, if it is on `allowed`.
fn allowed_origin<'h>(allowed: &AllowedOrigins, headers: &'h HeaderMap) -> Option<&'h HeaderValue> {
    headers
        .get(header::ORIGIN)
        .filter(|v| v.to_str().is_ok_and(|o| allowed.allows(o)))
}

/// Middleware of the route: lets the listed origins read its answers.
pub async fn headers(
    State(allowed): State<Arc<AllowedOrigins>>,
    request: Request,
    next: Next,
) -> Response {
    let origin = allowed_origin(&allowed, request.headers()).cloned();
    let mut response = next.run(request).await;
    let out = response.headers_mut();
    out.append(header::VARY, HeaderValue::from_static(VARY));
    if let Some(origin) = origin {
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    response
}

/// `OPTIONS {prefix}/{action}`: the preflight. A listed origin gets 204
/// with the method, headers and max age; any other origin a 403
/// `origin_not_allowed` (and no CORS headers, so the browser stops there).
pub async fn preflight(State(allowed): State<Arc<AllowedOrigins>>, headers: HeaderMap) -> Response {
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Not a preflight: just say what the route takes.
        return (
            StatusCode::NO_CONTENT,
            [(header::ALLOW, HeaderValue::from_static("POST, OPTIONS"))],
        )
            .into_response();
    };
    if allowed_origin(&allowed, &headers).is_none() {
        let shown: String = origin.to_str().unwrap_or("?").chars().take(100).collect();
        return ApiError::new(
            ErrorCode::OriginNotAllowed,
            format!("The origin {shown} may not call this server route; the server lists the origins it allows (--allowed-origins)."),
        )
        .into_response();
    }
    (
        StatusCode::NO_CONTENT,
        [
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOWED_HEADERS),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from(MAX_AGE_SECS),
            ),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_parsed_and_normalised() {
        let list = parse_allowed_origins(
            "https://Shop.Example:443, http://localhost:3000/ https://shop.example",
        )
        .unwrap();
        assert_eq!(
            list.origins(),
            ["https://shop.example", "http://localhost:3000"]
        );
        assert!(list.allows("https://shop.example"));
        assert!(list.allows("http://localhost:3000"));
        assert!(
            !list.allows("http://shop.example"),
            "the scheme is part of the origin"
        );
        assert!(!list.allows("https://shop.example:8443"));
        assert!(!list.allows("https://evil.shop.example"));
        assert!(!list.allows("null"));
        assert!(!list.allows(""));
        assert_eq!(
            parse_allowed_origins("").unwrap(),
            AllowedOrigins::default()
        );
        assert_eq!(
            parse_allowed_origins("http://[::1]:8080")
                .unwrap()
                .origins(),
            ["http://[::1]:8080"]
        );
    }

    #[test]
    fn anything_but_an_origin_is_refused() {
        for bad in [
            "*",
            "https://*.shop.example",
            "shop.example",
            "ftp://shop.example",
            "https://shop.example/pay",
            "https://shop.example/?a=1",
            "https://u:p@shop.example",
            "null",
            "javascript:alert(1)",
        ] {
            assert!(parse_allowed_origins(bad).is_err(), "{bad}");
        }
    }
}
