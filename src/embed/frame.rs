//! The hosted checkout inside the merchant's page: a modal dialog (overlay
//! mode) or an iframe in the element (inline mode), and the messages the
//! hosted page posts back (paid, canceled, payment failed, discount,
//! processing, new height), read by `crate::frame_message`.

use super::dom::{self, Scope};
use super::events;
use super::net::{get, object};
use crate::browser;
pub use crate::frame_message::FrameMessage;
use crate::frame_message::{self, Field};
use crate::i18n::{widget::Msg, Lang, Message};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, HtmlIFrameElement};

/// Reads a message posted by the hosted page; anything else (another
/// script's message, a field of the wrong type) is `None`.
pub fn parse_message(data: &JsValue) -> Option<FrameMessage> {
    frame_message::read(|key| {
        let value = get(data, key);
        if value.is_undefined() || value.is_null() {
            Field::Missing
        } else if let Some(text) = value.as_string() {
            Field::Text(text)
        } else if let Some(number) = value.as_f64() {
            Field::Number(number)
        } else if let Some(flag) = value.as_bool() {
            Field::Bool(flag)
        } else {
            Field::Other
        }
    })
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
    let separator = if session_url.contains('?') { "&" } else { "?" };
    [session_url, separator, "embed=", mode].concat()
}

/// The framed page's URL with the element's theme, so the hosted page in
/// an overlay or inline frame wears the colours of the element that opened
/// it (`?theme=dark`); light, the hosted page's own default, adds nothing.
pub fn themed_url(session_url: &str, theme: super::config::Theme) -> String {
    if theme == super::config::Theme::Light {
        return session_url.to_owned();
    }
    let separator = if session_url.contains('?') { "&" } else { "?" };
    [session_url, separator, "theme=", theme.as_str()].concat()
}

/// Calls `on_message` for messages from `frame`'s window and the session's
/// origin only, while `scope` lives.
fn listen(
    scope: &Scope,
    frame: &HtmlIFrameElement,
    url: &str,
    // Boxed, not generic: one copy of the listener for all its callers.
    mut on_message: Box<dyn FnMut(FrameMessage)>,
) {
    let origin = origin_of(url).filter(|o| o != OPAQUE_ORIGIN);
    let (Some(window), Some(origin)) = (web_sys::window(), origin) else {
        return;
    };
    let frame = frame.clone();
    scope.listen(window.as_ref(), "message", move |event| {
        // Only the frame's window, from the session's origin (never "null").
        if let Some(message) = parse_message(&super::js::frame_data(&event, &frame, &origin)) {
            on_message(message);
        }
    });
}

