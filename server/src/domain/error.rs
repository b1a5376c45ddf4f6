//! [`ApiError`]: the one error every layer returns to its caller — a
//! stable code and a human message (the HTTP layer renders it in Flowglad's
//! error envelope).

use checkout_protocol::ErrorCode;
use http::StatusCode;
use std::fmt;

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

/// Tells Stainless-generated SDKs such as `@flowglad/node` whether to retry
/// (they retry 409s by default; ours are final answers).
pub const SHOULD_RETRY_HEADER: &str = "x-should-retry";
