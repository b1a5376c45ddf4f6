//! The hosted page inside a merchant's page (`?embed=overlay|inline`): it
//! tells the page around it what happened instead of navigating itself.
//! The messages are `crate::frame_message`'s, which the embed reads.

use crate::browser;
use crate::frame_message::{Field, FrameMessage};
use checkout_protocol::HostedCheckoutSession;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whether this page is framed by the widget's overlay or inline mode.
pub fn is_embedded() -> bool {
    matches!(
        browser::query_param("embed").as_deref(),
        Some("overlay") | Some("inline")
    )
}

/// Paid (or card saved): the embedding page takes the customer to
/// `redirect_url`, and hears what was charged and what was recorded.
pub fn post_success(paid: &HostedCheckoutSession, redirect_url: &str) {
    post(&FrameMessage::Success {
        session_id: paid.id.clone(),
        redirect_url: redirect_url.to_owned(),
        amount_total: paid.total_due_today,
        currency: paid.currency.clone(),
        purchase_id: paid.purchase_id.clone(),
        subscription_id: paid.subscription_id.clone(),
    });
}

/// The customer left: the embedding page closes the checkout (and goes to `redirect_url`).
pub fn post_cancel(session_id: &str, redirect_url: Option<&str>) {
    post(&FrameMessage::Cancel {
        session_id: session_id.to_owned(),
        redirect_url: redirect_url.map(str::to_owned),
    });
}

/// A payment was refused (a decline, a failed authentication): `code` is the
/// stable error code, `message` the server's sentence. The customer stays
/// on the form and may try another card.
pub fn post_payment_failed(session_id: &str, code: &str, message: &str) {
    post(&FrameMessage::PaymentFailed {
        session_id: session_id.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    });
}

/// A discount code was applied to (or removed from) `session`: says which,
/// with the new totals.
pub fn post_discount(session: &HostedCheckoutSession) {
    post(&match &session.discount_code {
        Some(code) => FrameMessage::DiscountApplied {
            session_id: session.id.clone(),
            code: code.clone(),
            amount_off: session.discount,
            total_due_today: session.total_due_today,
            currency: session.currency.clone(),
        },
        None => FrameMessage::DiscountRemoved {
            session_id: session.id.clone(),
            total_due_today: session.total_due_today,
            currency: session.currency.clone(),
        },
    });
}

/// A payment started (`true`) or ended (`false`): while it runs the
/// embedding page keeps the checkout open.
pub fn post_processing(session_id: &str, processing: bool) {
    post(&FrameMessage::Processing {
        session_id: session_id.to_owned(),
        processing,
    });
}

/// Reports the page's height whenever it changes, so an inline frame fits it.
pub fn watch_height() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let report = Closure::<dyn Fn(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            post(&FrameMessage::Resize {
                height: f64::from(root.scroll_height()),
            });
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(report.as_ref().unchecked_ref()) {
        observer.observe(&root);
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            observer.observe(&body);
        }
        // The observer lives as long as the page.
        report.forget();
    }
}

/// Posts `message` to the embedding page; nothing when not embedded.
fn post(message: &FrameMessage) {
    if !is_embedded() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    let data = js_sys::Object::new();
    for (key, field) in message.fields() {
        let value = match field {
            Field::Text(s) => JsValue::from_str(&s),
            Field::Number(n) => JsValue::from_f64(n),
            Field::Bool(b) => JsValue::from_bool(b),
            Field::Missing | Field::Other => JsValue::NULL,
        };
        let _ = js_sys::Reflect::set(&data, &JsValue::from_str(key), &value);
    }
    // Only the page that framed us hears it, when the browser tells us who that is.
    let target = referrer_origin().unwrap_or_else(|| "*".to_owned());
    let _ = parent.post_message(&data, &target);
}

fn referrer_origin() -> Option<String> {
    let referrer = web_sys::window()?.document()?.referrer();
    let origin = web_sys::Url::new(&referrer).ok()?.origin();
    (origin != "null" && !origin.is_empty()).then_some(origin)
}
