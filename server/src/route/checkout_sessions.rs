//! The route's three create actions. Each honours an `Idempotency-Key`
//! (scoped to the signed-in customer, or to anonymous callers) and answers
//! `{checkoutSession, url}`.

use crate::auth::{require_customer, resolve_customer, StaleToken};
use crate::checkout::{self, CardOptions};
use crate::clock;
use crate::db::{Customer, IdempotencyClaim};
use crate::error::ApiError;
use crate::extract::{self, RawBody};
use crate::idempotency::{self, KeyScope};
use crate::session::StoredSession;
use crate::state::AppState;
use crate::subscription::StoredSubscription;
use checkout_protocol::{
    action, CreateActivateSubscriptionCheckoutSessionParams,
    CreateAddPaymentMethodCheckoutSessionParams, CreateCheckoutSessionResponse,
    CreateProductCheckoutSessionParams, ErrorCode,
};
use serde_json::Value;

/// The parsed body and idempotency claim of a create call, or the session a
/// repeated call already made.
enum Prepared {
    Fresh(Value, Option<IdempotencyClaim>),
    Replayed(Box<StoredSession>),
}

async fn prepare(
    state: &AppState,
    body: &RawBody,
    customer: Option<&Customer>,
    action: &str,
) -> Result<Prepared, ApiError> {
    let key = idempotency::key_from_headers(&body.headers)?;
    let value: Value = body.json()?;
    let scope = customer.map_or(KeyScope::Anonymous, |c| KeyScope::Customer(&c.id));
    let claim = key.map(|k| idempotency::claim(k, scope, action, &value));
    Ok(match checkout::replay(state, claim.as_ref()).await? {
        Some(session) => Prepared::Replayed(Box::new(session)),
        None => Prepared::Fresh(value, claim),
    })
}

/// `checkout-sessions/create`: a product checkout, with or without a customer.
#[utoipa::path(post, path = "/api/billing/checkout-sessions/create", tag = "server route", operation_id = "checkoutSessionsCreate",
    request_body = CreateProductCheckoutSessionParams,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<CreateCheckoutSessionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security((), ("CustomerToken" = [])))]
pub async fn create_product(
    state: &AppState,
    body: &RawBody,
) -> Result<CreateCheckoutSessionResponse, ApiError> {
    let customer = resolve_customer(&state.db, &body.headers, StaleToken::Reject).await?;
    let (value, claim) = match prepare(
        state,
        body,
        customer.as_ref(),
        action::CHECKOUT_SESSIONS_CREATE,
    )
    .await?
    {
        Prepared::Replayed(s) => return Ok(checkout::response(state, &s)),
        Prepared::Fresh(value, claim) => (value, claim),
    };
    let params: CreateProductCheckoutSessionParams = extract::from_value(value)?;
    let session =
        checkout::product_session(params, customer.as_ref(), &state.catalog, clock::now_ms())?;
    let stored = checkout::store(state, session, claim).await?;
    Ok(checkout::response(state, &stored))
}

/// `checkout-sessions/create-add-payment-method`: save a card for the
/// signed-in customer, optionally for one of their subscriptions.
#[utoipa::path(post, path = "/api/billing/checkout-sessions/create-add-payment-method", tag = "server route", operation_id = "checkoutSessionsCreateAddPaymentMethod",
    request_body = CreateAddPaymentMethodCheckoutSessionParams,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<CreateCheckoutSessionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn create_add_payment_method(
    state: &AppState,
    body: &RawBody,
) -> Result<CreateCheckoutSessionResponse, ApiError> {
    let customer = require_customer(&state.db, &body.headers).await?;
    let (value, claim) = match prepare(
        state,
        body,
        Some(&customer),
        action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD,
    )
    .await?
    {
        Prepared::Replayed(s) => return Ok(checkout::response(state, &s)),
        Prepared::Fresh(value, claim) => (value, claim),
    };
    let params: CreateAddPaymentMethodCheckoutSessionParams = extract::from_value(value)?;
    let target = match non_blank(params.target_subscription_id.as_deref()) {
        Some(id) => Some(customer_subscription(state, &customer, id).await?),
        None => None,
    };
    let session = checkout::add_payment_method_session(
        params,
        &customer,
        target.as_ref(),
        CardOptions::default(),
        clock::now_ms(),
    )?;
    let stored = checkout::store(state, session, claim).await?;
    Ok(checkout::response(state, &stored))
}

/// `checkout-sessions/create-activate-subscription`: start billing one of
/// the signed-in customer's subscriptions.
#[utoipa::path(post, path = "/api/billing/checkout-sessions/create-activate-subscription", tag = "server route", operation_id = "checkoutSessionsCreateActivateSubscription",
    request_body = CreateActivateSubscriptionCheckoutSessionParams,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<CreateCheckoutSessionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn create_activate_subscription(
    state: &AppState,
    body: &RawBody,
) -> Result<CreateCheckoutSessionResponse, ApiError> {
    let customer = require_customer(&state.db, &body.headers).await?;
    let (value, claim) = match prepare(
        state,
        body,
        Some(&customer),
        action::CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION,
    )
    .await?
    {
        Prepared::Replayed(s) => return Ok(checkout::response(state, &s)),
        Prepared::Fresh(value, claim) => (value, claim),
    };
    let params: CreateActivateSubscriptionCheckoutSessionParams = extract::from_value(value)?;
    let id = non_blank(params.target_subscription_id.as_deref()).ok_or_else(|| {
        ApiError::invalid_request("targetSubscriptionId is required: the subscription to activate.")
    })?;
    let target = customer_subscription(state, &customer, id).await?;
    let session = checkout::activate_subscription_session(
        params,
        &customer,
        &target,
        &state.catalog,
        false,
        clock::now_ms(),
    )?;
    let stored = checkout::store(state, session, claim).await?;
    Ok(checkout::response(state, &stored))
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// One of `customer`'s subscriptions, or 404 `subscription_not_found`.
pub async fn customer_subscription(
    state: &AppState,
    customer: &Customer,
    id: &str,
) -> Result<StoredSubscription, ApiError> {
    crate::validation::id_field("targetSubscriptionId", Some(id))?;
    state
        .db
        .customer_subscription(customer.id.clone(), id.to_owned(), clock::now_ms())
        .await?
        .ok_or_else(|| subscription_not_found(id))
}

/// The 404 for a subscription that does not exist or is someone else's.
pub fn subscription_not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::new(
        ErrorCode::SubscriptionNotFound,
        format!("You have no subscription with id `{shown}`."),
    )
}
