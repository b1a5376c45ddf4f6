//! The platform API's subscription changes, behind the secret key, in
//! `@flowglad/node`'s shapes: cancel (now or at the end of the period) and
//! uncancel, each answering `{subscription}`. Whose subscription it is, is
//! the caller's business: a server route checks that before calling.

use crate::domain::error::ApiError;
use crate::http::extract::{PathParam, RawBody};
use crate::http::platform_api::secret_key::require_secret_key;
use crate::http::state::AppState;
use crate::platform::EmbeddedPlatform;
use crate::store::SubscriptionChange;
use axum::extract::State;
use axum::Json;
use checkout_protocol::{PlatformCancelSubscriptionParams, SubscriptionResponse};

/// `POST /api/v1/subscriptions/{id}/cancel` with `{cancellation: {timing}}`.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/cancel", tag = "platform API", operation_id = "platformSubscriptionCancel",
    params(("id" = String, Path, description = "The subscription id (`sub_…`)")),
    request_body = PlatformCancelSubscriptionParams,
    responses((status = 200, description = "`{subscription}` after the change", body = SubscriptionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    body: RawBody,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let params: PlatformCancelSubscriptionParams = body.json()?;
    let change = SubscriptionChange::Cancel(params.cancellation.timing);
    let subscription = EmbeddedPlatform::new(state.billing)
        .change_subscription(None, &id, change)
        .await?;
    Ok(Json(SubscriptionResponse { subscription }))
}

/// `POST /api/v1/subscriptions/{id}/uncancel`: undoes a scheduled
/// cancellation (a running subscription is answered unchanged); no body.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/uncancel", tag = "platform API", operation_id = "platformSubscriptionUncancel",
    params(("id" = String, Path, description = "The subscription id (`sub_…`)")),
    responses((status = 200, description = "`{subscription}` after the change", body = SubscriptionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn uncancel(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    body: RawBody,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let subscription = EmbeddedPlatform::new(state.billing)
        .change_subscription(None, &id, SubscriptionChange::Uncancel)
        .await?;
    Ok(Json(SubscriptionResponse { subscription }))
}

// Subscription create (issue 15).
/// `POST /api/v1/subscriptions` (`@flowglad/node`'s `subscriptions.create`):
/// starts a subscription without a checkout for the customer the body names
/// (`customerId` or `customerExternalId`). The merchant's server decides
/// what it sells, so any subscription price may be started here; answers
/// `{subscription}`, 409 `already_subscribed` when the customer has a
/// current subscription to the price.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "platform API", operation_id = "platformSubscriptionCreate",
    request_body = checkout_protocol::CreateSubscriptionParams,
    responses((status = 200, description = "`{subscription}`, the new subscription", body = checkout_protocol::CreateSubscriptionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn create(
    State(state): State<AppState>,
    body: RawBody,
) -> Result<Json<checkout_protocol::CreateSubscriptionResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let params: checkout_protocol::CreateSubscriptionParams = body.json()?;
    let subscription = EmbeddedPlatform::new(state.billing)
        .create_subscription_for(params)
        .await?;
    Ok(Json(checkout_protocol::CreateSubscriptionResponse {
        subscription,
    }))
}

// Plan changes (issue 15).

/// `POST /api/v1/subscriptions/{id}/adjust` with `{adjustment: {timing,
/// newSubscriptionItems, prorateCurrentBillingPeriod?}}`, as
/// `@flowglad/node`'s `subscriptions.adjust` sends it.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/adjust", tag = "platform API", operation_id = "platformSubscriptionAdjust",
    params(("id" = String, Path, description = "The subscription id (`sub_…`)")),
    request_body = checkout_protocol::PlatformAdjustSubscription,
    responses((status = 200, description = "The subscription after (or with) the change, its items, `isUpgrade` and `resolvedTiming`", body = checkout_protocol::AdjustSubscriptionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn adjust(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    body: RawBody,
) -> Result<Json<checkout_protocol::AdjustSubscriptionResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let params: checkout_protocol::PlatformAdjustSubscription = body.json()?;
    // One rule for both surfaces: the platform's `newSubscriptionItems` is
    // the route's `subscriptionItems` form.
    let adjustment = params.adjustment;
    let request = crate::http::route::subscriptions::adjust_request(
        &checkout_protocol::AdjustSubscriptionParams {
            timing: Some(adjustment.timing),
            prorate: adjustment.prorate_current_billing_period,
            subscription_items: Some(adjustment.new_subscription_items),
            ..Default::default()
        },
    )?;
    let answer = EmbeddedPlatform::new(state.billing)
        .adjust_for_owner(&id, request)
        .await?;
    Ok(Json(answer))
}
