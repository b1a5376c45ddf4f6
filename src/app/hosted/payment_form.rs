//! The payment form: email, card and (when the session asks) billing address,
//! checked as the customer types, and a pay button that cannot charge twice.

use super::authentication::AuthenticationDialog;
use super::tax_id::{TaxIdFields, TaxIdSection};
use crate::browser;
use crate::client::HostedClient;
use crate::hosted::countries;
use crate::hosted::form::{preselected_card, saved_card_label, AddressForm, Field, PaymentForm};
use crate::i18n::{fill, page::Msg, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{
    card, BillingAddressCollection, CheckoutSessionType, ConfirmPaymentRequest,
    ConfirmPaymentResponse, HostedCheckoutSession, NextAction, PendingAuthentication,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Codes after which the session must be read again (paid elsewhere,
/// expired, or waiting for a bank's challenge the page does not show yet).
const SESSION_GONE: [&str; 4] = [
    "checkout_session_not_open",
    "checkout_session_expired",
    "checkout_session_not_found",
    "authentication_pending",
];

/// One signal per field, so each input owns its value.
#[derive(Clone, Copy)]
struct Values(StoredValue<HashMap<Field, RwSignal<String>>>);

impl Values {
    fn new(initial: &[(Field, String)]) -> Self {
        let map = Field::PAYMENT
            .iter()
            .chain(Field::ADDRESS.iter())
            .map(|&f| {
                let start = initial
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (f, RwSignal::new(start))
            })
            .collect();
        Self(StoredValue::new(map))
    }

    fn signal(self, field: Field) -> RwSignal<String> {
        // Every field was inserted in `new`; a fresh signal keeps this total anyway.
        self.0
            .with_value(|m| m.get(&field).copied())
            .unwrap_or_else(|| RwSignal::new(String::new()))
    }

    fn get(self, field: Field) -> String {
        self.signal(field).get()
    }
}

/// The form that pays (or, for a setup session, saves a card for) an open session.
#[component]
pub fn PaymentFormView(
    /// The open session; totals change when a discount is applied.
    session: Signal<HostedCheckoutSession>,
    /// The hosted-page API.
    client: StoredValue<HostedClient, LocalStorage>,
    /// BCP 47 locale for amounts and country names.
    #[prop(into)]
    locale: String,
    /// Called when the session changed under us and must be reloaded.
    on_session_changed: Callback<()>,
) -> impl IntoView {
    let first = session.get_untracked();
    let lang = Lang::of(&locale);
    let locked_email = first
        .customer_email
        .clone()
        .filter(|e| !e.trim().is_empty());
    let collects_address =
        first.billing_address_collection == Some(BillingAddressCollection::Required);
    // Tax IDs (issue 16, item 8): offered when the merchant collects them.
    let tax_fields = (first.tax_id_collection == Some(true)).then(TaxIdFields::new);
    let values = Values::new(&[
        (Field::Email, locked_email.clone().unwrap_or_default()),
        (
            Field::Country,
            countries::country_of_locale(&locale)
                .unwrap_or_default()
                .to_owned(),
        ),
    ]);
    // Saved cards (issue 16): the one chosen, `None` for "use a new card".
    let saved_cards = first.saved_payment_methods.clone();
    let chosen = RwSignal::new(preselected_card(&saved_cards));
    let touched = RwSignal::new(Vec::<Field>::new());
    let submitted = RwSignal::new(false);
    let alert = RwSignal::new(String::new());
    // The field error a screen reader hears as the customer goes: politely,
    // once, and never for a submit (the alert above the button says it then).
    let announced: RwSignal<Option<(Field, Msg)>> = RwSignal::new(None);
    let deferred_announcement: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
    // True while a submit moves focus to the first wrong field: the blur that
    // causes is not the customer leaving a field.
    let submit_moves_focus = StoredValue::new(false);

    let form = move || PaymentForm {
        email: values.get(Field::Email),
        card_number: values.get(Field::CardNumber),
        expiry: values.get(Field::Expiry),
        cvc: values.get(Field::Cvc),
        address: collects_address.then(|| AddressForm {
            name: values.get(Field::Name),
            line1: values.get(Field::Line1),
            line2: values.get(Field::Line2),
            city: values.get(Field::City),
            state: values.get(Field::State),
            postal_code: values.get(Field::PostalCode),
            country: values.get(Field::Country),
        }),
        saved_card: chosen.get(),
    };
    let shown_error = move |field: Field| {
        let f = form();
        // A full-length card number is judged at once, before the customer leaves the field.
        let complete_number = field == Field::CardNumber && card_number_complete(&f.card_number);
        let visible = submitted.get() || touched.with(|t| t.contains(&field)) || complete_number;
        visible
            .then(|| f.field_error(field, browser::utc_year_month()))
            .flatten()
    };
    let touch = move |field: Field| {
        touched.update(|t| {
            if !t.contains(&field) {
                t.push(field)
            }
        })
    };
    let announce = move |field: Field| {
        // The form may be gone by the time a deferred announcement runs.
        if announced.try_get_untracked().is_none() {
            return;
        }
        if let Some(message) = shown_error(field) {
            if announced.get_untracked() != Some((field, message)) {
                announced.set(Some((field, message)));
            }
        }
    };
    // Leaving a field shows its error, and says it. When focus leaves for the
    // pay button (a click on Pay), the submit's alert will say it instead:
    // wait a moment, and stay quiet if the submit comes.
    let leave = move |field: Field, to_submit: bool| {
        touch(field);
        if submit_moves_focus.try_get_value() == Some(true) {
            return;
        }
        if to_submit {
            let handle =
                set_timeout_with_handle(move || announce(field), Duration::from_millis(500)).ok();
            deferred_announcement.set_value(handle);
        } else {
            announce(field);
        }
    };
    let cancel_deferred_announcement = move || {
        if let Some(handle) = deferred_announcement.try_get_value().flatten() {
            handle.clear();
            deferred_announcement.set_value(None);
        }
    };
    on_cleanup(cancel_deferred_announcement);
    // A full-length card number that fails is said at once, as it is shown.
    Effect::new(move |previous: Option<Option<Msg>>| {
        let number = values.get(Field::CardNumber);
        let judged = card_number_complete(&number)
            .then(|| {
                let typed = PaymentForm {
                    card_number: number,
                    ..PaymentForm::default()
                };
                typed.field_error(Field::CardNumber, browser::utc_year_month())
            })
            .flatten();
        if let Some(message) = judged {
            if previous.flatten() != Some(message)
                && announced.get_untracked() != Some((Field::CardNumber, message))
            {
                announced.set(Some((Field::CardNumber, message)));
            }
        }
        judged
    });
    // A fixed (or changed) error is no longer news: empty the region, so the
    // same mistake made again is said again.
    Effect::new(move |_| {
        if let Some((field, message)) = announced.get() {
            if shown_error(field) != Some(message) {
                announced.set(None);
            }
        }
    });

    // 3-D Secure (issue 16): the bank's challenge waiting on this payment,
    // from the confirm's answer or, after a reload, from the session.
    let challenge: RwSignal<Option<PendingAuthentication>> =
        RwSignal::new(first.authentication.clone());
    let id = first.id.clone();
    let first_id = first.id.clone();
    let pay = Action::new_local(move |request: &ConfirmPaymentRequest| {
        let request = request.clone();
        let id = id.clone();
        async move {
            let Some(client) = client.try_get_value() else {
                return false;
            };
            crate::hosted::embedding::post_processing(&id, true);
            let answer = client.confirm(&id, &request).await;
            // Said after the outcome's own message, so the page around us
            // never sees a gap between "not processing" and "paid". While
            // the bank's challenge waits nothing is charged: not processing.
            let outcome = match answer {
                Ok(answer) if answer.next_action == Some(NextAction::Authenticate) => {
                    match answer.checkout_session.authentication {
                        Some(pending) => challenge.set(Some(pending)),
                        None => on_session_changed.run(()),
                    }
                    false
                }
                Ok(paid) => leave_paid(&paid, alert, lang, on_session_changed),
                Err(e) if SESSION_GONE.contains(&e.code()) => {
                    on_session_changed.run(());
                    false
                }
                Err(e) => {
                    if e.is_payment_refused() {
                        crate::hosted::embedding::post_payment_failed(&id, e.code(), &e.message());
                    }
                    alert.set(super::error_text(&e, lang));
                    false
                }
            };
            crate::hosted::embedding::post_processing(&id, false);
            outcome
        }
    });
    let pending = pay.pending();
    let redirecting = pay.value();
    // Paid through the bank's challenge: the page is leaving.
    let authenticated = RwSignal::new(false);
    let busy = move || pending.get() || redirecting.get() == Some(true) || authenticated.get();
    let challenge_paid = Callback::new(move |paid: ConfirmPaymentResponse| {
        let leaving = leave_paid(&paid, alert, lang, on_session_changed);
        authenticated.set(leaving);
        challenge.set(None);
    });
    let challenge_ended = Callback::new(move |e: crate::error::BillingError| {
        challenge.set(None);
        if e.is_payment_refused() {
            crate::hosted::embedding::post_payment_failed(&first_id, e.code(), &e.message());
        }
        if SESSION_GONE.contains(&e.code()) {
            on_session_changed.run(());
            return;
        }
        // Once the modal is gone (the page behind it is inert until then):
        // say why in the alert, and go back to the card to try again.
        let said = super::error_text(&e, lang);
        set_timeout(
            move || {
                alert.set(said);
                focus(Field::CardNumber.input_id());
            },
            Duration::ZERO,
        );
    });
    let dialog = {
        let (session_id, merchant, locale) = (
            first.id.clone(),
            first.merchant_name.clone(),
            locale.clone(),
        );
        move || {
            challenge.get().map(|pending| {
                view! {
                    <AuthenticationDialog session_id=session_id.clone() pending merchant=merchant.clone()
                        locale=locale.clone() client on_paid=challenge_paid on_ended=challenge_ended/>
                }
            })
        }
    };
    // A quantity change on its way: the total on the button is about to change.
    let quantity_updating = use_context::<super::summary::QuantityUpdating>();
    let updating = move || quantity_updating.is_some_and(|u| u.get());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        cancel_deferred_announcement();
        if busy() || updating() {
            return;
        }
        submitted.set(true);
        let tax_id = tax_fields.map(TaxIdFields::to_request).transpose();
        match form().to_request(browser::utc_year_month()) {
            Ok(_) if tax_id.is_err() => {
                if let (Err(problem), Some(fields)) = (tax_id, tax_fields) {
                    alert.set(fields.problem_text(problem, lang));
                    focus(super::tax_id::VALUE_ID);
                }
            }
            Ok(mut request) => {
                request.tax_id = tax_id.ok().flatten().flatten();
                alert.set(String::new());
                pay.dispatch_local(request);
            }
            Err(errors) => {
                if let Some((field, message)) = errors.first() {
                    alert.set(message.text(lang).to_owned());
                    submit_moves_focus.set_value(true);
                    focus(field.input_id());
                    submit_moves_focus.set_value(false);
                }
            }
        }
    };

    let pay_label = {
        let locale = locale.clone();
        move || pay_label(&session.get(), &locale)
    };
    let button_text = move || {
        if busy() {
            Msg::Processing.text(lang).to_owned()
        } else {
            pay_label()
        }
    };
    let busy_status = if first.session_type == CheckoutSessionType::AddPaymentMethod {
        Msg::SavingCard.text(lang)
    } else {
        Msg::ProcessingPayment.text(lang)
    };
    let cancel = first.cancel_url.clone().map(|url| {
        let merchant = first.merchant_name.clone();
        let (session_id, target) = (first.id.clone(), url.clone());
        let on_click = move |ev: leptos::ev::MouseEvent| {
            if crate::hosted::embedding::is_embedded() {
                ev.prevent_default();
                crate::hosted::embedding::post_cancel(&session_id, Some(&target));
            }
        };
        view! { <a class="co-cancel" href=url on:click=on_click>{fill(Msg::CancelReturn.text(lang), &[&merchant])}</a> }
    });
    let brand = move || {
        let b = card::CardBrand::detect(&values.get(Field::CardNumber));
        (b != card::CardBrand::Unknown).then(|| b.display_name())
    };
    let field = move |f: Field| {
        view! {
            <FormField field=f lang value=values.signal(f) error=Signal::derive(move || shown_error(f))
                on_blur=Callback::new(move |to_submit| leave(f, to_submit))/>
        }
    };
    let saved_choice = (!saved_cards.is_empty()).then(|| {
        let options = saved_cards
            .iter()
            .map(|card| {
                let input_id = format!("saved-card-{}", card.id);
                let (checked_id, picked_id) = (card.id.clone(), card.id.clone());
                view! {
                    <div class="co-choice">
                        <input type="radio" class="co-radio" id=input_id.clone() name="payment-method" value=card.id.clone()
                            prop:checked=move || chosen.get().as_deref() == Some(checked_id.as_str())
                            on:change=move |_| chosen.set(Some(picked_id.clone()))/>
                        <label for=input_id>{saved_card_label(card, lang)}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="co-card-fields co-saved-cards">
                <legend class="co-legend">{Msg::PaymentMethod.text(lang)}</legend>
                {options}
                <div class="co-choice">
                    <input type="radio" class="co-radio" id="saved-card-new" name="payment-method" value=""
                        prop:checked=move || chosen.get().is_none()
                        on:change=move |_| chosen.set(None)/>
                    <label for="saved-card-new">{Msg::UseNewCard.text(lang)}</label>
                </div>
            </fieldset>
        }
    });
    let address = collects_address.then(|| {
        let countries = countries::countries(&locale);
        view! {
            <fieldset class="co-card-fields">
                <legend class="co-legend">{Msg::BillingAddress.text(lang)}</legend>
                {field(Field::Name)}
                <CountryField value=values.signal(Field::Country) countries names_lang=locale.clone() lang
                    error=Signal::derive(move || shown_error(Field::Country))
                    on_blur=Callback::new(move |to_submit| leave(Field::Country, to_submit))/>
                {field(Field::Line1)}
                {field(Field::Line2)}
                <div class="co-row">{field(Field::City)}{field(Field::PostalCode)}</div>
                {field(Field::State)}
            </fieldset>
        }
    });

    view! {
        <section class="co-pay" aria-labelledby="co-pay-title">
            <h2 id="co-pay-title" class="co-section-title">{Msg::PaymentDetails.text(lang)}</h2>
            <form class="co-form" novalidate on:submit=on_submit>
                <FormField field=Field::Email lang value=values.signal(Field::Email)
                    error=Signal::derive(move || shown_error(Field::Email))
                    on_blur=Callback::new(move |to_submit| leave(Field::Email, to_submit)) readonly=locked_email.is_some()/>
                {saved_choice}
                // With a saved card chosen the card fields are not there at
                // all, so nothing asks for them; what was typed is kept.
                <Show when=move || chosen.get().is_none()>
                    <fieldset class="co-card-fields">
                        <legend class="co-legend">{Msg::CardInformation.text(lang)}</legend>
                        <FormField field=Field::CardNumber lang value=values.signal(Field::CardNumber)
                            error=Signal::derive(move || shown_error(Field::CardNumber))
                            on_blur=Callback::new(move |to_submit| leave(Field::CardNumber, to_submit))>
                            <span class="co-brand" aria-live="polite">{brand}</span>
                        </FormField>
                        <div class="co-row">{field(Field::Expiry)}{field(Field::Cvc)}</div>
                    </fieldset>
                </Show>
                {address}
                {tax_fields.map(|fields| view! { <TaxIdSection fields lang/> })}
                <p class="co-alert" role="alert">{move || alert.get()}</p>
                <p class="cw-visually-hidden" aria-live="polite">
                    {move || announced.get().map(|(field, message)| fill(Msg::FieldProblem.text(lang), &[field.label().text(lang), message.text(lang)]))}
                </p>
                <p class="cw-visually-hidden" role="status">
                    {move || busy().then_some(busy_status)}
                </p>
                <button
                    type="submit"
                    class="cw-button co-pay-button"
                    aria-disabled=move || (busy() || updating()).to_string()
                    aria-busy=move || busy().to_string()
                >
                    <span class="co-spinner" aria-hidden="true" hidden=move || !busy()></span>
                    {button_text}
                </button>
                {cancel}
            </form>
            {dialog}
        </section>
    }
}

/// Sends the customer on after a payment: the page around us decides when
/// embedded, else the browser goes to the signed success URL. `true` when
/// the page is leaving; else the reason is in `alert`.
fn leave_paid(
    paid: &ConfirmPaymentResponse,
    alert: RwSignal<String>,
    lang: Lang,
    on_session_changed: Callback<()>,
) -> bool {
    // A paid answer always has one; the session's own is the same URL.
    let Some(url) = paid
        .redirect_url
        .as_deref()
        .or(paid.checkout_session.success_redirect_url.as_deref())
    else {
        return false;
    };
    if crate::hosted::embedding::is_embedded() {
        // The page around us redirects (or not, if its code says so).
        crate::hosted::embedding::post_success(&paid.checkout_session, url);
        return true;
    }
    // No success URL: this page itself shows the receipt (and keeps its ?theme=).
    if browser::is_current_page(url) {
        on_session_changed.run(());
        return true;
    }
    match browser::navigate(url) {
        Ok(()) => true,
        Err(e) => {
            alert.set(e.message_in(lang));
            false
        }
    }
}

/// "Pay $49.00", "Start trial", or "Save card" for a setup session.
fn pay_label(session: &HostedCheckoutSession, locale: &str) -> String {
    let lang = Lang::of(locale);
    let trial = session.trial_days.filter(|d| *d > 0).is_some() && session.total_due_today == 0;
    if session.session_type == CheckoutSessionType::AddPaymentMethod {
        // Nothing is charged, so the button must not say "Pay".
        Msg::SaveCard.text(lang).to_owned()
    } else if trial {
        Msg::StartTrial.text(lang).to_owned()
    } else {
        fill(
            Msg::Pay.text(lang),
            &[&format_money(
                session.total_due_today,
                &session.currency,
                locale,
            )],
        )
    }
}

/// A labelled input with its error message below it, tied together for
/// assistive technology (`aria-invalid`, `aria-describedby`).
#[component]
fn FormField(
    /// Which field.
    field: Field,
    /// The language of its label and error.
    lang: Lang,
    /// What is typed, reformatted as the customer types.
    value: RwSignal<String>,
    /// The message to show, if any.
    error: Signal<Option<Msg>>,
    /// Called when the customer leaves the field; `true` when focus goes to the pay button.
    on_blur: Callback<bool>,
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
            <label class="co-label" for=field.input_id()>{field.label().text(lang)}</label>
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
                    required=!field.optional()
                    readonly=readonly
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=move || error.get().map(|_| field.error_id())
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(field.format_input(&event_target_value(&ev)))
                    on:blur=move |ev| on_blur.run(moves_to_submit(&ev))
                />
                {children.map(|c| c())}
            </div>
            <p class="co-field-error" id=field.error_id()>{move || error.get().map(|m| m.text(lang))}</p>
        </div>
    }
}

/// The country as a select of every country, named in the customer's language.
#[component]
fn CountryField(
    /// The chosen code.
    value: RwSignal<String>,
    /// (code, name), sorted by name.
    countries: Vec<(&'static str, String)>,
    /// The language the names are in (the page's own may differ), for screen readers;
    /// on each country's option, as "Choose…" is in the page's language.
    names_lang: String,
    /// The language of the label, "Choose…" and the error.
    lang: Lang,
    /// The message to show, if any.
    error: Signal<Option<Msg>>,
    /// Called when the customer leaves the field; `true` when focus goes to the pay button.
    on_blur: Callback<bool>,
) -> impl IntoView {
    let field = Field::Country;
    let options = countries
        .into_iter()
        .map(|(code, name)| view! { <option value=code lang=names_lang.clone() selected=move || value.get() == code>{name}</option> })
        .collect_view();
    view! {
        <div class="co-field" class:co-field-invalid=move || error.get().is_some()>
            <label class="co-label" for=field.input_id()>{field.label().text(lang)}</label>
            <select
                id=field.input_id()
                class="co-input"
                name="country"
                autocomplete="billing country"
                required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=move || error.get().map(|_| field.error_id())
                on:change=move |ev| value.set(event_target_value(&ev))
                on:blur=move |ev| on_blur.run(moves_to_submit(&ev))
            >
                <option value="" selected=move || value.get().is_empty()>{Msg::Choose.text(lang)}</option>
                {options}
            </select>
            <p class="co-field-error" id=field.error_id()>{move || error.get().map(|m| m.text(lang))}</p>
        </div>
    }
}

/// Whether a card number has all its digits (15 for American Express, else 16),
/// so it can be judged before the customer leaves the field.
fn card_number_complete(number: &str) -> bool {
    let full = if card::CardBrand::detect(number) == card::CardBrand::Amex {
        15
    } else {
        16
    };
    card::digits_of(number).is_some_and(|d| d.len() >= full)
}

/// Whether a blur hands focus to a submit button (a click on Pay, or Tab to it).
pub(super) fn moves_to_submit(ev: &web_sys::FocusEvent) -> bool {
    ev.related_target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.matches("button[type=submit]").unwrap_or(false))
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
