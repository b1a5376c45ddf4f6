//! Errors: [`ApiError`], the one error every HTTP handler returns (rendered in
//! Flowglad's error envelope), and [`ServerError`], what can stop the server
//! from starting.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkout_protocol::{ErrorBody, ErrorCode};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The message every internal error shows; details go to the log only.
pub const INTERNAL_MESSAGE: &str = "Something went wrong on our side. Try again in a moment.";

/// An HTTP error: a stable code (which fixes the status) and a human message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The stable, machine-matchable code.
    pub code: ErrorCode,
    /// What went wrong, for a person.
    pub message: String,
    /// For 429 `rate_limited`: seconds until a retry may succeed (`Retry-After`).
    pub retry_after: Option<u64>,
    /// For an error a remote billing platform answered: its own status and
    /// code, passed on unchanged (`code` is then the nearest of ours).
    pub upstream: Option<UpstreamError>,
}

/// The status and code of an error a remote billing platform answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamError {
    /// The platform's HTTP status.
    pub status: StatusCode,
    /// The platform's code, which may be one this server does not know.
    pub code: String,
}

impl ApiError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
            upstream: None,
        }
    }

    /// An error a remote billing platform answered with `status`, its
    /// `code` (if any) and `message`, kept as they are; a 429's
    /// `Retry-After` is kept too.
    pub fn upstream(
        status: StatusCode,
        code: Option<&str>,
        message: impl Into<String>,
        retry_after: Option<u64>,
    ) -> Self {
        let known = code.and_then(|c| ErrorCode::ALL.iter().copied().find(|k| k.as_str() == c));
        let nearest = known.unwrap_or(match status.as_u16() {
            401 | 403 => ErrorCode::Unauthorized,
            404 => ErrorCode::NotFound,
            413 => ErrorCode::PayloadTooLarge,
            429 => ErrorCode::RateLimited,
            400..=499 => ErrorCode::InvalidRequest,
            _ => ErrorCode::Internal,
        });
        let fallback_code = if status.is_server_error() {
            ErrorCode::Internal.as_str()
        } else {
            nearest.as_str()
        };
        Self {
            code: nearest,
            message: message.into(),
            retry_after,
            upstream: Some(UpstreamError {
                status,
                code: code.unwrap_or(fallback_code).to_owned(),
            }),
        }
    }

    /// A 429 `rate_limited` answered with `Retry-After: retry_after_secs`.
    pub fn rate_limited(message: impl Into<String>, retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs),
            ..Self::new(ErrorCode::RateLimited, message)
        }
    }

    /// A 500 with a generic message; `context` and `detail` are logged, never sent.
    pub fn internal(context: &str, detail: impl fmt::Display) -> Self {
        tracing::error!(%detail, "{context}");
        Self::new(ErrorCode::Internal, INTERNAL_MESSAGE)
    }

    /// A 404 `not_found` for a path or action that does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// A 400 `invalid_request`.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// The HTTP status the code maps to.
    pub fn status(&self) -> StatusCode {
        if let Some(upstream) = &self.upstream {
            return upstream.status;
        }
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// The body of every error answer: `{error: {code, message, json: {message}}}`
/// for Flowglad's route clients, plus a top-level `message`, which
/// `@flowglad/node` puts in the text of the errors it throws.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorResponse {
    /// The error, in both of Flowglad's shapes.
    pub error: ErrorBody,
    /// The human message again.
    pub message: String,
}

/// Tells Stainless-generated SDKs such as `@flowglad/node` whether to retry
/// (they retry 409s by default; ours are final answers).
pub const SHOULD_RETRY_HEADER: &str = "x-should-retry";

