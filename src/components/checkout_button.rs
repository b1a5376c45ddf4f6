//! `<CheckoutButton>`: one click creates a checkout session and goes to the
//! hosted page; a second click while that runs does nothing.
//!
//! Drawn as one HTML string inside its `.cw-checkout` wrapper (see
//! [`super::plain`]). [`Checkout`] (the call) and [`push_button`] (the
//! markup) are what a component drawing a checkout button inside its own
//! string uses too.

use super::plain::{plain_view, push_attr, push_escaped, Plain};
use super::request::Request;
use super::state::State;
use crate::billing::params::PriceCheckout;
use crate::billing::use_locale;
use crate::billing::{use_billing, CheckoutSessionCreated, UseBillingReturn};
use crate::error::BillingError;
use crate::i18n::{widget::Msg, Lang, Message};
use leptos::prelude::*;

/// A button that starts a checkout for one price.
///
/// While the session is being created (and while the browser leaves for the
/// hosted page) it is marked busy and ignores clicks, so a double click can
/// never create two sessions. Failures appear below it in a `role="alert"`.
#[component]
pub fn CheckoutButton(
    /// The price's slug (give this or `price_id`).
    #[prop(into, optional)]
    price_slug: Option<String>,
    /// The price's id (give this or `price_slug`).
    #[prop(into, optional)]
    price_id: Option<String>,
    /// Units to buy (default 1).
    #[prop(into, optional)]
    quantity: Option<Signal<u32>>,
    /// Where to go after paying; may contain `{CHECKOUT_SESSION_ID}`.
    #[prop(into)]
    success_url: String,
    /// Where to go on cancel.
    #[prop(into)]
    cancel_url: String,
    /// Visible text (default "Checkout").
    #[prop(into, optional)]
    label: Option<Signal<String>>,
    /// Accessible name, when the visible text needs context; must contain the visible text.
    #[prop(into, optional)]
    aria_label: Option<Signal<String>>,
    /// Extra class on the button.
    #[prop(into, optional)]
    class: Option<String>,
    /// Handles the created session instead of redirecting to it (the embed
    /// uses this to fire events and open overlays).
    #[prop(optional_no_strip)]
    on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure (the alert below the button shows it too).
    #[prop(optional_no_strip)]
    on_error: Option<Callback<BillingError>>,
) -> impl IntoView {
    super::styles::uses(super::styles::chunk::CHECKOUT_BUTTON);
    let checkout = Checkout::new(CheckoutTarget {
        price_id,
        price_slug,
        success_url,
        cancel_url,
        on_created,
        on_error,
    });
    let class = match class {
        Some(extra) => ["cw-button ", extra.as_str()].concat(),
        None => "cw-button".to_owned(),
    };
    plain_view(Plain {
        tag: "div",
        class: "cw-checkout",
        draw: Box::new(move || {
            let label = label.map(|l| l.get());
            let aria_label = aria_label.map(|l| l.get());
            let mut out = String::new();
            push_button(
                &mut out,
                &ButtonMarkup {
                    class: &class,
                    label: label.as_deref(),
                    aria_label: aria_label.as_deref(),
                    busy: checkout.busy(),
                    error: &checkout.error(),
                    lang: checkout.lang(),
                },
            );
            out
        }),
        on_event: Box::new(move |event, _| {
            if event.type_() == "click" {
                checkout.start(quantity.map_or(1, |q| q.get_untracked()));
            }
        }),
        after_draw: None,
    })
}

/// What a checkout is for and who hears how it went.
pub(crate) struct CheckoutTarget {
    /// The price's id (or give `price_slug`).
    pub price_id: Option<String>,
    /// The price's slug (or give `price_id`).
    pub price_slug: Option<String>,
    /// Where to go after paying.
    pub success_url: String,
    /// Where to go on cancel.
    pub cancel_url: String,
    /// Handles the created session instead of redirecting to it.
    pub on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure.
    pub on_error: Option<Callback<BillingError>>,
}

/// One price's checkout: the session call, one at a time. Made in a
/// component's body, so the callbacks run under its owner and find the
/// app's contexts.
#[derive(Clone, Copy)]
pub(crate) struct Checkout {
    billing: UseBillingReturn,
    create: Request,
    target: State<CheckoutTarget>,
    lang: Lang,
}

impl Checkout {
    /// A checkout of `target` through the provider's billing.
    pub(crate) fn new(target: CheckoutTarget) -> Self {
        Self {
            billing: use_billing(),
            create: Request::new(),
            target: State::new(target),
            // The customer's language, as the script-tag embed shows it.
            lang: Lang::of(&use_locale()),
        }
    }

    /// The language its words are in.
    pub(crate) fn lang(self) -> Lang {
        self.lang
    }

    /// Creating the session, or leaving for it (tracked). After a redirect
    /// the page is navigating away, so nothing re-enables; a handler may
    /// keep the page (overlay, SPA), and then the button comes back.
    pub(crate) fn busy(self) -> bool {
        let redirects = self.redirects();
        self.create.pending() || (redirects && matches!(self.create.outcome(), Some(Ok(()))))
    }

    /// Why the last attempt failed, in the customer's language (tracked).
    pub(crate) fn error(self) -> String {
        match self.create.outcome() {
            Some(Err(e)) => e.message_in(self.lang),
            _ => String::new(),
        }
    }

