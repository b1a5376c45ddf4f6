//! The DOM events an embedded checkout fires on its element. They bubble and
//! cross the shadow boundary (`composed`), and fire only on settled states.

use super::net::object;
use crate::browser;
use crate::error::BillingError;
use wasm_bindgen::JsValue;
use web_sys::EventTarget;

/// The element is rendered with its price (or pricing model) and ready to click.
pub const READY: &str = "checkout-ready";
/// A checkout session was created; `detail.checkoutSession`, `detail.url`.
pub const SESSION_CREATED: &str = "checkout-session-created";
/// The browser is about to leave for `detail.url`; `preventDefault()` keeps the page.
pub const REDIRECT: &str = "checkout-redirect";
/// The customer paid (overlay and inline modes); `detail.sessionId`,
/// `amountTotal` (minor units), `currency`, and `purchaseId` or `subscriptionId`.
pub const SUCCESS: &str = "checkout-success";
/// The customer gave up (overlay and inline modes); `detail.sessionId`.
pub const CANCEL: &str = "checkout-cancel";
/// Something failed; `detail.code`, `detail.message`.
pub const ERROR: &str = "checkout-error";
/// A payment was refused and the checkout stays open (overlay and inline
/// modes); `detail.sessionId`, `code` (e.g. `card_declined`), `message`.
pub const PAYMENT_FAILED: &str = "checkout-payment-failed";
/// A discount code now applies; `detail.sessionId`, `code`, `amountOff`,
/// `totalDueToday` (minor units), `currency`.
pub const DISCOUNT_APPLIED: &str = "checkout-discount-applied";
/// The discount code was removed; `detail.sessionId`, `totalDueToday`, `currency`.
pub const DISCOUNT_REMOVED: &str = "checkout-discount-removed";

/// Fires `name` with `detail` on `target`; `false` when a listener called
/// `preventDefault()` on a cancelable event.
pub fn emit(target: &EventTarget, name: &str, detail: &JsValue, cancelable: bool) -> bool {
    super::js::emit(target, name, detail, cancelable)
}

/// Fires `checkout-error` for `error`.
pub fn emit_error(target: &EventTarget, error: &BillingError) {
    emit(target, ERROR, &error_detail(error), false);
}

/// `{code, message}`: the shape of every error the embed reports.
pub fn error_detail(error: &BillingError) -> JsValue {
    object(&[
        ("code", error.code().into()),
        ("message", error.message().into()),
    ])
}

/// Fires the cancelable `checkout-redirect` and, unless a listener prevented
/// it, sends the browser to `url` (http(s) only). `true` when it navigates.
pub fn redirect(target: &EventTarget, url: &str, reason: &str, session_id: &str) -> bool {
    let detail = object(&[
        ("url", url.into()),
        ("reason", reason.into()),
        ("sessionId", session_id.into()),
    ]);
    if !emit(target, REDIRECT, &detail, true) {
        return false;
    }
    match browser::navigate(url) {
        Ok(()) => true,
        Err(e) => {
            emit_error(target, &e);
            false
        }
    }
}
