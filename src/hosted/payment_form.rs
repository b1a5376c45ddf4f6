//! The payment form: email and card, checked as the customer types, and a pay
//! button that cannot charge twice.

use super::form::{Field, PaymentForm};
use crate::browser;
use crate::client::HostedClient;
use crate::money::format_money;
use checkout_protocol::{card, CheckoutSessionType, ConfirmPaymentRequest, HostedCheckoutSession};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Codes after which the session must be read again (paid elsewhere, expired).
const SESSION_GONE: [&str; 3] = ["checkout_session_not_open", "checkout_session_expired", "checkout_session_not_found"];

/// The form that pays an open session.
#[component]
pub fn PaymentFormView(
    /// The open session.
    session: HostedCheckoutSession,
    /// The hosted-page API.
    client: StoredValue<HostedClient, LocalStorage>,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
    /// Called when the session changed under us and must be reloaded.
    on_session_changed: Callback<()>,
) -> impl IntoView {
    let locked_email = session.customer_email.clone().filter(|e| !e.trim().is_empty());
    let email = RwSignal::new(locked_email.clone().unwrap_or_default());
    let card_number = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let cvc = RwSignal::new(String::new());
    let touched = RwSignal::new(Vec::<Field>::new());
    let submitted = RwSignal::new(false);
    let alert = RwSignal::new(String::new());

    let form = move || PaymentForm { email: email.get(), card_number: card_number.get(), expiry: expiry.get(), cvc: cvc.get() };
    let shown_error = move |field: Field| {
        let f = form();
        // A full-length card number is judged at once, before the customer leaves the field.
        let complete_number = field == Field::CardNumber
            && card::digits_of(&f.card_number).is_some_and(|d| d.len() >= if f.brand() == card::CardBrand::Amex { 15 } else { 16 });
        let visible = submitted.get() || touched.with(|t| t.contains(&field)) || complete_number;
        visible.then(|| f.field_error(field, browser::utc_year_month())).flatten()
    };
    let touch = move |field: Field| touched.update(|t| if !t.contains(&field) { t.push(field) });

    let id = session.id.clone();
    let pay = Action::new_local(move |request: &ConfirmPaymentRequest| {
        let request = request.clone();
        let id = id.clone();
        async move {
            let Some(client) = client.try_get_value() else { return false };
            match client.confirm(&id, &request).await {
                Ok(paid) => match browser::navigate(&paid.redirect_url) {
                    Ok(()) => true,
                    Err(e) => {
                        alert.set(e.message());
                        false
                    }
                },
                Err(e) if SESSION_GONE.contains(&e.code()) => {
                    on_session_changed.run(());
                    false
                }
                Err(e) => {
                    alert.set(e.message());
                    false
                }
            }
        }
    });
    let pending = pay.pending();
    let redirecting = pay.value();
    let busy = move || pending.get() || redirecting.get() == Some(true);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy() {
            return;
        }
        submitted.set(true);
        match form().to_request(browser::utc_year_month()) {
            Ok(request) => {
                alert.set(String::new());
                pay.dispatch_local(request);
            }
            Err(errors) => {
                if let Some((field, message)) = errors.first() {
                    alert.set((*message).to_owned());
                    focus(field.input_id());
                }
            }
        }
    };

    let trial = session.trial_days.filter(|d| *d > 0).is_some() && session.total_due_today == 0;
    let pay_label = if session.session_type == CheckoutSessionType::AddPaymentMethod {
        // Nothing is charged, so the button must not say "Pay".
        "Save card".to_owned()
    } else if trial {
        "Start trial".to_owned()
    } else {
        format!("Pay {}", format_money(session.total_due_today, &session.currency, &locale))
    };
    let button_text = move || if busy() { "Processing…".to_owned() } else { pay_label.clone() };
    let cancel = session.cancel_url.clone().map(|url| {
        let merchant = session.merchant_name.clone();
        view! { <a class="co-cancel" href=url>{format!("Cancel and return to {merchant}")}</a> }
    });
    let brand = move || {
        let b = card::CardBrand::detect(&card_number.get());
        (b != card::CardBrand::Unknown).then(|| b.display_name())
    };

    view! {
        <section class="co-pay" aria-labelledby="co-pay-title">
            <h2 id="co-pay-title" class="co-section-title">"Payment details"</h2>
            <form class="co-form" novalidate on:submit=on_submit>
                <FormField field=Field::Email value=email error=Signal::derive(move || shown_error(Field::Email))
                    on_blur=Callback::new(move |()| touch(Field::Email)) readonly=locked_email.is_some()/>
                <fieldset class="co-card-fields">
                    <legend class="co-legend">"Card information"</legend>
                    <FormField field=Field::CardNumber value=card_number error=Signal::derive(move || shown_error(Field::CardNumber))
                        on_blur=Callback::new(move |()| touch(Field::CardNumber))>
                        <span class="co-brand" aria-live="polite">{brand}</span>
                    </FormField>
                    <div class="co-row">
                        <FormField field=Field::Expiry value=expiry error=Signal::derive(move || shown_error(Field::Expiry))
                            on_blur=Callback::new(move |()| touch(Field::Expiry))/>
                        <FormField field=Field::Cvc value=cvc error=Signal::derive(move || shown_error(Field::Cvc))
                            on_blur=Callback::new(move |()| touch(Field::Cvc))/>
                    </div>
                </fieldset>
                <p class="co-alert" role="alert">{move || alert.get()}</p>
                <button
                    type="submit"
                    class="cw-button co-pay-button"
                    aria-disabled=move || busy().to_string()
                    aria-busy=move || busy().to_string()
                >
                    <span class="co-spinner" aria-hidden="true" hidden=move || !busy()></span>
                    {button_text}
                </button>
                {cancel}
            </form>
        </section>
    }
}

/// A labelled input with its error message below it, tied together for
/// assistive technology (`aria-invalid`, `aria-describedby`).
#[component]
fn FormField(
    /// Which field.
    field: Field,
    /// What is typed, reformatted as the customer types.
    value: RwSignal<String>,
    /// The message to show, if any.
    error: Signal<Option<&'static str>>,
    /// Called when the customer leaves the field.
    on_blur: Callback<()>,
    /// Locked (a prefilled email the customer may not change).
    #[prop(optional)]
    readonly: bool,
    /// Shown inside the input's box, e.g. the card brand.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let attrs = field.input_attributes();
    view! {
        <div class="co-field" class:co-field-invalid=move || error.get().is_some()>
            <label class="co-label" for=field.input_id()>{field.label()}</label>
            <div class="co-input-wrap">
                <input
                    id=field.input_id()
                    class="co-input"
                    type=attrs.input_type
                    name=attrs.name
                    inputmode=attrs.inputmode
                    autocomplete=attrs.autocomplete
                    placeholder=(!attrs.placeholder.is_empty()).then_some(attrs.placeholder)
                    maxlength=attrs.maxlength
                    required
                    readonly=readonly
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=move || error.get().map(|_| field.error_id())
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(field.format_input(&event_target_value(&ev)))
                    on:blur=move |_| on_blur.run(())
                />
                {children.map(|c| c())}
            </div>
            <p class="co-field-error" id=field.error_id()>{move || error.get().unwrap_or_default()}</p>
        </div>
    }
}

fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
