//! Who is calling: the signed-in customer of the merchant route (from a
//! Bearer token or a `session` cookie, never from the body) and the platform
//! API's secret-key check.

use crate::billing_platform::CustomerIdentity;
use crate::db::{Customer, Db};
use crate::error::ApiError;
use crate::route::CustomerResolver;
use async_trait::async_trait;
use axum::http::{header, HeaderMap};
use checkout_protocol::ErrorCode;

/// The message for a token that matches no customer.
pub const STALE_SIGN_IN_MESSAGE: &str = "Your sign-in is no longer valid. Sign in again.";

/// The message for an action that needs a signed-in customer, asked without one.
pub const CUSTOMER_REQUIRED_MESSAGE: &str =
    "Sign in to manage your billing: this action needs a signed-in customer.";

/// The name of the cookie that may carry the sign-in token.
pub const SESSION_COOKIE: &str = "session";

/// The sign-in token a request carries: `Authorization: Bearer <token>`
/// first, else the `session` cookie. Blank values count as absent.
pub fn customer_token(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(bearer_token);
    bearer
        .or_else(|| session_cookie(headers))
        .map(str::to_owned)
}

/// The token in a `Bearer <token>` credential (scheme case-insensitive).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The value of the `session` cookie, from any `Cookie` header.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| name.trim() == SESSION_COOKIE)
        .map(|(_, value)| value.trim().trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Whether a stale token is an error or just anonymous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleToken {
    /// Answer 401 `unauthorized`.
    Reject,
    /// Carry on without a customer (public reads).
    Anonymous,
}

/// Resolves the request's customer: `Ok(None)` without credentials; a token
/// that matches nobody is a 401 or anonymous, as `stale` says.
pub async fn resolve_customer(
    db: &Db,
    headers: &HeaderMap,
    stale: StaleToken,
) -> Result<Option<Customer>, ApiError> {
    let Some(token) = customer_token(headers) else {
        return Ok(None);
    };
    match db.customer_by_token(token).await? {
        Some(customer) => Ok(Some(customer)),
        None if stale == StaleToken::Anonymous => Ok(None),
        None => Err(ApiError::new(
            ErrorCode::Unauthorized,
            STALE_SIGN_IN_MESSAGE,
        )),
    }
}

/// The reference server's customer resolver: the sign-in token of a
/// customer in its store (the demo customers of the catalog), from a Bearer
/// token or the `session` cookie; a token that matches nobody is a 401.
#[derive(Debug, Clone)]
pub struct SignInTokens {
    db: Db,
}

impl SignInTokens {
    /// Tokens of the customers in `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[async_trait]
impl CustomerResolver for SignInTokens {
    async fn resolve(&self, headers: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError> {
        Ok(resolve_customer(&self.db, headers, StaleToken::Reject)
            .await?
            .map(|c| CustomerIdentity {
                external_id: c.external_id,
                name: c.name,
                email: c.email,
            }))
    }
}

/// Checks the platform API key in `Authorization: <key>` or `Authorization: Bearer <key>`.
pub fn require_secret_key(headers: &HeaderMap, secret_key: &str) -> Result<(), ApiError> {
    let unauthorized = |m: &str| ApiError::new(ErrorCode::Unauthorized, m);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| unauthorized("Send your secret API key in the Authorization header."))?;
    let presented = bearer_token(value).unwrap_or(value);
    if constant_time_eq(presented.as_bytes(), secret_key.as_bytes()) {
        Ok(())
    } else {
        Err(unauthorized("The API key is not valid."))
    }
}

/// A new test-mode platform key: `sk_test_` and 32 random hex characters.
pub fn generate_secret_key() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("sk_test_{}", crate::ids::hex(&bytes)))
}

/// Compares two byte strings in time that depends only on their lengths
/// (`subtle`'s constant-time comparison).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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

    #[test]
    fn secret_key_check() {
        let key = "sk_test_0123";
        assert!(require_secret_key(&headers(&[(header::AUTHORIZATION, key)]), key).is_ok());
        assert!(require_secret_key(
            &headers(&[(header::AUTHORIZATION, "Bearer sk_test_0123")]),
            key
        )
        .is_ok());
        for bad in [
            "sk_test_0124",
            "sk_test_012",
            "Bearer nope",
            "Basic sk_test_0123",
        ] {
            let e = require_secret_key(&headers(&[(header::AUTHORIZATION, bad)]), key).unwrap_err();
            assert_eq!(e.code, ErrorCode::Unauthorized, "{bad}");
        }
        assert_eq!(
            require_secret_key(&HeaderMap::new(), key).unwrap_err().code,
            ErrorCode::Unauthorized
        );
    }

    #[test]
    fn generated_keys_are_test_keys() {
        let key = generate_secret_key().unwrap();
        assert!(crate::ids::has_id_shape(&key, "sk_test_"), "{key}");
        assert_ne!(key, generate_secret_key().unwrap());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
