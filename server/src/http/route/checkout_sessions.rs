//! The route's three create actions, forwarded to the platform as
//! `POST /api/v1/checkout-sessions` inputs. Each honours an
//! `Idempotency-Key` (scoped to the signed-in customer, or to anonymous
//! callers) and answers `{checkoutSession, url}`. The merchant-only options
//! are what the merchant's [`CheckoutPolicy`](super::CheckoutPolicy)
//! decides, never what the browser sent.

use super::policy::CheckoutRequest;
use super::RouteState;
use crate::domain::error::ApiError;
use crate::domain::validation::non_blank;
use crate::http::extract::{self, RawBody};
use crate::platform::IdempotencyKey;
use crate::service::idempotency::{self, KeyScope};
use checkout_protocol::{
    CheckoutSessionType, CreateActivateSubscriptionCheckoutSessionParams,
    CreateAddPaymentMethodCheckoutSessionParams, CreateCheckoutSessionResponse,
    CreateProductCheckoutSessionParams, Customer, ErrorCode, MerchantCheckoutOptions,
    PlatformCheckoutSessionInput,
};
use serde_json::Value;
use std::net::SocketAddr;

/// The create's key in the caller's key space.
fn scoped(key: Option<String>, scope: KeyScope<'_>) -> Option<IdempotencyKey> {
    key.map(|key| IdempotencyKey {
        scope: scope.as_string(),
        key,
    })
}

/// A platform create input of `session_type` for `customer`.
fn input(
    session_type: CheckoutSessionType,
    customer: Option<&Customer>,
    product: CreateProductCheckoutSessionParams,
) -> PlatformCheckoutSessionInput {
    PlatformCheckoutSessionInput {
        session_type,
        invoice_id: None,
        customer_external_id: customer.map(|c| c.external_id.clone()),
        anonymous: customer.is_none().then_some(true),
        target_subscription_id: None,
        automatically_update_subscriptions: None,
        preserve_billing_cycle_anchor: None,
        mode: None,
        product,
    }
}

/// 400 `field_not_allowed` when a browser sends `mode`: the kind of
/// checkout follows from the route action and the prices, and only the
/// merchant's server (platform API) may state it. Refused rather than
/// ignored so a page cannot believe it set something it did not.
fn refuse_mode(value: &Value) -> Result<(), ApiError> {
    match value.get("mode") {
        None => Ok(()),
        Some(_) => Err(ApiError::new(
            ErrorCode::FieldNotAllowed,
            "`mode` is not accepted from the page: the checkout's kind follows from the action \
             and its prices (only the merchant's server states a mode, on the platform API).",
        )),
    }
}

/// The create's idempotency key (checked) and its JSON body.
fn key_and_body(body: &RawBody) -> Result<(Option<String>, Value), ApiError> {
    let key = idempotency::key_from_headers(&body.headers)?;
    Ok((key, body.json()?))
}

/// Sets on `product` the merchant-only options the policy decides for a
/// create whose browser asked for `requested`.
async fn decide(
    route: &RouteState,
    body: &RawBody,
    session_type: CheckoutSessionType,
    customer: Option<&Customer>,
    requested: MerchantCheckoutOptions,
    product: &mut CreateProductCheckoutSessionParams,
) -> Result<(), ApiError> {
    let decided = route
        .policy
        .decide(&CheckoutRequest {
            session_type,
            customer,
            params: product,
            requested: &requested,
            headers: &body.headers,
        })
        .await?;
    decided.apply_to(product);
    Ok(())
}

/// The merchant-only options a browser sent with a create whose own
/// parameters have no place for them.
fn requested(value: &Value) -> Result<MerchantCheckoutOptions, ApiError> {
    extract::from_value(value.clone())
}

/// `checkout-sessions/create`: a product checkout, with or without a customer.
#[utoipa::path(post, path = "/api/billing/checkout-sessions/create", tag = "server route", operation_id = "checkoutSessionsCreate",
    request_body(content = checkout_protocol::BrowserCheckoutSessionParams, description = "What a browser may ask for. The merchant-only options (`trialDays`, `requestId`, `discountCode`, `allowPromotionCodes`, `billingAddressCollection`, `customerEmail`, `expiresAt`, `adjustableQuantity`, `taxIdCollection`) are refused with 400 `field_not_allowed` unless the merchant's checkout policy decides them, and `mode` always is (only the platform API takes one); `outputMetadata` and `outputName` are customer-controlled input."),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<CreateCheckoutSessionResponse>),
        (status = 429, description = "Too many checkouts started from this client (anonymous) or for this customer", body = crate::http::error::ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until a create may succeed"))),
        (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security((), ("CustomerToken" = [])))]
