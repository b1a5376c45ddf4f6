//! How an [`ApiError`] goes on the wire: Flowglad's error envelope with the
//! code's status, `Retry-After` for a 429 and `x-should-retry: false` for a
//! client error.

use crate::domain::error::{ApiError, SHOULD_RETRY_HEADER};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkout_protocol::{ErrorBody, ErrorCode};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::INTERNAL_MESSAGE;
    use axum::http::StatusCode;

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
