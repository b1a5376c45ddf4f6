//! `--redirect-hosts`: the hosts a checkout may send the customer back to.
//!
//! With the flag, a success or cancel URL must point at a listed host — or
//! at this server's own origin, which is always allowed — so a leaked route
//! or platform key cannot turn the checkout into an open redirect to an
//! attacker's look-alike site. Without it, the [`RedirectRule`] depends on
//! where the server is: with a loopback `--public-url` (the demo, tests)
//! any http(s) host is accepted (URLs are still checked for scheme and
//! shape in [`crate::domain::validation::redirect_url`]); a public deployment
//! redirects only to its own origin until the merchant lists their hosts.
//!
//! Hosts are compared after the URL parser has normalised them (lower case,
//! IDNA to punycode, credentials split off), so `https://shop.example@evil.test`
//! is a URL on `evil.test` and a Cyrillic look-alike of `shop.example` is a
//! different `xn--` host.

use std::fmt;
use std::str::FromStr;
use url::Url;

/// One entry of the allowlist.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    /// Exactly this host (a domain, an IPv4 address or a bracketed IPv6 address).
    Exact(String),
    /// Any subdomain of this domain (written `*.shop.example`), not the domain itself.
    Subdomains(String),
}

/// The allowlist; empty means any host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectHosts(Vec<HostPattern>);

impl RedirectHosts {
    /// Whether a list was given (an empty one allows every host).
    pub fn is_restricted(&self) -> bool {
        !self.0.is_empty()
    }

    /// Whether `url` may be a redirect target, given this server's own
    /// origin `own` (always allowed).
    pub fn allows(&self, url: &Url, own: &url::Origin) -> bool {
        if !self.is_restricted() || &url.origin() == own {
            return true;
        }
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_end_matches('.');
        self.0.iter().any(|pattern| match pattern {
            HostPattern::Exact(h) => h == host,
            HostPattern::Subdomains(parent) => host
                .strip_suffix(parent.as_str())
                .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
        })
    }
}

impl fmt::Display for RedirectHosts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .0
            .iter()
            .map(|p| match p {
                HostPattern::Exact(h) => h.clone(),
                HostPattern::Subdomains(h) => format!("*.{h}"),
            })
            .collect();
        f.write_str(&shown.join(","))
    }
}

impl FromStr for RedirectHosts {
    type Err = String;

    /// See [`parse_redirect_hosts`].
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        parse_redirect_hosts(raw)
    }
}

/// Parses a comma- or space-separated list of host names (`shop.example`,
/// `*.shop.example` for its subdomains, `203.0.113.7`, `[2001:db8::1]`):
/// hosts only, no scheme, port or path. An empty list allows any host.
pub fn parse_redirect_hosts(raw: &str) -> Result<RedirectHosts, String> {
    let mut patterns = Vec::new();
    for token in raw
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
    {
        let (wildcard, name) = match token.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, token),
        };
        let not_host = |why: &str| {
            format!("`{token}` is not a redirect host ({why}); write host names such as shop.example or *.shop.example")
        };
        let outside_brackets = name.rsplit(']').next().unwrap_or(name);
        if name.contains(['/', '@', '?', '#', '*', '\\'])
            || (outside_brackets.contains(':') && !name.starts_with('['))
        {
            return Err(not_host(
                "a host has no scheme, port, path or wildcard in the middle",
            ));
        }
        if name.starts_with('[') && outside_brackets.contains(':') {
            return Err(not_host("a host has no port"));
        }
        let url = Url::parse(&format!("http://{name}/")).map_err(|e| not_host(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| not_host("it is empty"))?
            .trim_end_matches('.')
            .to_owned();
        let is_domain = matches!(url.host(), Some(url::Host::Domain(_)));
        let pattern = match (wildcard, is_domain) {
            (true, true) if host.contains('.') => HostPattern::Subdomains(host),
            (true, _) => return Err(not_host("a wildcard needs a domain with a dot after `*.`")),
            (false, _) => HostPattern::Exact(host),
        };
        if !patterns.contains(&pattern) {
            patterns.push(pattern);
        }
    }
    Ok(RedirectHosts(patterns))
}

// --- Safe defaults (issue 13): the rule in force, from the list and the public URL. ---

/// Where success and cancel URLs may point, as decided at start from
/// `--redirect-hosts` and `--public-url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectRule {
    hosts: RedirectHosts,
    own: url::Origin,
    /// An empty list means any host (loopback public URL only).
    any_host_when_unlisted: bool,
}

impl RedirectRule {
    /// The rule for a server at `public_url` with the allowlist `hosts`: the
    /// list (plus the own origin) when one is given; else any host for a
    /// loopback public URL, and only the own origin for any other — a public
    /// deployment that forgot the flag must not be an open redirect.
    pub fn new(hosts: RedirectHosts, public_url: &str) -> Result<Self, String> {
        let url = Url::parse(public_url)
            .map_err(|e| format!("the public URL `{public_url}` does not parse: {e}"))?;
        Ok(Self {
            any_host_when_unlisted: is_loopback(&url),
            own: url.origin(),
            hosts,
        })
    }

