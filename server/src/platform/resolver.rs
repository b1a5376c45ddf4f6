//! Who is signed in: the merchant's side of the server route. The route
//! never trusts a customer id from the browser; it asks a
//! [`CustomerResolver`] the merchant implements from their own session
//! cookie or token.

use crate::domain::error::ApiError;
use crate::platform::CustomerIdentity;
use async_trait::async_trait;
use http::HeaderMap;

/// Resolves the signed-in customer of a request to the server route.
///
/// ```
/// use checkout_server::{async_trait, ApiError, CustomerIdentity, CustomerResolver};
/// use axum::http::HeaderMap;
///
/// /// Everyone is Alice (a demo; read your own session cookie instead).
/// struct Alice;
///
/// #[async_trait]
/// impl CustomerResolver for Alice {
///     async fn resolve(&self, _: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError> {
///         Ok(Some(CustomerIdentity {
///             external_id: "alice".into(),
///             name: "Alice Martin".into(),
///             email: "alice@example.com".into(),
///         }))
///     }
/// }
/// ```
#[async_trait]
pub trait CustomerResolver: Send + Sync + 'static {
    /// The customer the request's credentials belong to: `Ok(None)` for an
    /// anonymous visitor; an error (e.g. 401 `unauthorized` for an expired
    /// sign-in) is answered as it is, except by `pricing-models/retrieve`,
    /// which treats a 401 as anonymous.
    async fn resolve(&self, headers: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError>;
}
