//! Who is calling: the signed-in customer of the merchant route (from a
//! Bearer token or a cookie, never from the body: a verified JWT, see
//! [`crate::platform::jwt`], or in embedded mode a catalog sign-in token) and the
//! platform API's secret-key check.

use crate::domain::catalog::Catalog;
use crate::domain::error::ApiError;
use crate::platform::jwt::{looks_like_jwt, JwtCustomers};
use crate::platform::resolver::CustomerResolver;
use crate::platform::CustomerIdentity;
use crate::store::Db;
use async_trait::async_trait;
use axum::http::{header, HeaderMap};
use checkout_protocol::ErrorCode;
use std::collections::HashSet;
use std::sync::Arc;

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
    bearer(headers).or_else(|| cookie(headers, SESSION_COOKIE))
}

/// The token of the request's `Authorization: Bearer <token>`, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(bearer_token)
        .map(str::to_owned)
}

/// The token in a `Bearer <token>` credential (scheme case-insensitive).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The value of the cookie `name`, from any `Cookie` header; blank is absent.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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

/// The reference server's demo sign-in: the sign-in tokens its catalog
/// gives customers (the built-in demo's `demo-alice`, or a catalog file's
/// explicit `signInToken`s), from a Bearer token or the `session` cookie.
/// Only tokens of the catalog in force sign in — not tokens an earlier
/// catalog left in the database; any other token is a 401. Never used by
/// a server forwarding to a platform (`--platform-url`).
#[derive(Debug, Clone)]
pub struct SignInTokens {
    db: Db,
    live: Arc<HashSet<String>>,
}

impl SignInTokens {
    /// The sign-in tokens `catalog` gives its customers, whose records are in `db`.
    pub fn new(db: Db, catalog: &Catalog) -> Self {
        let live = catalog
            .customers
            .iter()
            .filter_map(|c| c.token.clone())
            .collect();
        Self {
            db,
            live: Arc::new(live),
        }
    }

    /// Whether no customer can sign in with a token.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The customer `token` signs in; 401 `unauthorized` for any other token.
    pub async fn customer(&self, token: &str) -> Result<CustomerIdentity, ApiError> {
        let stale = || ApiError::new(ErrorCode::Unauthorized, STALE_SIGN_IN_MESSAGE);
        if !self.live.contains(token) {
            return Err(stale());
        }
        let customer = self
            .db
            .customer_by_token(token.to_owned())
            .await?
            .ok_or_else(stale)?;
        Ok(CustomerIdentity {
            external_id: customer.external_id,
            name: customer.name,
            email: customer.email,
        })
    }
}

#[async_trait]
impl CustomerResolver for SignInTokens {
    async fn resolve(&self, headers: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError> {
        match customer_token(headers) {
            Some(token) => self.customer(&token).await.map(Some),
            None => Ok(None),
        }
    }
}

/// The reference server's customer source: a verified JWT
/// (`--customer-jwt-secret` / `--customer-jwks`) and, in embedded mode,
/// the catalog's sign-in tokens. When both are live a credential shaped
/// like a JWT (three dot-separated parts) is verified as one — and is then
/// a 401 if it does not verify, never tried as a sign-in token — and any
/// other credential is a sign-in token.
#[derive(Debug, Clone)]
pub struct CustomerSource {
    jwt: Option<JwtCustomers>,
    tokens: Option<SignInTokens>,
}

impl CustomerSource {
    /// Customers from `jwt` and/or `tokens`; with neither every credential is a 401.
    pub fn new(jwt: Option<JwtCustomers>, tokens: Option<SignInTokens>) -> Self {
        Self {
            jwt,
            tokens: tokens.filter(|t| !t.is_empty()),
        }
    }

    /// The request's credential: a Bearer token, else the JWT cookie, else
    /// the `session` cookie — unless only JWTs are taken, whose cookie may
    /// have another name (a `session` cookie is then someone else's).
    fn credential(&self, headers: &HeaderMap) -> Option<String> {
        let session_cookie = self.tokens.is_some() || self.jwt.is_none();
        bearer(headers)
            .or_else(|| self.jwt.as_ref().and_then(|j| cookie(headers, j.cookie())))
            .or_else(|| {
                session_cookie
                    .then(|| cookie(headers, SESSION_COOKIE))
                    .flatten()
            })
    }
}

#[async_trait]
impl CustomerResolver for CustomerSource {
    async fn resolve(&self, headers: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError> {
        let Some(credential) = self.credential(headers) else {
            return Ok(None);
        };
        match (&self.jwt, &self.tokens) {
            (Some(jwt), None) => jwt.verify(&credential).map(Some),
            (Some(jwt), Some(_)) if looks_like_jwt(&credential) => {
                jwt.verify(&credential).map(Some)
            }
            (_, Some(tokens)) => tokens.customer(&credential).await.map(Some),
            // No customer source: nobody can be signed in, so any
            // credential is one this server cannot honour.
            (None, None) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                STALE_SIGN_IN_MESSAGE,
            )),
        }
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
    Ok(format!("sk_test_{}", crate::domain::ids::hex(&bytes)))
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
        assert!(crate::domain::ids::has_id_shape(&key, "sk_test_"), "{key}");
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
