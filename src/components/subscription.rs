//! `<CurrentSubscription>`: the signed-in customer's plans, their status and
//! renewal or end date, with cancel (asked first), undo, and activate or pay.
//!
//! Drawn as one HTML string inside one wrapper (see [`super::plain`]):
//! [`push_rows`] writes every row from the billing data and each row's
//! [`RowState`]; one delegated click handler runs the buttons.

use super::plain::{plain_view, push_attr, push_escaped, Plain};
use super::request;
use super::state::State;
use crate::billing::{current_in, use_billing, use_locale, UseBillingReturn};
use crate::browser;
use crate::error::BillingError;
use crate::format::{format_date, price_label};
use crate::i18n::{fill, panel::Msg, Lang, Message};
use checkout_protocol::{CancellationTiming, PricingModel, Subscription, SubscriptionStatus};
use leptos::prelude::*;

/// The customer's current subscriptions with their actions.
#[component]
pub fn CurrentSubscription(
    /// Where the hosted page returns after activating or paying (default: this page).
    #[prop(into, optional)]
    return_url: Option<String>,
) -> impl IntoView {
    super::styles::uses(super::styles::chunk::SUBSCRIPTION);
    let panel = Panel {
        billing: use_billing(),
        setup: State::new(Setup {
            locale: use_locale(),
            return_url: return_url.unwrap_or_else(browser::page_href),
        }),
        states: State::new(Vec::new()),
    };
    plain_view(Plain {
        tag: "div",
        class: "cw-plain",
        draw: Box::new(move || panel.draw()),
        on_event: Box::new(move |event, button| {
            if event.type_() == "click" {
                panel.on_click(button);
            }
        }),
        after_draw: None,
    })
}

/// One `<CurrentSubscription>`: what it reads and its rows' states.
#[derive(Clone, Copy)]
struct Panel {
    billing: UseBillingReturn,
    /// What it was made with (never changes).
    setup: State<Setup>,
    /// Each row's state by subscription id, kept outside the drawing so a
    /// billing reload (which redraws) keeps a confirmation open.
    states: State<Vec<(String, RowState)>>,
}

/// What a `<CurrentSubscription>` was made with.
struct Setup {
    /// The customer's locale.
    locale: String,
    /// Where the hosted page returns after activating or paying.
    return_url: String,
}

impl Panel {
    /// The rows as HTML (tracked: the billing data and the rows' states).
    fn draw(self) -> String {
        let billing = self.billing.customer_billing();
        let subscriptions = billing.as_deref().map(current_in).unwrap_or_default();
        let model = self.billing.pricing_model();
        let locale = self.locale();
        self.states
            .with(|states| push_rows(&subscriptions, model.as_deref(), &locale, states))
            .unwrap_or_default()
    }

    /// A click on one of the rows' buttons: `data-action` says what to do,
    /// `data-subscription` to which.
    fn on_click(self, button: &web_sys::Element) {
        let (Some(action), Some(id)) = (
            button.get_attribute("data-action"),
            button.get_attribute("data-subscription"),
        ) else {
            return;
        };
        let action_id = element_id("action", &id);
        match action.as_str() {
            // One click only asks; the question takes the focus so it is read first.
            "cancel" => {
                self.update(&id, &mut |s| s.confirming = true);
                browser::restore_focus_to(&element_id("confirm", &id));
            }
            "keep-it" => {
                self.update(&id, &mut |s| s.confirming = false);
                browser::restore_focus_to(&action_id);
            }
            "yes" | "keep" => self.change(id, action == "yes"),
            "activate" => self.activate(id),
            _ => {}
        }
    }

    /// Cancels at the period's end, or undoes a scheduled cancellation;
    /// refused while one is in flight for this row.
    fn change(self, id: String, cancel: bool) {
        if self.state(&id).changing {
            return;
        }
        self.update(&id, &mut |s| {
            s.confirming = false;
            s.changing = true;
        });
        browser::restore_focus_to(&element_id("action", &id));
        self.call(
            id,
            if cancel {
                RowCall::Cancel
            } else {
                RowCall::Keep
            },
        );
    }

