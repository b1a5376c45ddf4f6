//! The hosted checkout inside the merchant's page: a modal dialog (overlay
//! mode) or an iframe in the element (inline mode), and the messages the
//! hosted page posts back (paid, canceled, new height).

use super::dom::{self, Scope};
use super::events;
use super::net::{number, object, string};
use crate::browser;
use crate::i18n::{widget::Msg, Lang, Message};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, HtmlElement, HtmlIFrameElement};

/// What the hosted page tells the page around it.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameMessage {
    /// Paid (or card saved); go to the success URL.
    Success {
        /// The session.
        session_id: String,
        /// The success URL with the id filled in.
        redirect_url: String,
    },
    /// The customer left; go to the cancel URL, if any.
    Cancel {
        /// The session.
        session_id: String,
        /// The cancel URL with the id filled in.
        redirect_url: Option<String>,
    },
    /// The page's content height, for the inline iframe.
    Resize {
        /// CSS pixels.
        height: f64,
    },
}

/// The marker every message carries, so other scripts' messages are ignored.
pub const MESSAGE_SOURCE: &str = "checkout-widget";

/// Reads a message posted by the hosted page; anything else is `None`.
pub fn parse_message(data: &JsValue) -> Option<FrameMessage> {
    if string(data, "source").as_deref() != Some(MESSAGE_SOURCE) {
        return None;
    }
    match string(data, "type")?.as_str() {
        "success" => Some(FrameMessage::Success {
            session_id: string(data, "sessionId")?,
            redirect_url: string(data, "redirectUrl")?,
        }),
        "cancel" => Some(FrameMessage::Cancel {
            session_id: string(data, "sessionId")?,
            redirect_url: string(data, "redirectUrl"),
        }),
        "resize" => number(data, "height").map(|height| FrameMessage::Resize { height }),
        _ => None,
    }
}

/// The origin (`scheme://host:port`) of an absolute URL.
pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// The origin of documents without one of their own (sandboxed frames,
/// `data:` URLs, opaque origins): anyone can post from it, so it never
/// vouches for a message.
pub const OPAQUE_ORIGIN: &str = "null";

/// The hosted checkout URL of a create answer, checked before it is framed
/// (overlay and inline modes) the way redirects are: resolved against the
/// page and http(s) only. A server (or a proxy) that answers with
/// `javascript:` or `data:` must not get script into a frame on this page.
pub fn checked_frame_url(url: &str) -> Result<String, crate::error::BillingError> {
    browser::resolve_url(url, checkout_protocol::UrlRole::Checkout)
}

/// The hosted page URL for an embed: `?embed=overlay|inline` tells it to post
/// messages instead of navigating the top window.
pub fn embed_url(session_url: &str, mode: &str) -> String {
    let separator = if session_url.contains('?') { '&' } else { '?' };
    format!("{session_url}{separator}embed={mode}")
}

/// The framed page's URL with the element's theme, so the hosted page in
/// an overlay or inline frame wears the colours of the element that opened
/// it (`?theme=dark`); light, the hosted page's own default, adds nothing.
pub fn themed_url(session_url: &str, theme: super::config::Theme) -> String {
    if theme == super::config::Theme::Light {
        return session_url.to_owned();
    }
    let separator = if session_url.contains('?') { '&' } else { '?' };
    format!("{session_url}{separator}theme={}", theme.as_str())
}

/// Calls `on_message` for messages from `frame`'s window and the session's
/// origin only, while `scope` lives.
fn listen(
    scope: &Scope,
    frame: &HtmlIFrameElement,
    url: &str,
    mut on_message: impl FnMut(FrameMessage) + 'static,
) {
    let origin = origin_of(url).filter(|o| o != OPAQUE_ORIGIN);
    let (Some(window), Some(origin)) = (web_sys::window(), origin) else {
        return;
    };
    let frame = frame.clone();
    scope.listen(window.as_ref(), "message", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let from_frame = frame
            .content_window()
            .zip(event.source())
            .is_some_and(|(win, source)| {
                js_sys::Object::is(win.as_ref(), source.unchecked_ref::<js_sys::Object>())
            });
        let from_origin = event.origin() != OPAQUE_ORIGIN && event.origin() == origin;
        if from_frame && from_origin {
            if let Some(message) = parse_message(&event.data()) {
                on_message(message);
            }
        }
    });
}

