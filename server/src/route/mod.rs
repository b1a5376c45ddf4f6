//! The merchant's server route (`POST {prefix}/{action}`), answering in
//! Flowglad's `{data}` / `{error}` envelope. The customer comes from the
//! request's credentials, never from the body; every action but
//! `pricing-models/retrieve` and `checkout-sessions/create` needs one
//! (401 `customer_required` without).

pub(crate) mod checkout_sessions;
pub(crate) mod customers;
pub(crate) mod subscriptions;

use crate::auth::{resolve_customer, StaleToken};
use crate::error::ApiError;
use crate::extract::{PathParam, RawBody};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkout_protocol::{action, PricingModelResponse, RouteResponse};
use serde::Serialize;

pub use crate::checkout::QUANTITY_MESSAGE;
pub use checkout_sessions::subscription_not_found;

/// `POST {prefix}/{*action}`: runs the named action.
pub async fn dispatch(
    State(state): State<AppState>,
    PathParam(action): PathParam,
    body: RawBody,
) -> Result<Response, ApiError> {
    let s = &state;
    let b = &body;
    match action.as_str() {
        action::PRICING_MODELS_RETRIEVE => data(retrieve_pricing_model(s, b).await?),
        action::CUSTOMERS_BILLING => data(customers::billing(s, b).await?),
        action::CHECKOUT_SESSIONS_CREATE => data(checkout_sessions::create_product(s, b).await?),
        action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD => {
            data(checkout_sessions::create_add_payment_method(s, b).await?)
        }
        action::CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION => {
            data(checkout_sessions::create_activate_subscription(s, b).await?)
        }
        action::SUBSCRIPTIONS_CANCEL => data(subscriptions::cancel(s, b).await?),
        action::SUBSCRIPTIONS_UNCANCEL => data(subscriptions::uncancel(s, b).await?),
        action::PAYMENT_METHODS_LIST => data(customers::payment_methods(s, b).await?),
        action::INVOICES_LIST => data(customers::invoices(s, b).await?),
        action::PURCHASES_LIST => data(customers::purchases(s, b).await?),
        other => {
            let shown: String = other.chars().take(80).collect();
            Err(ApiError::not_found(format!(
                "This server route has no action `{shown}`."
            )))
        }
    }
}

/// A 200 `{data}` envelope.
fn data<T: Serialize>(value: T) -> Result<Response, ApiError> {
    Ok(Json(RouteResponse::data(value)).into_response())
}

/// `pricing-models/retrieve`: the pricing model; the body is ignored and a
/// stale sign-in falls back to anonymous.
#[utoipa::path(post, path = "/api/billing/pricing-models/retrieve", tag = "server route", operation_id = "pricingModelsRetrieve",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::PricingModelResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security((), ("CustomerToken" = [])))]
pub(crate) async fn retrieve_pricing_model(
    state: &AppState,
    body: &RawBody,
) -> Result<PricingModelResponse, ApiError> {
    let customer = resolve_customer(&state.db, &body.headers, StaleToken::Anonymous).await?;
    let source = if customer.is_some() {
        "customer"
    } else {
        "default"
    };
    Ok(PricingModelResponse {
        pricing_model: state.catalog.pricing_model.clone(),
        source: Some(source.to_owned()),
    })
}
