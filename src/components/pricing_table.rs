//! `<PricingTable>`: the whole pricing model as cards, with a monthly/yearly
//! switch when a product is sold at both intervals.

use super::PriceCard;
use crate::billing::{use_billing, use_locale, BillingState, CheckoutSessionCreated};
use crate::error::BillingError;
use crate::i18n::{fill, page::Msg, widget, Lang, Message};
use crate::view_model::{IntervalOption, IntervalSwitchModel, PricingTableModel};
use checkout_protocol::IntervalUnit;
use leptos::prelude::*;

/// Every active product with a checkout button, and an interval switch.
///
/// The signed-in customer's current plan is marked instead of offered again.
#[component]
pub fn PricingTable(
    /// Where to go after paying; may contain `{CHECKOUT_SESSION_ID}`.
    #[prop(into)]
    success_url: String,
    /// Where to go on cancel.
    #[prop(into)]
    cancel_url: String,
    /// The interval shown first (default monthly).
    #[prop(optional_no_strip)]
    initial_interval: Option<IntervalUnit>,
    /// How many placeholder cards stand in for the prices while they load
    /// (default 4); give your catalog's count so nothing moves when they arrive.
    #[prop(optional_no_strip)]
    placeholder_cards: Option<usize>,
    /// Handles a created session instead of redirecting (see `CheckoutButton`).
    #[prop(optional_no_strip)]
    on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure.
    #[prop(optional_no_strip)]
    on_error: Option<Callback<BillingError>>,
) -> impl IntoView {
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let interval = RwSignal::new(initial_interval.unwrap_or(IntervalUnit::Month));
    let placeholders = placeholder_cards.unwrap_or(4);
    move || {
        match billing.state.get() {
        // The table's shape (switch and cards) while loading, announced as a status.
        BillingState::Loading => view! {
            <div class="cw-pricing" role="status">
                <span class="cw-visually-hidden">{Msg::LoadingPrices.text(lang)}</span>
                <div class="cw-switch-skeleton cw-skeleton" aria-hidden="true"></div>
                <div class="cw-pricing-grid" aria-hidden="true">
                    {(0..placeholders).map(|_| view! { <div class="cw-card cw-card-skeleton"></div> }).collect_view()}
                </div>
            </div>
        }
        .into_any(),
        BillingState::Error(errors) => {
            let message = errors.first().map(|e| e.message_in(lang)).unwrap_or_default();
            view! {
                <div class="cw-panel-error">
                    <p role="alert">{fill(Msg::PricesNotLoaded.text(lang), &[&message])}</p>
                    <button type="button" class="cw-button cw-button-secondary" on:click=move |_| billing.reload()>
                        {widget::Msg::TryAgain.text(lang)}
                    </button>
                </div>
            }
            .into_any()
        }
        BillingState::Loaded(data) | BillingState::Unauthenticated(data) => {
            let model = data.pricing_model;
            let switch = PricingTableModel::new(&model, lang).switch();
            let current: Vec<String> = billing.current_subscriptions().into_iter().map(|s| s.price_id).collect();
            let (success_url, cancel_url, locale) = (success_url.clone(), cancel_url.clone(), locale.clone());
            let cards = move || {
                PricingTableModel::new(&model, lang)
                    .offers(interval.get())
                    .map(|(product, price)| (product.clone(), price.clone()))
                    .map(|(product, price)| {
                        let is_current = current.contains(&price.id);
                        view! {
                            <PriceCard
                                product=product
                                price=price
                                success_url=success_url.clone()
                                cancel_url=cancel_url.clone()
                                locale=locale.clone()
                                current=is_current
                                on_created=on_created
                                on_error=on_error
                            />
                        }
                    })
                    .collect_view()
            };
            view! {
                <div class="cw-pricing">
                    {switch.map(|switch| view! { <IntervalSwitch switch interval/> })}
                    <div class="cw-pricing-grid">{cards}</div>
                </div>
            }
            .into_any()
        }
    }
    }
}

/// A radio group choosing which interval's prices are shown.
#[component]
fn IntervalSwitch(switch: IntervalSwitchModel, interval: RwSignal<IntervalUnit>) -> impl IntoView {
    let options = switch
        .options
        .into_iter()
        .map(|IntervalOption { unit, label }| {
            view! {
                <label class="cw-switch-option">
                    <input
                        type="radio"
                        name="cw-interval"
                        prop:checked=move || interval.get() == unit
                        on:change=move |_| interval.set(unit)
                    />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="cw-switch">
            <legend class="cw-visually-hidden">{switch.legend}</legend>
            {options}
        </fieldset>
    }
}
