//! Who the merchant route's caller is: the signed-in customer, from a
//! Bearer token or a cookie (never from the body) — a verified JWT (see
//! [`crate::platform::jwt`]) or, in embedded mode, a catalog sign-in token.

use crate::domain::catalog::Catalog;
use crate::domain::error::ApiError;
use crate::platform::credentials::{bearer, cookie, customer_token, SESSION_COOKIE};
use crate::platform::jwt::{looks_like_jwt, JwtCustomers};
use crate::platform::resolver::CustomerResolver;
use crate::platform::CustomerIdentity;
use crate::store::Db;
use async_trait::async_trait;
use checkout_protocol::ErrorCode;
use http::HeaderMap;
use std::collections::HashSet;
use std::sync::Arc;

/// The message for a token that matches no customer.
pub const STALE_SIGN_IN_MESSAGE: &str = "Your sign-in is no longer valid. Sign in again.";

/// The message for an action that needs a signed-in customer, asked without one.
pub const CUSTOMER_REQUIRED_MESSAGE: &str =
    "Sign in to manage your billing: this action needs a signed-in customer.";

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
