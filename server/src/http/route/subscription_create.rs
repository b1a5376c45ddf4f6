//! `subscriptions/create` (issue 15): the signed-in customer starts a
//! subscription without a checkout, in `@flowglad/shared`'s request shape
//! (`createSubscriptionSchema`) and `@flowglad/node`'s answer
//! (`{subscription}`). The browser asks; the merchant's server decides: only
//! prices that need no payment unless the [`CheckoutPolicy`] allows more,
//! always for the signed-in customer, never with merchant-only fields.
//!
//! [`CheckoutPolicy`]: super::CheckoutPolicy

use super::policy::SubscriptionsWithoutCheckout;
use super::RouteState;
use crate::domain::error::ApiError;
use crate::domain::new_subscription;
use crate::http::extract::RawBody;
use checkout_protocol::{
    CreateSubscriptionParams, CreateSubscriptionResponse, Customer, ErrorCode,
};
use std::net::SocketAddr;

/// Starts a subscription for the signed-in customer. As
/// `@flowglad/server`'s `createSubscription`, the customer is the signed-in
/// one and `quantity` defaults to 1. A `customerId` naming anyone else, and
/// the fields only the merchant decides (`trialEnd`, `startDate`,
/// `interval`, `intervalCount`, `defaultPaymentMethodId`,
/// `backupPaymentMethodId`, `customerExternalId`), are 400
/// `field_not_allowed`; `doNotCharge: true` on a paid price too. A price
/// that costs money is 402 `checkout_required` unless the policy allows it
/// ([`SubscriptionsWithoutCheckout`]); a price the customer already has a
/// current subscription to is 409 `already_subscribed` (so a double click
/// starts one). Counted against the customer's create limit.
#[utoipa::path(post, path = "/api/billing/subscriptions/create", tag = "server route", operation_id = "subscriptionsCreate",
    request_body = CreateSubscriptionParams,
    responses((status = 200, description = "`{data: {subscription}}`", body = checkout_protocol::RouteResponse<CreateSubscriptionResponse>),
        (status = 402, description = "`checkout_required`: the price costs money; start a checkout", body = crate::http::error::ErrorResponse),
        (status = 409, description = "`already_subscribed`", body = crate::http::error::ErrorResponse),
        (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn create(
    route: &RouteState,
    body: &RawBody,
    peer: Option<SocketAddr>,
) -> Result<CreateSubscriptionResponse, ApiError> {
    let customer = route
        .require_customer_to_create(&body.headers, peer)
        .await?;
    let params: CreateSubscriptionParams = body.json()?;
    refuse_browser_fields(&customer, &params)?;
    let billing = route.platform.customer_billing(&customer).await?;
    let request = new_subscription::request(&billing.pricing_model, &params)?;
    if let Some(existing) = billing
        .current_subscriptions
        .iter()
        .flatten()
        .find(|s| s.price_id == request.price.id)
    {
        return Err(new_subscription::already_subscribed(&existing.id));
    }
    if request.needs_payment() {
        if params.do_not_charge == Some(true) {
            return Err(not_allowed(
                "doNotCharge",
                "a page cannot waive a paid price; the merchant's server decides that",
            ));
        }
        let rule: SubscriptionsWithoutCheckout = route
            .policy
            .subscriptions_without_checkout(&customer, &body.headers)
            .await;
        if !rule.allows_paid(request.has_trial()) {
            return Err(ApiError::new(
                ErrorCode::CheckoutRequired,
                "This plan costs money, so it starts with a checkout: create one with \
                 checkout-sessions/create for this price.",
            ));
        }
    }
    // What the platform gets: the signed-in customer and the price by id,
    // as checked; nothing the browser may not set.
    let input = CreateSubscriptionParams {
        customer_id: Some(customer.id.clone()),
        price_id: Some(request.price.id.clone()),
        quantity: Some(f64::from(request.quantity)),
        metadata: request.metadata.clone(),
        name: request.name.clone(),
        ..CreateSubscriptionParams::default()
    };
    let subscription = route.platform.create_subscription(&customer, input).await?;
    tracing::info!(subscription = %subscription.id, price = %request.price.id, "subscription created through the route");
    Ok(CreateSubscriptionResponse { subscription })
}

/// 400 `field_not_allowed` for what only the merchant decides, and for a
/// `customerId` that is not the signed-in customer's (by the platform's id
/// or the merchant's external id, as Flowglad's schema sends it).
fn refuse_browser_fields(
    customer: &Customer,
    params: &CreateSubscriptionParams,
) -> Result<(), ApiError> {
    if let Some(id) = params.customer_id.as_deref() {
        if id != customer.id && id != customer.external_id {
            return Err(not_allowed(
                "customerId",
                "the route subscribes the signed-in customer only",
            ));
        }
    }
    match params.merchant_only_fields().first() {
        Some(field) => Err(not_allowed(field, "the merchant's server decides it")),
        None => Ok(()),
    }
}

fn not_allowed(field: &str, why: &str) -> ApiError {
    ApiError::new(
        ErrorCode::FieldNotAllowed,
        format!(
            "`{field}` cannot be sent to subscriptions/create: {why} (a page may send priceId \
             or priceSlug, quantity, name and metadata)."
        ),
    )
}
