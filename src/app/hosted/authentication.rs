//! The issuer's 3-D Secure challenge in test mode (issue 16): a modal
//! dialog that stands in for the bank, asking the customer to complete or
//! fail the authentication of the payment they just confirmed.
//!
//! A native `<dialog>` opened with `showModal()`: the page behind it is
//! inert, focus starts on "Complete authentication" and Tab cycles between
//! the two buttons. Escape does nothing — the bank's question is answered
//! with one of the buttons, as a real issuer's page offers no other way out
//! (a reload shows the dialog again until it is answered or expires).

use super::status::capitalise;
use crate::client::HostedClient;
use crate::error::BillingError;
use crate::i18n::{fill, page::Msg, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{
    AuthenticateRequest, AuthenticationOutcome, ConfirmPaymentResponse, PendingAuthentication,
};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The dialog's title, which labels it.
const TITLE_ID: &str = "co-3ds-title";
/// The first and last of its buttons, between which Tab cycles.
const COMPLETE_ID: &str = "co-3ds-complete";
const FAIL_ID: &str = "co-3ds-fail";

/// The simulated bank's challenge for one waiting payment.
#[component]
pub fn AuthenticationDialog(
    /// The session being paid.
    #[prop(into)]
    session_id: String,
    /// The challenge: which card, how much.
    pending: PendingAuthentication,
    /// Who is charging, as the bank names them.
    #[prop(into)]
    merchant: String,
    /// BCP 47 locale for the amount.
    #[prop(into)]
    locale: String,
    /// The hosted-page API.
    client: StoredValue<HostedClient, LocalStorage>,
    /// Called with the paid answer (completed and charged).
    on_paid: Callback<ConfirmPaymentResponse>,
    /// Called when the challenge ended without a payment (failed, declined
    /// after it, expired); the dialog is then closed by its owner.
    on_ended: Callback<BillingError>,
) -> impl IntoView {
    let lang = Lang::of(&locale);
    let authentication_id = pending.id.clone();
    let answer = Action::new_local(move |outcome: &AuthenticationOutcome| {
        let request = AuthenticateRequest {
            authentication_id: authentication_id.clone(),
            outcome: *outcome,
        };
        let id = session_id.clone();
        async move {
            let Some(client) = client.try_get_value() else {
                return;
            };
            // Completing charges the card: the page around us must not
            // close meanwhile (as for Pay), and hears the outcome first.
            crate::hosted::embedding::post_processing(&id, true);
            match client.authenticate(&id, &request).await {
                Ok(paid) => on_paid.run(paid),
                Err(e) => on_ended.run(e),
            }
            crate::hosted::embedding::post_processing(&id, false);
        }
    });
    let busy = answer.pending();
    // Once answered successfully the page leaves: stay busy until it does.
    let answered = RwSignal::new(false);
    let choose = move |outcome: AuthenticationOutcome| {
        if !busy.get_untracked() && !answered.get_untracked() {
            answered.set(outcome == AuthenticationOutcome::Succeeded);
            answer.dispatch_local(outcome);
        }
    };
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            focus_by_id(COMPLETE_ID);
        }
    });
    let brand = capitalise(&pending.card.brand);
    let body = fill(
        Msg::AuthenticateBody.text(lang),
        &[
            &merchant,
            &format_money(pending.amount, &pending.currency, &locale),
            &brand,
            &pending.card.last4,
        ],
    );
    let waiting = move || busy.get() || answered.get();
    view! {
        <dialog node_ref=dialog class="co-3ds" role="dialog" aria-modal="true"
            aria-labelledby=TITLE_ID aria-describedby="co-3ds-body"
            on:cancel=move |ev: leptos::ev::Event| {
                // Escape: the bank's question has to be answered.
                ev.prevent_default();
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| trap_tab(&ev)>
            <p class="co-3ds-bank" aria-hidden="true">
                // A bank's columns, drawn: no emoji font is needed.
                <svg class="co-3ds-logo" viewBox="0 0 24 24" width="22" height="22" focusable="false">
                    <path fill="currentColor" d="M12 2 2 7v2h20V7L12 2zM4 11v7h3v-7H4zm6.5 0v7h3v-7h-3zM17 11v7h3v-7h-3zM2 20v2h20v-2H2z"/>
                </svg>
                {Msg::BankName.text(lang)}
            </p>
            <h2 id=TITLE_ID class="co-3ds-title">{Msg::AuthenticateTitle.text(lang)}</h2>
            <p id="co-3ds-body" dir="auto">{body}</p>
            <p class="co-3ds-hint">{Msg::AuthenticateHint.text(lang)}</p>
            <p class="cw-visually-hidden" role="status">
                {move || waiting().then(|| Msg::Authenticating.text(lang))}
            </p>
            <div class="co-3ds-actions">
                <button type="button" id=COMPLETE_ID class="cw-button"
                    aria-disabled=move || waiting().to_string()
                    aria-busy=move || waiting().to_string()
                    on:click=move |_| choose(AuthenticationOutcome::Succeeded)>
                    {Msg::CompleteAuthentication.text(lang)}
                </button>
                <button type="button" id=FAIL_ID class="cw-button cw-button-secondary"
                    aria-disabled=move || waiting().to_string()
                    on:click=move |_| choose(AuthenticationOutcome::Failed)>
                    {Msg::FailAuthentication.text(lang)}
                </button>
            </div>
        </dialog>
    }
}

/// Keeps Tab inside the dialog: past the last button it comes back to the
/// first, and Shift+Tab before the first goes to the last.
fn trap_tab(ev: &web_sys::KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(|el| el.id())
        .unwrap_or_default();
    let wrap_to = match (ev.shift_key(), active.as_str()) {
        (false, FAIL_ID) => COMPLETE_ID,
        (true, COMPLETE_ID) => FAIL_ID,
        (_, COMPLETE_ID | FAIL_ID) => return,
        // Focus on the dialog itself (or its text): start from the first button.
        _ => COMPLETE_ID,
    };
    ev.prevent_default();
    focus_by_id(wrap_to);
}

fn focus_by_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
