//! `<PricingTable>`: the whole pricing model as cards, with a monthly/yearly
//! switch when a product is sold at both intervals.

use super::PriceCard;
use crate::billing::{use_billing, use_locale, BillingState, CheckoutSessionCreated};
use crate::error::BillingError;
use checkout_protocol::{IntervalUnit, Price, PriceType, PricingModel, Product};
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
    /// Handles a created session instead of redirecting (see `CheckoutButton`).
    #[prop(optional_no_strip)]
    on_created: Option<Callback<CheckoutSessionCreated>>,
    /// Told about every failure.
    #[prop(optional_no_strip)]
    on_error: Option<Callback<BillingError>>,
) -> impl IntoView {
    let billing = use_billing();
    let locale = use_locale();
    let interval = RwSignal::new(initial_interval.unwrap_or(IntervalUnit::Month));
    move || match billing.state.get() {
        BillingState::Loading => view! {
            <div class="cw-pricing-grid" aria-busy="true" aria-label="Loading prices">
                {(0..4).map(|_| view! { <div class="cw-card cw-card-skeleton"></div> }).collect_view()}
            </div>
        }
        .into_any(),
        BillingState::Error(errors) => {
            let message = errors.first().map(|e| e.message()).unwrap_or_default();
            view! {
                <div class="cw-panel-error">
                    <p role="alert">{format!("Prices could not be loaded. {message}")}</p>
                    <button type="button" class="cw-button cw-button-secondary" on:click=move |_| billing.reload()>
                        "Try again"
                    </button>
                </div>
            }
            .into_any()
        }
        BillingState::Loaded(data) | BillingState::Unauthenticated(data) => {
            let model = data.pricing_model;
            let intervals = switchable_intervals(&model);
            let current: Vec<String> = billing.current_subscriptions().into_iter().map(|s| s.price_id).collect();
            let (success_url, cancel_url, locale) = (success_url.clone(), cancel_url.clone(), locale.clone());
            let cards = move || {
                let chosen = interval.get();
                model
                    .products
                    .iter()
                    .filter(|p| p.active && !p.default)
                    .filter_map(|product| price_for(product, chosen).map(|price| (product.clone(), price.clone())))
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
                    {(intervals.len() > 1).then(|| view! { <IntervalSwitch intervals interval/> })}
                    <div class="cw-pricing-grid">{cards}</div>
                </div>
            }
            .into_any()
        }
    }
}

/// A radio group choosing which interval's prices are shown.
#[component]
fn IntervalSwitch(intervals: Vec<IntervalUnit>, interval: RwSignal<IntervalUnit>) -> impl IntoView {
    let options = intervals
        .into_iter()
        .map(|unit| {
            let label = match unit {
                IntervalUnit::Day => "Daily",
                IntervalUnit::Week => "Weekly",
                IntervalUnit::Month => "Monthly",
                IntervalUnit::Year => "Yearly",
            };
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
            <legend class="cw-visually-hidden">"Billing interval"</legend>
            {options}
        </fieldset>
    }
}

/// The intervals at which some product is sold more than once (month and
/// year, say), in display order; a switch is shown only for those.
fn switchable_intervals(model: &PricingModel) -> Vec<IntervalUnit> {
    let mut units: Vec<IntervalUnit> = Vec::new();
    for product in model.products.iter().filter(|p| p.active) {
        let product_units: Vec<IntervalUnit> =
            product.prices.iter().filter(|p| p.active).filter_map(|p| p.interval_unit).collect();
        if product_units.len() > 1 {
            for unit in product_units {
                if !units.contains(&unit) {
                    units.push(unit);
                }
            }
        }
    }
    units.sort_by_key(|u| *u as u8);
    units
}

/// The price a product shows for the chosen interval: the subscription at that
/// interval, else its default (or first) price.
fn price_for(product: &Product, interval: IntervalUnit) -> Option<&Price> {
    let active = || product.prices.iter().filter(|p| p.active);
    active()
        .find(|p| p.price_type == PriceType::Subscription && p.interval_unit == Some(interval))
        .or_else(|| active().find(|p| p.is_default))
        .or_else(|| active().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> PricingModel {
        serde_json::from_value(serde_json::json!({
            "id": "pm",
            "products": [
                {"id": "pro", "name": "Pro", "prices": [
                    {"id": "m", "type": "subscription", "unitPrice": 1200, "currency": "USD", "intervalUnit": "month", "isDefault": true},
                    {"id": "y", "type": "subscription", "unitPrice": 12000, "currency": "USD", "intervalUnit": "year"}]},
                {"id": "life", "name": "Lifetime", "prices": [
                    {"id": "l", "type": "single_payment", "unitPrice": 19900, "currency": "USD"}]},
                {"id": "team", "name": "Team", "prices": [
                    {"id": "t", "type": "subscription", "unitPrice": 5000, "currency": "USD", "intervalUnit": "week"}]}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn the_switch_offers_intervals_a_product_is_sold_at_twice() {
        assert_eq!(switchable_intervals(&model()), vec![IntervalUnit::Month, IntervalUnit::Year]);
    }

    #[test]
    fn each_product_shows_the_chosen_interval_or_its_own_price() {
        let m = model();
        assert_eq!(price_for(&m.products[0], IntervalUnit::Month).unwrap().id, "m");
        assert_eq!(price_for(&m.products[0], IntervalUnit::Year).unwrap().id, "y");
        assert_eq!(price_for(&m.products[1], IntervalUnit::Year).unwrap().id, "l");
        assert_eq!(price_for(&m.products[2], IntervalUnit::Year).unwrap().id, "t");
    }
}
