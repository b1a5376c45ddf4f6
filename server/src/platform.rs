//! The platform API a merchant's server SDK calls with the secret key.
//! Responses are `@flowglad/node`'s shapes, without the route's `{data}` envelope.

use crate::auth::require_secret_key;
use crate::clock;
use crate::db::Expire;
use crate::error::ApiError;
use crate::extract::PathParam;
use crate::hosted::session_not_found;
use crate::session::{hosted_url, StoredSession};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use checkout_protocol::{CreateCheckoutSessionResponse, ErrorCode};

/// `GET /api/v1/checkout-sessions/{id}`.
pub async fn get_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<CreateCheckoutSessionResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let session = state
        .db
        .load_session(id, clock::now_ms())
        .await?
        .ok_or_else(session_not_found)?;
    Ok(Json(platform_view(&state, &session)))
}

/// `POST /api/v1/checkout-sessions/{id}/expire`: ends an open session.
pub async fn expire_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<CreateCheckoutSessionResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    match state.db.expire_session(id, clock::now_ms()).await? {
        Expire::Expired(session) => {
            tracing::info!(session = %session.id, "checkout session expired by the platform API");
            Ok(Json(platform_view(&state, &session)))
        }
        Expire::NotFound => Err(session_not_found()),
        Expire::NotOpen(status) => Err(ApiError::new(
            ErrorCode::CheckoutSessionNotOpen,
            format!(
                "Only open sessions can be expired; this one is {}.",
                status.as_str()
            ),
        )),
    }
}

fn platform_view(state: &AppState, session: &StoredSession) -> CreateCheckoutSessionResponse {
    CreateCheckoutSessionResponse {
        checkout_session: session.to_checkout_session(&state.catalog),
        url: hosted_url(&state.public_url, &session.id),
    }
}
