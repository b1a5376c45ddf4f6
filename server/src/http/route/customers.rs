//! What the signed-in customer reads for a billing panel:
//! `customers/billing` (everything, with the pricing model) and the lists
//! `payment-methods/list`, `invoices/list`, `purchases/list` (one complete
//! page each, in `@flowglad/node`'s list shape; the body is ignored), and
//! the customer's own record: `customers/find-or-create`, `customers/update`.

use super::RouteState;
use crate::domain::error::ApiError;
use crate::domain::validation;
use crate::http::extract::RawBody;
use checkout_protocol::{
    CustomerBilling, CustomerResponse, ErrorCode, InvoiceList, PaymentMethodList,
    PaymentMethodParams, PurchaseList, RecordList, UpdateCustomerParams,
};

/// `customers/billing`.
#[utoipa::path(post, path = "/api/billing/customers/billing", tag = "server route", operation_id = "customersBilling",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::CustomerBilling>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn billing(route: &RouteState, body: &RawBody) -> Result<CustomerBilling, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    route.platform.customer_billing(&customer).await
}

/// `payment-methods/list`: the customer's cards, default first.
#[utoipa::path(post, path = "/api/billing/payment-methods/list", tag = "server route", operation_id = "paymentMethodsList",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::PaymentMethodList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn payment_methods(
    route: &RouteState,
    body: &RawBody,
) -> Result<PaymentMethodList, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    Ok(RecordList::complete(
        route.platform.payment_methods(&customer).await?,
    ))
}

// Saved cards (issue 16): our extensions beyond Flowglad's protocol.

/// `payment-methods/remove` with `{id}`: removes one of the customer's own
/// saved cards; another customer's id is answered like a missing one (404
/// `payment_method_not_found`). A removed default is replaced by the newest
/// other card, and subscriptions billed to the card move to the default;
/// the only card of a current subscription stays (409
/// `payment_method_in_use`). Answers the cards left, default first.
#[utoipa::path(post, path = "/api/billing/payment-methods/remove", tag = "server route", operation_id = "paymentMethodsRemove",
    request_body = PaymentMethodParams,
    responses((status = 200, description = "`{data}`: the cards left", body = checkout_protocol::RouteResponse<checkout_protocol::PaymentMethodList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn remove_payment_method(
    route: &RouteState,
    body: &RawBody,
) -> Result<PaymentMethodList, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: PaymentMethodParams = body.json()?;
    Ok(RecordList::complete(
        route
            .platform
            .remove_payment_method(&customer, &params.id)
            .await?,
    ))
}

/// `payment-methods/set-default` with `{id}`: makes one of the customer's
/// own saved cards their default (404 as for remove; 400
/// `card_invalid_expiry` for an expired card). Subscriptions keep the card
/// they bill to. Answers the cards, default first.
#[utoipa::path(post, path = "/api/billing/payment-methods/set-default", tag = "server route", operation_id = "paymentMethodsSetDefault",
    request_body = PaymentMethodParams,
    responses((status = 200, description = "`{data}`: the cards after the change", body = checkout_protocol::RouteResponse<checkout_protocol::PaymentMethodList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn set_default_payment_method(
    route: &RouteState,
    body: &RawBody,
) -> Result<PaymentMethodList, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: PaymentMethodParams = body.json()?;
    Ok(RecordList::complete(
        route
            .platform
            .set_default_payment_method(&customer, &params.id)
            .await?,
    ))
}

/// `invoices/list`: the customer's invoices, newest first, without lines.
#[utoipa::path(post, path = "/api/billing/invoices/list", tag = "server route", operation_id = "invoicesList",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::InvoiceList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn invoices(route: &RouteState, body: &RawBody) -> Result<InvoiceList, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    Ok(RecordList::complete(
        route.platform.invoices(&customer).await?,
    ))
}

/// `purchases/list`: the customer's purchases, newest first.
#[utoipa::path(post, path = "/api/billing/purchases/list", tag = "server route", operation_id = "purchasesList",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::PurchaseList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn purchases(route: &RouteState, body: &RawBody) -> Result<PurchaseList, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    Ok(RecordList::complete(
        route.platform.purchases(&customer).await?,
    ))
}

// Customers (issue 15): find-or-create and update.

/// `customers/find-or-create`: the signed-in customer, created on the
/// platform from the merchant's sign-in (never from the body, which is
/// ignored) when new. Answers `{customer}`, as `@flowglad/server`'s handler
/// does for a customer the platform already knows.
#[utoipa::path(post, path = "/api/billing/customers/find-or-create", tag = "server route", operation_id = "customersFindOrCreate",
    responses((status = 200, description = "`{data: {customer}}`", body = checkout_protocol::RouteResponse<CustomerResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn find_or_create(
    route: &RouteState,
    body: &RawBody,
) -> Result<CustomerResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    Ok(CustomerResponse { customer })
}

/// `customers/update`: the signed-in customer changes their own name or
/// email (`@flowglad/shared`'s `updateCustomerSchema`). A `customer.id` or
/// `externalId` naming anyone else is a 404 `customer_not_found`, so the
/// body can never pick whose record changes; an update that changes
/// nothing is answered without a write or a `customer.updated` event.
#[utoipa::path(post, path = "/api/billing/customers/update", tag = "server route", operation_id = "customersUpdate",
    request_body = UpdateCustomerParams,
    responses((status = 200, description = "`{data: {customer}}`", body = checkout_protocol::RouteResponse<CustomerResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn update(route: &RouteState, body: &RawBody) -> Result<CustomerResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: UpdateCustomerParams = body.json()?;
    let claimed = [
        ("customer.id", params.customer.id.as_deref(), &customer.id),
        (
            "externalId",
            params.external_id.as_deref(),
            &customer.external_id,
        ),
    ];
    for (field, value, own) in claimed {
        validation::id_field(field, value)?;
        if validation::non_blank(value).is_some_and(|v| v != own) {
            return Err(ApiError::new(
                ErrorCode::CustomerNotFound,
                format!("{field} is not yours: you can change only your own customer record."),
            ));
        }
    }
    let changes = validation::customer_changes(&params.customer)?;
    let customer = route.platform.update_customer(&customer, changes).await?;
    Ok(CustomerResponse { customer })
}