    /// Opens the hosted page to activate a trial or pay an unpaid plan; stays
    /// busy after success (the browser is leaving).
    fn activate(self, id: String) {
        if self.state(&id).activating {
            return;
        }
        let Some(return_url) = self.setup.with_untracked(|s| s.return_url.clone()) else {
            return;
        };
        self.update(&id, &mut |s| s.activating = true);
        self.call(id, RowCall::Activate { return_url });
    }

    /// Sends a row's call and records how it went in the row's state.
    fn call(self, id: String, call: RowCall) {
        let billing = self.billing;
        let lang = Lang::of(&self.locale());
        let row = id.clone();
        let activating = matches!(call, RowCall::Activate { .. });
        let done = move |result: Result<(), BillingError>| {
            self.ended(&row, activating, lang, &result);
            result
        };
        let call = match call {
            RowCall::Cancel | RowCall::Keep => billing.subscription_call(
                id,
                matches!(call, RowCall::Cancel)
                    .then_some(CancellationTiming::AtEndOfCurrentBillingPeriod),
                Box::new(move |result| done(result.map(drop))),
            ),
            RowCall::Activate { return_url } => billing.activate_call(
                id,
                return_url,
                Box::new(move |result| done(result.map(drop))),
            ),
        };
        request::run(call);
    }

    /// Records how a row's call ended in its state (one copy for the three
    /// buttons).
    fn ended(self, id: &str, activating: bool, lang: Lang, result: &Result<(), BillingError>) {
        if !activating {
            // The billing reloads: the button redrawn keeps the focus.
            browser::restore_focus_to(&element_id("action", id));
        }
        let error = result.as_ref().err().map(|e| e.message_in(lang));
        self.update(id, &mut |s| {
            if activating {
                s.activating = error.is_none();
                s.activate_error = error.clone();
            } else {
                s.changing = false;
                s.change_error = error.clone();
            }
        });
    }

    /// The customer's locale.
    fn locale(self) -> String {
        self.setup
            .with_untracked(|s| s.locale.clone())
            .unwrap_or_default()
    }

    /// The row's state now (untracked: for a click).
    fn state(self, id: &str) -> RowState {
        self.states
            .with_untracked(|states| state_of(states, id).clone())
            .unwrap_or_default()
    }

    /// Changes one row's state; nothing once the component is gone. Not
    /// generic: the six callers share one copy of the signal's update.
    fn update(self, id: &str, change: &mut dyn FnMut(&mut RowState)) {
        self.states.update(
            &mut |states| match states.iter_mut().find(|(row, _)| row == id) {
                Some((_, state)) => change(state),
                None => {
                    let mut state = RowState::default();
                    change(&mut state);
                    states.push((id.to_owned(), state));
                }
            },
        );
    }
}

/// What a row's button sends.
enum RowCall {
    /// Cancel at the period's end.
    Cancel,
    /// Undo a scheduled cancellation.
    Keep,
    /// Open the hosted page to activate or pay; it returns to `return_url`.
    Activate {
        /// Where the hosted page returns, paid or not.
        return_url: String,
    },
}

/// A row's state; a row never touched is in the default one.
fn state_of<'a>(states: &'a [(String, RowState)], id: &str) -> &'a RowState {
    static IDLE: RowState = RowState {
        confirming: false,
        changing: false,
        activating: false,
        change_error: None,
        activate_error: None,
    };
    states
        .iter()
        .find(|(row, _)| row == id)
        .map_or(&IDLE, |(_, state)| state)
}

/// The id of one of a row's elements: `cw-subscription-{part}-{subscription}`
/// (unescaped; [`push_attr`] escapes it in the markup).
fn element_id(part: &str, subscription: &str) -> String {
    ["cw-subscription-", part, "-", subscription].concat()
}

