//! Request extractors whose failures are [`ApiError`]s: the body (size limit,
//! JSON content type, JSON parsing, each with a message a person can act on)
//! and path parameters.

use crate::domain::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use checkout_protocol::ErrorCode;
use serde::de::DeserializeOwned;

/// The largest request body accepted: 256 KiB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The 413 `payload_too_large` for a body over [`MAX_BODY_BYTES`].
pub fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!(
            "The request body is larger than {} KiB.",
            MAX_BODY_BYTES / 1024
        ),
    )
}

/// A request body read whole (up to [`MAX_BODY_BYTES`]), with its headers.
///
/// Too large → 413 `payload_too_large`; unreadable → 400 `invalid_request`.
#[derive(Debug, Clone)]
pub struct RawBody {
    /// The request headers (for the content type).
    pub headers: HeaderMap,
    /// The body bytes.
    pub bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let deadline = req.extensions().get::<BodyDeadline>().cloned();
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else if deadline.as_ref().is_some_and(BodyDeadline::passed) {
                body_timed_out()
            } else {
                ApiError::invalid_request("The request body could not be read.")
            }
        })?;
        Ok(Self { headers, bytes })
    }
}

/// The 408 `request_timeout` for a body that did not arrive within `--body-timeout`.
pub fn body_timed_out() -> ApiError {
    ApiError::new(
        ErrorCode::RequestTimeout,
        "The request body did not arrive in time; send it again in one go.",
    )
}

/// Marks a request whose body ran out of time (`--body-timeout`): the
/// server puts one in each request's extensions and sets it when the body
/// times out, so [`RawBody`] answers 408 rather than a vague 400.
#[derive(Debug, Clone, Default)]
pub struct BodyDeadline(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl BodyDeadline {
    /// A deadline not yet passed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that the body's time ran out.
    pub fn mark(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }

    /// Whether the body's time ran out.
    pub fn passed(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl RawBody {
    /// An empty body read as `{}`, as Express's JSON parser (in front of
    /// Flowglad's own route handler) reads it: `@flowglad/react` 0.18 posts
    /// `resources/usages` with no body at all.
    pub fn empty_as_object(mut self) -> Self {
        if self.bytes.is_empty() {
            self.bytes = Bytes::from_static(b"{}");
        }
        self
    }

    /// Parses the body as JSON of type `T`, requiring a JSON content type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if !is_json_content_type(&self.headers) {
            return Err(ApiError::invalid_request(
                "Send the request body as JSON with `Content-Type: application/json`.",
            ));
        }
        parse_json(&self.bytes)
    }
}

/// One path parameter (e.g. `{id}` or `{*action}`) as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(value) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("No such API endpoint."))?;
        Ok(Self(value))
    }
}

/// The TCP peer of the request, when the server was started with connect
/// info (always, through [`crate::spawn`]); `None` for a router driven
/// directly, as some tests do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientPeer(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientPeer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0),
        ))
    }
}

/// Whether the `Content-Type` is `application/json` or `application/*+json`.
pub fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mime = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Reads an already parsed JSON value as `T`, with a message that says what is wrong.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| {
        ApiError::invalid_request(format!("The request body has the wrong shape: {e}."))
    })
}

/// Parses JSON bytes into `T`, with a message that says what is wrong.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        let message = match e.classify() {
            Category::Eof if bytes.iter().all(u8::is_ascii_whitespace) => {
                "The request body is empty; send a JSON object.".to_owned()
            }
            Category::Syntax | Category::Eof | Category::Io => {
                format!("The request body is not valid JSON ({e}).")
            }
            Category::Data => format!("The request body has the wrong shape: {e}."),
        };
        ApiError::invalid_request(message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        n: u32,
    }

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        h
    }

    #[test]
    fn content_types() {
        assert!(is_json_content_type(&headers("application/json")));
        assert!(is_json_content_type(&headers(
            "Application/JSON; charset=utf-8"
        )));
        assert!(is_json_content_type(&headers(
            "application/merge-patch+json"
        )));
        assert!(!is_json_content_type(&headers("text/plain")));
        assert!(!is_json_content_type(&HeaderMap::new()));
    }

    #[test]
    fn parse_errors_are_invalid_request_with_a_message() {
        let e = parse_json::<Thing>(b"{nope").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
        let e = parse_json::<Thing>(b"").unwrap_err();
        assert!(e.message.contains("empty"), "{}", e.message);
        let e = parse_json::<Thing>(br#"{"n":"x"}"#).unwrap_err();
        assert!(e.message.contains("wrong shape"), "{}", e.message);
        assert!(parse_json::<Thing>(br#"{"n":1}"#).is_ok());
    }

    #[test]
    fn values_read_with_a_shape_message() {
        let e = from_value::<Thing>(serde_json::json!({"n": "x"})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.contains("wrong shape"), "{}", e.message);
        assert!(from_value::<Thing>(serde_json::json!({"n": 1})).is_ok());
    }

    #[test]
    fn wrong_content_type_is_rejected() {
        let body = RawBody {
            headers: headers("text/plain"),
            bytes: Bytes::from_static(b"{\"n\":1}"),
        };
        assert_eq!(
            body.json::<Thing>().unwrap_err().code,
            ErrorCode::InvalidRequest
        );
    }
}
