//! `POST /api/checkout-sessions/{id}/authenticate`: the end of the bank's
//! 3-D Secure challenge (issue 16), as the hosted page's simulated bank
//! reports it.

use super::{answer, too_many_attempts};
use crate::domain::error::ApiError;
use crate::domain::{authentication, clock};
use crate::http::extract::{ClientPeer, PathParam, RawBody};
use crate::http::state::AppState;
use crate::service::payment;
use axum::extract::State;
use axum::Json;
use checkout_protocol::{AuthenticateRequest, ConfirmPaymentResponse, RouteResponse};

/// The longest authentication id looked up (`auth_` and 32 hex digits fit
/// well within); a longer one matches nothing, so it is not searched for.
const MAX_ID_LEN: usize = 64;

/// `POST /api/checkout-sessions/{id}/authenticate`: finishes the session's
/// waiting challenge with the bank's outcome. Counts as a payment attempt
/// against the same limits as a confirm (429 `rate_limited`). `succeeded`
/// charges and answers like a paid confirm (or 402 with the decline, e.g.
/// `card_insufficient_funds`); `failed` is 402 `authentication_failed`,
/// recorded like a decline. Either way a session not paid stays open.
#[utoipa::path(post, path = "/api/checkout-sessions/{id}/authenticate", tag = "hosted page", operation_id = "hostedSessionAuthenticate",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    request_body = AuthenticateRequest,
    responses(
        (status = 200, description = "`{data}`: paid; `redirectUrl` is where to send the customer", body = RouteResponse<ConfirmPaymentResponse>),
        (status = 402, description = "`authentication_failed` (nothing charged), or the card's decline after authentication (`card_insufficient_funds`, …); the checkout stays open", body = crate::http::error::ErrorResponse),
        (status = 404, description = "`authentication_not_found`: no challenge with that id waits on this checkout", body = crate::http::error::ErrorResponse),
        (status = 410, description = "`authentication_expired`: the challenge timed out or the processor lost it (nothing charged), or `checkout_session_expired`", body = crate::http::error::ErrorResponse),
        (status = 429, description = "Too many payment attempts for this session or from this client", body = crate::http::error::ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until an attempt may succeed"))),
        (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)))]
pub async fn authenticate(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    ClientPeer(peer): ClientPeer,
    body: RawBody,
) -> Result<Json<RouteResponse<ConfirmPaymentResponse>>, ApiError> {
    // Already being paid (the first of a double click) or paid: say so.
    let session = super::load_payable(&state.billing, &id, clock::now_ms()).await?;
    let request: AuthenticateRequest = body.json()?;
    if request.authentication_id.len() > MAX_ID_LEN {
        return Err(authentication::not_found());
    }
    state.billing.abuse_limits.check_declines()?;
    let limits = &state.payment_limits;
    limits
        .check_client(&body.headers, peer)
        .map_err(too_many_attempts)?;
    limits
        .check_session(&session.id)
        .map_err(too_many_attempts)?;
    // Its own task, as a confirm's: a dropped connection cannot leave the
    // session pending mid-charge.
    let payment = tokio::spawn(payment::authenticate(
        state.billing.clone(),
        id,
        request.authentication_id,
        request.outcome,
    ))
    .await
    .map_err(|e| ApiError::internal("payment task failed", e))??;
    answer(&state, payment).await
}
