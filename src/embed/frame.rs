//! The hosted checkout inside the merchant's page: a modal dialog (overlay
//! mode) or an iframe in the element (inline mode), and the messages the
//! hosted page posts back (paid, canceled, new height).

use super::events;
use crate::browser;
use leptos::html;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, HtmlElement};

/// What the hosted page tells the page around it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FrameMessage {
    /// Paid (or card saved); go to `redirect_url`.
    #[serde(rename_all = "camelCase")]
    Success {
        /// The session.
        session_id: String,
        /// The success URL with the id filled in.
        redirect_url: String,
    },
    /// The customer left; go to `redirect_url` (the cancel URL), if any.
    #[serde(rename_all = "camelCase")]
    Cancel {
        /// The session.
        session_id: String,
        /// The cancel URL with the id filled in.
        #[serde(default)]
        redirect_url: Option<String>,
    },
    /// The page's content height, for the inline iframe.
    Resize {
        /// CSS pixels.
        height: f64,
    },
}

/// How an overlay ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Paid (or card saved).
    pub success: bool,
    /// The session.
    pub session_id: String,
}

impl Outcome {
    /// `"success"` or `"cancel"`.
    pub fn status(&self) -> &'static str {
        if self.success { "success" } else { "cancel" }
    }

    /// The session.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }
}

/// The marker every message carries, so other scripts' messages are ignored.
pub const MESSAGE_SOURCE: &str = "checkout-widget";

/// Reads a message posted by the hosted page; anything else is `None`.
pub fn parse_message(json: &str) -> Option<FrameMessage> {
    #[derive(Deserialize)]
    struct Envelope {
        source: String,
        #[serde(flatten)]
        message: FrameMessage,
    }
    serde_json::from_str::<Envelope>(json).ok().filter(|e| e.source == MESSAGE_SOURCE).map(|e| e.message)
}

/// The origin (`scheme://host:port`) of an absolute URL.
pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// Listens for messages from `frame` only (its window, the session's origin)
/// while the calling component lives.
fn listen(frame: NodeRef<html::Iframe>, origin: String, on_message: impl Fn(FrameMessage) + 'static) {
    let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        let from_frame = frame
            .get_untracked()
            .and_then(|f| f.content_window())
            .zip(ev.source())
            .is_some_and(|(win, source)| {
                let source: &js_sys::Object = source.unchecked_ref();
                js_sys::Object::is(win.as_ref(), source)
            });
        if !from_frame || ev.origin() != origin {
            return;
        }
        let Some(text) = js_sys::JSON::stringify(&ev.data()).ok().and_then(|s| s.as_string()) else { return };
        if let Some(message) = parse_message(&text) {
            on_message(message);
        }
    });
    on_cleanup(move || handle.remove());
}

/// The hosted page URL for an embed: `?embed=overlay|inline` tells it to post
/// messages instead of navigating the top window.
pub fn embed_url(session_url: &str, mode: &str) -> String {
    let separator = if session_url.contains('?') { '&' } else { '?' };
    format!("{session_url}{separator}embed={mode}")
}

/// Ends an embedded checkout: fire `checkout-success` / `checkout-cancel`,
/// then the redirect (unless prevented).
fn settle(host: &EventTarget, message: &FrameMessage) {
    match message {
        FrameMessage::Success { session_id, redirect_url } => {
            events::emit(host, events::SUCCESS, &json!({ "sessionId": session_id }), false);
            events::redirect(host, redirect_url, "success", session_id);
        }
        FrameMessage::Cancel { session_id, redirect_url } => {
            events::emit(host, events::CANCEL, &json!({ "sessionId": session_id }), false);
            if let Some(url) = redirect_url {
                events::redirect(host, url, "cancel", session_id);
            }
        }
        FrameMessage::Resize { .. } => {}
    }
}

