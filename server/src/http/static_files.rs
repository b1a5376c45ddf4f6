//! The built widget: files from `--dist`, `index.html` for the app's own
//! paths (the wasm app routes on the path), `hosted.html` for the hosted
//! checkout pages, versioned copies of the build
//! under `/v/{build_id}/…`, a health check, and JSON 404s for unknown API
//! paths.
//!
//! Unversioned files are read from disk on every request, so they are always
//! the current build, and are sent with `Cache-Control: no-cache`, a strong
//! `ETag` and `Last-Modified` (conditional requests get `304`). Versioned
//! files come from the [`Bundle`] loaded at start and are immutable; a
//! rebuild needs a restart to get a new build id.

pub mod bundle;
pub mod conditional;
pub mod content_type;
pub mod request_path;

pub use bundle::Bundle;

use crate::domain::error::ApiError;
use crate::http::security_headers::WidgetAsset;
use crate::http::state::AppState;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use conditional::{accepts_brotli, FileReply, IMMUTABLE, REVALIDATE};
use std::io;
use std::path::Path;
use std::time::SystemTime;

/// The app's shell: the demo store and its return pages.
pub const APP_PAGE: &str = "index.html";

/// The hosted checkout's shell (`/checkout/{id}`, `/add-payment-method/{id}`).
pub const HOSTED_PAGE: &str = "hosted.html";

/// Paths answered with `index.html` (`/checkout/{id}` and `/add-payment-method/{id}` get `hosted.html`).
pub const APP_PATHS: &[&str] = &["/", "/index.html", "/success", "/cancel"];

/// The route of versioned files: the build id, then the file's path.
pub const VERSIONED_ROUTE: &str = "/v/{id}/{*path}";

/// The embed entry merchants load with `<script type="module">`.
pub const EMBED_SCRIPT: &str = "checkout-widget.js";

/// The embed entry's TypeScript types.
pub const EMBED_TYPES: &str = "checkout-widget.d.ts";

/// Shown when `dist/index.html` or `dist/hosted.html` is missing.
const NOT_BUILT_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Widget not built</title></head><body><h1>Widget not built</h1>\
<p>The widget is not built yet: run <code>cargo xtask build</code>, then reload this page.</p></body></html>\n";

/// The absolute URL of `file` (relative to `dist`) in build `build_id`.
pub fn versioned_url(public_url: &str, build_id: &str, file: &str) -> String {
    format!("{public_url}/v/{build_id}/{file}")
}

/// `GET /healthz`: `ok` while the server runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `dist/index.html`, the app's shell (revalidated on every use); 503 if not built.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    page(&state, &headers, APP_PAGE).await
}

/// `dist/hosted.html` for `/checkout/{id}` and `/add-payment-method/{id}`:
/// the hosted checkout's own shell, which loads only the hosted pages' bundle
/// (revalidated on every use); 503 if not built.
pub async fn hosted(State(state): State<AppState>, headers: HeaderMap) -> Response {
    page(&state, &headers, HOSTED_PAGE).await
}

/// A page shell from `dist` (`file` is a plain name there).
async fn page(state: &AppState, headers: &HeaderMap, file: &str) -> Response {
    match read_current(&state.dist, file, accepts_brotli(headers)).await {
        Ok(Found::File(found)) => found.reply(file, REVALIDATE).respond(headers),
        Ok(Found::Folder | Found::Missing) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CACHE_CONTROL, "no-cache")],
            Html(NOT_BUILT_PAGE),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, file, "cannot read a page shell");
            (StatusCode::INTERNAL_SERVER_ERROR, "Cannot read the page.").into_response()
        }
    }
}

/// `GET /v/{build_id}/{path}`: a file of the build loaded at start, cached
/// for a year as immutable. Any other build id is a 404, so a stale id never
/// serves newer bytes.
pub async fn versioned(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    // Read the raw path (not the decoded `{*path}`), so it is decoded once.
    let asset = uri
        .path()
        .strip_prefix("/v/")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(id, _)| *id == state.bundle.id())
        .and_then(|(_, path)| request_path::file_key(path))
        .and_then(|key| Some((state.bundle.get(&key)?, key)));
    let Some((asset, key)) = asset else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let response = FileReply {
        content_type: content_type::for_path(&key),
        bytes: asset.bytes.clone(),
        etag: asset.etag.clone(),
        last_modified: None,
        cache_control: IMMUTABLE,
        brotli: state
            .bundle
            .get(&format!("{key}.br"))
            .map(|br| br.bytes.clone()),
    }
    .respond(&headers);
    mark_widget_asset(&key, response)
}

/// The folder of the message catalogs the bundles fetch, from any page that
/// embeds them (`checkout_widget::i18n::files::FOLDER`).
pub const CATALOGS: &str = "locales/";

