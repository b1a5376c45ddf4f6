//! Rules for the URLs a checkout redirects to. Both sides enforce them: the
//! widget before any request, the server again before storing a session.

use crate::{ErrorCode, CHECKOUT_SESSION_ID_PLACEHOLDER};
use std::fmt;

/// Only web URLs may be redirect targets; `javascript:`, `data:` and the like
/// would run code or spoof a page.
pub fn is_allowed_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")
}

/// Replaces every `{CHECKOUT_SESSION_ID}` in `url_template` with `session_id`.
///
/// Session ids are `[A-Za-z0-9_]`, so no escaping is needed for any URL part.
pub fn fill_session_id(url_template: &str, session_id: &str) -> String {
    url_template.replace(CHECKOUT_SESSION_ID_PLACEHOLDER, session_id)
}

/// Which URL of a checkout a value is: it names the URL in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRole {
    /// Where the customer goes after paying (`successUrl`).
    Success,
    /// Where the customer goes on cancel (`cancelUrl`).
    Cancel,
    /// The hosted checkout page a created session names.
    Checkout,
    /// Any page the browser is sent to, when which one is not known.
    Redirect,
}

impl UrlRole {
    /// How a message names it: "success URL".
    pub fn label(self) -> &'static str {
        match self {
            UrlRole::Success => "success URL",
            UrlRole::Cancel => "cancel URL",
            UrlRole::Checkout => "checkout URL",
            UrlRole::Redirect => "redirect URL",
        }
    }
}

/// An absolute http(s) URL with a host: a checkout may send a browser there.
/// Only [`RedirectUrl::from_parsed`] makes one, so holding one proves the rule.
/// It may hold `{CHECKOUT_SESSION_ID}`, filled by [`RedirectUrl::for_session`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUrl(String);

/// Why a value is not a [`RedirectUrl`]; the message names the URL's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectUrlError {
    /// Blank or absent.
    Missing(UrlRole),
    /// Not an absolute http(s) URL with a host.
    NotWeb(UrlRole),
}

impl RedirectUrl {
    /// A URL as a parser split it (the browser's `URL`, the server's `url`
    /// crate; this crate has no parser of its own): accepted when its scheme
    /// is http(s) and it names a host. Blank input is the caller's to refuse
    /// first, with [`RedirectUrlError::Missing`], since a relative parser
    /// would read it as the page itself.
    pub fn from_parsed(
        href: String,
        scheme: &str,
        host: &str,
        role: UrlRole,
    ) -> Result<Self, RedirectUrlError> {
        if is_allowed_scheme(scheme) && !host.is_empty() {
            Ok(Self(href))
        } else {
            Err(RedirectUrlError::NotWeb(role))
        }
    }

    /// The URL as given (the placeholder kept).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL as given, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The URL for one session: every placeholder replaced by its id.
    pub fn for_session(&self, session_id: &str) -> String {
        fill_session_id(&self.0, session_id)
    }
}

impl RedirectUrlError {
    /// The stable code a program matches.
    pub fn code(self) -> ErrorCode {
        ErrorCode::InvalidUrl
    }

    /// What a person reads: "The success URL is missing."
    ///
    /// Concatenated rather than formatted: the widget's script-tag bundle
    /// shows it and carries no formatting code.
    pub fn message(self) -> String {
        match self {
            Self::Missing(role) => ["The ", role.label(), " is missing."].concat(),
            Self::NotWeb(role) => [
                "The ",
                role.label(),
                " must be a web address (http or https).",
            ]
            .concat(),
        }
    }
}

impl fmt::Display for RedirectUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RedirectUrlError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_urls_are_web_addresses_with_a_host() {
        let href = "https://shop.test/ok?id={CHECKOUT_SESSION_ID}".to_owned();
        let ok =
            RedirectUrl::from_parsed(href.clone(), "https", "shop.test", UrlRole::Success).unwrap();
        assert_eq!(ok.as_str(), href);
        assert_eq!(ok.for_session("cs_1"), "https://shop.test/ok?id=cs_1");
        assert!(RedirectUrl::from_parsed(
            "HTTP://a.test/".into(),
            "HTTP",
            "a.test",
            UrlRole::Cancel
        )
        .is_ok());
        for (scheme, host) in [
            ("javascript", ""),
            ("data", ""),
            ("ftp", "a.test"),
            ("https", ""),
        ] {
            assert_eq!(
                RedirectUrl::from_parsed(format!("{scheme}:x"), scheme, host, UrlRole::Success),
                Err(RedirectUrlError::NotWeb(UrlRole::Success)),
                "{scheme} {host}"
            );
        }
    }

    #[test]
    fn errors_name_the_url_they_are_about() {
        let missing = RedirectUrlError::Missing(UrlRole::Success);
        assert_eq!(missing.message(), "The success URL is missing.");
        assert_eq!(missing.code(), ErrorCode::InvalidUrl);
        assert_eq!(
            RedirectUrlError::NotWeb(UrlRole::Checkout).message(),
            "The checkout URL must be a web address (http or https)."
        );
    }

    #[test]
    fn only_http_and_https() {
        assert!(is_allowed_scheme("https"));
        assert!(is_allowed_scheme("HTTP"));
        for bad in ["javascript", "data", "vbscript", "file", "ftp", ""] {
            assert!(!is_allowed_scheme(bad), "{bad}");
        }
    }

    #[test]
    fn fills_placeholder_everywhere() {
        assert_eq!(
            fill_session_id(
                "https://s/ok?session_id={CHECKOUT_SESSION_ID}&again={CHECKOUT_SESSION_ID}",
                "cs_1"
            ),
            "https://s/ok?session_id=cs_1&again=cs_1"
        );
        assert_eq!(fill_session_id("https://s/ok", "cs_1"), "https://s/ok");
    }
}
