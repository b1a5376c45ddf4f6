//! The order summary beside the payment form: line items, totals, and the
//! promotion-code field.

use crate::browser;
use crate::client::HostedClient;
use crate::format::interval_phrase;
use crate::i18n::{fill, page::Msg, plural, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{
    CheckoutSessionType, HostedCheckoutSession, HostedLineItem, QuantityBounds,
};
use leptos::prelude::*;

/// Line items, subtotal, discount, what is due today and what recurs.
#[component]
pub fn OrderSummary(
    /// The session to summarise; re-rendered when a discount changes it.
    session: Signal<HostedCheckoutSession>,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
    /// The hosted-page API, for the promotion-code field.
    client: StoredValue<HostedClient, LocalStorage>,
    /// Receives the session after a code is applied or removed.
    on_updated: Callback<HostedCheckoutSession>,
) -> impl IntoView {
    let first = session.get_untracked();
    if first.session_type == CheckoutSessionType::AddPaymentMethod {
        return view! { <SetupSummary merchant=first.merchant_name.clone() lang=Lang::of(&locale)/> }.into_any();
    }
    let codes_allowed = first.allow_promotion_codes == Some(true) || first.discount_code.is_some();
    let lang = Lang::of(&locale);
    // Adjustable quantity (issue 16, item 8): outside the re-rendered body,
    // so focus stays on the control while the totals change.
    let quantity = first.adjustable_quantity.map(|bounds| {
        view! { <QuantityControl session bounds client on_updated locale=locale.clone()/> }
    });
    let body = move || summary_body(&session.get(), &locale);
    view! {
        <section class="co-summary" aria-labelledby="co-summary-title">
            {body}
            {quantity}
            {codes_allowed.then(|| view! { <PromotionCode session client on_updated lang/> })}
        </section>
    }
    .into_any()
}

fn summary_body(session: &HostedCheckoutSession, locale: &str) -> impl IntoView {
    let lang = Lang::of(locale);
    let money = |amount: i64| format_money(amount, &session.currency, locale);
    let headline = match (&session.invoice_number, session.line_items.as_slice()) {
        (Some(number), _) => fill(Msg::InvoiceNumber.text(lang), &[number]),
        (None, [only]) => only.name.clone(),
        _ => Msg::YourOrder.text(lang).to_owned(),
    };
    let recurring = session.recurring.as_ref().map(|r| {
        money(r.amount) + " " + &interval_phrase(r.interval_unit, r.interval_count, locale)
    });
    let trial = session.trial_days.filter(|d| *d > 0);
    let (hero, hero_sub) = match (trial, &recurring) {
        (Some(days), Some(then)) => (
            plural(Msg::DaysFree, days, locale),
            Some(fill(Msg::ThenAmount.text(lang), &[then])),
        ),
        // The totals already say what follows ("Then …"); no need to say it twice.
        (None, Some(_)) => (money(session.total_due_today), None),
        _ => (money(session.total_due_today), None),
    };
    let lines = session
        .line_items
        .iter()
        .map(|item| line_view(item, &session.currency, locale))
        .collect_view();
    let discount_row = (session.discount > 0).then(|| {
        let label = match (&session.discount_name, &session.discount_code) {
            (Some(name), Some(code)) => format!("{name} ({code})"),
            (None, Some(code)) => code.clone(),
            (Some(name), None) => name.clone(),
            (None, None) => Msg::Discount.text(lang).to_owned(),
        };
        view! {
            <div class="co-total-row co-total-discount">
                <dt>{label}</dt>
                <dd>{format!("−{}", money(session.discount))}</dd>
            </div>
        }
    });
    let recurring_row = recurring.map(|then| {
        let label = match trial {
            Some(days) => plural(Msg::AfterTrial, days, locale),
            None => Msg::Then.text(lang).to_owned(),
        };
        view! {
            <div class="co-total-row co-total-recurring">
                <dt>{label}</dt>
                <dd>{then}</dd>
            </div>
        }
    });
    view! {
        <p class="co-merchant" dir="auto">{session.merchant_name.clone()}</p>
        <h1 id="co-summary-title" class="co-headline" dir="auto">{headline}</h1>
        <p class="co-hero-amount">{hero}</p>
        {hero_sub.map(|s| view! { <p class="co-hero-sub">{s}</p> })}
        <ul class="co-lines" aria-label=Msg::Items.text(lang)>{lines}</ul>
        <dl class="co-totals">
            <div class="co-total-row">
                <dt>{Msg::Subtotal.text(lang)}</dt>
                <dd>{money(session.subtotal)}</dd>
            </div>
            {discount_row}
            <div class="co-total-row co-total-due">
                <dt>{Msg::TotalDueToday.text(lang)}</dt>
                <dd>{money(session.total_due_today)}</dd>
            </div>
            {recurring_row}
        </dl>
    }
}

fn line_view(item: &HostedLineItem, currency: &str, locale: &str) -> impl IntoView {
    let money = |amount: i64| format_money(amount, currency, locale);
    let interval = item
        .interval_unit
        .map(|unit| {
            format!(
                " {}",
                interval_phrase(unit, item.interval_count.unwrap_or(1), locale)
            )
        })
        .unwrap_or_default();
    let quantity = (item.quantity > 1).then(|| {
        let count = crate::intl::format_count(locale, item.quantity);
        fill(
            Msg::QuantityTimes.text(Lang::of(locale)),
            &[&count, &money(item.unit_amount)],
        )
    });
    view! {
        <li class="co-line">
            <div class="co-line-text">
                <span class="co-line-name" dir="auto">{item.name.clone()}</span>
                {item.description.clone().map(|d| view! { <span class="co-line-description" dir="auto">{d}</span> })}
                {quantity.map(|q| view! { <span class="co-line-quantity">{q}</span> })}
            </div>
            <span class="co-line-amount">{format!("{}{}", money(item.amount), interval)}</span>
        </li>
    }
}

/// The promotion-code field: apply a code (an unknown or expired one gets an
/// inline error) or remove the applied one; totals update in place. Focus
/// follows the control that replaces the one used, and a status says what
/// happened.
#[component]
fn PromotionCode(
    session: Signal<HostedCheckoutSession>,
    client: StoredValue<HostedClient, LocalStorage>,
    on_updated: Callback<HostedCheckoutSession>,
    lang: Lang,
) -> impl IntoView {
    let id = session.get_untracked().id;
    let open = RwSignal::new(false);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let change = Action::new_local(move |new_code: &Option<String>| {
        let (id, new_code) = (id.clone(), new_code.clone());
        async move {
            let Some(client) = client.try_get_value() else {
                return;
            };
            match client.apply_discount(&id, new_code.as_deref()).await {
                Ok(updated) => {
                    let (said, next) = match &updated.discount_code {
                        Some(applied) => {
                            (fill(Msg::PromoApplied.text(lang), &[applied]), REMOVE_ID)
                        }
                        None => (Msg::PromoRemoved.text(lang).to_owned(), TOGGLE_ID),
                    };
                    error.set(String::new());
                    code.set(String::new());
                    open.set(false);
                    status.set(said);
                    crate::hosted::embedding::post_discount(&updated);
                    on_updated.run(updated);
                    browser::restore_focus_to(next);
                }
                Err(e) => error.set(super::error_text(&e, lang)),
            }
        }
    });
    let pending = change.pending();
    let apply = move || {
        let typed = code.get_untracked().trim().to_owned();
        if typed.is_empty() {
            error.set(Msg::EnterPromo.text(lang).to_owned());
        } else if !pending.get_untracked() {
            change.dispatch_local(Some(typed));
        }
    };
    let applied = move || session.with(|s| s.discount_code.clone());
    let field = move || {
        match applied() {
        Some(applied) => view! {
            <div class="co-promo co-promo-applied">
                <span class="cw-badge">{applied.clone()}</span>
                <button type="button" id=REMOVE_ID class="co-link-button" aria-label=fill(Msg::RemovePromo.text(lang), &[&applied])
                    on:click=move |_| { if !pending.get_untracked() { change.dispatch_local(None); } }>
                    {Msg::Remove.text(lang)}
                </button>
            </div>
        }
        .into_any(),
        None if !open.get() => view! {
            <button type="button" id=TOGGLE_ID class="co-link-button co-promo-toggle"
                on:click=move |_| {
                    open.set(true);
                    browser::restore_focus_to(INPUT_ID);
                }>
                {Msg::AddPromo.text(lang)}
            </button>
        }
        .into_any(),
        None => view! {
            <div class="co-promo">
                <label class="co-label" for=INPUT_ID>{Msg::PromoCode.text(lang)}</label>
                <div class="co-promo-row">
                    <input
                        id=INPUT_ID
                        class="co-input"
                        type="text"
                        autocomplete="off"
                        autocapitalize="characters"
                        maxlength="64"
                        aria-invalid=move || (!error.get().is_empty()).to_string()
                        aria-describedby=move || (!error.get().is_empty()).then_some("promotion-code-error")
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            // Enter applies the code instead of submitting the payment form.
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                apply();
                            }
                        }
                    />
                    <button type="button" class="cw-button cw-button-secondary" aria-busy=move || pending.get().to_string()
                        on:click=move |_| apply()>{Msg::Apply.text(lang)}</button>
                </div>
                <p class="co-field-error" id="promotion-code-error" aria-live="polite">{move || error.get()}</p>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        {field}
        <p class="cw-visually-hidden" role="status">{move || status.get()}</p>
    }
}

/// The quantity stepper of a session whose merchant lets the customer
/// choose: −/+ buttons around a number input (arrow keys step, Enter or
/// leaving the field applies what was typed), clamped to the bounds; each
/// change is posted and the new total is announced.
#[component]
fn QuantityControl(
    session: Signal<HostedCheckoutSession>,
    bounds: QuantityBounds,
    client: StoredValue<HostedClient, LocalStorage>,
    on_updated: Callback<HostedCheckoutSession>,
    locale: String,
) -> impl IntoView {
    let lang = Lang::of(&locale);
    let id = session.get_untracked().id;
    let current = move || session.with(|s| s.line_items.first().map_or(1, |l| l.quantity));
    let typed = RwSignal::new(current().to_string());
    let error = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let updating = use_context::<QuantityUpdating>();
    let change = Action::new_local(move |quantity: &u32| {
        let (id, quantity, locale) = (id.clone(), *quantity, locale.clone());
        if let Some(QuantityUpdating(u)) = updating {
            u.set(true);
        }
        async move {
            let answer = match client.try_get_value() {
                Some(client) => Some(client.change_quantity(&id, quantity).await),
                None => None,
            };
            if let Some(QuantityUpdating(u)) = updating {
                u.try_set(false);
            }
            let Some(answer) = answer else { return };
            match answer {
                Ok(updated) => {
                    let total = format_money(updated.total_due_today, &updated.currency, &locale);
                    let count = crate::intl::format_count(&locale, quantity);
                    error.set(String::new());
                    typed.set(quantity.to_string());
                    status.set(fill(Msg::QuantityUpdated.text(lang), &[&count, &total]));
                    on_updated.run(updated);
                }
                Err(e) => {
                    error.set(super::error_text(&e, lang));
                    typed.set(current().to_string());
                }
            }
        }
    });
    let pending = change.pending();
    let request = move |quantity: u32| {
        let quantity = bounds.clamp(quantity);
        typed.set(quantity.to_string());
        if quantity != session.with_untracked(|s| s.line_items.first().map_or(1, |l| l.quantity))
            && !pending.get_untracked()
        {
            change.dispatch_local(quantity);
        }
    };
    let apply_typed = move || match typed.get_untracked().trim().parse::<u32>() {
        Ok(q) => request(q),
        Err(_) => typed.set(current().to_string()),
    };
    let step = move |up: bool| {
        let now = session.with_untracked(|s| s.line_items.first().map_or(1, |l| l.quantity));
        request(if up {
            now.saturating_add(1)
        } else {
            now.saturating_sub(1)
        });
    };
    let at_min = move || current() <= bounds.minimum;
    let at_max = move || current() >= bounds.maximum;
    view! {
        <div class="co-quantity">
            <label class="co-label" for=QUANTITY_ID>{Msg::Quantity.text(lang)}</label>
            <div class="co-quantity-row">
                <button type="button" class="cw-button cw-button-secondary co-quantity-step"
                    aria-label=Msg::DecreaseQuantity.text(lang) aria-controls=QUANTITY_ID
                    aria-disabled=move || at_min().to_string()
                    on:click=move |_| { if !at_min() { step(false) } }>"−"</button>
                <input id=QUANTITY_ID class="co-input co-quantity-input" type="number" inputmode="numeric"
                    min=bounds.minimum max=bounds.maximum step="1"
                    aria-describedby="quantity-range quantity-error"
                    aria-busy=move || pending.get().to_string()
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                    on:change=move |_| apply_typed()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                        // One request per step, from the server's quantity.
                        "ArrowUp" | "ArrowDown" => {
                            ev.prevent_default();
                            step(ev.key() == "ArrowUp");
                        }
                        "Enter" => {
                            ev.prevent_default();
                            apply_typed();
                        }
                        _ => {}
                    }/>
                <button type="button" class="cw-button cw-button-secondary co-quantity-step"
                    aria-label=Msg::IncreaseQuantity.text(lang) aria-controls=QUANTITY_ID
                    aria-disabled=move || at_max().to_string()
                    on:click=move |_| { if !at_max() { step(true) } }>"+"</button>
            </div>
            <p class="co-hint" id="quantity-range">
                {fill(Msg::QuantityRange.text(lang), &[&bounds.minimum.to_string(), &bounds.maximum.to_string()])}
            </p>
            <p class="co-field-error" id="quantity-error" aria-live="polite">{move || error.get()}</p>
            <p class="cw-visually-hidden" role="status">{move || status.get()}</p>
        </div>
    }
}

/// The quantity input.
const QUANTITY_ID: &str = "quantity";

/// True while a quantity change is on its way: the pay button waits, so a
/// payment never charges a total the page has not shown yet.
#[derive(Debug, Clone, Copy)]
pub struct QuantityUpdating(pub RwSignal<bool>);

impl QuantityUpdating {
    /// Whether a change is on its way.
    pub fn get(self) -> bool {
        self.0.get()
    }
}

/// The promotion-code input.
const INPUT_ID: &str = "promotion-code";
/// "Add promotion code", which opens the field.
const TOGGLE_ID: &str = "promotion-code-toggle";
/// "Remove", beside an applied code.
const REMOVE_ID: &str = "promotion-code-remove";

/// Saving a card: nothing is bought, so say what happens instead of totals.
#[component]
fn SetupSummary(merchant: String, lang: Lang) -> impl IntoView {
    view! {
        <section class="co-summary" aria-labelledby="co-summary-title">
            <p class="co-merchant">{merchant.clone()}</p>
            <h1 id="co-summary-title" class="co-headline">{Msg::SetupTitle.text(lang)}</h1>
            <p class="co-hero-sub">{fill(Msg::SetupBody.text(lang), &[&merchant])}</p>
        </section>
    }
}
