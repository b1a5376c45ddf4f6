//! `subscriptions/cancel` and `subscriptions/uncancel`: the signed-in
//! customer changes one of their own subscriptions; the answer is
//! `{subscription}`, as `@flowglad/node`'s cancel and uncancel return it.

use super::checkout_sessions::subscription_not_found;
use crate::auth::require_customer;
use crate::billing::subscription_view;
use crate::clock;
use crate::db::SubscriptionChange;
use crate::error::ApiError;
use crate::extract::RawBody;
use crate::state::AppState;
use crate::subscription::TransitionError;
use checkout_protocol::{
    CancelSubscriptionParams, ErrorCode, SubscriptionResponse, UncancelSubscriptionParams,
};

/// Cancels now (`immediately`) or at the end of the current period.
#[utoipa::path(post, path = "/api/billing/subscriptions/cancel", tag = "server route", operation_id = "subscriptionsCancel",
    request_body = CancelSubscriptionParams,
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<SubscriptionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn cancel(state: &AppState, body: &RawBody) -> Result<SubscriptionResponse, ApiError> {
    let customer = require_customer(&state.db, &body.headers).await?;
    let params: CancelSubscriptionParams = body.json()?;
    change(
        state,
        customer.id,
        params.id,
        SubscriptionChange::Cancel(params.cancellation.timing),
    )
    .await
}

/// Undoes a scheduled cancellation.
#[utoipa::path(post, path = "/api/billing/subscriptions/uncancel", tag = "server route", operation_id = "subscriptionsUncancel",
    request_body = UncancelSubscriptionParams,
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<SubscriptionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn uncancel(state: &AppState, body: &RawBody) -> Result<SubscriptionResponse, ApiError> {
    let customer = require_customer(&state.db, &body.headers).await?;
    let params: UncancelSubscriptionParams = body.json()?;
    change(state, customer.id, params.id, SubscriptionChange::Uncancel).await
}

async fn change(
    state: &AppState,
    customer_id: String,
    id: String,
    what: SubscriptionChange,
) -> Result<SubscriptionResponse, ApiError> {
    crate::validation::id_field("id", Some(&id))?;
    let outcome = state
        .db
        .change_subscription(customer_id, id.clone(), what, clock::now_ms())
        .await?
        .ok_or_else(|| subscription_not_found(&id))?;
    match outcome {
        Ok(s) => {
            tracing::info!(subscription = %s.id, change = ?what, status = ?s.status, "subscription changed");
            Ok(SubscriptionResponse {
                subscription: subscription_view(&s, &state.catalog),
            })
        }
        Err(TransitionError::AlreadyEnded) => Err(ApiError::new(
            ErrorCode::SubscriptionNotCancelable,
            "This subscription has already ended; there is nothing to cancel.",
        )),
        Err(TransitionError::NotScheduled) => Err(ApiError::new(
            ErrorCode::SubscriptionCancellationNotScheduled,
            "This subscription has already ended, so there is no cancellation to undo.",
        )),
    }
}
