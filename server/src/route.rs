//! The merchant's server route (`POST {prefix}/{action}`), answering in
//! Flowglad's `{data}` / `{error}` envelope. The customer comes from the
//! request's credentials, never from the body.

use crate::auth::{resolve_customer, StaleToken};
use crate::error::ApiError;
use crate::extract::{PathParam, RawBody};
use crate::session::{hosted_url, totals, SoldItem, StoredSession, SESSION_LIFETIME_MS};
use crate::state::AppState;
use crate::{clock, ids, validation};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use checkout_protocol::checkout::validate_quantity;
use checkout_protocol::{
    action, CheckoutSessionStatus, CheckoutSessionType, CreateCheckoutSessionResponse,
    CreateProductCheckoutSessionParams, ErrorCode, PriceRef, PricingModelResponse, RouteResponse,
};

/// The message for [`ErrorCode::InvalidQuantity`].
pub const QUANTITY_MESSAGE: &str = "Quantity must be a whole number from 1 to 1,000,000.";

/// `POST {prefix}/{*action}`: runs the named action.
pub async fn dispatch(
    State(state): State<AppState>,
    PathParam(action): PathParam,
    body: RawBody,
) -> Result<Response, ApiError> {
    match action.as_str() {
        action::PRICING_MODELS_RETRIEVE => {
            Ok(retrieve_pricing_model(&state, &body).await?.into_response())
        }
        action::CHECKOUT_SESSIONS_CREATE => Ok(create_checkout_session(&state, &body)
            .await?
            .into_response()),
        other => {
            let shown: String = other.chars().take(80).collect();
            Err(ApiError::not_found(format!(
                "This server route has no action `{shown}`."
            )))
        }
    }
}

/// `pricing-models/retrieve`: the pricing model; the body is ignored and a
/// stale sign-in falls back to anonymous.
async fn retrieve_pricing_model(
    state: &AppState,
    body: &RawBody,
) -> Result<Json<RouteResponse<PricingModelResponse>>, ApiError> {
    let customer = resolve_customer(&state.db, &body.headers, StaleToken::Anonymous).await?;
    let source = if customer.is_some() {
        "customer"
    } else {
        "default"
    };
    Ok(Json(RouteResponse::data(PricingModelResponse {
        pricing_model: state.catalog.pricing_model.clone(),
        source: Some(source.to_owned()),
    })))
}

/// `checkout-sessions/create`: validates the params in a fixed order and
/// stores a new open product session.
async fn create_checkout_session(
    state: &AppState,
    body: &RawBody,
) -> Result<Json<RouteResponse<CreateCheckoutSessionResponse>>, ApiError> {
    let customer = resolve_customer(&state.db, &body.headers, StaleToken::Reject).await?;
    let params: CreateProductCheckoutSessionParams = body.json()?;
    let price_ref = params.price_ref().map_err(|code| {
        let message = match code {
            ErrorCode::PriceAmbiguous => "Give either priceId or priceSlug, not both.",
            _ => "Give the price to buy as priceId or priceSlug.",
        };
        ApiError::new(code, message)
    })?;
    let model = &state.catalog.pricing_model;
    let (product, price) = match &price_ref {
        PriceRef::Id(id) => model.price_by_id(id).ok_or_else(|| {
            ApiError::new(
                ErrorCode::PriceNotFound,
                format!("No price with id `{id}` is on sale."),
            )
        }),
        PriceRef::Slug(slug) => model.price_by_slug(slug).ok_or_else(|| {
            ApiError::new(
                ErrorCode::PriceNotFound,
                format!("No price with slug `{slug}` is on sale."),
            )
        }),
    }?;
    let quantity =
        validate_quantity(params.quantity).map_err(|code| ApiError::new(code, QUANTITY_MESSAGE))?;
    let success_url = validation::redirect_url("successUrl", params.success_url.as_deref())?;
    let cancel_url = validation::redirect_url("cancelUrl", params.cancel_url.as_deref())?;
    let output_name = validation::output_name(params.output_name)?;
    let output_metadata = validation::output_metadata(params.output_metadata)?;

    let line_items = vec![SoldItem::of(product, price, quantity)];
    if totals(&line_items).is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidQuantity,
            "That quantity is too large for this price.",
        ));
    }
    let id = ids::new_id(ids::CHECKOUT_SESSION)
        .map_err(|e| ApiError::internal("no randomness for an id", e))?;
    let now = clock::now_ms();
    let session = StoredSession {
        id,
        session_type: CheckoutSessionType::Product,
        status: CheckoutSessionStatus::Open,
        customer_id: customer.as_ref().map(|c| c.id.clone()),
        customer_name: customer.as_ref().map(|c| c.name.clone()),
        customer_email: customer.as_ref().map(|c| c.email.clone()),
        price_id: price.id.clone(),
        quantity,
        success_url: Some(success_url),
        cancel_url: Some(cancel_url),
        output_name,
        output_metadata,
        line_items,
        card: None,
        purchase_id: None,
        created_at: now,
        updated_at: now,
        expires_at: now.saturating_add(SESSION_LIFETIME_MS),
    };
    state.db.insert_session(session.clone()).await?;
    tracing::info!(session = %session.id, price = %session.price_id, quantity, "checkout session created");
    Ok(Json(RouteResponse::data(CreateCheckoutSessionResponse {
        checkout_session: session.to_checkout_session(&state.catalog),
        url: hosted_url(&state.public_url, &session.id),
    })))
}
