//! What the signed-in customer reads for a billing panel:
//! `customers/billing` (everything, with the pricing model) and the lists
//! `payment-methods/list`, `invoices/list`, `purchases/list` (one complete
//! page each, in `@flowglad/node`'s list shape). The body is ignored.

use super::RouteState;
use crate::domain::error::ApiError;
use crate::http::extract::RawBody;
use checkout_protocol::{
    CustomerBilling, InvoiceList, PaymentMethodList, PurchaseList, RecordList,
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