/// Fires `checkout-success` / `checkout-cancel`, then the redirect unless prevented.
fn settle(host: &EventTarget, message: &FrameMessage) {
    match message {
        FrameMessage::Success {
            session_id,
            redirect_url,
        } => {
            events::emit(
                host,
                events::SUCCESS,
                &object(&[("sessionId", session_id.into())]),
                false,
            );
            events::redirect(host, redirect_url, "success", session_id);
        }
        FrameMessage::Cancel {
            session_id,
            redirect_url,
        } => {
            events::emit(
                host,
                events::CANCEL,
                &object(&[("sessionId", session_id.into())]),
                false,
            );
            if let Some(url) = redirect_url {
                events::redirect(host, url, "cancel", session_id);
            }
        }
        FrameMessage::Resize { .. } => {}
    }
}

fn iframe(url: &str, mode: &str, class: &str, lang: Lang) -> HtmlIFrameElement {
    let frame = dom::el("iframe", class);
    dom::attrs(
        &frame,
        &[
            ("part", "frame"),
            ("title", Msg::Checkout.text(lang)),
            ("src", &embed_url(url, mode)),
        ],
    );
    frame.unchecked_into()
}

/// How an overlay ended: paid or not, and the session.
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
        if self.success {
            "success"
        } else {
            "cancel"
        }
    }
}

/// The language of the overlay's and frame's own words: the element's (its `lang`), else
/// `configure({locale})`'s, else the browser's.
fn overlay_lang(parent: &Element) -> Lang {
    let tag = parent
        .closest("[lang]")
        .ok()
        .flatten()
        .and_then(|el| el.get_attribute("lang"));
    Lang::of(
        &tag.or_else(|| super::config::defaults().locale)
            .unwrap_or_else(browser::browser_locale),
    )
}

/// Opens the hosted checkout in a modal dialog inside `parent` (a shadow root's
/// element). Escape and the close button cancel; the modal dialog traps focus,
/// which returns to the trigger on close; the page behind does not scroll.
/// `on_closed` runs once, after the events and the redirect.
pub fn open_overlay(
    parent: &Element,
    host: EventTarget,
    url: &str,
    session_id: &str,
    cancel_url: Option<String>,
    on_closed: impl FnOnce(Outcome) + 'static,
) {
    let scope = Rc::new(Scope::default());
    let lang = overlay_lang(parent);
    let dialog = dom::el("dialog", "cw-overlay");
    dom::attrs(
        &dialog,
        &[
            ("part", "dialog"),
            ("aria-label", Msg::Checkout.text(lang)),
            ("lang", lang.code()),
            ("dir", lang.dir()),
        ],
    );
    let close = dom::el("button", "cw-overlay-close");
    dom::attrs(
        &close,
        &[
            ("type", "button"),
            ("part", "close"),
            ("aria-label", Msg::CloseCheckout.text(lang)),
        ],
    );
    dom::text(&close, "×");
    let frame = iframe(url, "overlay", "cw-overlay-frame", lang);
    dom::append(&dialog, &[&close, frame.as_ref()]);
    dom::append(parent, &[&dialog]);

    let trigger = browser::deep_active_element();
    let scroll = ScrollLock::lock();
    let done = Rc::new(Cell::new(false));
    let closed = Rc::new(Cell::new(Some(
        Box::new(on_closed) as Box<dyn FnOnce(Outcome)>
    )));
    let finish = {
        let (dialog, scope_slot, done) = (
            dialog.clone(),
            Rc::new(Cell::new(Some(scope.clone()))),
            done.clone(),
        );
        let mut scroll = Some(scroll);
        Rc::new(std::cell::RefCell::new(move |message: FrameMessage| {
            if done.replace(true) {
                return;
            }
            if let Some(d) = dialog.dyn_ref::<web_sys::HtmlDialogElement>() {
                d.close();
            }
            dialog.remove();
            drop(scroll.take());
            if let Some(el) = trigger.as_ref().and_then(|t| t.dyn_ref::<HtmlElement>()) {
                let _ = el.focus();
            }
            settle(&host, &message);
            let success = matches!(message, FrameMessage::Success { .. });
            let session_id = match &message {
                FrameMessage::Success { session_id, .. }
                | FrameMessage::Cancel { session_id, .. } => session_id.clone(),
                FrameMessage::Resize { .. } => String::new(),
            };
            if let Some(on_closed) = closed.take() {
                on_closed(Outcome {
                    success,
                    session_id,
                });
            }
            // Listeners go last: this closure is one of them.
            if let Some(scope) = scope_slot.take() {
                wasm_bindgen_futures::spawn_local(async move { drop(scope) });
            }
        }))
    };
    let cancel = {
        let (finish, session_id) = (finish.clone(), session_id.to_owned());
        move || {
            (finish.borrow_mut())(FrameMessage::Cancel {
                session_id: session_id.clone(),
                redirect_url: cancel_url.clone(),
            })
        }
    };
    let on_escape = cancel.clone();
    scope.listen(dialog.as_ref(), "cancel", move |event| {
        // Escape: close it ourselves, as a cancel.
        event.prevent_default();
        on_escape();
    });
    scope.listen(close.as_ref(), "click", move |_| cancel());
    let on_message = finish.clone();
    listen(&scope, &frame, url, move |message| {
        if !matches!(message, FrameMessage::Resize { .. }) {
            (on_message.borrow_mut())(message);
        }
    });
    if let Some(d) = dialog.dyn_ref::<web_sys::HtmlDialogElement>() {
        let _ = d.show_modal();
    }
}

