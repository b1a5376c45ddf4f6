//! The order summary beside the payment form: line items and totals.

use crate::format::{interval_phrase, trial_phrase};
use crate::money::format_money;
use checkout_protocol::{CheckoutSessionType, HostedCheckoutSession, HostedLineItem};
use leptos::prelude::*;

/// Line items, subtotal, discount, what is due today and what recurs.
#[component]
pub fn OrderSummary(
    /// The session to summarise.
    session: HostedCheckoutSession,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
) -> impl IntoView {
    if session.session_type == CheckoutSessionType::AddPaymentMethod {
        return view! { <SetupSummary merchant=session.merchant_name.clone()/> }.into_any();
    }
    let money = {
        let currency = session.currency.clone();
        let locale = locale.clone();
        move |amount: i64| format_money(amount, &currency, &locale)
    };
    let headline = match session.line_items.as_slice() {
        [only] => only.name.clone(),
        _ => "Your order".to_owned(),
    };
    let recurring = session
        .recurring
        .as_ref()
        .map(|r| format!("{} {}", money(r.amount), interval_phrase(r.interval_unit, r.interval_count)));
    let trial = session.trial_days.filter(|d| *d > 0);
    let (hero, hero_sub) = match (trial, &recurring) {
        (Some(days), Some(then)) => (format!("{days} days free"), Some(format!("Then {then}"))),
        (None, Some(then)) => (money(session.total_due_today), Some(format!("Renews at {then}"))),
        _ => (money(session.total_due_today), None),
    };
    let lines = session
        .line_items
        .iter()
        .map(|item| line_view(item, &money))
        .collect_view();
    let discount_row = (session.discount > 0).then(|| {
        view! {
            <div class="co-total-row">
                <dt>"Discount"</dt>
                <dd>{format!("−{}", money(session.discount))}</dd>
            </div>
        }
    });
    let recurring_row = recurring.map(|then| {
        let label = match trial {
            Some(days) => format!("After your {}", trial_phrase(days)),
            None => "Then".to_owned(),
        };
        view! {
            <div class="co-total-row co-total-recurring">
                <dt>{label}</dt>
                <dd>{then}</dd>
            </div>
        }
    });

    view! {
        <section class="co-summary" aria-labelledby="co-summary-title">
            <p class="co-merchant">{session.merchant_name.clone()}</p>
            <h1 id="co-summary-title" class="co-headline">{headline}</h1>
            <p class="co-hero-amount">{hero}</p>
            {hero_sub.map(|s| view! { <p class="co-hero-sub">{s}</p> })}
            <ul class="co-lines" aria-label="Items">{lines}</ul>
            <dl class="co-totals">
                <div class="co-total-row">
                    <dt>"Subtotal"</dt>
                    <dd>{money(session.subtotal)}</dd>
                </div>
                {discount_row}
                <div class="co-total-row co-total-due">
                    <dt>"Total due today"</dt>
                    <dd>{money(session.total_due_today)}</dd>
                </div>
                {recurring_row}
            </dl>
        </section>
    }
    .into_any()
}

/// Saving a card: nothing is bought, so say what happens instead of totals.
#[component]
fn SetupSummary(merchant: String) -> impl IntoView {
    view! {
        <section class="co-summary" aria-labelledby="co-summary-title">
            <p class="co-merchant">{merchant.clone()}</p>
            <h1 id="co-summary-title" class="co-headline">"Save a payment method"</h1>
            <p class="co-hero-sub">
                {format!("{merchant} will keep this card on file for your future payments. Nothing is charged today.")}
            </p>
        </section>
    }
}

fn line_view(item: &HostedLineItem, money: &impl Fn(i64) -> String) -> impl IntoView {
    let interval = item
        .interval_unit
        .map(|unit| format!(" {}", interval_phrase(unit, item.interval_count.unwrap_or(1))))
        .unwrap_or_default();
    let quantity = (item.quantity > 1).then(|| format!("Qty {} × {}", item.quantity, money(item.unit_amount)));
    view! {
        <li class="co-line">
            <div class="co-line-text">
                <span class="co-line-name">{item.name.clone()}</span>
                {item.description.clone().map(|d| view! { <span class="co-line-description">{d}</span> })}
                {quantity.map(|q| view! { <span class="co-line-quantity">{q}</span> })}
            </div>
            <span class="co-line-amount">{format!("{}{}", money(item.amount), interval)}</span>
        </li>
    }
}
