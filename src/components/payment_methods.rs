//! `<PaymentMethods>`: saved cards with the default marked, "Make default"
//! and "Remove" (with a confirmation) on each — our extensions beyond
//! Flowglad's protocol — and a button that opens the hosted page to add one.

use super::request::Request;
use crate::billing::{use_billing, use_locale, AddPaymentMethodParams, UseBillingReturn};
use crate::browser;
use crate::i18n::{fill, panel::Msg, widget, Lang, Message};
use checkout_protocol::card::CardBrand;
use checkout_protocol::PaymentMethod;
use leptos::prelude::*;

/// The signed-in customer's payment methods and "Add payment method".
#[component]
pub fn PaymentMethods(
    /// Where the hosted page returns after saving.
    #[prop(into)]
    success_url: String,
    /// Where it returns on cancel.
    #[prop(into)]
    cancel_url: String,
) -> impl IntoView {
    super::styles::uses(super::styles::chunk::PAYMENT_METHODS);
    let billing = use_billing();
    let lang = Lang::of(&use_locale());
    let add = Request::new();
    let busy = move || add.pending() || matches!(add.outcome(), Some(Ok(())));
    let error = move || match add.outcome() {
        Some(Err(e)) => e.message_in(lang),
        _ => String::new(),
    };
    let on_add = move |_| {
        if busy() {
            return;
        }
        let params = AddPaymentMethodParams {
            success_url: success_url.clone(),
            cancel_url: cancel_url.clone(),
            // A new card backs the current plan, as customers expect.
            target_subscription_id: billing.current_subscription().map(|s| s.id),
            auto_redirect: true,
            ..Default::default()
        };
        add.send(async move {
            billing
                .create_add_payment_method_checkout_session(params)
                .await
                .map(|_| ())
        });
    };
    let list = move || {
        let methods = billing.payment_methods();
        if methods.is_empty() {
            return view! { <p class="cw-muted">{Msg::NoPaymentMethods.text(lang)}</p> }.into_any();
        }
        view! { <ul class="cw-list">{methods.into_iter().map(|m| view! { <MethodRow method=m billing lang/> }).collect_view()}</ul> }.into_any()
    };
    view! {
        {list}
        <button type="button" class="cw-button cw-button-secondary" aria-disabled=move || busy().to_string()
            aria-busy=move || busy().to_string() on:click=on_add>
            {move || if busy() { Msg::Opening.text(lang) } else { widget::Msg::AddPaymentMethod.text(lang) }}
        </button>
        <p class="cw-error" role="alert">{error}</p>
    }
}

/// What a card is called in the list and in the removal question, and its expiry line.
fn card_words(method: &PaymentMethod, lang: Lang) -> (String, Option<String>) {
    match method.card() {
        Some(card) => {
            let brand = CardBrand::detect_name(&card.brand);
            (
                format!("{brand} •••• {}", card.last4),
                Some(fill(
                    Msg::Expires.text(lang),
                    &[&format!("{:02}/{:02}", card.exp_month, card.exp_year % 100)],
                )),
            )
        }
        None => (method.method_type.replace('_', " "), None),
    }
}

/// What a card row asks the server to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardAction {
    MakeDefault,
    Remove,
}

/// One saved card: name, expiry, the default badge, and its actions.
#[component]
fn MethodRow(method: PaymentMethod, billing: UseBillingReturn, lang: Lang) -> impl IntoView {
    let (name, detail) = card_words(&method, lang);
    let confirming = RwSignal::new(false);
    let remove_id = format!("cw-card-remove-{}", method.id);
    let confirm_id = format!("cw-card-confirm-{}", method.id);
    let question_id = format!("cw-card-question-{}", method.id);
    // Stored, so `run` stays `Copy` for the buttons that share it.
    let id = StoredValue::new(method.id.clone());
    let change = Request::new();
    let run = move |what: CardAction| {
        if !change.pending_untracked() {
            confirming.set(false);
            let id = id.get_value();
            change.send(async move {
                let result = match what {
                    CardAction::MakeDefault => billing.set_default_payment_method(&id).await,
                    CardAction::Remove => billing.remove_payment_method(&id).await,
                };
                result.map(|_| ())
            });
        }
    };
    let error = move || match change.outcome() {
        Some(Err(e)) => e.message_in(lang),
        _ => String::new(),
    };
    let make_default = (!method.default).then(|| {
        view! {
            <button type="button" class="cw-button cw-button-secondary" aria-busy=move || change.pending().to_string()
                on:click=move |_| run(CardAction::MakeDefault)>{Msg::MakeDefault.text(lang)}</button>
        }
    });
    let question = fill(Msg::RemoveCardQuestion.text(lang), &[&name]);
    let remove = move || {
        let (remove_id, confirm_id, question_id) =
            (remove_id.clone(), confirm_id.clone(), question_id.clone());
        if confirming.get() {
            let described_by = question_id.clone();
            view! {
                // Focused when it appears, so its question is read first.
                <div class="cw-confirm" id=confirm_id role="group" aria-label=question.clone()
                    aria-describedby=described_by tabindex="-1">
                    <p id=question_id>{question.clone()}</p>
                    <button type="button" class="cw-button cw-button-danger" on:click=move |_| run(CardAction::Remove)>
                        {Msg::RemoveCard.text(lang)}
                    </button>
                    <button type="button" class="cw-button cw-button-secondary" on:click=move |_| {
                        confirming.set(false);
                        browser::restore_focus_to(&remove_id);
                    }>
                        {Msg::KeepCard.text(lang)}
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button type="button" id=remove_id class="cw-button cw-button-secondary"
                    aria-busy=move || change.pending().to_string()
                    on:click=move |_| {
                        confirming.set(true);
                        browser::restore_focus_to(&confirm_id);
                    }>{Msg::RemoveCard.text(lang)}</button>
            }
            .into_any()
        }
    };
    view! {
        <li class="cw-list-row cw-card-row">
            <span class="cw-list-main">{name}</span>
            {detail.map(|d| view! { <span class="cw-muted">{d}</span> })}
            {method.default.then(|| view! { <span class="cw-badge">{Msg::Default.text(lang)}</span> })}
            <div class="cw-actions">{make_default}{remove}</div>
            <p class="cw-error" role="alert">{error}</p>
        </li>
    }
}
