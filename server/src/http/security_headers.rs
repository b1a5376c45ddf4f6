//! Headers every response gets, applied as one layer of tower-http
//! set-header layers:
//!
//! - HTML (the app shell, the hosted pages, the examples): a strict
//!   `Content-Security-Policy` — only this origin's files, no inline script
//!   or style, wasm compilation allowed, framing limited to
//!   `--frame-ancestors` — and `Referrer-Policy: strict-origin-when-cross-origin`;
//! - everything: `X-Content-Type-Options: nosniff`;
//! - JSON without its own `Cache-Control` (the APIs): `Cache-Control: no-store`,
//!   since billing data must not sit in caches;
//! - the widget's files (JS, wasm, CSS, the message catalogs under
//!   `locales/`): `Access-Control-Allow-Origin: *` and
//!   `Cross-Origin-Resource-Policy: cross-origin`, because a merchant's page on
//!   another origin loads them as a module script (a CORS fetch). Never on HTML
//!   or the APIs.

use crate::http::frame_ancestors::FrameAncestors;
use axum::http::header::{self, InvalidHeaderValue};
use axum::http::HeaderValue;
use axum::response::Response;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

/// Marks a response as an HTML document when it has no `Content-Type` to
/// say so (a `304` for an HTML file), so it still gets the HTML headers.
#[derive(Debug, Clone, Copy)]
pub struct HtmlDocument;

/// Marks a widget file a merchant's page fetches across origins although its
/// type says nothing of it: the message catalogs (`locales/*.json`), which
/// as JSON would otherwise be taken for an API answer.
#[derive(Debug, Clone, Copy)]
pub struct WidgetAsset;

/// `Referrer-Policy` on HTML.
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// `Cache-Control` on API JSON.
pub const NO_STORE: &str = "no-store";

/// The `Content-Security-Policy` of every HTML response, with `frame_ancestors`.
/// `logo_origin` (the catalog's https logo, an origin the catalog check
/// already parsed) is the one other place images may come from.
pub fn content_security_policy(
    frame_ancestors: &FrameAncestors,
    logo_origin: Option<&str>,
) -> String {
    let logo = logo_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:{logo}; connect-src 'self'; frame-src 'self'; \
         frame-ancestors {frame_ancestors}; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}

/// The header values in force, made once at start.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    /// The headers for `frame_ancestors` and the catalog's `logo_origin`
    /// (both already checked, so this fails only if one holds a byte a
    /// header cannot carry).
    pub fn new(
        frame_ancestors: &FrameAncestors,
        logo_origin: Option<&str>,
    ) -> Result<Self, InvalidHeaderValue> {
        Ok(Self {
            csp: HeaderValue::from_str(&content_security_policy(frame_ancestors, logo_origin))?,
        })
    }

    /// The `Content-Security-Policy` value.
    pub fn content_security_policy(&self) -> &HeaderValue {
        &self.csp
    }

    /// Wraps `router` in the one layer that sets them all.
    pub fn apply<S>(&self, router: Router<S>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let csp = self.csp.clone();
        router.layer(
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CONTENT_SECURITY_POLICY,
                    move |response: &Response| is_html(response).then(|| csp.clone()),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    |response: &Response| {
                        is_html(response).then_some(HeaderValue::from_static(REFERRER_POLICY))
                    },
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    |response: &Response| {
                        is_json(response).then_some(HeaderValue::from_static(NO_STORE))
                    },
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    |response: &Response| {
                        is_widget_asset(response).then_some(HeaderValue::from_static("*"))
                    },
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::HeaderName::from_static("cross-origin-resource-policy"),
                    |response: &Response| {
                        is_widget_asset(response)
                            .then_some(HeaderValue::from_static("cross-origin"))
                    },
                )),
        )
    }
}

/// The response's media type (before any `;`), lower-cased.
fn media_type(response: &Response) -> Option<String> {
    let value = response
        .headers()
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}

/// Whether the response is an HTML document.
fn is_html(response: &Response) -> bool {
    response.extensions().get::<HtmlDocument>().is_some()
        || media_type(response).is_some_and(|t| t == "text/html")
}

/// Whether the response is one of the widget's files a merchant page loads.
fn is_widget_asset(response: &Response) -> bool {
    response.status().is_success()
        && (response.extensions().get::<WidgetAsset>().is_some()
            || media_type(response).is_some_and(|t| {
                matches!(
                    t.as_str(),
                    "text/javascript" | "application/javascript" | "application/wasm" | "text/css"
                )
            }))
}

/// Whether the response is JSON.
fn is_json(response: &Response) -> bool {
    media_type(response).is_some_and(|t| t == "application/json" || t.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::frame_ancestors::parse_frame_ancestors;

    #[test]
    fn the_policy_names_the_frame_ancestors() {
        let csp = content_security_policy(&FrameAncestors::default(), None);
        assert_eq!(
            csp,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; \
             base-uri 'none'; form-action 'self'; object-src 'none'"
        );
        let merchant = parse_frame_ancestors("'self' https://shop.example").unwrap();
        let headers = SecurityHeaders::new(&merchant, None).unwrap();
        assert!(headers
            .content_security_policy()
            .to_str()
            .unwrap()
            .contains("; frame-ancestors 'self' https://shop.example; "));
    }

    #[test]
    fn a_catalog_logo_adds_only_its_own_origin_to_img_src() {
        let csp = content_security_policy(
            &FrameAncestors::default(),
            Some("https://cdn.example.com:8443"),
        );
        assert!(
            csp.contains("; img-src 'self' data: https://cdn.example.com:8443; "),
            "{csp}"
        );
        assert!(
            !csp.contains("img-src *") && !csp.contains("https:;"),
            "{csp}"
        );
    }

    #[test]
    fn html_and_json_are_told_by_media_type() {
        let with_type = |t: &'static str| {
            let mut response = Response::new(axum::body::Body::empty());
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(t));
            response
        };
        assert!(is_html(&with_type("text/html; charset=utf-8")));
        assert!(is_html(&with_type("Text/HTML")));
        assert!(!is_html(&with_type("text/javascript; charset=utf-8")));
        assert!(is_json(&with_type("application/json")));
        assert!(is_json(&with_type("application/problem+json")));
        assert!(!is_json(&with_type("text/html")));
        let mut not_modified = Response::new(axum::body::Body::empty());
        not_modified.extensions_mut().insert(HtmlDocument);
        assert!(is_html(&not_modified));
    }
}
