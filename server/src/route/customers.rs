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
pub async fn billing(state: &AppState, body: &RawBody) -> Result<CustomerBilling, ApiError> {
    let r = records(state, body).await?;
    Ok(billing::customer_billing(&r, &state.catalog))
}

/// `payment-methods/list`: the customer's cards, default first.
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
pub async fn purchases(state: &AppState, body: &RawBody) -> Result<PurchaseList, ApiError> {
    let r = records(state, body).await?;
    Ok(RecordList::complete(
        r.purchases
            .iter()
            .map(|p| billing::purchase_view(p, &state.catalog))
            .collect(),
    ))
}
