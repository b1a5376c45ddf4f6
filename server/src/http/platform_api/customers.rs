//! The platform API's customers and pricing model, behind the secret key,
//! in `@flowglad/node`'s shapes: find or create a customer by the
//! merchant's external id, read one, read their billing details, and read
//! the default pricing model; update a customer's name or email; and, our
//! extension (issue 16), remove a saved card or make it the default. A server forwarding its route here
//! ([`crate::platform::RemotePlatform`]) needs nothing else of them.

use crate::domain::error::ApiError;
use crate::domain::validation;
use crate::http::extract::{PathParam, RawBody};
use crate::http::platform_api::secret_key::require_secret_key;
use crate::http::state::AppState;
use crate::platform::{BillingPlatform, CustomerIdentity, EmbeddedPlatform};
use crate::store::CardChange;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use checkout_protocol::{
    CreateCustomerParams, CreateCustomerResponse, CustomerBilling, CustomerResponse, ErrorCode,
    PricingModelResponse, RecordList, UpdateCustomerParams,
};

/// `GET /api/v1/pricing-models/default`: the pricing model sold to anyone.
#[utoipa::path(get, path = "/api/v1/pricing-models/default", tag = "platform API", operation_id = "platformPricingModelDefault",
    responses((status = 200, description = "`{pricingModel}`", body = PricingModelResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn default_pricing_model(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<PricingModelResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    Ok(Json(PricingModelResponse {
        pricing_model: state.billing.catalog.pricing_model.clone(),
        source: Some("default".to_owned()),
    }))
}

/// `POST /api/v1/customers`: creates the customer with `externalId`, or
/// answers the one that already has it (so a retried create is harmless).
#[utoipa::path(post, path = "/api/v1/customers", tag = "platform API", operation_id = "platformCustomerCreate",
    request_body = CreateCustomerParams,
    responses((status = 200, description = "`{data: {customer}}`", body = CreateCustomerResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn create_customer(
    State(state): State<AppState>,
    body: RawBody,
) -> Result<Json<CreateCustomerResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let params: CreateCustomerParams = body.json()?;
    let c = params.customer;
    let external_id = c.external_id.trim();
    if external_id.is_empty() {
        return Err(ApiError::invalid_request(
            "customer.externalId is required: your own id for the customer.",
        ));
    }
    validation::id_field("customer.externalId", Some(external_id))?;
    validation::max_chars("customer.name", Some(&c.name), validation::MAX_NAME_CHARS)?;
    // Blank is allowed: a merchant's sign-in token need not carry an email
    // (the hosted page asks the buyer for one at payment).
    let email = match c.email.trim() {
        "" => String::new(),
        raw => validation::email(raw).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidEmail,
                "customer.email is not a valid email address, like name@example.com.",
            )
        })?,
    };
    let who = CustomerIdentity {
        external_id: external_id.to_owned(),
        name: c.name.trim().to_owned(),
        email,
    };
    let customer = EmbeddedPlatform::new(state.billing)
        .find_or_create_customer(&who)
        .await?;
    Ok(Json(CreateCustomerResponse {
        data: CustomerResponse { customer },
    }))
}

/// `GET /api/v1/customers/{externalId}`.
#[utoipa::path(get, path = "/api/v1/customers/{externalId}", tag = "platform API", operation_id = "platformCustomerGet",
    params(("externalId" = String, Path, description = "The merchant's own id for the customer")),
    responses((status = 200, description = "`{customer}`", body = CustomerResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn get_customer(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(external_id): PathParam,
) -> Result<Json<CustomerResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let customer = EmbeddedPlatform::new(state.billing)
        .customer(&external_id)
        .await?;
    Ok(Json(CustomerResponse { customer }))
}

/// `GET /api/v1/customers/{externalId}/billing`: everything a billing
/// panel shows, with the pricing model.
#[utoipa::path(get, path = "/api/v1/customers/{externalId}/billing", tag = "platform API", operation_id = "platformCustomerBilling",
    params(("externalId" = String, Path, description = "The merchant's own id for the customer")),
    responses((status = 200, description = "The customer's billing details", body = CustomerBilling), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn get_customer_billing(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(external_id): PathParam,
) -> Result<Json<CustomerBilling>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    Ok(Json(
        EmbeddedPlatform::new(state.billing)
            .billing_by_external_id(&external_id)
            .await?,
    ))
}

// Customers (issue 15): update.

/// `PUT /api/v1/customers/{externalId}` (`@flowglad/node`'s
/// `customers.update`): changes the customer's name or email, answering
/// `{customer}`. The path decides whose record changes (the merchant holds
/// the key); a body's `externalId` and `customer.id`, which
/// `@flowglad/server` forwards from its route, are not consulted. Setting a
/// field this platform does not keep is a 400; `customer.updated` is
/// recorded only when something changed.
#[utoipa::path(put, path = "/api/v1/customers/{externalId}", tag = "platform API", operation_id = "platformCustomerUpdate",
    params(("externalId" = String, Path, description = "The merchant's own id for the customer")),
    request_body = UpdateCustomerParams,
    responses((status = 200, description = "`{customer}`", body = CustomerResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn update_customer(
    State(state): State<AppState>,
    PathParam(external_id): PathParam,
    body: RawBody,
) -> Result<Json<CustomerResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let params: UpdateCustomerParams = body.json()?;
    let changes = validation::customer_changes(&params.customer)?;
    let platform = EmbeddedPlatform::new(state.billing);
    let known = platform.customer(&external_id).await?;
    let customer = platform
        .update_customer_by_id(&known.id, &external_id, changes)
        .await?;
    Ok(Json(CustomerResponse { customer }))
}

// Saved cards (issue 16): our extensions beyond Flowglad's API.

/// `POST /api/v1/payment-methods/{id}/remove`: removes a saved card of
/// whichever customer has it (a removed default is replaced by their newest
/// other card; 409 `payment_method_in_use` for the only card of a current
/// subscription). Answers that customer's cards left, default first.
#[utoipa::path(post, path = "/api/v1/payment-methods/{id}/remove", tag = "platform API", operation_id = "platformPaymentMethodRemove",
    params(("id" = String, Path, description = "The saved card id (`pm_…`)")),
    responses((status = 200, description = "The customer's cards after the change", body = checkout_protocol::PaymentMethodList), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn remove_payment_method(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<checkout_protocol::PaymentMethodList>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let cards = EmbeddedPlatform::new(state.billing)
        .change_card(None, &id, CardChange::Remove)
        .await?;
    Ok(Json(RecordList::complete(cards)))
}

/// `POST /api/v1/payment-methods/{id}/set-default`: makes a saved card its
/// customer's default (400 `card_invalid_expiry` for an expired one).
/// Answers that customer's cards, default first.
#[utoipa::path(post, path = "/api/v1/payment-methods/{id}/set-default", tag = "platform API", operation_id = "platformPaymentMethodSetDefault",
    params(("id" = String, Path, description = "The saved card id (`pm_…`)")),
    responses((status = 200, description = "The customer's cards after the change", body = checkout_protocol::PaymentMethodList), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn set_default_payment_method(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<checkout_protocol::PaymentMethodList>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let cards = EmbeddedPlatform::new(state.billing)
        .change_card(None, &id, CardChange::MakeDefault)
        .await?;
    Ok(Json(RecordList::complete(cards)))
}