/// What a row says, worked out once from the subscription and the catalog.
#[derive(Debug, Clone, PartialEq)]
struct RowText {
    /// The product's name, else the subscription's, else "Subscription".
    plan: String,
    /// "$12.00 per month", when the price is in the catalog.
    price: Option<String>,
    /// The status badge.
    badge: &'static str,
    /// The sentence with the date that matters.
    when: Option<String>,
    /// A cancellation is scheduled: the badge warns and the action undoes it.
    scheduled: bool,
    /// "Activate now" for a trial, "Pay now" for an unpaid plan.
    activate: Option<&'static str>,
}

impl RowText {
    fn new(s: &Subscription, model: Option<&PricingModel>, locale: &str) -> Self {
        let lang = Lang::of(locale);
        let price = model.and_then(|m| {
            m.price_by_id(&s.price_id)
                .map(|(product, price)| (product.name.clone(), price_label(price, locale)))
        });
        let (badge, when) = status_text(s, locale);
        let activate = match s.status {
            SubscriptionStatus::Trialing => Some(Msg::ActivateNow.text(lang)),
            SubscriptionStatus::PastDue
            | SubscriptionStatus::Unpaid
            | SubscriptionStatus::Incomplete => Some(Msg::PayNow.text(lang)),
            _ => None,
        };
        let (plan, price) = match price {
            Some((name, label)) => (name, Some(label)),
            None => (
                s.name
                    .clone()
                    .unwrap_or_else(|| Msg::Subscription.text(lang).to_owned()),
                None,
            ),
        };
        Self {
            plan,
            price,
            badge,
            when,
            scheduled: s.status == SubscriptionStatus::CancellationScheduled,
            activate,
        }
    }
}

/// What one row's buttons are doing. Kept by subscription id outside the
/// drawing, so a redraw (a billing reload) keeps an open confirmation.
#[derive(Debug, Clone, Default, PartialEq)]
struct RowState {
    /// "Cancel subscription" was clicked: the confirmation is open.
    confirming: bool,
    /// A cancel or undo is in flight.
    changing: bool,
    /// An activation is in flight, or succeeded and the page is leaving.
    activating: bool,
    /// Why the last cancel or undo failed.
    change_error: Option<String>,
    /// Why the last activation failed (shown first).
    activate_error: Option<String>,
}

