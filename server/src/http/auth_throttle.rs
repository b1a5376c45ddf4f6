//! Failed platform-API authentications throttled per client address: an
//! attacker guessing secret keys gets `--failed-auths-per-client` wrong
//! answers, then 429 `rate_limited` (with `Retry-After`) before the key is
//! even compared — so a right guess past the limit is refused too, and the
//! guess tells them nothing. A successful call counts nothing, so a
//! merchant's server is never slowed by its own traffic.

use crate::http::extract::ClientPeer;
use crate::service::Billing;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Middleware for the `/api/v1/*` routes: refuses a client past its failed
/// authentications, and counts the 401s it gets.
pub async fn guard(
    State(billing): State<Billing>,
    ClientPeer(peer): ClientPeer,
    request: Request,
    next: Next,
) -> Response {
    let limits = &billing.abuse_limits;
    let client = match limits.check_auth(request.headers(), peer) {
        Ok(client) => client,
        Err(refused) => return refused.into_response(),
    };
    let response = next.run(request).await;
    if let Some(client) = client.filter(|_| response.status() == StatusCode::UNAUTHORIZED) {
        limits.record_failed_auth(client);
    }
    response
}
