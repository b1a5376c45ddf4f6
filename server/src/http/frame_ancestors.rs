//! `--frame-ancestors`: which origins may frame the server's HTML pages (the
//! CSP `frame-ancestors` directive). The widget's overlay and inline modes put
//! the hosted checkout page in an iframe on the merchant's page, so a merchant
//! on another origin lists that origin here.

use std::fmt;
use std::str::FromStr;

/// The validated source list of the `frame-ancestors` directive: `'self'`,
/// `'none'` (alone) or http(s) origins, in the order given, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameAncestors(Vec<String>);

impl Default for FrameAncestors {
    /// `'self'`: only pages of this server may frame its pages.
    fn default() -> Self {
        Self(vec![SELF.to_owned()])
    }
}

const SELF: &str = "'self'";
const NONE: &str = "'none'";

impl FrameAncestors {
    /// The sources, normalised (`'self'`, `'none'`, `https://shop.example:8443`).
    pub fn sources(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for FrameAncestors {
    /// The sources separated by spaces, as they appear in the CSP.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

impl FromStr for FrameAncestors {
    type Err = String;

    /// Parses a space- or comma-separated list; see [`parse_frame_ancestors`].
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        parse_frame_ancestors(raw)
    }
}

/// Parses a space- or comma-separated list of `'self'`, `'none'` and http(s)
/// origins (scheme, host and optional port; no path, query, fragment or
/// credentials; a trailing `/` is dropped). `'none'` must stand alone, and the
/// list must not be empty.
pub fn parse_frame_ancestors(raw: &str) -> Result<FrameAncestors, String> {
    let mut sources: Vec<String> = Vec::new();
    for token in raw
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
    {
        let source = parse_source(token)?;
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    if sources.is_empty() {
        return Err("the frame-ancestors list is empty; use 'self', 'none' or origins such as https://shop.example".into());
    }
    if sources.len() > 1 && sources.iter().any(|s| s == NONE) {
        return Err("'none' cannot be combined with other frame ancestors".into());
    }
    Ok(FrameAncestors(sources))
}

/// One source: a keyword (case-insensitive, quoted) or an http(s) origin.
fn parse_source(token: &str) -> Result<String, String> {
    let lower = token.to_ascii_lowercase();
    if lower == SELF || lower == NONE {
        return Ok(lower);
    }
    if lower == "self" || lower == "none" {
        return Err(format!(
            "`{token}` must be quoted: write '{lower}' (with single quotes)"
        ));
    }
    let not_origin = |why: &str| {
        format!("`{token}` is not a frame ancestor ({why}); use 'self', 'none' or an origin such as https://shop.example")
    };
    let url = url::Url::parse(token).map_err(|e| not_origin(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(not_origin("only http and https origins are allowed"));
    }
    match url.host() {
        None => return Err(not_origin("it has no host")),
        Some(url::Host::Domain(domain)) if !is_csp_host(domain) => {
            return Err(not_origin(
                "wildcards and other special characters are not allowed in the host",
            ))
        }
        Some(url::Host::Ipv6(_)) => return Err(not_origin("CSP cannot name an IPv6 host")),
        Some(_) => {}
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(not_origin("it has credentials"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(not_origin("an origin has no path, query or fragment"));
    }
    Ok(url.origin().ascii_serialization())
}

/// Whether a (lowercase, punycoded) domain fits CSP's host grammar: labels
/// of letters, digits and `-` separated by dots.
fn is_csp_host(domain: &str) -> bool {
    domain.trim_end_matches('.').split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Vec<String> {
        parse_frame_ancestors(raw).unwrap().sources().to_vec()
    }

    #[test]
    fn keywords_and_origins_are_accepted_and_normalised() {
        assert_eq!(parsed("'self'"), ["'self'"]);
        assert_eq!(parsed("'NONE'"), ["'none'"]);
        assert_eq!(
            parsed("'self' https://shop.example, http://127.0.0.1:9000/"),
            ["'self'", "https://shop.example", "http://127.0.0.1:9000"]
        );
        assert_eq!(
            parsed("HTTPS://Shop.Example:443 https://shop.example"),
            ["https://shop.example"]
        );
        assert_eq!(
            parsed("https://bücher.example"),
            ["https://xn--bcher-kva.example"]
        );
        assert_eq!(FrameAncestors::default().to_string(), "'self'");
        assert_eq!(
            "'self',https://a.test"
                .parse::<FrameAncestors>()
                .unwrap()
                .to_string(),
            "'self' https://a.test"
        );
    }

    #[test]
    fn anything_else_is_rejected_with_a_reason() {
        for (bad, says) in [
            ("", "empty"),
            (" , ", "empty"),
            ("self", "quoted"),
            ("'unsafe-inline'", "not a frame ancestor"),
            ("*", "not a frame ancestor"),
            ("https://*.shop.example", "wildcards"),
            ("https://a.test;script-src", "special characters"),
            ("http://[::1]:8080", "IPv6"),
            ("shop.example", "not a frame ancestor"),
            ("ftp://shop.example", "only http and https"),
            ("https://shop.example/checkout", "no path"),
            ("https://shop.example/?a=1", "no path"),
            ("https://user:pw@shop.example", "credentials"),
            ("'none' 'self'", "cannot be combined"),
            ("javascript:alert(1)", "not a frame ancestor"),
        ] {
            let error = parse_frame_ancestors(bad).unwrap_err();
            assert!(error.contains(says), "{bad:?}: {error}");
        }
    }
}