/// The modal dialog holding the hosted checkout. Escape and the close button
/// cancel; focus is trapped by the modal dialog and returns to the trigger;
/// the page behind does not scroll.
#[component]
pub fn Overlay(
    /// The hosted checkout page.
    url: String,
    /// The session being paid.
    session_id: String,
    /// The cancel URL (with the id filled in), for Escape and the close button.
    cancel_url: Option<String>,
    /// Where events are fired.
    host: StoredValue<EventTarget, LocalStorage>,
    /// Called once the dialog has closed, with how it ended.
    on_closed: Callback<Outcome>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let frame = NodeRef::<html::Iframe>::new();
    let trigger = browser::deep_active_element();
    let scroll = ScrollLock::lock();
    let settled = StoredValue::new(false);
    let finish = move |message: FrameMessage| {
        if settled.get_value() {
            return;
        }
        settled.set_value(true);
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
        if let Some(host) = host.try_get_value() {
            settle(&host, &message);
        }
        let success = matches!(message, FrameMessage::Success { .. });
        let session_id = match &message {
            FrameMessage::Success { session_id, .. } | FrameMessage::Cancel { session_id, .. } => session_id.clone(),
            FrameMessage::Resize { .. } => String::new(),
        };
        on_closed.run(Outcome { success, session_id });
    };
    let cancel = {
        let session_id = session_id.clone();
        move || finish(FrameMessage::Cancel { session_id: session_id.clone(), redirect_url: cancel_url.clone() })
    };
    if let Some(origin) = origin_of(&url) {
        listen(frame, origin, move |m| {
            if !matches!(m, FrameMessage::Resize { .. }) {
                finish(m);
            }
        });
    }
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    });
    on_cleanup(move || {
        drop(scroll);
        if let Some(el) = trigger.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
    let cancel_on_escape = cancel.clone();
    view! {
        <dialog
            node_ref=dialog
            class="cw-overlay"
            part="dialog"
            aria-label="Checkout"
            on:cancel=move |ev: web_sys::Event| {
                // Escape: close it ourselves, as a cancel.
                ev.prevent_default();
                cancel_on_escape();
            }
        >
            <button type="button" class="cw-overlay-close" part="close" aria-label="Close checkout"
                on:click=move |_| cancel()>"×"</button>
            <iframe node_ref=frame class="cw-overlay-frame" part="frame" title="Checkout" src=embed_url(&url, "overlay")></iframe>
        </dialog>
    }
}

/// The hosted checkout inside the element, as tall as its content.
#[component]
pub fn InlineFrame(
    /// The hosted checkout page.
    url: String,
    /// Where events are fired.
    host: StoredValue<EventTarget, LocalStorage>,
) -> impl IntoView {
    let frame = NodeRef::<html::Iframe>::new();
    let height = RwSignal::new(640.0_f64);
    let settled = StoredValue::new(false);
    if let Some(origin) = origin_of(&url) {
        listen(frame, origin, move |m| match m {
            FrameMessage::Resize { height: h } if h.is_finite() && h > 0.0 => height.set(h.clamp(200.0, 10_000.0)),
            FrameMessage::Resize { .. } => {}
            other => {
                if !settled.get_value() {
                    settled.set_value(true);
                    if let Some(host) = host.try_get_value() {
                        settle(&host, &other);
                    }
                }
            }
        });
    }
    view! {
        <iframe
            node_ref=frame
            class="cw-inline-frame"
            part="frame"
            title="Checkout"
            src=embed_url(&url, "inline")
            style:height=move || format!("{}px", height.get().ceil())
        ></iframe>
    }
}

/// Keeps the page behind a modal from scrolling; restores it when dropped.
struct ScrollLock(Option<String>);

impl ScrollLock {
    fn lock() -> Self {
        let root = document_element();
        let previous = root.as_ref().map(|r| r.style().get_property_value("overflow").unwrap_or_default());
        if let Some(r) = &root {
            // CSSOM, not a style attribute: allowed under style-src 'self'.
            let _ = r.style().set_property("overflow", "hidden");
        }
        Self(previous)
    }
}

impl Drop for ScrollLock {
    fn drop(&mut self) {
        if let (Some(root), Some(previous)) = (document_element(), self.0.take()) {
            let _ = if previous.is_empty() {
                root.style().remove_property("overflow").map(|_| ())
            } else {
                root.style().set_property("overflow", &previous)
            };
        }
    }
}

fn document_element() -> Option<HtmlElement> {
    web_sys::window()?.document()?.document_element()?.dyn_into::<HtmlElement>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_messages_are_read() {
        assert_eq!(
            parse_message(r#"{"source":"checkout-widget","type":"success","sessionId":"cs_1","redirectUrl":"https://m/ok"}"#),
            Some(FrameMessage::Success { session_id: "cs_1".into(), redirect_url: "https://m/ok".into() })
        );
        assert_eq!(
            parse_message(r#"{"source":"checkout-widget","type":"cancel","sessionId":"cs_1"}"#),
            Some(FrameMessage::Cancel { session_id: "cs_1".into(), redirect_url: None })
        );
        assert_eq!(
            parse_message(r#"{"source":"checkout-widget","type":"resize","height":812.5}"#),
            Some(FrameMessage::Resize { height: 812.5 })
        );
        assert_eq!(parse_message(r#"{"source":"other","type":"success","sessionId":"x","redirectUrl":"y"}"#), None);
        assert_eq!(parse_message(r#"{"source":"checkout-widget","type":"explode"}"#), None);
        assert_eq!(parse_message("not json"), None);
    }

    #[test]
    fn embed_urls_keep_their_query() {
        assert_eq!(embed_url("https://p/checkout/cs_1", "overlay"), "https://p/checkout/cs_1?embed=overlay");
        assert_eq!(embed_url("https://p/checkout/cs_1?locale=de", "inline"), "https://p/checkout/cs_1?locale=de&embed=inline");
    }
}