pub async fn create_product(
    route: &RouteState,
    body: &RawBody,
    peer: Option<SocketAddr>,
) -> Result<CreateCheckoutSessionResponse, ApiError> {
    // Counted before anything is stored: each create is a row on disk.
    let customer = match route.customers.resolve(&body.headers).await? {
        Some(who) => {
            route
                .create_limits
                .check_customer(&who.external_id, &body.headers, peer)?;
            Some(route.platform.find_or_create_customer(&who).await?)
        }
        None => {
            route.create_limits.check_anonymous(&body.headers, peer)?;
            None
        }
    };
    let (key, value) = key_and_body(body)?;
    refuse_mode(&value)?;
    let scope = customer
        .as_ref()
        .map_or(KeyScope::Anonymous, |c| KeyScope::Customer(&c.id));
    let key = scoped(key, scope);
    let mut params: CreateProductCheckoutSessionParams = extract::from_value(value)?;
    let asked = MerchantCheckoutOptions::take_from(&mut params);
    let kind = CheckoutSessionType::Product;
    decide(route, body, kind, customer.as_ref(), asked, &mut params).await?;
    let input = input(kind, customer.as_ref(), params);
    route.platform.create_checkout_session(input, key).await
}

/// `checkout-sessions/create-add-payment-method`: save a card for the
/// signed-in customer, optionally for one of their subscriptions.
#[utoipa::path(post, path = "/api/billing/checkout-sessions/create-add-payment-method", tag = "server route", operation_id = "checkoutSessionsCreateAddPaymentMethod",
    request_body = CreateAddPaymentMethodCheckoutSessionParams,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<CreateCheckoutSessionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn create_add_payment_method(
    route: &RouteState,
    body: &RawBody,
    peer: Option<SocketAddr>,
) -> Result<CreateCheckoutSessionResponse, ApiError> {
    let customer = route
        .require_customer_to_create(&body.headers, peer)
        .await?;
    let (key, value) = key_and_body(body)?;
    refuse_mode(&value)?;
    let key = scoped(key, KeyScope::Customer(&customer.id));
    let asked = requested(&value)?;
    let params: CreateAddPaymentMethodCheckoutSessionParams = extract::from_value(value)?;
    let target = non_blank(params.target_subscription_id.as_deref()).map(str::to_owned);
    let mut product = CreateProductCheckoutSessionParams {
        success_url: params.success_url,
        cancel_url: params.cancel_url,
        output_metadata: params.output_metadata,
        output_name: params.output_name,
        ..CreateProductCheckoutSessionParams::default()
    };
    let kind = CheckoutSessionType::AddPaymentMethod;
    decide(route, body, kind, Some(&customer), asked, &mut product).await?;
    let mut input = input(kind, Some(&customer), product);
    input.target_subscription_id = target;
    route.platform.create_checkout_session(input, key).await
}

/// `checkout-sessions/create-activate-subscription`: start billing one of
/// the signed-in customer's subscriptions.
#[utoipa::path(post, path = "/api/billing/checkout-sessions/create-activate-subscription", tag = "server route", operation_id = "checkoutSessionsCreateActivateSubscription",
    request_body = CreateActivateSubscriptionCheckoutSessionParams,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<CreateCheckoutSessionResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn create_activate_subscription(
    route: &RouteState,
    body: &RawBody,
    peer: Option<SocketAddr>,
) -> Result<CreateCheckoutSessionResponse, ApiError> {
    let customer = route
        .require_customer_to_create(&body.headers, peer)
        .await?;
    let (key, value) = key_and_body(body)?;
    refuse_mode(&value)?;
    let key = scoped(key, KeyScope::Customer(&customer.id));
    let asked = requested(&value)?;
    let params: CreateActivateSubscriptionCheckoutSessionParams = extract::from_value(value)?;
    let target = non_blank(params.target_subscription_id.as_deref())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::invalid_request(
                "targetSubscriptionId is required: the subscription to activate.",
            )
        })?;
    let mut product = CreateProductCheckoutSessionParams {
        success_url: params.success_url,
        cancel_url: params.cancel_url,
        price_id: params.price_id,
        output_metadata: params.output_metadata,
        output_name: params.output_name,
        ..CreateProductCheckoutSessionParams::default()
    };
    let kind = CheckoutSessionType::ActivateSubscription;
    decide(route, body, kind, Some(&customer), asked, &mut product).await?;
    let mut input = input(kind, Some(&customer), product);
    input.target_subscription_id = Some(target);
    route.platform.create_checkout_session(input, key).await
}