    /// Whether every http(s) host is accepted.
    pub fn allows_any_host(&self) -> bool {
        !self.hosts.is_restricted() && self.any_host_when_unlisted
    }

    /// Whether `url` may be a redirect target.
    pub fn allows(&self, url: &Url) -> bool {
        if self.allows_any_host() {
            return true;
        }
        if !self.hosts.is_restricted() {
            return url.origin() == self.own;
        }
        self.hosts.allows(url, &self.own)
    }

    /// The rule in words, for the start-up log.
    pub fn describe(&self) -> String {
        let own = self.own.ascii_serialization();
        if self.allows_any_host() {
            "any http(s) host (the public URL is loopback; set --redirect-hosts before going public)"
                .to_owned()
        } else if self.hosts.is_restricted() {
            format!("{own} and --redirect-hosts {}", self.hosts)
        } else {
            format!("only this server's own origin {own} (the public URL is not loopback and --redirect-hosts is empty)")
        }
    }
}

/// Whether `url`'s host is this machine: `localhost` (or a name under
/// `.localhost`), 127.0.0.0/8 or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_deployment_without_a_list_redirects_only_to_itself() {
        let none = RedirectHosts::default();
        let public = RedirectRule::new(none.clone(), "https://pay.example.com").unwrap();
        assert!(!public.allows_any_host());
        assert!(public.allows(&url("https://pay.example.com/thanks")));
        assert!(!public.allows(&url("https://shop.test/thanks")));
        assert!(!public.allows(&url("http://pay.example.com/other-scheme")));
        assert!(public
            .describe()
            .contains("only this server's own origin https://pay.example.com"));
        for loopback in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:3000",
            "http://LOCALHOST.",
            "http://app.localhost",
            "http://[::1]:9000",
        ] {
            let rule = RedirectRule::new(none.clone(), loopback).unwrap();
            assert!(rule.allows_any_host(), "{loopback}");
            assert!(rule.allows(&url("https://shop.test/x")), "{loopback}");
        }
        for public in [
            "http://128.0.0.1",
            "http://10.0.0.1",
            "http://localhost.evil.test",
            "http://[::2]",
            "https://example.com",
        ] {
            let rule = RedirectRule::new(none.clone(), public).unwrap();
            assert!(!rule.allows_any_host(), "{public}");
        }
        // A list applies whatever the public URL.
        let listed = parse_redirect_hosts("shop.test").unwrap();
        for base in ["http://127.0.0.1:8080", "https://pay.example.com"] {
            let rule = RedirectRule::new(listed.clone(), base).unwrap();
            assert!(rule.allows(&url("https://shop.test/x")));
            assert!(rule.allows(&url(&format!("{base}/own"))));
            assert!(!rule.allows(&url("https://evil.test/x")));
            assert!(rule.describe().contains("--redirect-hosts shop.test"));
        }
        assert!(RedirectRule::new(none, "not a url").is_err());
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn own() -> url::Origin {
        url("https://pay.example.com").origin()
    }

    #[test]
    fn an_empty_list_allows_any_host() {
        let any = parse_redirect_hosts("").unwrap();
        assert!(!any.is_restricted());
        assert!(any.allows(&url("https://anything.test/x"), &own()));
    }

    #[test]
    fn listed_hosts_subdomains_and_the_own_origin_are_allowed() {
        let hosts = parse_redirect_hosts(
            "Shop.Example, *.brand.example [2001:db8::1] 203.0.113.7 bücher.example",
        )
        .unwrap();
        assert_eq!(
            hosts.to_string(),
            "shop.example,*.brand.example,[2001:db8::1],203.0.113.7,xn--bcher-kva.example"
        );
        for ok in [
            "https://shop.example/thanks",
            "http://SHOP.example:8080/x?y=1",
            "https://shop.example./dot",
            "https://eu.brand.example/ok",
            "https://a.b.brand.example/ok",
            "https://[2001:db8::1]/ok",
            "https://203.0.113.7/ok",
            "https://bücher.example/ok",
            "https://pay.example.com/success",
        ] {
            assert!(hosts.allows(&url(ok), &own()), "{ok}");
        }
        for bad in [
            "https://evil.test/",
            "https://shop.example@evil.test/",
            "https://shop.example.evil.test/",
            "https://evilshop.example/",
            "https://brand.example/",
            "https://xbrand.example/",
            "https://pay.example.com:8443/other-port",
            "http://pay.example.com/other-scheme",
            "https://shоp.example/cyrillic-o",
        ] {
            assert!(!hosts.allows(&url(bad), &own()), "{bad}");
        }
    }

    #[test]
    fn anything_but_a_host_is_refused() {
        for bad in [
            "https://shop.example",
            "shop.example/path",
            "shop.example:443",
            "*",
            "*.com.",
            "*.example",
            "a.*.example",
            "user@shop.example",
            "[2001:db8::1]:443",
            "*.203.0.113.7",
        ] {
            assert!(parse_redirect_hosts(bad).is_err(), "{bad}");
        }
    }
}
