//! Where a paid session sends the buyer: the merchant's success URL with
//! the signed parameters appended (see [`crate::domain::redirect_signing`]),
//! or the hosted page when the session has no success URL (our own page,
//! which reads the session from the server and needs no signature).

use super::Billing;
use crate::domain::error::ApiError;
use crate::domain::redirect_signing;
use crate::domain::session::StoredSession;
use checkout_protocol::redirect::fill_session_id;
use checkout_protocol::redirect_signature::{
    CHECKOUT_ID, CUSTOMER_ID, PURCHASE_ID, REQUEST_ID, SUBSCRIPTION_ID,
};
use checkout_protocol::CheckoutSessionStatus;

/// The success redirect of a paid session. Only a `succeeded` session gets
/// one: a declined, open or expired session has no signed URL to hand out.
pub async fn success_redirect(
    billing: &Billing,
    session: &StoredSession,
) -> Result<Option<String>, ApiError> {
    if session.status != CheckoutSessionStatus::Succeeded {
        return Ok(None);
    }
    let Some(template) = &session.success_url else {
        return Ok(Some(session.success_redirect(&billing.public_url)));
    };
    // What the payment made: the subscription it started or activated
    // (recorded on the session by its completion), else the purchase.
    let subscription = &session.subscription_id;
    let mut params: Vec<(&str, &str)> = vec![(CHECKOUT_ID, session.id.as_str())];
    if let Some(request_id) = session.options.request_id.as_deref() {
        params.push((REQUEST_ID, request_id));
    }
    if let Some(customer_id) = session.customer_id.as_deref() {
        params.push((CUSTOMER_ID, customer_id));
    }
    match (&subscription, &session.purchase_id) {
        (Some(sub), _) => params.push((SUBSCRIPTION_ID, sub.as_str())),
        (None, Some(purchase)) => params.push((PURCHASE_ID, purchase.as_str())),
        (None, None) => {}
    }
    let url = fill_session_id(template, &session.id);
    Ok(Some(redirect_signing::signed_url(
        &url,
        &params,
        &billing.redirect_signing_key,
    )))
}
