//! `<PriceCard>`: a product's price with its checkout button, and a quantity
//! field when the product is sold by the unit.

use super::CheckoutButton;
use crate::billing::params::parse_quantity;
use crate::billing::CheckoutSessionCreated;
use crate::error::BillingError;
use crate::format::{checkout_call_to_action, price_interval, trial_phrase};
use crate::i18n::{fill, page, widget::Msg, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{money::line_amount, Price, Product};
use leptos::prelude::*;

/// One price of a product, ready to buy.
#[component]
pub fn PriceCard(
    /// The product.
    product: Product,
    /// The price of it to sell.
    price: Price,
    /// Where to go after paying.
    #[prop(into)]
    success_url: String,
    /// Where to go on cancel.
    #[prop(into)]
    cancel_url: String,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
    /// Units to start with (default 1).
    #[prop(optional_no_strip)]
    quantity: Option<u32>,
    /// Button text instead of the price's call to action.
    #[prop(optional_no_strip)]
    label: Option<String>,
    /// The signed-in customer already has this price: mark it instead of selling it again.
    #[prop(optional)]
    current: bool,
    /// Handles the created session instead of redirecting (see `CheckoutButton`).
    #[prop(optional_no_strip)]
    on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure.
    #[prop(optional_no_strip)]
    on_error: Option<Callback<BillingError>>,
) -> impl IntoView {
    let amount = format_money(price.unit_price, &price.currency, &locale);
    let lang = Lang::of(&locale);
    let interval = price_interval(&price, &locale);
    let trial = price
        .trial_period_days
        .filter(|d| *d > 0)
        .map(|days| trial_phrase(days, &locale));
    let cta = label.unwrap_or_else(|| checkout_call_to_action(&price, &locale));
    let heading_id = format!("cw-price-{}", price.id);
    // A product sold monthly and yearly needs the interval to tell its cards apart.
    let title = match crate::format::interval_adjective(&price, lang) {
        Some(interval) => format!("{} · {interval}", product.name),
        None => product.name.clone(),
    };

    let quantity_text = RwSignal::new(quantity.unwrap_or(1).to_string());
    let quantity = Signal::derive(move || parse_quantity(&quantity_text.get()).unwrap_or(0));
    let quantity_field = product.has_adjustable_quantity().then(|| {
        let unit = price.unit_price;
        let currency = price.currency.clone();
        let locale = locale.clone();
        let input_id = format!("cw-qty-{}", price.id);
        let plural = product
            .plural_quantity_label
            .clone()
            .unwrap_or_else(|| Msg::Units.text(lang).to_owned());
        let total = move || match line_amount(unit, quantity.get()) {
            Some(total) if quantity.get() > 0 => fill(
                Msg::Total.text(lang),
                &[&format_money(total, &currency, &locale)],
            ),
            _ => String::new(),
        };
        view! {
            <div class="cw-quantity" part="quantity">
                <label for=input_id.clone()>{fill(Msg::Quantity.text(lang), &[&plural])}</label>
                <input
                    id=input_id
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max="1000000"
                    step="1"
                    prop:value=move || quantity_text.get()
                    on:input=move |ev| quantity_text.set(event_target_value(&ev))
                />
                <span class="cw-quantity-total" aria-live="polite">{total}</span>
            </div>
        }
    });

    let aria = fill(Msg::ButtonFor.text(lang), &[&cta, &title]);
    let labelled_by = heading_id.clone();
    view! {
        <article class="cw-card" part="card" aria-labelledby=labelled_by>
            <h3 id=heading_id class="cw-card-title" part="title" dir="auto">{title}</h3>
            {product.description.clone().map(|d| view! { <p class="cw-card-description" part="description" dir="auto">{d}</p> })}
            <p class="cw-card-price" part="price">
                <span class="cw-amount" part="amount">{amount}</span>
                {interval.map(|i| view! { <span class="cw-interval">{format!(" {i}")}</span> })}
            </p>
            {trial.map(|t| view! { <p class="cw-trial" part="trial">{t}</p> })}
            {quantity_field}
            {if current {
                view! { <p class="cw-current">{page::Msg::CurrentPlan.text(lang)}</p> }.into_any()
            } else {
                view! {
                    <CheckoutButton
                        price_id=price.id.clone()
                        quantity=quantity
                        success_url=success_url
                        cancel_url=cancel_url
                        label=cta
                        aria_label=aria
                        on_created=on_created
                        on_error=on_error
                    />
                }
                .into_any()
            }}
        </article>
    }
}
