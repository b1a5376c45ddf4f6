//! `subscriptions/cancel` and `subscriptions/uncancel`: the signed-in
//! customer changes one of their own subscriptions; the answer is
//! `{subscription}`, as `@flowglad/node`'s cancel and uncancel return it.

use super::RouteState;
use crate::domain::error::ApiError;
use crate::http::extract::RawBody;
use checkout_protocol::{
    CancelSubscriptionParams, SubscriptionResponse, UncancelSubscriptionParams,
};

/// Cancels now (`immediately`) or at the end of the current period.
#[utoipa::path(post, path = "/api/billing/subscriptions/cancel", tag = "server route", operation_id = "subscriptionsCancel",
    request_body = CancelSubscriptionParams,
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<SubscriptionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn cancel(route: &RouteState, body: &RawBody) -> Result<SubscriptionResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: CancelSubscriptionParams = body.json()?;
    crate::domain::validation::id_field("id", Some(&params.id))?;
    let subscription = route
        .platform
        .cancel_subscription(&customer, &params.id, params.cancellation.timing)
        .await?;
    Ok(SubscriptionResponse { subscription })
}

/// Undoes a scheduled cancellation.
#[utoipa::path(post, path = "/api/billing/subscriptions/uncancel", tag = "server route", operation_id = "subscriptionsUncancel",
    request_body = UncancelSubscriptionParams,
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<SubscriptionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn uncancel(
    route: &RouteState,
    body: &RawBody,
) -> Result<SubscriptionResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: UncancelSubscriptionParams = body.json()?;
    crate::domain::validation::id_field("id", Some(&params.id))?;
    let subscription = route
        .platform
        .uncancel_subscription(&customer, &params.id)
        .await?;
    Ok(SubscriptionResponse { subscription })
}
