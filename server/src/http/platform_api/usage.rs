//! The platform API's usage metering, behind the secret key, at the paths
//! `@flowglad/node` 0.29 and `@flowglad/server` 0.18 call:
//! `POST /api/v1/usage-events` (`{usageEvent}` in and out) and
//! `GET /api/v1/customers/{externalId}/usage-balances` (`{usageMeterBalances}`).
//! Whose subscription it is, is the caller's business (a server route checks
//! that before calling); the event is recorded on the subscription's owner.

use crate::domain::error::ApiError;
use crate::http::extract::{PathParam, RawBody};
use crate::http::platform_api::secret_key::require_secret_key;
use crate::http::state::AppState;
use crate::platform::{BillingPlatform, EmbeddedPlatform};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use checkout_protocol::{PlatformCreateUsageEvent, UsageEventResponse, UsageMeterBalancesResponse};

/// `POST /api/v1/usage-events` with `{usageEvent: {amount, subscriptionId,
/// transactionId, one of priceId | priceSlug | usageMeterId | usageMeterSlug,
/// properties?, usageDate?}}`.
#[utoipa::path(post, path = "/api/v1/usage-events", tag = "platform API", operation_id = "platformUsageEventCreate",
    request_body = PlatformCreateUsageEvent,
    responses((status = 200, description = "`{usageEvent}`; the first event again for a repeated `transactionId`", body = UsageEventResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn create_usage_event(
    State(state): State<AppState>,
    body: RawBody,
) -> Result<Json<UsageEventResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let params: PlatformCreateUsageEvent = body.json()?;
    let usage_event = EmbeddedPlatform::new(state.billing)
        .record_usage_for_owner(params.usage_event)
        .await?;
    Ok(Json(UsageEventResponse { usage_event }))
}

/// `GET /api/v1/customers/{externalId}/usage-balances[?subscriptionId=…]`:
/// the balances of one of the customer's subscriptions, or of every current one.
#[utoipa::path(get, path = "/api/v1/customers/{externalId}/usage-balances", tag = "platform API", operation_id = "platformCustomerUsageBalances",
    params(("externalId" = String, Path, description = "The merchant's own id for the customer"),
        ("subscriptionId" = Option<String>, Query, description = "Only this subscription's balances")),
    responses((status = 200, description = "`{usageMeterBalances}`", body = UsageMeterBalancesResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn usage_balances(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(external_id): PathParam,
    RawQuery(query): RawQuery,
) -> Result<Json<UsageMeterBalancesResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let mut subscription_id = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "subscriptionId" => subscription_id = Some(value.into_owned()),
            other => {
                let shown: String = other.chars().take(40).collect();
                return Err(ApiError::invalid_request(format!(
                    "Unknown query parameter `{shown}`; this endpoint takes only subscriptionId."
                )));
            }
        }
    }
    let platform = EmbeddedPlatform::new(state.billing);
    let customer = platform.customer(&external_id).await?;
    let usage_meter_balances = platform
        .usage_meter_balances(&customer, subscription_id.as_deref())
        .await?;
    Ok(Json(UsageMeterBalancesResponse {
        usage_meter_balances,
    }))
}
