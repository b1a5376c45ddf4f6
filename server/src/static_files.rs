//! The built widget: files from `--dist`, `index.html` for the app's own
//! paths (the wasm app routes on the path), a health check, and JSON 404s
//! for unknown API paths.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Paths answered with `index.html` (besides `/checkout/{id}` and `/add-payment-method/{id}`).
pub const APP_PATHS: &[&str] = &["/", "/index.html", "/success", "/cancel"];

/// Shown when `dist/index.html` is missing.
const NOT_BUILT_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Widget not built</title></head><body><h1>Widget not built</h1>\
<p>The widget is not built yet: run <code>cargo xtask build</code>, then reload this page.</p></body></html>\n";

/// `GET /healthz`: `ok` while the server runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `dist/index.html`, never cached without revalidation; 503 if not built.
pub async fn index(State(state): State<AppState>) -> Response {
    match tokio::fs::read(state.dist.join("index.html")).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-cache")],
            Html(NOT_BUILT_PAGE),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read index.html");
            (StatusCode::INTERNAL_SERVER_ERROR, "Cannot read index.html.").into_response()
        }
    }
}

/// Whether `path` belongs to the API (so it gets JSON errors, not files).
fn is_api_path(path: &str, route_prefix: &str) -> bool {
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    under("/api") || under(route_prefix)
}

/// Everything no route matched: JSON 404 under the API, else a file from `dist` (or 404).
pub async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    if is_api_path(request.uri().path(), &state.route_prefix) {
        return ApiError::not_found("No such API endpoint.").into_response();
    }
    match ServeDir::new(state.dist.as_path()).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// A known path called with the wrong method: JSON under the API, plain 405 elsewhere.
pub async fn method_not_allowed(
    State(state): State<AppState>,
    method: Method,
    request: Request,
) -> Response {
    if is_api_path(request.uri().path(), &state.route_prefix) {
        let hint = if request.uri().path().starts_with(&*state.route_prefix) {
            " Server-route actions are called with POST."
        } else {
            ""
        };
        return ApiError::not_found(format!("No such API endpoint for {method}.{hint}"))
            .into_response();
    }
    StatusCode::METHOD_NOT_ALLOWED.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths() {
        assert!(is_api_path("/api", "/api/billing"));
        assert!(is_api_path("/api/nope", "/api/billing"));
        assert!(is_api_path("/billing/x", "/billing"));
        assert!(!is_api_path("/apix", "/api/billing"));
        assert!(!is_api_path("/billingx", "/billing"));
        assert!(!is_api_path("/checkout/cs_1", "/api/billing"));
    }
}
