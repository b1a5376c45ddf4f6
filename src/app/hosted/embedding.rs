//! The hosted page inside a merchant's page (`?embed=overlay|inline`): it
//! tells the page around it what happened instead of navigating itself.

use crate::browser;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The marker the embed looks for (see `embed::frame::MESSAGE_SOURCE`).
const SOURCE: &str = "checkout-widget";

/// Whether this page is framed by the widget's overlay or inline mode.
pub fn is_embedded() -> bool {
    matches!(
        browser::query_param("embed").as_deref(),
        Some("overlay") | Some("inline")
    )
}

/// Paid (or card saved): the embedding page takes the customer to `redirect_url`.
pub fn post_success(session_id: &str, redirect_url: &str) {
    post(json!({ "type": "success", "sessionId": session_id, "redirectUrl": redirect_url }));
}

/// The customer left: the embedding page closes the checkout (and goes to `redirect_url`).
pub fn post_cancel(session_id: &str, redirect_url: Option<&str>) {
    post(json!({ "type": "cancel", "sessionId": session_id, "redirectUrl": redirect_url }));
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
            post(json!({ "type": "resize", "height": root.scroll_height() }));
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

fn post(mut message: Value) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if let Some(object) = message.as_object_mut() {
        object.insert("source".into(), SOURCE.into());
    }
    let data = js_sys::JSON::parse(&message.to_string()).unwrap_or(JsValue::NULL);
    // Only the page that framed us hears it, when the browser tells us who that is.
    let target = referrer_origin().unwrap_or_else(|| "*".to_owned());
    let _ = parent.post_message(&data, &target);
}

fn referrer_origin() -> Option<String> {
    let referrer = web_sys::window()?.document()?.referrer();
    let origin = web_sys::Url::new(&referrer).ok()?.origin();
    (origin != "null" && !origin.is_empty()).then_some(origin)
}
