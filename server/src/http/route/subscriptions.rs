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

// Plan changes (issue 15).

/// `subscriptions/adjust`: the signed-in customer changes the plan of one of
/// their subscriptions (`subscriptionId`, else their one current
/// subscription) to one price by `priceSlug`, `priceId` or a single
/// `subscriptionItems` entry; upgrades now (the difference charged to the
/// saved card), downgrades at the period end unless `timing` says otherwise.
#[utoipa::path(post, path = "/api/billing/subscriptions/adjust", tag = "server route", operation_id = "subscriptionsAdjust",
    request_body = checkout_protocol::AdjustSubscriptionParams,
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::AdjustSubscriptionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn adjust(
    route: &RouteState,
    body: &RawBody,
) -> Result<checkout_protocol::AdjustSubscriptionResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: checkout_protocol::AdjustSubscriptionParams = body.json()?;
    let request = adjust_request(&params)?;
    crate::domain::validation::id_field("subscriptionId", params.subscription_id.as_deref())?;
    route
        .platform
        .adjust_subscription(&customer, params.subscription_id.as_deref(), request)
        .await
}

/// The checked request of a route body: exactly one of the three forms,
/// each item naming one price by a short id or slug.
pub(crate) fn adjust_request(
    params: &checkout_protocol::AdjustSubscriptionParams,
) -> Result<crate::platform::AdjustRequest, ApiError> {
    let items = params.new_items().map_err(|e| {
        let code = match e {
            checkout_protocol::AdjustParamsError::ItemPrice => {
                checkout_protocol::ErrorCode::PriceMissing
            }
            _ => checkout_protocol::ErrorCode::InvalidRequest,
        };
        ApiError::new(code, e.message())
    })?;
    crate::platform::adjust_items_checked(&items)?;
    let timing = params.timing.unwrap_or_default();
    Ok(crate::platform::AdjustRequest {
        items,
        timing,
        prorate: params.prorate.unwrap_or(true),
    })
}
