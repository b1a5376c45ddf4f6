//! `<CheckoutButton>`: one click creates a checkout session and goes to the
//! hosted page; a second click while that runs does nothing.

use super::request::Request;
use crate::billing::use_locale;
use crate::billing::{use_billing, CheckoutSessionCreated, CheckoutSessionParams};
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
    let billing = use_billing();
    let create = Request::<CheckoutSessionCreated>::new();
    // After a redirect the page is navigating away: stay busy so nothing
    // re-enables. A handler may keep the page (overlay, SPA): then re-enable.
    let redirects = on_created.is_none();
    let busy =
        move || create.pending() || (redirects && create.with_value(|v| matches!(v, Some(Ok(_)))));
    let lang = Lang::of(&use_locale());
    // The customer's language, as the script-tag embed shows it.
    let error = move || {
        create.with_value(|v| match v {
            Some(Err(e)) => e.message_in(lang),
            _ => String::new(),
        })
    };

    let on_click = move |_| {
        if busy() {
            return;
        }
        let params = CheckoutSessionParams {
            price_id: price_id.clone(),
            price_slug: price_slug.clone(),
            quantity: Some(quantity.map(|q| q.get_untracked()).unwrap_or(1)),
            success_url: success_url.clone(),
            cancel_url: cancel_url.clone(),
            auto_redirect: redirects,
            ..Default::default()
        };
        create.send(async move {
            let result = billing.create_checkout_session(params).await;
            match &result {
                Ok(created) => {
                    if let Some(handler) = on_created {
                        handler.run(created.clone());
                    }
                }
                Err(e) => {
                    if let Some(handler) = on_error {
                        handler.run(e.clone());
                    }
                }
            }
            result
        });
    };

    let text = move || {
        if busy() {
            Msg::Redirecting.text(lang).to_owned()
        } else {
            label
                .map(|l| l.get())
                .unwrap_or_else(|| Msg::Checkout.text(lang).to_owned())
        }
    };
    // One closure for both attributes: each distinct closure is its own
    // copy of Leptos's attribute effect in the wasm.
    let busy_attr = move || busy().to_string();
    let class = match class {
        Some(extra) => format!("cw-button {extra}"),
        None => "cw-button".to_owned(),
    };

    view! {
        <div class="cw-checkout">
            <button
                type="button"
                part="button"
                class=class
                aria-disabled=busy_attr
                aria-busy=busy_attr
                aria-label=move || aria_label.map(|l| if busy() { text() } else { l.get() })
                on:click=on_click
            >
                {text}
            </button>
            <p class="cw-error" part="error" role="alert">{error}</p>
        </div>
    }
}
