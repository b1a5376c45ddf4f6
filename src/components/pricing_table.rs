//! `<PricingTable>`: the whole pricing model as cards, with a monthly/yearly
//! switch when a product is sold at both intervals.

use super::{PlanChangeDialog, PriceCard};
use crate::billing::{use_billing, use_locale, BillingState, CheckoutSessionCreated};
use crate::error::BillingError;
use crate::i18n::{fill, panel::Msg, widget, Lang, Message};
use crate::view_model::{
    card_action, CardAction, IntervalOption, IntervalSwitchModel, PricingTableModel,
};
use checkout_protocol::{
    AdjustSubscriptionResponse, IntervalUnit, Price, Product, ResolvedAdjustmentTiming,
    Subscription,
};
use leptos::prelude::*;

/// Every active product with a checkout button, and an interval switch.
///
/// The signed-in customer's current plan is marked ("Your current plan",
/// disabled) instead of offered again, and while they have a current
/// subscription the other subscription prices offer "Switch plan": a
/// confirmation dialog ([`PlanChangeDialog`]) then changes the plan in place
/// (`subscriptions/adjust`, `timing: auto`) instead of a second checkout.
/// One-off prices keep their checkout.
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
    // The plan change being confirmed, and what the last one did; outside
    // the state's view so a billing reload does not close or forget them.
    let switching = RwSignal::new(None::<Switch>);
    let status = RwSignal::new(String::new());
    let status_id = "cw-plan-change-status";
    let table = move || {
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
            let current = billing.current_subscriptions();
            // The plan a switch moves from; without it in the pricing model
            // the dialog could not say what changes, so cards keep checkout.
            let from = current.first().and_then(|s| {
                model
                    .price_by_id(&s.price_id)
                    .map(|(product, price)| (s.clone(), product.clone(), price.clone()))
            });
            let (success_url, cancel_url, locale) = (success_url.clone(), cancel_url.clone(), locale.clone());
            let cards = move || {
                PricingTableModel::new(&model, lang)
                    .offers(interval.get())
                    .map(|(product, price)| (product.clone(), price.clone()))
                    .map(|(product, price)| {
                        let action = card_action(&price, &current);
                        let switch_id = format!("cw-switch-{}", price.id);
                        let on_switch = match (&action, &from) {
                            (CardAction::SwitchPlan { .. }, Some((subscription, from_product, from_price))) => {
                                let target = Switch {
                                    subscription: subscription.clone(),
                                    from_product: from_product.clone(),
                                    from_price: from_price.clone(),
                                    product: product.clone(),
                                    price: price.clone(),
                                    quantity: 1,
                                    trigger_id: switch_id.clone(),
                                };
                                Some(Callback::new(move |quantity: u32| {
                                    status.set(String::new());
                                    switching.set(Some(Switch { quantity, ..target.clone() }));
                                }))
                            }
                            _ => None,
                        };
                        view! {
                            <PriceCard
                                product=product
                                price=price
                                success_url=success_url.clone()
                                cancel_url=cancel_url.clone()
                                locale=locale.clone()
                                current=action == CardAction::CurrentPlan
                                on_switch=on_switch
                                switch_id=switch_id
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
    };
    let closed = move |answer: Option<AdjustSubscriptionResponse>| {
        let trigger = switching.get_untracked().map(|s| s.trigger_id);
        switching.set(None);
        match answer {
            Some(answer) => {
                let done = match answer.resolved_timing {
                    ResolvedAdjustmentTiming::Immediately => Msg::PlanChanged,
                    ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod => {
                        Msg::PlanChangeScheduled
                    }
                };
                status.set(done.text(lang).to_owned());
                // The card clicked is now the current plan (disabled): the
                // announcement is where focus can go.
                crate::browser::restore_focus_to(status_id);
            }
            None => {
                if let Some(trigger) = trigger {
                    crate::browser::restore_focus_to(&trigger);
                }
            }
        }
    };
    let dialog = move || {
        switching.get().map(|s| {
            view! {
                <PlanChangeDialog subscription=s.subscription from_product=s.from_product
                    from_price=s.from_price product=s.product price=s.price quantity=Some(s.quantity)
                    on_close=Callback::new(closed)/>
            }
        })
    };
    // Memoized, so a billing reload does not redraw (and unfocus) the status.
    // A plain closure, not `<Show>`: Show's fallback and children go
    // through Leptos's type-erased view path, more code for one paragraph.
    let signed_in = Memo::new(move |_| billing.is_authenticated());
    let status_line = move || {
        signed_in.get().then(|| {
            view! { <p id=status_id class="cw-status" role="status" tabindex="-1">{move || status.get()}</p> }
        })
    };
    view! {
        {table}
        {dialog}
        {status_line}
    }
}

/// A plan change waiting for confirmation.
#[derive(Debug, Clone)]
struct Switch {
    subscription: Subscription,
    from_product: Product,
    from_price: Price,
    product: Product,
    price: Price,
    quantity: u32,
    trigger_id: String,
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
