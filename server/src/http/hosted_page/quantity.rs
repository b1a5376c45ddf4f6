//! `POST /api/checkout-sessions/{id}/quantity`: the hosted page changes the
//! quantity of an open session whose merchant enabled `adjustableQuantity`,
//! within its bounds, and answers the new totals (a discount included).
//! Once a payment has claimed the session the quantity is the one charged,
//! and a change is refused (409).

use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::http::extract::{ClientPeer, PathParam, RawBody};
use crate::service::payment::hosted_view;
use crate::service::Billing;
use axum::extract::State;
use axum::Json;
use checkout_protocol::{
    ChangeQuantityRequest, ErrorCode, HostedCheckoutSession, Quantity, RouteResponse,
};

/// The message for a session whose quantity is fixed.
pub const FIXED_MESSAGE: &str = "The quantity of this checkout cannot be changed.";

/// Answers `{data: HostedCheckoutSession}` with the new quantity and totals.
/// A session whose quantity is fixed is 400 `adjustable_quantity_not_allowed`;
/// a quantity that is not a whole number is 400 `invalid_quantity`, one
/// outside the bounds 400 `quantity_out_of_range`; a paid, pending or
/// expired session 409 / 410. Changes are limited per session and per
/// client address: 429 `rate_limited` with `Retry-After` past either.
#[utoipa::path(post, path = "/api/checkout-sessions/{id}/quantity", tag = "hosted page", operation_id = "hostedSessionQuantity",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    request_body = ChangeQuantityRequest,
    responses((status = 200, description = "`{data}`: the session with the new quantity and totals", body = RouteResponse<HostedCheckoutSession>),
        (status = 429, description = "Too many changes on this session or from this client", body = crate::http::error::ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until a change may be made again"))),
        (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)))]
pub async fn change(
    State(billing): State<Billing>,
    PathParam(id): PathParam,
    ClientPeer(peer): ClientPeer,
    body: RawBody,
) -> Result<Json<RouteResponse<HostedCheckoutSession>>, ApiError> {
    let now = clock::now_ms();
    let session = super::load_payable(&billing, &id, now).await?;
    let Some(bounds) = session.options.adjustable_quantity else {
        return Err(ApiError::new(
            ErrorCode::AdjustableQuantityNotAllowed,
            FIXED_MESSAGE,
        ));
    };
    billing
        .abuse_limits
        .check_quantity_change(&session.id, &body.headers, peer)?;
    let request: ChangeQuantityRequest = body.json()?;
    let quantity = Quantity::from_f64(request.quantity)
        .map_err(|e| ApiError::new(e.code(), e.message()))?
        .get();
    let quantity = bounds
        .check(quantity)
        .map_err(|e| ApiError::new(e.code(), e.to_string()))?
        .get();
    // Bounds are at most MAX_QUANTITY, where no catalog price overflows;
    // checked anyway before anything is written.
    if session.clone().with_quantity(quantity).totals("").is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidQuantity,
            "That quantity is too large for this price.",
        ));
    }
    let updated = super::edited(billing.db.change_quantity(id, quantity, now).await?)?;
    tracing::info!(session = %updated.id, quantity, "quantity changed on the hosted page");
    Ok(Json(RouteResponse::data(
        hosted_view(&billing, &updated).await?,
    )))
}