/// Every current subscription as a row, or the sentence saying there is none.
fn push_rows<S: std::borrow::Borrow<Subscription>>(
    subscriptions: &[S],
    model: Option<&PricingModel>,
    locale: &str,
    states: &[(String, RowState)],
) -> String {
    let lang = Lang::of(locale);
    let mut out = String::new();
    if subscriptions.is_empty() {
        out.push_str(r#"<p class="cw-muted">"#);
        push_escaped(&mut out, Msg::NoSubscription.text(lang));
        out.push_str("</p>");
    }
    for s in subscriptions.iter().map(std::borrow::Borrow::borrow) {
        let text = RowText::new(s, model, locale);
        push_row(&mut out, &s.id, &text, state_of(states, &s.id), lang);
    }
    out
}

/// One subscription: plan, status, price, date, its buttons and its alert.
fn push_row(out: &mut String, id: &str, text: &RowText, state: &RowState, lang: Lang) {
    out.push_str(r#"<article class="cw-subscription"><div class="cw-subscription-head"><p class="cw-subscription-plan">"#);
    push_escaped(out, &text.plan);
    out.push_str(if text.scheduled {
        r#"</p><span class="cw-badge cw-badge-warning">"#
    } else {
        r#"</p><span class="cw-badge">"#
    });
    push_escaped(out, text.badge);
    out.push_str("</span></div>");
    if let Some(price) = &text.price {
        out.push_str(r#"<p class="cw-subscription-price">"#);
        push_escaped(out, price);
        out.push_str("</p>");
    }
    if let Some(when) = &text.when {
        out.push_str(r#"<p class="cw-muted">"#);
        push_escaped(out, when);
        out.push_str("</p>");
    }
    out.push_str(r#"<div class="cw-actions">"#);
    if let Some(label) = text.activate {
        let busy = bool_text(state.activating);
        push_button_start(out, None, "cw-button");
        push_attr(out, "aria-busy", busy);
        push_attr(out, "aria-disabled", busy);
        push_button_end(out, "activate", id, label);
    }
    if state.confirming && !text.scheduled {
        // Focused when it appears, so its question is read first.
        let question = element_id("question", id);
        out.push_str(r#"<div class="cw-confirm""#);
        push_attr(out, "id", &element_id("confirm", id));
        push_attr(out, "role", "group");
        push_attr(out, "aria-label", Msg::ConfirmCancellation.text(lang));
        push_attr(out, "aria-describedby", &question);
        push_attr(out, "tabindex", "-1");
        out.push_str("><p");
        push_attr(out, "id", &question);
        out.push('>');
        push_escaped(out, Msg::CancelQuestion.text(lang));
        out.push_str("</p>");
        push_button_start(out, None, "cw-button cw-button-danger");
        push_button_end(out, "yes", id, Msg::YesCancel.text(lang));
        push_button_start(out, None, "cw-button cw-button-secondary");
        push_button_end(out, "keep-it", id, Msg::KeepIt.text(lang));
        out.push_str("</div>");
    } else {
        // "Keep subscription" on a scheduled cancellation, else "Cancel
        // subscription", which asks first; one id, so focus stays on it.
        let (action, label) = if text.scheduled {
            ("keep", Msg::KeepSubscription)
        } else {
            ("cancel", Msg::CancelSubscription)
        };
        push_button_start(
            out,
            Some(&element_id("action", id)),
            "cw-button cw-button-secondary",
        );
        push_attr(out, "aria-busy", bool_text(state.changing));
        push_button_end(out, action, id, label.text(lang));
    }
    out.push_str(r#"</div><p class="cw-error" role="alert">"#);
    if let Some(error) = state
        .activate_error
        .as_ref()
        .or(state.change_error.as_ref())
    {
        push_escaped(out, error);
    }
    out.push_str("</p></article>");
}

/// `<button type="button" [id=…] class=…`, left open for more attributes.
/// Only the action button has an id: focus follows it when the confirmation
/// replaces it and back (the others are patched in place by a redraw).
fn push_button_start(out: &mut String, id: Option<&str>, class: &str) {
    out.push_str(r#"<button type="button""#);
    if let Some(id) = id {
        push_attr(out, "id", id);
    }
    push_attr(out, "class", class);
}

/// The action and subscription the click handler reads, the label, `</button>`.
fn push_button_end(out: &mut String, action: &str, id: &str, label: &str) {
    push_attr(out, "data-action", action);
    push_attr(out, "data-subscription", id);
    out.push('>');
    push_escaped(out, label);
    out.push_str("</button>");
}

fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// The status badge and the sentence with the date that matters.
fn status_text(s: &Subscription, locale: &str) -> (&'static str, Option<String>) {
    let lang = Lang::of(locale);
    // "Renews on {date}": the sentence from the catalog, the date from Intl.
    let dated = |message: Msg, ms: Option<i64>| {
        ms.map(|ms| fill(message.text(lang), &[&format_date(ms, locale)]))
    };
    let (badge, when) = match s.status {
        SubscriptionStatus::Trialing => (Msg::FreeTrial, dated(Msg::TrialEndsOn, s.trial_end)),
        SubscriptionStatus::CancellationScheduled => (
            Msg::CancelsSoon,
            dated(
                Msg::EndsOn,
                s.cancel_scheduled_at.or(s.current_billing_period_end),
            ),
        ),
        SubscriptionStatus::PastDue => (
            Msg::PastDue,
            Some(Msg::LastPaymentFailed.text(lang).to_owned()),
        ),
        SubscriptionStatus::Active if s.renews => (
            Msg::Active,
            dated(Msg::RenewsOn, s.current_billing_period_end),
        ),
        SubscriptionStatus::Active => (
            Msg::Active,
            dated(Msg::EndsOn, s.current_billing_period_end),
        ),
        SubscriptionStatus::Canceled => (Msg::Canceled, dated(Msg::CanceledOn, s.canceled_at)),
        _ => (Msg::Inactive, None),
    };
    (badge.text(lang), when)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"{"id":"pm","name":"Acme","products":[{"id":"prod_pro","slug":"pro","name":"Pro","prices":[
        {"id":"price_pro","slug":"pro-monthly","type":"subscription","unitPrice":1200,"currency":"USD","intervalUnit":"month","intervalCount":1}]}]}"#;

    fn model() -> PricingModel {
        serde_json::from_str(MODEL).unwrap()
    }

    fn subscription(status: &str, extra: &str) -> Subscription {
        serde_json::from_str(&format!(
            r#"{{"id":"sub_1","priceId":"price_pro","status":"{status}","currentBillingPeriodEnd":86400000{extra}}}"#
        ))
        .unwrap()
    }

    fn row(s: &Subscription, state: &RowState) -> String {
        push_rows(
            std::slice::from_ref(s),
            Some(&model()),
            "en-US",
            &[(s.id.clone(), state.clone())],
        )
    }

    #[test]
    fn an_active_plan_is_drawn_as_the_leptos_row_was() {
        // Natively there is no Intl: amounts and dates take their fallbacks.
        let html = row(&subscription("active", ""), &RowState::default());
        assert_eq!(
            html,
            concat!(
                r#"<article class="cw-subscription"><div class="cw-subscription-head">"#,
                r#"<p class="cw-subscription-plan">Pro</p><span class="cw-badge">Active</span></div>"#,
                r#"<p class="cw-subscription-price">1200 USD per month</p>"#,
                r#"<p class="cw-muted">Renews on day 1 since 1970</p>"#,
                r#"<div class="cw-actions"><button type="button" id="cw-subscription-action-sub_1" "#,
                r#"class="cw-button cw-button-secondary" aria-busy="false" data-action="cancel" "#,
                r#"data-subscription="sub_1">Cancel subscription</button></div>"#,
                r#"<p class="cw-error" role="alert"></p></article>"#,
            )
        );
    }

    #[test]
    fn the_confirmation_replaces_the_button_and_is_described_by_its_question() {
        let confirming = RowState {
            confirming: true,
            ..RowState::default()
        };
        let html = row(&subscription("active", ""), &confirming);
        assert!(html.contains(concat!(
            r#"<div class="cw-confirm" id="cw-subscription-confirm-sub_1" role="group" "#,
            r#"aria-label="Confirm cancellation" aria-describedby="cw-subscription-question-sub_1" "#,
            r#"tabindex="-1"><p id="cw-subscription-question-sub_1">Cancel at the end of the current period?"#
        )), "{html}");
        assert!(html.contains(concat!(
            r#"</p><button type="button" class="cw-button cw-button-danger" data-action="yes" "#,
            r#"data-subscription="sub_1">Yes, cancel</button><button type="button" "#,
            r#"class="cw-button cw-button-secondary" data-action="keep-it" "#,
            r#"data-subscription="sub_1">Keep it</button></div>"#
        )), "{html}");
        assert!(!html.contains("cw-subscription-action-"), "{html}");
    }

    #[test]
    fn a_scheduled_cancellation_warns_and_offers_to_keep_the_plan() {
        let scheduled = subscription(
            "cancellation_scheduled",
            r#","cancelScheduledAt":172800000"#,
        );
        // A confirmation left open by a click before the reload is not shown.
        let state = RowState {
            confirming: true,
            changing: true,
            ..RowState::default()
        };
        let html = row(&scheduled, &state);
        assert!(
            html.contains(r#"<span class="cw-badge cw-badge-warning">Cancels soon</span>"#),
            "{html}"
        );
        assert!(html.contains("Ends on day 2 since 1970"), "{html}");
        assert!(html.contains(r#"aria-busy="true" data-action="keep" data-subscription="sub_1">Keep subscription</button>"#), "{html}");
        assert!(!html.contains("cw-confirm"), "{html}");
    }

    #[test]
    fn a_trial_can_be_activated_and_an_unpaid_plan_paid() {
        let trial = subscription("trialing", r#","trialEnd":86400000"#);
        let html = row(&trial, &RowState::default());
        assert!(
            html.contains(r#"<span class="cw-badge">Free trial</span>"#),
            "{html}"
        );
        assert!(
            html.contains(concat!(
                r#"<button type="button" class="cw-button" "#,
                r#"aria-busy="false" aria-disabled="false" data-action="activate" "#,
                r#"data-subscription="sub_1">Activate now</button>"#
            )),
            "{html}"
        );
        let leaving = RowState {
            activating: true,
            ..RowState::default()
        };
        let html = row(&subscription("past_due", ""), &leaving);
        assert!(html.contains("Your last payment failed."), "{html}");
        assert!(html.contains(r#"aria-busy="true" aria-disabled="true" data-action="activate" data-subscription="sub_1">Pay now<"#), "{html}");
        let html = row(&subscription("active", ""), &RowState::default());
        assert!(!html.contains("activate"), "{html}");
    }

    #[test]
    fn the_alert_says_why_the_last_call_failed_activation_first() {
        let failed = RowState {
            change_error: Some("Could not cancel.".into()),
            ..RowState::default()
        };
        assert!(row(&subscription("active", ""), &failed)
            .contains(r#"<p class="cw-error" role="alert">Could not cancel.</p>"#));
        let both = RowState {
            activate_error: Some("Card <declined>".into()),
            ..failed
        };
        assert!(row(&subscription("trialing", ""), &both)
            .contains(r#"<p class="cw-error" role="alert">Card &lt;declined&gt;</p>"#));
    }

    #[test]
    fn a_hostile_plan_name_and_id_stay_text() {
        let hostile: Subscription = serde_json::from_str(
            r#"{"id":"s\" onclick=\"x()","priceId":"gone","name":"<img src=x onerror=alert(1)>","status":"active"}"#,
        )
        .unwrap();
        let html = row(&hostile, &RowState::default());
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains(r#"id="cw-subscription-action-s&quot; onclick=&quot;x()""#),
            "{html}"
        );
        assert!(
            !html.contains("<img") && !html.contains(r#"" onclick"#),
            "{html}"
        );
    }

    #[test]
    fn the_plan_is_named_by_the_catalog_then_the_subscription_then_a_word() {
        let listed = subscription("active", "");
        assert_eq!(RowText::new(&listed, Some(&model()), "en").plan, "Pro");
        let mut unlisted = listed.clone();
        unlisted.price_id = "price_gone".into();
        unlisted.name = Some("Legacy".into());
        let text = RowText::new(&unlisted, Some(&model()), "en");
        assert_eq!((text.plan.as_str(), text.price), ("Legacy", None));
        unlisted.name = None;
        assert_eq!(RowText::new(&unlisted, None, "en").plan, "Subscription");
    }

    #[test]
    fn nobody_subscribed_reads_one_sentence() {
        assert_eq!(
            push_rows::<Subscription>(&[], None, "en", &[]),
            r#"<p class="cw-muted">You have no subscription.</p>"#
        );
    }

    #[test]
    fn each_row_keeps_its_own_state() {
        let mut second = subscription("active", "");
        second.id = "sub_2".into();
        let states = vec![(
            "sub_2".to_owned(),
            RowState {
                confirming: true,
                ..RowState::default()
            },
        )];
        let html = push_rows(
            &[subscription("active", ""), second],
            Some(&model()),
            "en",
            &states,
        );
        assert!(html.contains("cw-subscription-action-sub_1"), "{html}");
        assert!(html.contains("cw-subscription-confirm-sub_2"), "{html}");
        assert!(!html.contains("cw-subscription-action-sub_2"), "{html}");
    }
}
