//! `<PricingTable>`: the whole pricing model as cards, with a monthly/yearly
//! switch when a product is sold at both intervals.

use super::plain::{check_radio, plain_view, push_attr, push_escaped, radio_index, Plain};
use super::plan_change::{DialogAction, PlanChange};
use super::price_card::{CardClick, CardEnd, Cards};
use super::request::Request;
use super::state::State;
use crate::billing::{current_in, use_billing, use_locale, BillingState, CheckoutSessionCreated};
use crate::error::BillingError;
use crate::i18n::{fill, panel::Msg, widget, Lang, Message};
use crate::view_model::{
    card_action, CardAction, IntervalOption, IntervalSwitchModel, PriceCardModel, PricingTableModel,
};
use checkout_protocol::{AdjustSubscriptionResponse, IntervalUnit, ResolvedAdjustmentTiming};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Every active product with a checkout button, and an interval switch.
///
/// The signed-in customer's current plan is marked ("Your current plan",
/// disabled) instead of offered again, and while they have a current
/// subscription the other subscription prices offer "Switch plan": a
/// confirmation dialog (the [`PlanChangeDialog`](super::PlanChangeDialog)'s
/// markup, drawn in the table's own string) then changes the plan in place
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
    super::styles::uses(super::styles::chunk::PRICING_TABLE);
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    // The dialog's words are in the cards' locale.
    let dialog_locale = locale.clone();
    let placeholders = placeholder_cards.unwrap_or(4);
    // The table's own state in one place, read once per draw; outside the
    // drawing, so a billing reload does not close or forget a plan change.
    let ui = State::new(TableState {
        interval: initial_interval.unwrap_or(IntervalUnit::Month),
        switching: None,
        status: String::new(),
    });
    // The change the dialog sends: one at a time, its refusal shown inside.
    let change = Request::new();
    let cards = Cards::new(success_url, cancel_url, on_created, on_error);
    // What the last draw showed: the cards, whose quantity fields get their
    // text after it, and the switch's intervals (the radios' order), so the
    // models are built once per draw. Plain shared data: nothing tracks it.
    let drawn = Rc::new(RefCell::new(Drawn::default()));
    let (drawn_for_events, drawn_after) = (drawn.clone(), drawn.clone());
    let draw_table = move |ui: &TableState| {
        let mut out = String::new();
        let mut shown = Drawn::default();
        billing.with_state(|state| match state {
            BillingState::Loading => push_loading(&mut out, lang, placeholders),
            BillingState::Error(errors) => {
                let message = errors
                    .first()
                    .map(|e| e.message_in(lang))
                    .unwrap_or_default();
                push_failed(&mut out, lang, &message);
            }
            BillingState::Loaded(data) | BillingState::Unauthenticated(data) => {
                let model = &data.pricing_model;
                let table = PricingTableModel::new(model, lang);
                let current = data.customer.as_deref().map(current_in).unwrap_or_default();
                // A switch needs the plan it moves from in the pricing model
                // (the dialog says what changes); without it, cards keep checkout.
                let can_switch = current
                    .first()
                    .is_some_and(|s| model.price_by_id(&s.price_id).is_some());
                out.push_str("<div class=\"cw-pricing\">");
                if let Some(switch) = table.switch() {
                    push_switch(&mut out, &switch);
                    shown.intervals = switch.options;
                }
                out.push_str("<div class=\"cw-pricing-grid\">");
                for (product, price) in table.offers(ui.interval) {
                    let card = PriceCardModel::new(product, price, &locale, 1, None);
                    let switch_id = switch_id(&price.id);
                    let end = match card_action(price, &current) {
                        CardAction::CurrentPlan => CardEnd::CurrentPlan,
                        CardAction::SwitchPlan { .. } if can_switch => CardEnd::SwitchPlan {
                            id: Some(&switch_id),
                        },
                        _ => CardEnd::Checkout,
                    };
                    cards.push(&mut out, &card, end);
                    shown.cards.push(card);
                }
                out.push_str("</div></div>");
            }
        });
        // Drawn whatever the state, so a billing reload does not close it.
        if let Some(s) = &ui.switching {
            s.plan.push(&mut out, change, lang);
        }
        // What the last plan change did, for a signed-in customer; patched
        // in place by a redraw, so the live region stays the same element.
        if billing.is_authenticated() {
            out.push_str("<p");
            push_attr(&mut out, "id", STATUS_ID);
            out.push_str(" class=\"cw-status\" role=\"status\" tabindex=\"-1\">");
            push_escaped(&mut out, &ui.status);
            out.push_str("</p>");
        }
        *drawn.borrow_mut() = shown;
        out
    };
    let draw = move || ui.with(|ui| draw_table(ui)).unwrap_or_default();
    let switch_to = move |price_id: String, quantity: u32| {
        let (Some(model), Some(customer)) = (billing.pricing_model(), billing.customer_billing())
        else {
            return;
        };
        let Some(subscription) = current_in(&customer).first().copied() else {
            return;
        };
        let (Some((from_product, from_price)), Some((product, price))) = (
            model.price_by_id(&subscription.price_id),
            model.price_by_id(&price_id),
        ) else {
            return;
        };
        let plan = PlanChange::new(
            subscription,
            (from_product, from_price),
            (product, price),
            quantity,
            &dialog_locale,
        );
        // The last dialog's refusal is not this one's.
        change.reset();
        let mut plan = Some(plan);
        ui.update(&mut |ui| {
            ui.status.clear();
            ui.switching = plan.take().map(|plan| Switch {
                trigger_id: switch_id(&price_id),
                plan,
            });
        });
    };
    let closed = move |answer: Option<AdjustSubscriptionResponse>| {
        let done = answer.map(|answer| match answer.resolved_timing {
            ResolvedAdjustmentTiming::Immediately => Msg::PlanChanged,
            ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod => Msg::PlanChangeScheduled,
        });
        let mut trigger = None;
        ui.update(&mut |ui| {
            trigger = ui.switching.take().map(|s| s.trigger_id);
            if let Some(done) = done {
                ui.status = done.text(lang).to_owned();
            }
        });
        match done {
            Some(_) => {
                // The card clicked is now the current plan (disabled): the
                // announcement is where focus can go.
                crate::browser::restore_focus_to(STATUS_ID);
            }
            None => {
                if let Some(trigger) = trigger {
                    crate::browser::restore_focus_to(&trigger);
                }
            }
        }
    };
    let on_event = move |event: &web_sys::Event, element: &web_sys::Element| {
        let dialog =
            ui.with_untracked(|ui| ui.switching.as_ref().map(|s| s.plan.action(event, element)));
        if let Some(action) = dialog.flatten().flatten() {
            // One change in flight; Cancel waits for it too.
            if change.pending_untracked() {
                return;
            }
            match action {
                DialogAction::Confirm => {
                    ui.with_untracked(|ui| {
                        if let Some(s) = &ui.switching {
                            s.plan
                                .send(billing, change, move |answer| closed(Some(answer)));
                        }
                    });
                }
                DialogAction::Cancel => closed(None),
            }
        } else if let Some(index) = (event.type_() == "change")
            .then(|| radio_index(element, SWITCH))
            .flatten()
        {
            // The radios are drawn in the switch's order.
            let chosen = drawn_for_events
                .borrow()
                .intervals
                .get(index)
                .map(|o| o.unit);
            if let Some(unit) = chosen {
                ui.update(&mut |ui| ui.interval = unit);
            }
        } else if event.type_() == "click"
            && element
                .parent_element()
                .is_some_and(|p| p.class_name() == "cw-panel-error")
        {
            billing.reload();
        } else if let Some(CardClick::SwitchPlan { price_id, quantity }) =
            cards.on_event(event, element)
        {
            switch_to(price_id, quantity);
        }
    };
    plain_view(Plain {
        tag: "div",
        class: "cw-plain",
        draw: Box::new(draw),
        on_event: Box::new(on_event),
        after_draw: Some(Box::new(move |wrapper| {
            // The switch's checked radio and the fields' text are properties.
            let Some(unit) = ui.with_untracked(|ui| ui.interval) else {
                return;
            };
            let d = drawn_after.borrow();
            let checked = d.intervals.iter().position(|o| o.unit == unit);
            check_radio(wrapper, SWITCH, checked);
            cards.set_values(wrapper, &d.cards);
        })),
    })
}