    /// Creates the session for `quantity` units, unless one is being
    /// created or the page is leaving: a double click sends one.
    pub(crate) fn start(self, quantity: u32) {
        let leaving =
            self.redirects() && self.create.outcome_untracked().is_some_and(|o| o.is_ok());
        if self.create.pending_untracked() || leaving {
            return;
        }
        let billing = self.billing;
        let Some(call) = self.target.with_untracked(|t| {
            let price = PriceCheckout {
                price_id: t.price_id.clone(),
                price_slug: t.price_slug.clone(),
                quantity,
                success_url: t.success_url.clone(),
                cancel_url: t.cancel_url.clone(),
                auto_redirect: t.on_created.is_none(),
            };
            let (on_created, on_error) = (t.on_created, t.on_error);
            billing.checkout_call(
                price,
                // The session goes to the handler, moved: the request keeps
                // only that it was created.
                Box::new(move |created| match created {
                    Ok(created) => {
                        if let Some(handler) = on_created {
                            handler.run(created);
                        }
                        Ok(())
                    }
                    Err(e) => {
                        if let Some(handler) = on_error {
                            handler.run(e.clone());
                        }
                        Err(e)
                    }
                }),
            )
        }) else {
            return;
        };
        self.create.call(call);
    }

    /// Whether a created session sends the browser away (no `on_created`).
    fn redirects(self) -> bool {
        self.target
            .with_untracked(|t| t.on_created.is_none())
            .unwrap_or(true)
    }
}

/// What a checkout button shows.
pub(crate) struct ButtonMarkup<'a> {
    /// Its whole class (`cw-button` and any extra).
    pub class: &'a str,
    /// Visible text (default "Checkout").
    pub label: Option<&'a str>,
    /// Accessible name with context.
    pub aria_label: Option<&'a str>,
    /// Creating the session or leaving: says "Redirecting…".
    pub busy: bool,
    /// The alert's text (empty: none).
    pub error: &'a str,
    /// The language of the default words.
    pub lang: Lang,
}

/// The button and its alert, the inside of a `<div class="cw-checkout">`.
pub(crate) fn push_button(out: &mut String, b: &ButtonMarkup) {
    let text = match (b.busy, b.label) {
        (true, _) => Msg::Redirecting.text(b.lang),
        (false, Some(label)) => label,
        (false, None) => Msg::Checkout.text(b.lang),
    };
    let busy = if b.busy { "true" } else { "false" };
    out.push_str(r#"<button type="button" part="button""#);
    push_attr(out, "class", b.class);
    push_attr(out, "aria-disabled", busy);
    push_attr(out, "aria-busy", busy);
    if let Some(aria_label) = b.aria_label {
        // While busy the name is what the button says.
        push_attr(out, "aria-label", if b.busy { text } else { aria_label });
    }
    out.push('>');
    push_escaped(out, text);
    out.push_str(r#"</button><p class="cw-error" part="error" role="alert">"#);
    push_escaped(out, b.error);
    out.push_str("</p>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(b: &ButtonMarkup) -> String {
        let mut out = String::new();
        push_button(&mut out, b);
        out
    }

    fn idle<'a>() -> ButtonMarkup<'a> {
        ButtonMarkup {
            class: "cw-button",
            label: None,
            aria_label: None,
            busy: false,
            error: "",
            lang: Lang::En,
        }
    }

    #[test]
    fn an_idle_button_says_checkout_and_has_an_empty_alert() {
        assert_eq!(
            drawn(&idle()),
            concat!(
                r#"<button type="button" part="button" class="cw-button" "#,
                r#"aria-disabled="false" aria-busy="false">Checkout</button>"#,
                r#"<p class="cw-error" part="error" role="alert"></p>"#
            )
        );
    }

    #[test]
    fn a_busy_button_says_redirecting_in_its_text_and_its_name() {
        let busy = ButtonMarkup {
            label: Some("Buy now"),
            aria_label: Some("Buy now: Pro"),
            busy: true,
            lang: Lang::De,
            ..idle()
        };
        assert_eq!(
            drawn(&busy),
            concat!(
                r#"<button type="button" part="button" class="cw-button" "#,
                r#"aria-disabled="true" aria-busy="true" aria-label="Weiterleitung…">Weiterleitung…</button>"#,
                r#"<p class="cw-error" part="error" role="alert"></p>"#
            )
        );
        let ready = ButtonMarkup {
            busy: false,
            ..busy
        };
        assert!(drawn(&ready).contains(r#"aria-label="Buy now: Pro">Buy now</button>"#));
    }

    #[test]
    fn labels_classes_and_errors_are_text() {
        let hostile = ButtonMarkup {
            class: r#"cw-button x" onclick="steal()"#,
            label: Some("<b>Buy</b>"),
            aria_label: Some(r#""Buy""#),
            error: "<script>alert(1)</script>",
            ..idle()
        };
        let html = drawn(&hostile);
        assert!(
            html.contains(r#"class="cw-button x&quot; onclick=&quot;steal()""#),
            "{html}"
        );
        assert!(
            html.contains(r#"aria-label="&quot;Buy&quot;">&lt;b&gt;Buy&lt;/b&gt;</button>"#),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
            "{html}"
        );
    }
}
