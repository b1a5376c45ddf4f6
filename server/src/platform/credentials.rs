//! Where a request carries a credential: `Authorization: Bearer <token>`
//! or a cookie. The customer sign-in and the platform API key both read
//! them the same way.

use http::{header, HeaderMap};

/// The name of the cookie that may carry the sign-in token.
pub const SESSION_COOKIE: &str = "session";

/// The sign-in token a request carries: `Authorization: Bearer <token>`
/// first, else the `session` cookie. Blank values count as absent.
pub fn customer_token(headers: &HeaderMap) -> Option<String> {
    bearer(headers).or_else(|| cookie(headers, SESSION_COOKIE))
}

/// The token of the request's `Authorization: Bearer <token>`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(bearer_token)
        .map(str::to_owned)
}

/// The token in a `Bearer <token>` credential (scheme case-insensitive).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The value of the cookie `name`, from any `Cookie` header; blank is absent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| n.trim() == name)
        .map(|(_, value)| value.trim().trim_matches('"'))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn token_from_bearer_or_cookie() {
        assert_eq!(
            customer_token(&headers(&[(header::AUTHORIZATION, "Bearer demo-alice")])).as_deref(),
            Some("demo-alice")
        );
        assert_eq!(
            customer_token(&headers(&[(header::AUTHORIZATION, "bearer  x1 ")])).as_deref(),
            Some("x1")
        );
        assert_eq!(
            customer_token(&headers(&[(
                header::COOKIE,
                "theme=dark; session=demo-bob; other=1"
            )]))
            .as_deref(),
            Some("demo-bob")
        );
        assert_eq!(
            customer_token(&headers(&[
                (header::COOKIE, "a=1"),
                (header::COOKIE, "session=s2")
            ]))
            .as_deref(),
            Some("s2")
        );
        // Bearer wins over the cookie.
        assert_eq!(
            customer_token(&headers(&[
                (header::COOKIE, "session=c"),
                (header::AUTHORIZATION, "Bearer b")
            ]))
            .as_deref(),
            Some("b")
        );
        assert_eq!(
            customer_token(&headers(&[(header::COOKIE, "session=")])),
            None
        );
        assert_eq!(
            customer_token(&headers(&[(header::COOKIE, "xsession=1")])),
            None
        );
        assert_eq!(
            customer_token(&headers(&[(header::AUTHORIZATION, "Basic abc")])),
            None
        );
        assert_eq!(customer_token(&HeaderMap::new()), None);
    }
}
