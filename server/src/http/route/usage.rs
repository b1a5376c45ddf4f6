//! `usage-events/create` and `usage-meters/balances`: the signed-in
//! customer records usage on one of their own current subscriptions and
//! reads their meter balances, in `@flowglad/server`'s request and response
//! shapes (`{usageEvent}`, `{usageMeterBalances}`).

use super::RouteState;
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::http::extract::RawBody;
use checkout_protocol::{
    CreateUsageEventParams, ErrorCode, UsageEventInput, UsageEventResponse,
    UsageMeterBalancesParams, UsageMeterBalancesResponse,
};

/// Records a usage event. As `@flowglad/server` does: `subscriptionId`
/// defaults to the customer's current subscription and must be one of their
/// current ones, `amount` defaults to 1 and `transactionId` to a fresh id
/// (so only a caller that sends one may retry safely).
#[utoipa::path(post, path = "/api/billing/usage-events/create", tag = "server route", operation_id = "usageEventsCreate",
    request_body = CreateUsageEventParams,
    responses((status = 200, description = "`{data: {usageEvent}}`; the first event again for a repeated `transactionId`", body = checkout_protocol::RouteResponse<UsageEventResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn create(route: &RouteState, body: &RawBody) -> Result<UsageEventResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: CreateUsageEventParams = body.json()?;
    crate::domain::validation::id_field("subscriptionId", params.subscription_id.as_deref())?;
    let billing = route.platform.customer_billing(&customer).await?;
    let current = billing.current_subscriptions.clone().unwrap_or_default();
    let subscription_id = match params.subscription_id {
        Some(id) => id,
        None => billing
            .current_subscription
            .as_ref()
            .or(current.first())
            .map(|s| s.id.clone())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::SubscriptionRequired,
                    "You have no current subscription to record usage on.",
                )
            })?,
    };
    if !current.iter().any(|s| s.id == subscription_id) {
        // Someone else's (or no) subscription is not found; one of the
        // customer's own that has ended says so.
        return Err(
            if billing
                .subscriptions
                .iter()
                .any(|s| s.id == subscription_id)
            {
                crate::platform::usage_not_current(&subscription_id)
            } else {
                crate::platform::embedded::subscription_not_found(&subscription_id)
            },
        );
    }
    let transaction_id = match params.transaction_id {
        Some(id) => id,
        None => ids::new_id("txn_")
            .map_err(|e| ApiError::internal("no randomness for a transaction id", e))?,
    };
    let input = UsageEventInput {
        amount: params.amount.unwrap_or(1.0),
        subscription_id,
        transaction_id,
        price_id: params.price_id,
        price_slug: params.price_slug,
        usage_meter_id: params.usage_meter_id,
        usage_meter_slug: params.usage_meter_slug,
        properties: params.properties,
        usage_date: params.usage_date,
    };
    let usage_event = route.platform.create_usage_event(&customer, input).await?;
    Ok(UsageEventResponse { usage_event })
}

/// The customer's usage meter balances: of `subscriptionId` (one of theirs),
/// or of every current subscription.
#[utoipa::path(post, path = "/api/billing/usage-meters/balances", tag = "server route", operation_id = "usageMetersBalances",
    request_body = UsageMeterBalancesParams,
    responses((status = 200, description = "`{data: {usageMeterBalances}}`", body = checkout_protocol::RouteResponse<UsageMeterBalancesResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn balances(
    route: &RouteState,
    body: &RawBody,
) -> Result<UsageMeterBalancesResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: UsageMeterBalancesParams = body.json()?;
    crate::domain::validation::id_field("subscriptionId", params.subscription_id.as_deref())?;
    let usage_meter_balances = route
        .platform
        .usage_meter_balances(&customer, params.subscription_id.as_deref())
        .await?;
    Ok(UsageMeterBalancesResponse {
        usage_meter_balances,
    })
}
