//! The request-size limit on every route, before any handler runs.
//!
//! Handlers that read a body stop at [`MAX_BODY_BYTES`] through axum's
//! `DefaultBodyLimit` (which also catches chunked bodies); this layer
//! answers a declared `Content-Length` above it at once, on every path —
//! including those that never read a body — so an oversized upload is
//! refused with the same 413 `payload_too_large` envelope everywhere,
//! without the server buffering any of it.

use crate::http::extract::{too_large, MAX_BODY_BYTES};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses a request whose `Content-Length` exceeds [`MAX_BODY_BYTES`].
pub async fn refuse_oversized(request: Request, next: Next) -> Response {
    if declared_length(&request).is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large().into_response();
    }
    next.run(request).await
}

/// The `Content-Length` the client declared, if it is a number.
fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}
