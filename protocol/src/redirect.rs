//! Rules for the URLs a checkout redirects to. Both sides enforce them: the
//! widget before any request, the server again before storing a session.

use crate::CHECKOUT_SESSION_ID_PLACEHOLDER;

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

#[cfg(test)]
mod tests {
    use super::*;

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
