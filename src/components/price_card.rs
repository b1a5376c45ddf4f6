//! `<PriceCard>`: a product's price with its checkout button, and a quantity
//! field when the product is sold by the unit.

use super::CheckoutButton;
use crate::billing::CheckoutSessionCreated;
use crate::error::BillingError;
use crate::i18n::{fill, panel, Message};
use crate::view_model::{PriceCardModel, QuantityFieldModel};
use checkout_protocol::{Price, Product, Quantity};
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
    /// The signed-in customer has another plan: offer "Switch plan" instead
    /// of a second checkout; called with the chosen quantity when clicked.
    #[prop(optional_no_strip)]
    on_switch: Option<Callback<u32>>,
    /// The id of the "Switch plan" button, so focus can return to it.
    #[prop(into, optional)]
    switch_id: Option<String>,
    /// Handles the created session instead of redirecting (see `CheckoutButton`).
    #[prop(optional_no_strip)]
    on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure.
    #[prop(optional_no_strip)]
    on_error: Option<Callback<BillingError>>,
) -> impl IntoView {
    let start = quantity.unwrap_or(1);
    let card = PriceCardModel::new(&product, &price, &locale, start, label);
    let lang = card.lang;
    // Without a field the starting quantity is still what the button buys.
    let quantity_text = RwSignal::new(start.to_string());
    // A plain closure, not a derived signal: one `Signal` type less in the wasm.
    let chosen = move || quantity_text.with(|text| QuantityFieldModel::parse(text));
    // An invalid quantity reaches the hook as 0 and gets its message there.
    let quantity = Signal::derive(move || chosen().map_or(0, Quantity::get));
    let quantity_field = card.quantity.clone().map(|field| {
        let total = {
            let field = field.clone();
            move || field.total(chosen())
        };
        view! {
            <div class="cw-quantity" part="quantity">
                <label for=field.input_id.clone()>{field.label}</label>
                <input
                    id=field.input_id
                    type="number"
                    inputmode="numeric"
                    min=field.min
                    max=field.max
                    step="1"
                    prop:value=move || quantity_text.get()
                    on:input=move |ev| quantity_text.set(event_target_value(&ev))
                />
                <span class="cw-quantity-total" aria-live="polite">{total}</span>
            </div>
        }
    });

    let labelled_by = card.heading_id.clone();
    let switch_label = fill(panel::Msg::SwitchPlanTo.text(lang), &[&card.title]);
    view! {
        <article class="cw-card" part="card" aria-labelledby=labelled_by>
            <h3 id=card.heading_id class="cw-card-title" part="title" dir="auto">{card.title}</h3>
            {card.description.map(|d| view! { <p class="cw-card-description" part="description" dir="auto">{d}</p> })}
            <p class="cw-card-price" part="price">
                <span class="cw-amount" part="amount">{card.amount}</span>
                {card.interval.map(|i| view! { <span class="cw-interval">{i}</span> })}
            </p>
            {card.trial.map(|t| view! { <p class="cw-trial" part="trial">{t}</p> })}
            {quantity_field}
            {if current || on_switch.is_some() {
                // The current plan is a disabled button where the others have
                // theirs (the card still says what the customer would
                // otherwise click); another plan offers "Switch plan". One
                // button for both, so Leptos draws one view type.
                let (class, id, aria_label, text) = if current {
                    ("cw-button cw-current", None, None, panel::Msg::CurrentPlan)
                } else {
                    ("cw-button", switch_id, Some(switch_label.clone()), panel::Msg::SwitchPlan)
                };
                view! {
                    <button type="button" id=id class=class aria-label=aria_label disabled=current
                        on:click=move |_| {
                            // An invalid quantity goes through as 0: the hook refuses it with its message.
                            if let Some(on_switch) = on_switch {
                                on_switch.run(quantity.get_untracked());
                            }
                        }>
                        {text.text(lang)}
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <CheckoutButton
                        price_id=price.id.clone()
                        quantity=quantity
                        success_url=success_url
                        cancel_url=cancel_url
                        label=card.button.label
                        aria_label=card.button.aria_label
                        on_created=on_created
                        on_error=on_error
                    />
                }
                .into_any()
            }}
        </article>
    }
}