impl IntoResponse for ApiError {
    /// The error envelope with the code's status; client errors (4xx) also
    /// say `x-should-retry: false`, since repeating them cannot succeed —
    /// except a 429, which says when it can (`Retry-After`).
    fn into_response(self) -> Response {
        let status = self.status();
        let mut error = ErrorBody::new(self.code, self.message.clone());
        if let Some(upstream) = &self.upstream {
            error.code = Some(upstream.code.clone());
        }
        let body = ErrorResponse {
            error,
            message: self.message,
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.code == ErrorCode::PayloadTooLarge {
            // The rest of the body is unread on the wire, so the server
            // closes the connection; saying so keeps a client from reusing
            // it for its next request (which would then fail).
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        } else if status.is_client_error() {
            headers.insert(SHOULD_RETRY_HEADER, HeaderValue::from_static("false"));
        }
        response
    }
}

impl From<crate::store::DbError> for ApiError {
    /// Every store failure is a 500; the detail is logged.
    fn from(e: crate::store::DbError) -> Self {
        Self::internal("database error", e)
    }
}

/// Why the server could not start (or stopped).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The catalog could not be read or is invalid.
    #[error(transparent)]
    Catalog(#[from] crate::domain::catalog::CatalogError),
    /// A catalog file could not be read.
    #[error("cannot read catalog file {path}: {source}")]
    CatalogRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database could not be opened, migrated or seeded.
    #[error("database {path}: {source}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What failed.
        source: crate::store::DbError,
    },
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The widget build in `--dist` could not be loaded.
    #[error("cannot load the widget build {path}: {source}")]
    Dist {
        /// The folder.
        path: PathBuf,
        /// What failed.
        source: crate::http::static_files::bundle::BundleError,
    },
    /// `--frame-ancestors` cannot be put in a header.
    #[error("the frame ancestors (--frame-ancestors / CHECKOUT_FRAME_ANCESTORS) cannot be sent in a header: {0}")]
    FrameAncestors(axum::http::header::InvalidHeaderValue),
    /// The route prefix is invalid or taken by the server's own routes.
    #[error("invalid route prefix (--route-prefix / CHECKOUT_ROUTE_PREFIX): {0}")]
    RoutePrefix(String),
    /// `--platform-url` or `--platform-key` is unusable.
    #[error("cannot forward to the billing platform (--platform-url / --platform-key): {0}")]
    Platform(String),
    /// `--secret-key` was given but is blank or shorter than
    /// [`crate::app::config::MIN_SECRET_KEY_CHARS`] characters: a short key can be
    /// guessed, and it guards every customer and payment on the platform API.
    #[error("the secret key (--secret-key / CHECKOUT_SECRET_KEY) has {0} characters; it must have at least 32 random ones (leave it unset to generate one)")]
    SecretKeyTooShort(usize),
    /// `--public-url` does not parse (a `Config` built in code; the flag is
    /// checked when parsed).
    #[error("unusable public URL (--public-url / CHECKOUT_PUBLIC_URL): {0}")]
    PublicUrl(String),
    /// The operating system supplied no randomness.
    #[error("cannot generate a secret: {0}")]
    Random(getrandom::Error),
    /// The webhook dispatcher could not start (bad secret, no HTTP client).
    #[error(transparent)]
    Webhooks(#[from] crate::webhook::dispatcher::DispatcherError),
    /// The OpenAPI document could not be rendered.
    #[error("cannot render the OpenAPI document: {0}")]
    OpenApi(serde_json::Error),
    // --- Customer identity ---
    /// `--platform-url` was given without a way to identify customers.
    #[error("a server forwarding to a billing platform (--platform-url) needs a customer source: give --customer-jwt-secret (CHECKOUT_CUSTOMER_JWT_SECRET) or --customer-jwks (CHECKOUT_CUSTOMER_JWKS) so the route bills the customer your own sign-in names; the demo's sign-in tokens exist only in embedded mode")]
    CustomerSourceRequired,
    /// The customer JWT flags cannot be used.
    #[error("customer sign-in (--customer-jwt-secret / --customer-jwks / --customer-jwt-issuer / --customer-jwt-audience / --customer-cookie): {0}")]
    CustomerJwt(String),
    /// The HTTP server failed while running.
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_say_not_to_retry_and_server_errors_do_not() {
        let conflict = ApiError::new(ErrorCode::IdempotencyKeyReused, "x").into_response();
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        assert_eq!(conflict.headers()[SHOULD_RETRY_HEADER], "false");
        let internal = ApiError::new(ErrorCode::Internal, INTERNAL_MESSAGE).into_response();
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(internal.headers().get(SHOULD_RETRY_HEADER).is_none());
    }

    #[test]
    fn upstream_errors_keep_their_status_and_code() {
        let e = ApiError::upstream(StatusCode::CONFLICT, Some("CONFLICT"), "busy", None);
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        let r = e.into_response();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let e = ApiError::upstream(StatusCode::NOT_FOUND, Some("price_not_found"), "no", None);
        assert_eq!(
            (e.code, e.status()),
            (ErrorCode::PriceNotFound, StatusCode::NOT_FOUND)
        );
        let e = ApiError::upstream(StatusCode::BAD_GATEWAY, None, "x", None);
        assert_eq!(e.code, ErrorCode::Internal);
        assert_eq!(e.upstream.map(|u| u.code).as_deref(), Some("internal"));
    }

    #[test]
    fn a_rate_limit_says_when_to_retry() {
        let limited = ApiError::rate_limited("slow down", 42).into_response();
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.headers()[header::RETRY_AFTER], "42");
        assert!(limited.headers().get(SHOULD_RETRY_HEADER).is_none());
        let too_large = ApiError::new(ErrorCode::PayloadTooLarge, "x").into_response();
        assert_eq!(too_large.headers()[header::CONNECTION], "close");
    }
}