/// The interval switch: its radios, in order, are the switch's options.
const SWITCH: &str = ".cw-switch";

/// The id of the status line announcing what the last plan change did.
const STATUS_ID: &str = "cw-plan-change-status";

/// The id of the "Switch plan" button of `price_id`'s card.
fn switch_id(price_id: &str) -> String {
    ["cw-switch-", price_id].concat()
}

/// What the table's last draw showed (see `drawn` in [`PricingTable`]).
#[derive(Default)]
struct Drawn {
    cards: Vec<PriceCardModel>,
    intervals: Vec<IntervalOption>,
}

/// What the table's controls chose, apart from the cards'.
struct TableState {
    /// The interval whose prices are shown.
    interval: IntervalUnit,
    /// The plan change being confirmed.
    switching: Option<Switch>,
    /// What the last plan change did (the status line's text).
    status: String,
}

/// A plan change waiting for confirmation, and the "Switch plan" button
/// that opened it (focus goes back there on Cancel).
#[derive(Debug, Clone)]
struct Switch {
    plan: PlanChange,
    trigger_id: String,
}

/// The table's shape (switch and cards) while loading, announced as a status.
fn push_loading(out: &mut String, lang: Lang, placeholders: usize) {
    out.push_str("<div class=\"cw-pricing\" role=\"status\"><span class=\"cw-visually-hidden\">");
    push_escaped(out, Msg::LoadingPrices.text(lang));
    out.push_str("</span><div class=\"cw-switch-skeleton cw-skeleton\" aria-hidden=\"true\"></div><div class=\"cw-pricing-grid\" aria-hidden=\"true\">");
    for _ in 0..placeholders {
        out.push_str("<div class=\"cw-card cw-card-skeleton\"></div>");
    }
    out.push_str("</div></div>");
}

