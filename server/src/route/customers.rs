//! What the signed-in customer reads for a billing panel:
//! `customers/billing` (everything, with the pricing model) and the lists
//! `payment-methods/list`, `invoices/list`, `purchases/list` (one complete
//! page each, in `@flowglad/node`'s list shape). The body is ignored.

use crate::auth::require_customer;
use crate::billing::{self, CustomerRecords};
use crate::clock;
use crate::error::ApiError;
use crate::extract::RawBody;
use crate::state::AppState;
use checkout_protocol::{
    CustomerBilling, ErrorCode, InvoiceList, PaymentMethodList, PurchaseList, RecordList,
};

async fn records(state: &AppState, body: &RawBody) -> Result<CustomerRecords, ApiError> {
    let customer = require_customer(&state.db, &body.headers).await?;
    state
        .db
        .customer_records(customer.id, clock::now_ms())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, crate::auth::STALE_SIGN_IN_MESSAGE))
}

/// `customers/billing`.
#[utoipa::path(post, path = "/api/billing/customers/billing", tag = "server route", operation_id = "customersBilling",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::CustomerBilling>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn billing(state: &AppState, body: &RawBody) -> Result<CustomerBilling, ApiError> {
    let r = records(state, body).await?;
    Ok(billing::customer_billing(&r, &state.catalog))
}

/// `payment-methods/list`: the customer's cards, default first.
#[utoipa::path(post, path = "/api/billing/payment-methods/list", tag = "server route", operation_id = "paymentMethodsList",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::PaymentMethodList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn payment_methods(
    state: &AppState,
    body: &RawBody,
) -> Result<PaymentMethodList, ApiError> {
    let r = records(state, body).await?;
    Ok(RecordList::complete(
        r.payment_methods
            .iter()
            .map(|pm| billing::payment_method_view(pm, &r.customer, &state.catalog))
            .collect(),
    ))
}

/// `invoices/list`: the customer's invoices, newest first, without lines.
#[utoipa::path(post, path = "/api/billing/invoices/list", tag = "server route", operation_id = "invoicesList",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::InvoiceList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn invoices(state: &AppState, body: &RawBody) -> Result<InvoiceList, ApiError> {
    let r = records(state, body).await?;
    Ok(RecordList::complete(
        r.invoices
            .iter()
            .map(|i| billing::invoice_view(i, &state.catalog))
            .collect(),
    ))
}

/// `purchases/list`: the customer's purchases, newest first.
#[utoipa::path(post, path = "/api/billing/purchases/list", tag = "server route", operation_id = "purchasesList",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::PurchaseList>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn purchases(state: &AppState, body: &RawBody) -> Result<PurchaseList, ApiError> {
    let r = records(state, body).await?;
    Ok(RecordList::complete(
        r.purchases
            .iter()
            .map(|p| billing::purchase_view(p, &state.catalog))
            .collect(),
    ))
}
