//! How an [`ApiError`] goes on the wire: Flowglad's error envelope with the
//! code's status, `Retry-After` for a 429 and `x-should-retry: false` for a
//! client error.

use crate::domain::error::{ApiError, SHOULD_RETRY_HEADER};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkout_protocol::{ErrorBody, ErrorCode};

/// The body of every error answer: `{error: {code, message, json: {message}}}`
/// for Flowglad's route clients, plus Flowglad's API error shape at the top
/// level — `message`, which `@flowglad/node` puts in the text of the errors
/// it throws, and `code`, the tRPC code (`NOT_FOUND`…) that
/// `@flowglad/server` branches on (its `findOrCreateCustomer` creates the
/// customer only on a `NOT_FOUND`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorResponse {
    /// The error, in both of Flowglad's shapes, with our stable detailed code.
    pub error: ErrorBody,
    /// The human message again.
    pub message: String,
    /// Flowglad's coarse code for the status: `BAD_REQUEST`, `UNAUTHORIZED`,
    /// `FORBIDDEN`, `NOT_FOUND`, `CONFLICT`, `PAYLOAD_TOO_LARGE`,
    /// `TOO_MANY_REQUESTS`, `INTERNAL_SERVER_ERROR`, …
    #[schema(example = "NOT_FOUND")]
    pub code: &'static str,
}

/// The tRPC code Flowglad's API answers with for `status` (tRPC has none
/// for 410 Gone or 402, which are then `BAD_REQUEST`, like any other 4xx
/// without one of its own).
pub fn flowglad_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_SUPPORTED",
        408 => "TIMEOUT",
        409 => "CONFLICT",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "UNPROCESSABLE_CONTENT",
        429 => "TOO_MANY_REQUESTS",
        400..=499 => "BAD_REQUEST",
        501 => "NOT_IMPLEMENTED",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => "INTERNAL_SERVER_ERROR",
    }
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
            code: flowglad_code(status),
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

    #[test]
    fn the_top_level_code_is_flowglads_for_the_status() {
        let body = |e: ApiError| {
            let response = e.into_response();
            let bytes = body_bytes(response);
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        };
        let missing = body(ApiError::new(ErrorCode::CustomerNotFound, "no"));
        assert_eq!(missing["code"], "NOT_FOUND");
        assert_eq!(missing["error"]["code"], "customer_not_found");
        assert_eq!(missing["message"], "no");
        assert_eq!(
            body(ApiError::new(ErrorCode::Unauthorized, "x"))["code"],
            "UNAUTHORIZED"
        );
        assert_eq!(
            body(ApiError::new(ErrorCode::IdempotencyKeyReused, "x"))["code"],
            "CONFLICT"
        );
        assert_eq!(
            body(ApiError::rate_limited("x", 1))["code"],
            "TOO_MANY_REQUESTS"
        );
        assert_eq!(
            body(ApiError::new(ErrorCode::Internal, "x"))["code"],
            "INTERNAL_SERVER_ERROR"
        );
        assert_eq!(flowglad_code(StatusCode::GONE), "BAD_REQUEST");
        assert_eq!(flowglad_code(StatusCode::BAD_REQUEST), "BAD_REQUEST");
    }

    /// The whole body of a response built in memory.
    fn body_bytes(response: Response) -> Vec<u8> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap()
            .to_vec()
    }
}