/// `response` marked as a widget file a merchant's page may fetch when it is
/// a message catalog (see [`WidgetAsset`]).
fn mark_widget_asset(key: &str, mut response: Response) -> Response {
    if key.starts_with(CATALOGS) {
        response.extensions_mut().insert(WidgetAsset);
    }
    response
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

/// Everything no route matched: JSON 404 under the API, else the current
/// file from `dist` (a folder's `index.html` for a path ending in `/`), or 404.
pub async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path();
    if is_api_path(path, &state.route_prefix) {
        return ApiError::not_found("No such API endpoint.").into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, HeaderValue::from_static("GET, HEAD"))],
        )
            .into_response();
    }
    let Some(key) = request_path::file_key(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match read_current(&state.dist, &key, accepts_brotli(request.headers())).await {
        Ok(Found::File(file)) => mark_widget_asset(
            &key,
            file.reply(&key, REVALIDATE).respond(request.headers()),
        ),
        // `/examples` → `/examples/`, so the page's relative links resolve.
        Ok(Found::Folder) => {
            match read_current(&state.dist, &format!("{key}/index.html"), false).await {
                Ok(Found::File(_)) => match HeaderValue::from_str(&format!("{path}/")) {
                    Ok(location) => (
                        StatusCode::PERMANENT_REDIRECT,
                        [(header::LOCATION, location)],
                    )
                        .into_response(),
                    Err(_) => StatusCode::NOT_FOUND.into_response(),
                },
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
        Ok(Found::Missing) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, file = %key, "cannot read file");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
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

/// What a path in `dist` is right now.
enum Found {
    /// A file, read whole.
    File(CurrentFile),
    /// A folder.
    Folder,
    /// Nothing (or something that is neither).
    Missing,
}

/// A file as read from disk for this request.
struct CurrentFile {
    bytes: Bytes,
    modified: Option<SystemTime>,
    /// Its `.br` sibling, when that is not older than the file.
    brotli: Option<Bytes>,
}

impl CurrentFile {
    /// The reply for this file, found at `key`, with `cache_control`.
    fn reply(self, key: &str, cache_control: &'static str) -> FileReply {
        FileReply {
            content_type: content_type::for_path(key),
            etag: conditional::strong_etag(&self.bytes),
            bytes: self.bytes,
            last_modified: self.modified,
            cache_control,
            brotli: self.brotli,
        }
    }
}

/// Reads `key` (a [`request_path::file_key`]) under `dist`, and its `.br`
/// sibling when the client would take it.
async fn read_current(dist: &Path, key: &str, want_brotli: bool) -> io::Result<Found> {
    let path = dist.join(key);
    let gone = |e: &io::Error| {
        matches!(
            e.kind(),
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
        )
    };
    let meta = match tokio::fs::metadata(&path).await {
        Ok(meta) => meta,
        Err(e) if gone(&e) => return Ok(Found::Missing),
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        return Ok(Found::Folder);
    }
    if !meta.is_file() {
        return Ok(Found::Missing);
    }
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok(Found::File(CurrentFile {
            bytes: Bytes::from(bytes),
            modified: meta.modified().ok(),
            brotli: if want_brotli {
                read_brotli(&path, meta.modified().ok()).await
            } else {
                None
            },
        })),
        Err(e) if gone(&e) => Ok(Found::Missing),
        Err(e) => Err(e),
    }
}

/// How much older than its file a `.br` may be and still count as written by
/// the same build: copies (deploys, `cp -r`) give both new, nearly equal times
/// in either order; an edit after the build makes the `.br` stale.
const SAME_BUILD: std::time::Duration = std::time::Duration::from_secs(60);

/// `path` + `.br` as `cargo xtask build` writes it, unless it is missing,
/// unreadable or stale (older than `path` by more than [`SAME_BUILD`]: it
/// would send old bytes).
async fn read_brotli(path: &Path, modified: Option<SystemTime>) -> Option<Bytes> {
    let mut name = path.as_os_str().to_owned();
    name.push(".br");
    let br = Path::new(&name);
    let br_modified = tokio::fs::metadata(br).await.ok()?.modified().ok();
    if let (Some(file), Some(br)) = (modified, br_modified) {
        if br + SAME_BUILD < file {
            return None;
        }
    }
    tokio::fs::read(br).await.ok().map(Bytes::from)
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

    #[test]
    fn versioned_urls_put_the_id_first() {
        assert_eq!(
            versioned_url("https://pay.example", "0123456789abcdef", EMBED_SCRIPT),
            "https://pay.example/v/0123456789abcdef/checkout-widget.js"
        );
    }
}