/// The prices could not be loaded: why, and "Try again".
fn push_failed(out: &mut String, lang: Lang, message: &str) {
    out.push_str("<div class=\"cw-panel-error\"><p role=\"alert\">");
    push_escaped(out, &fill(Msg::PricesNotLoaded.text(lang), &[message]));
    out.push_str("</p><button type=\"button\" class=\"cw-button cw-button-secondary\">");
    push_escaped(out, widget::Msg::TryAgain.text(lang));
    out.push_str("</button></div>");
}

/// A radio group choosing which interval's prices are shown; which one is
/// checked is a property, set after the draw.
fn push_switch(out: &mut String, switch: &IntervalSwitchModel) {
    out.push_str("<fieldset class=\"cw-switch\"><legend class=\"cw-visually-hidden\">");
    push_escaped(out, switch.legend);
    out.push_str("</legend>");
    for IntervalOption { label, .. } in &switch.options {
        out.push_str(
            "<label class=\"cw-switch-option\"><input type=\"radio\" name=\"cw-interval\"><span>",
        );
        push_escaped(out, label);
        out.push_str("</span></label>");
    }
    out.push_str("</fieldset>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loading_table_has_its_shape_and_says_so() {
        let mut out = String::new();
        push_loading(&mut out, Lang::En, 3);
        assert!(out.starts_with(r#"<div class="cw-pricing" role="status"><span class="cw-visually-hidden">Loading prices"#), "{out}");
        assert_eq!(
            out.matches(r#"<div class="cw-card cw-card-skeleton"></div>"#)
                .count(),
            3
        );
        assert!(out.contains(r#"<div class="cw-pricing-grid" aria-hidden="true">"#));
    }

    #[test]
    fn a_failed_load_says_why_and_offers_to_try_again() {
        let mut out = String::new();
        push_failed(&mut out, Lang::En, "<b>down</b>");
        assert!(
            out.starts_with(r#"<div class="cw-panel-error"><p role="alert">"#),
            "{out}"
        );
        assert!(out.contains("&lt;b&gt;down&lt;/b&gt;"), "{out}");
        assert!(out.ends_with(r#"<button type="button" class="cw-button cw-button-secondary">Try again</button></div>"#), "{out}");
    }

    #[test]
    fn the_switch_is_a_labelled_radio_group_without_a_checked_attribute() {
        let switch = IntervalSwitchModel {
            legend: "Billing interval",
            options: vec![
                IntervalOption {
                    unit: IntervalUnit::Month,
                    label: "Monthly",
                },
                IntervalOption {
                    unit: IntervalUnit::Year,
                    label: "Yearly",
                },
            ],
        };
        let mut out = String::new();
        push_switch(&mut out, &switch);
        assert_eq!(
            out,
            concat!(
                r#"<fieldset class="cw-switch"><legend class="cw-visually-hidden">Billing interval</legend>"#,
                r#"<label class="cw-switch-option"><input type="radio" name="cw-interval"><span>Monthly</span></label>"#,
                r#"<label class="cw-switch-option"><input type="radio" name="cw-interval"><span>Yearly</span></label></fieldset>"#
            )
        );
    }
}