/// Fires `checkout-success` / `checkout-cancel`, then the redirect unless
/// prevented; the other messages fire their events (see [`report`]).
fn settle(host: &EventTarget, message: &FrameMessage) {
    match message {
        FrameMessage::Success {
            session_id,
            redirect_url,
            amount_total,
            currency,
            purchase_id,
            subscription_id,
        } => {
            let mut detail = vec![
                ("sessionId", session_id.into()),
                ("amountTotal", JsValue::from_f64(*amount_total as f64)),
                ("currency", currency.into()),
            ];
            if let Some(id) = purchase_id {
                detail.push(("purchaseId", id.into()));
            }
            if let Some(id) = subscription_id {
                detail.push(("subscriptionId", id.into()));
            }
            events::emit(host, events::SUCCESS, &object(&detail), false);
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
        other => report(host, other),
    }
}

/// Fires the event of a message that leaves the checkout open: a refused
/// payment, a discount applied or removed.
fn report(host: &EventTarget, message: &FrameMessage) {
    let amount = |minor: &i64| JsValue::from_f64(*minor as f64);
    let (name, detail) = match message {
        FrameMessage::PaymentFailed {
            session_id,
            code,
            message,
        } => (
            events::PAYMENT_FAILED,
            object(&[
                ("sessionId", session_id.into()),
                ("code", code.into()),
                ("message", message.into()),
            ]),
        ),
        FrameMessage::DiscountApplied {
            session_id,
            code,
            amount_off,
            total_due_today,
            currency,
        } => (
            events::DISCOUNT_APPLIED,
            object(&[
                ("sessionId", session_id.into()),
                ("code", code.into()),
                ("amountOff", amount(amount_off)),
                ("totalDueToday", amount(total_due_today)),
                ("currency", currency.into()),
            ]),
        ),
        FrameMessage::DiscountRemoved {
            session_id,
            total_due_today,
            currency,
        } => (
            events::DISCOUNT_REMOVED,
            object(&[
                ("sessionId", session_id.into()),
                ("totalDueToday", amount(total_due_today)),
                ("currency", currency.into()),
            ]),
        ),
        _ => return,
    };
    events::emit(host, name, &detail, false);
}

/// Whether a message ends the checkout (paid or left).
fn ends(message: &FrameMessage) -> bool {
    matches!(
        message,
        FrameMessage::Success { .. } | FrameMessage::Cancel { .. }
    )
}

/// An open checkout (overlay or inline frame), as `mount()`'s handle
/// reaches it to close it.
#[derive(Clone)]
pub struct OpenFrame(Rc<dyn Fn() -> bool>);

impl OpenFrame {
    /// Ends the checkout from the page's code: closes the overlay (or
    /// removes the inline frame) and fires `checkout-cancel` if it had not
    /// ended, without a redirect. `false`, changing nothing, while a payment
    /// is processing (the charge may land anyway) or once nothing is open.
    pub fn close(&self) -> bool {
        (self.0)()
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
/// `configure({locale})`'s, else the browser's. `parent` is the `cw-root`
/// of a shadow root: it carries the element's `lang` (`views::render`), or
/// none (`open()`'s), and no ancestor inside its shadow tree has one.
fn overlay_lang(parent: &Element) -> Lang {
    let tag = parent.get_attribute("lang");
    Lang::of(
        &tag.or_else(|| super::config::defaults().locale)
            .unwrap_or_else(browser::browser_locale),
    )
}

/// What `control` (the JS overlay's, `js/custom-element.js`) is asked.
struct Overlay;

impl Overlay {
    /// Whether a payment is processing.
    const PROCESSING: u32 = 0;
    /// A payment started (the close button refuses, and says why).
    const STARTED: u32 = 1;
    /// It stopped.
    const STOPPED: u32 = 2;
    /// Says again why it cannot close.
    const REFUSE: u32 = 3;
    /// Closes and removes the dialog, gives the page its scroll and the
    /// trigger its focus back; `false` when it was closed already.
    const CLOSE: u32 = 4;
    /// A cancel without the cancel URL's redirect, unless a payment is
    /// processing; `true` when it closed.
    const LEAVE: u32 = 5;
}

/// What an open overlay keeps alive until it closes: its frame's message
/// listener and the `cancel` callback the JS helper calls.
type Held = (Scope, Closure<dyn Fn(bool)>);

/// Asks the overlay's `control` one of the [`Overlay`] questions.
fn ask(control: &js_sys::Function, op: u32) -> bool {
    control
        .call1(&JsValue::NULL, &JsValue::from_f64(op.into()))
        .is_ok_and(|answer| answer.as_bool() == Some(true))
}

/// Opens the hosted checkout in a modal dialog inside `parent` (a shadow root's
/// element). Escape and the close button cancel, except while a payment is
/// processing: then the close button is `aria-disabled` and a status line
/// says why. The modal dialog traps focus, which returns to the trigger on
/// close; the page behind does not scroll. `on_closed` runs once, after the
/// events and the redirect. The returned handle closes it from code.
///
/// The dialog itself (its markup, listeners and processing state) is the
/// JS helper's (`openOverlay` in `js/custom-element.js`): a fraction of the
/// bytes the same in Rust costs. Here: the frame's messages and the events.
pub fn open_overlay(
    parent: &Element,
    host: EventTarget,
    url: &str,
    session_id: &str,
    cancel_url: Option<String>,
    // Boxed, not generic: the overlay's code is in the bundle once.
    on_closed: Box<dyn FnOnce(Outcome)>,
) -> OpenFrame {
    let lang = overlay_lang(parent);
    let control: Rc<std::cell::OnceCell<js_sys::Function>> = Rc::default();
    // The listeners, until it closes (then dropped after the events).
    let held: Rc<Cell<Option<Held>>> = Rc::default();
    let closed = Cell::new(Some(on_closed));
    let events_to = host.clone();
    let finish: Rc<dyn Fn(FrameMessage)> = {
        let (control, held) = (control.clone(), held.clone());
        Rc::new(move |message: FrameMessage| {
            if !control.get().is_some_and(|c| ask(c, Overlay::CLOSE)) {
                return;
            }
            settle(&host, &message);
            let success = matches!(message, FrameMessage::Success { .. });
            let session_id = match &message {
                FrameMessage::Success { session_id, .. }
                | FrameMessage::Cancel { session_id, .. } => session_id.clone(),
                _ => String::new(),
            };
            if let Some(on_closed) = closed.take() {
                on_closed(Outcome {
                    success,
                    session_id,
                });
            }
            // Listeners go last: this closure is one of them.
            if let Some(held) = held.take() {
                super::promise::spawn(Box::pin(async move { drop(held) }));
            }
        })
    };
    // Escape, the close button, the browser closing the dialog: a cancel
    // (the JS helper refuses it mid-payment).
    let cancel = {
        let (finish, session_id) = (finish.clone(), session_id.to_owned());
        Closure::<dyn Fn(bool)>::new(move |redirect: bool| {
            finish(FrameMessage::Cancel {
                session_id: session_id.clone(),
                redirect_url: cancel_url.clone().filter(|_| redirect),
            })
        })
    };
    let opened = super::js::open_overlay(
        parent,
        &embed_url(url, "overlay"),
        Msg::Checkout.text(lang),
        Msg::CloseCheckout.text(lang),
        Msg::PaymentInProgress.text(lang),
        lang.code(),
        lang.dir(),
        cancel.as_ref().unchecked_ref(),
    );
    // (`net::get` reads objects only; this is a function.)
    let frame: HtmlIFrameElement = js_sys::Reflect::get(&opened, &"frame".into())
        .unwrap_or_default()
        .unchecked_into();
    let _ = control.set(opened.clone());
    let scope = Scope::default();
    listen(
        &scope,
        &frame,
        url,
        Box::new(move |message| match message {
            FrameMessage::Processing { processing: on, .. } => {
                ask(
                    &opened,
                    if on {
                        Overlay::STARTED
                    } else {
                        Overlay::STOPPED
                    },
                );
            }
            // The hosted page's own cancel link, mid-payment: refused like Escape.
            FrameMessage::Cancel { .. } if ask(&opened, Overlay::PROCESSING) => {
                ask(&opened, Overlay::REFUSE);
            }
            message if ends(&message) => {
                ask(&opened, Overlay::STOPPED);
                finish(message)
            }
            message => {
                if matches!(message, FrameMessage::PaymentFailed { .. }) {
                    ask(&opened, Overlay::STOPPED);
                }
                report(&events_to, &message)
            }
        }),
    );
    held.set(Some((scope, cancel)));
    OpenFrame(Rc::new(move || {
        control.get().is_some_and(|c| ask(c, Overlay::LEAVE))
    }))
}

/// Shows the hosted checkout inside `parent`, as tall as its content. The
/// returned scope keeps its listeners; drop it with the view. The handle
/// removes the frame from code (refused while a payment is processing).
pub fn inline_frame(
    parent: &Element,
    host: EventTarget,
    url: &str,
    session_id: &str,
) -> (Scope, OpenFrame) {
    let scope = Scope::default();
    let frame = iframe(url, "inline", "cw-inline-frame", overlay_lang(parent));
    set_height(&frame, 640.0);
    dom::append(parent, &[frame.as_ref()]);
    let settled = Rc::new(Cell::new(false));
    let processing = Rc::new(Cell::new(false));
    let (sized, ended, busy, events_to) = (
        frame.clone(),
        settled.clone(),
        processing.clone(),
        host.clone(),
    );
    let reloaded = processing.clone();
    scope.listen(frame.as_ref(), "load", move |_| reloaded.set(false));
    listen(
        &scope,
        &frame,
        url,
        Box::new(move |message| match message {
            FrameMessage::Resize { height } if height.is_finite() && height > 0.0 => {
                set_height(&sized, height.clamp(200.0, 10_000.0))
            }
            FrameMessage::Resize { .. } => {}
            FrameMessage::Processing { processing: on, .. } => busy.set(on),
            // Leaving for the cancel URL mid-payment: refused, as `close()` is.
            FrameMessage::Cancel { .. } if busy.get() => {}
            other if ends(&other) => {
                busy.set(false);
                if !ended.replace(true) {
                    settle(&events_to, &other);
                }
            }
            other => {
                if matches!(other, FrameMessage::PaymentFailed { .. }) {
                    busy.set(false);
                }
                report(&events_to, &other)
            }
        }),
    );
    let session_id = session_id.to_owned();
    let close = OpenFrame(Rc::new(move || {
        if processing.get() || frame.parent_node().is_none() {
            return false;
        }
        frame.remove();
        if !settled.replace(true) {
            events::emit(
                &host,
                events::CANCEL,
                &object(&[("sessionId", session_id.as_str().into())]),
                false,
            );
        }
        true
    }));
    (scope, close)
}

fn set_height(frame: &HtmlIFrameElement, height: f64) {
    // CSSOM, not a style attribute: allowed under style-src 'self'.
    let _ = super::js::set_height(frame, height);
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::embed::net::object;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn only_our_messages_are_read() {
        let paid = |amount: JsValue| {
            object(&[
                ("source", "checkout-widget".into()),
                ("type", "success".into()),
                ("sessionId", "cs_1".into()),
                ("redirectUrl", "https://m/ok".into()),
                ("amountTotal", amount),
                ("currency", "USD".into()),
                ("purchaseId", "pur_1".into()),
                ("subscriptionId", JsValue::NULL),
            ])
        };
        assert_eq!(
            parse_message(&paid(JsValue::from_f64(4900.0))),
            Some(FrameMessage::Success {
                session_id: "cs_1".into(),
                redirect_url: "https://m/ok".into(),
                amount_total: 4900,
                currency: "USD".into(),
                purchase_id: Some("pur_1".into()),
                subscription_id: None,
            })
        );
        // A number sent as a string, an object, a boolean: the whole message is dropped.
        for wrong in [JsValue::from_str("4900"), object(&[]), JsValue::TRUE] {
            assert_eq!(parse_message(&paid(wrong)), None);
        }
        let other = object(&[("source", "other".into()), ("type", "success".into())]);
        assert_eq!(parse_message(&other), None);
        assert_eq!(parse_message(&JsValue::from_str("text")), None);
        assert_eq!(parse_message(&JsValue::NULL), None);
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
