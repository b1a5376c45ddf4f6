//! `<PaymentMethods>`: saved cards with the default marked, and a button that
//! opens the hosted page to add one.

use crate::billing::{use_billing, use_locale, AddPaymentMethodParams};
use crate::i18n::{fill, page::Msg, widget, Lang, Message};
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
    let billing = use_billing();
    let lang = Lang::of(&use_locale());
    let add = Action::new_local(move |params: &AddPaymentMethodParams| {
        let params = params.clone();
        async move {
            billing
                .create_add_payment_method_checkout_session(params)
                .await
                .map(|_| ())
        }
    });
    let pending = add.pending();
    let busy = move || pending.get() || matches!(add.value().get(), Some(Ok(())));
    let error = move || match add.value().get() {
        Some(Err(e)) => e.message_in(lang),
        _ => String::new(),
    };
    let on_add = move |_| {
        if busy() {
            return;
        }
        add.dispatch_local(AddPaymentMethodParams {
            success_url: success_url.clone(),
            cancel_url: cancel_url.clone(),
            // A new card backs the current plan, as customers expect.
            target_subscription_id: billing.current_subscription().map(|s| s.id),
            auto_redirect: true,
            ..Default::default()
        });
    };
    let list = move || {
        let methods = billing.payment_methods();
        if methods.is_empty() {
            return view! { <p class="cw-muted">{Msg::NoPaymentMethods.text(lang)}</p> }.into_any();
        }
        view! { <ul class="cw-list">{methods.into_iter().map(|m| method_row(m, lang)).collect_view()}</ul> }.into_any()
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

fn method_row(method: PaymentMethod, lang: Lang) -> impl IntoView {
    let (name, detail) = match method.card() {
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
    };
    view! {
        <li class="cw-list-row">
            <span class="cw-list-main">{name}</span>
            {detail.map(|d| view! { <span class="cw-muted">{d}</span> })}
            {method.default.then(|| view! { <span class="cw-badge">{Msg::Default.text(lang)}</span> })}
        </li>
    }
}
