//! Response compression: tower-http's `CompressionLayer` with brotli and
//! gzip, for text, JavaScript, wasm, JSON and SVG (never for images that are
//! compressed already). It adds `Vary: Accept-Encoding` to every response it
//! could compress, whatever the client accepts.
//!
//! An encoded body is a different representation from the file, so it must
//! not share the file's strong `ETag`: a second layer suffixes the tag with
//! the encoding (`"…-br"`, as Apache does), and conditional requests strip
//! the suffix again before comparing.

use axum::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode, Version};
use axum::response::Response;
use axum::Router;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Bodies smaller than this are sent as they are.
pub const MIN_SIZE: u16 = 256;

/// The encodings this server produces, as they appear in `Content-Encoding`.
const ENCODINGS: [&str; 2] = ["br", "gzip"];

/// Whether a `Content-Type` is worth compressing: text, JavaScript, wasm,
/// JSON and XML (including SVG).
pub fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(
            essence.as_str(),
            "application/javascript" | "application/json" | "application/wasm" | "application/xml"
        )
}

/// The compression predicate: at least [`MIN_SIZE`] bytes of a
/// [`compressible`] type.
fn compress_when() -> impl Predicate {
    SizeAbove::new(MIN_SIZE).and(has_compressible_type)
}

fn has_compressible_type(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(compressible)
}

/// The file's `ETag` with the body's encoding appended (`"abc"` → `"abc-br"`),
/// for responses the compression layer encoded; `None` (unchanged) otherwise.
fn encoded_etag(response: &Response) -> Option<HeaderValue> {
    let encoding = response
        .headers()
        .get(header::CONTENT_ENCODING)?
        .to_str()
        .ok()?;
    let encoding = ENCODINGS
        .iter()
        .find(|e| e.eq_ignore_ascii_case(encoding))?;
    let etag = response.headers().get(header::ETAG)?.to_str().ok()?;
    let opaque = etag.strip_prefix('"')?.strip_suffix('"')?;
    HeaderValue::from_str(&format!("\"{opaque}-{encoding}\"")).ok()
}

/// An entity tag's opaque part (no quotes) without the encoding suffix that
/// [`apply`] adds, so every encoding of one file matches the file's tag.
pub fn strip_etag_suffix(opaque: &str) -> &str {
    ENCODINGS
        .iter()
        .find_map(|encoding| {
            opaque
                .strip_suffix(encoding)
                .and_then(|rest| rest.strip_suffix('-'))
        })
        .unwrap_or(opaque)
}

/// Wraps `router` in the compression layer and the `ETag` suffix layer.
pub fn apply<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(
            CompressionLayer::new()
                .br(true)
                .gzip(true)
                .compress_when(compress_when()),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::ETAG,
            encoded_etag,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_code_and_data_compress_but_images_and_binaries_do_not() {
        for yes in [
            "text/javascript; charset=utf-8",
            "text/css; charset=utf-8",
            "text/html; charset=utf-8",
            "text/plain; charset=utf-8",
            "application/wasm",
            "application/json",
            "Application/JSON",
            "image/svg+xml",
            "application/manifest+json",
        ] {
            assert!(compressible(yes), "{yes}");
        }
        for no in [
            "image/png",
            "image/webp",
            "font/woff2",
            "application/octet-stream",
            "",
        ] {
            assert!(!compressible(no), "{no}");
        }
    }

    #[test]
    fn encoded_responses_get_a_suffixed_etag() {
        let mut response = Response::new(axum::body::Body::empty());
        response
            .headers_mut()
            .insert(header::ETAG, HeaderValue::from_static("\"abc\""));
        assert_eq!(encoded_etag(&response), None, "identity keeps its tag");
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        assert_eq!(encoded_etag(&response).unwrap(), "\"abc-br\"");
        response
            .headers_mut()
            .insert(header::ETAG, HeaderValue::from_static("W/\"abc\""));
        assert_eq!(encoded_etag(&response), None, "weak tags are left alone");

        assert_eq!(strip_etag_suffix("abc-br"), "abc");
        assert_eq!(strip_etag_suffix("abc-gzip"), "abc");
        assert_eq!(strip_etag_suffix("abc"), "abc");
        assert_eq!(strip_etag_suffix("abcbr"), "abcbr");
    }
}