/// Shows the hosted checkout inside `parent`, as tall as its content. The
/// returned scope keeps its listeners; drop it with the view.
pub fn inline_frame(parent: &Element, host: EventTarget, url: &str) -> Scope {
    let scope = Scope::default();
    let frame = iframe(url, "inline", "cw-inline-frame", overlay_lang(parent));
    set_height(&frame, 640.0);
    dom::append(parent, &[frame.as_ref()]);
    let settled = Cell::new(false);
    let sized = frame.clone();
    listen(&scope, &frame, url, move |message| match message {
        FrameMessage::Resize { height } if height.is_finite() && height > 0.0 => {
            set_height(&sized, height.clamp(200.0, 10_000.0))
        }
        FrameMessage::Resize { .. } => {}
        other => {
            if !settled.replace(true) {
                settle(&host, &other);
            }
        }
    });
    scope
}

fn set_height(frame: &HtmlIFrameElement, height: f64) {
    // CSSOM, not a style attribute: allowed under style-src 'self'.
    let _ = frame
        .style()
        .set_property("height", &format!("{}px", height.ceil() as u32));
}

/// Keeps the page behind a modal from scrolling; restores it when dropped.
struct ScrollLock(Option<String>);

impl ScrollLock {
    fn lock() -> Self {
        let root = document_element();
        let previous = root
            .as_ref()
            .map(|r| r.style().get_property_value("overflow").unwrap_or_default());
        if let Some(r) = &root {
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
    dom::document()?
        .document_element()?
        .dyn_into::<HtmlElement>()
        .ok()
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::embed::net::object;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn only_our_messages_are_read() {
        let ok = object(&[
            ("source", "checkout-widget".into()),
            ("type", "success".into()),
            ("sessionId", "cs_1".into()),
            ("redirectUrl", "https://m/ok".into()),
        ]);
        assert_eq!(
            parse_message(&ok),
            Some(FrameMessage::Success {
                session_id: "cs_1".into(),
                redirect_url: "https://m/ok".into()
            })
        );
        let other = object(&[("source", "other".into()), ("type", "success".into())]);
        assert_eq!(parse_message(&other), None);
        assert_eq!(parse_message(&JsValue::from_str("text")), None);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn only_web_pages_are_framed() {
        for bad in [
            "javascript:alert(1)",
            " JAVASCRIPT:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
        ] {
            let error = checked_frame_url(bad).unwrap_err();
            assert_eq!(error.code(), "invalid_url", "{bad:?}");
            assert!(
                error.message().contains("http"),
                "{bad:?}: {}",
                error.message()
            );
        }
        assert_eq!(
            checked_frame_url("https://p.example/checkout/cs_1").unwrap(),
            "https://p.example/checkout/cs_1"
        );
        // Why a data: frame must never be trusted: its origin is "null",
        // the same as any sandboxed frame's.
        assert_eq!(
            origin_of("data:text/html,x").as_deref(),
            Some(OPAQUE_ORIGIN)
        );
    }
}

#[cfg(test)]
mod native_tests {
    use super::*;

    #[test]
    fn embed_urls_keep_their_query() {
        assert_eq!(
            embed_url("https://p/checkout/cs_1", "overlay"),
            "https://p/checkout/cs_1?embed=overlay"
        );
        assert_eq!(
            embed_url("https://p/checkout/cs_1?locale=de", "inline"),
            "https://p/checkout/cs_1?locale=de&embed=inline"
        );
    }

    #[test]
    fn framed_pages_take_the_element_theme() {
        use crate::embed::config::Theme;
        assert_eq!(
            themed_url("https://p/checkout/cs_1?locale=de", Theme::Dark),
            "https://p/checkout/cs_1?locale=de&theme=dark"
        );
        assert_eq!(
            themed_url("https://p/checkout/cs_1", Theme::Auto),
            "https://p/checkout/cs_1?theme=auto"
        );
        assert_eq!(
            themed_url("https://p/checkout/cs_1", Theme::Light),
            "https://p/checkout/cs_1"
        );
    }
}
