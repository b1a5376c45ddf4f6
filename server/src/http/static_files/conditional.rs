//! The answer for one file: its validators (`ETag`, `Last-Modified`), its
//! caching policy, and `304 Not Modified` when the client's copy is current.

use crate::http::compression;
use crate::http::security_headers::HtmlDocument;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::time::SystemTime;

/// `Cache-Control` for files that may change: keep, but revalidate each use.
pub const REVALIDATE: &str = "no-cache";

/// `Cache-Control` for versioned files, whose bytes never change.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// How many hex digits of the contents' SHA-256 make an `ETag`.
const ETAG_HEX_LEN: usize = 32;

/// A strong `ETag` from the contents: `"` + 32 hex digits of their SHA-256 + `"`.
pub fn strong_etag(bytes: &[u8]) -> HeaderValue {
    let mut hex = crate::domain::ids::hex(&Sha256::digest(bytes));
    hex.truncate(ETAG_HEX_LEN);
    HeaderValue::from_maybe_shared(Bytes::from(format!("\"{hex}\"")))
        .unwrap_or_else(|_| HeaderValue::from_static("\"\""))
}

/// One file to send.
#[derive(Debug, Clone)]
pub struct FileReply {
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its contents.
    pub bytes: Bytes,
    /// Its strong `ETag` (see [`strong_etag`]).
    pub etag: HeaderValue,
    /// When it last changed, if known.
    pub last_modified: Option<SystemTime>,
    /// Its `Cache-Control` ([`REVALIDATE`] or [`IMMUTABLE`]).
    pub cache_control: &'static str,
    /// The same contents compressed with brotli at build time (`<file>.br`,
    /// quality 11: smaller than on-the-fly compression can afford), for
    /// clients that accept `br`.
    pub brotli: Option<Bytes>,
}

impl FileReply {
    /// `200` with the contents, or `304` with only the caching headers when
    /// the request's `If-None-Match` (or, without it, `If-Modified-Since`)
    /// shows the client already has these bytes.
    pub fn respond(self, request: &HeaderMap) -> Response {
        let last_modified = self.last_modified.map(httpdate::HttpDate::from);
        let not_modified = match request.get(header::IF_NONE_MATCH) {
            Some(tags) => matches_any(tags, &self.etag),
            None => match (request.get(header::IF_MODIFIED_SINCE), last_modified) {
                (Some(since), Some(modified)) => since
                    .to_str()
                    .ok()
                    .and_then(|s| httpdate::parse_http_date(s).ok())
                    .is_some_and(|since| SystemTime::from(modified) <= since),
                _ => false,
            },
        };
        let mut response = if not_modified {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            // A 304 has no Content-Type, yet caches refresh stored headers
            // from it: keep the security headers and Vary on it too.
            if self.content_type.starts_with("text/html") {
                response.extensions_mut().insert(HtmlDocument);
            }
            if compression::compressible(self.content_type) {
                response
                    .headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
            response
        } else {
            let precompressed = self.brotli.filter(|_| accepts_brotli(request));
            let encoded = precompressed.is_some();
            let mut response = Response::new(Body::from(precompressed.unwrap_or(self.bytes)));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            if encoded {
                // The compression layer leaves a body with an encoding alone
                // and still suffixes its ETag.
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, self.etag);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        if let Some(modified) = last_modified {
            if let Ok(value) = HeaderValue::from_str(&modified.to_string()) {
                headers.insert(header::LAST_MODIFIED, value);
            }
        }
        response
    }
}

/// Whether `Accept-Encoding` lists `br` (or `*`) with a non-zero weight.
pub fn accepts_brotli(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let weight = parts
                .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
            (name.eq_ignore_ascii_case("br") || name == "*") && weight.is_some_and(|q| q > 0.0)
        })
}

/// Whether an `If-None-Match` value names `etag` (or is `*`). Comparison is
/// weak, as RFC 9110 asks for `If-None-Match`, and ignores the suffix the
/// compression layer gives the tags of encoded bodies.
fn matches_any(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else {
        return false;
    };
    let ours = opaque(etag.to_str().unwrap_or_default());
    list.split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || compression::strip_etag_suffix(opaque(tag)) == ours)
}

/// An entity tag without `W/` and quotes.
fn opaque(tag: &str) -> &str {
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &'static str) -> HeaderValue {
        HeaderValue::from_static(s)
    }

    #[test]
    fn brotli_is_accepted_only_when_listed_with_weight() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepts_brotli(&headers)
        };
        for yes in [
            "br",
            "gzip, deflate, br, zstd",
            "BR;q=0.5",
            "*",
            "gzip;q=1, br ; q=0.1",
        ] {
            assert!(with(yes), "{yes}");
        }
        for no in [
            "gzip",
            "br;q=0",
            "br;q=0.0, gzip",
            "identity",
            "brotli",
            "br;q=x",
        ] {
            assert!(!with(no), "{no}");
        }
        assert!(!accepts_brotli(&HeaderMap::new()));
    }

    #[test]
    fn etags_are_strong_quoted_content_hashes() {
        let etag = strong_etag(b"export {};");
        let text = etag.to_str().unwrap();
        assert_eq!(text.len(), 34);
        assert!(text.starts_with('"') && text.ends_with('"'), "{text}");
        assert_eq!(strong_etag(b"export {};"), etag);
        assert_ne!(strong_etag(b"export {x};"), etag);
    }

    #[test]
    fn if_none_match_compares_weakly_and_ignores_encoding_suffixes() {
        let ours = tag("\"abc\"");
        for matching in [
            "\"abc\"",
            "W/\"abc\"",
            "\"x\", \"abc\"",
            "*",
            "\"abc-br\"",
            "\"abc-gzip\"",
        ] {
            assert!(
                matches_any(&HeaderValue::from_str(matching).unwrap(), &ours),
                "{matching}"
            );
        }
        for other in ["\"abd\"", "\"ab\"", "\"abc-zz\"", ""] {
            assert!(
                !matches_any(&HeaderValue::from_str(other).unwrap(), &ours),
                "{other}"
            );
        }
    }
}
