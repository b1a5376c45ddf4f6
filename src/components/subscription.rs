//! `<CurrentSubscription>`: the signed-in customer's plan, its status and
//! renewal or end date, with cancel and undo.

use super::request::Request;
use crate::billing::{use_billing, use_locale, ActivateSubscriptionParams, UseBillingReturn};
use crate::browser;
use crate::format::{format_date, price_label};
use crate::i18n::{fill, panel::Msg, Lang, Message};
use checkout_protocol::{CancellationTiming, Subscription, SubscriptionStatus};
use leptos::prelude::*;

/// The customer's current subscriptions with their actions.
#[component]
pub fn CurrentSubscription(
    /// Where the hosted page returns after activating or paying (default: this page).
    #[prop(into, optional)]
    return_url: Option<String>,
) -> impl IntoView {
    let billing = use_billing();
    let return_url = return_url.unwrap_or_else(browser::page_href);
    move || {
        let subscriptions = billing.current_subscriptions();
        if subscriptions.is_empty() {
            let lang = Lang::of(&use_locale());
            return view! { <p class="cw-muted">{Msg::NoSubscription.text(lang)}</p> }.into_any();
        }
        subscriptions
            .into_iter()
            .map(|s| view! { <SubscriptionRow subscription=s billing return_url=return_url.clone()/> })
            .collect_view()
            .into_any()
    }
}

/// One subscription: plan, status, date, and cancel / keep.
#[component]
fn SubscriptionRow(
    subscription: Subscription,
    billing: UseBillingReturn,
    return_url: String,
) -> impl IntoView {
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let price = billing.pricing_model().and_then(|m| {
        m.price_by_id(&subscription.price_id)
            .map(|(product, price)| (product.name.clone(), price_label(price, &locale)))
    });
    let plan = price
        .as_ref()
        .map(|(name, _)| name.clone())
        .or_else(|| subscription.name.clone())
        .unwrap_or_else(|| Msg::Subscription.text(lang).to_owned());
    let price_text = price.map(|(_, label)| label);
    let (badge, when) = status_text(&subscription, &locale);
    let scheduled = subscription.status == SubscriptionStatus::CancellationScheduled;
    let confirming = RwSignal::new(false);
    // Focus follows the buttons as they replace each other and as the panel
    // re-renders with the reloaded billing (see `browser::restore_focus_to`).
    let action_id = format!("cw-subscription-action-{}", subscription.id);
    let confirm_id = format!("cw-subscription-confirm-{}", subscription.id);
    let question_id = format!("cw-subscription-question-{}", subscription.id);
    let id = subscription.id.clone();
    let refocus = action_id.clone();
    let change = Request::<()>::new();
    let send_change = move |cancel: bool| {
        let (id, refocus) = (id.clone(), refocus.clone());
        change.send(async move {
            let result = if cancel {
                billing
                    .cancel_subscription(&id, CancellationTiming::AtEndOfCurrentBillingPeriod)
                    .await
            } else {
                billing.uncancel_subscription(&id).await
            };
            browser::restore_focus_to(&refocus);
            result.map(|_| ())
        });
    };
    let run = {
        let action_id = action_id.clone();
        move |cancel: bool| {
            if !change.pending_untracked() {
                confirming.set(false);
                browser::restore_focus_to(&action_id);
                send_change(cancel);
            }
        }
    };
    // A trial can be turned into a paid plan now; an unpaid plan can be paid.
    let activate_label = match subscription.status {
        SubscriptionStatus::Trialing => Some(Msg::ActivateNow.text(lang)),
        SubscriptionStatus::PastDue
        | SubscriptionStatus::Unpaid
        | SubscriptionStatus::Incomplete => Some(Msg::PayNow.text(lang)),
        _ => None,
    };
    let target = subscription.id.clone();
    let activate = Request::<()>::new();
    let send_activate = move || {
        let params = ActivateSubscriptionParams {
            target_subscription_id: target.clone(),
            success_url: return_url.clone(),
            cancel_url: return_url.clone(),
            auto_redirect: true,
            ..Default::default()
        };
        activate.send(async move {
            billing
                .create_activate_subscription_checkout_session(params)
                .await
                .map(|_| ())
        });
    };
    let activating =
        move || activate.pending() || activate.with_value(|v| matches!(v, Some(Ok(()))));
    // One closure for both attributes (each distinct closure is its own
    // copy of Leptos's attribute code in the wasm).
    let activating_attr = move || activating().to_string();
    let activate_button = activate_label.map(|label| {
        view! {
            <button type="button" class="cw-button" aria-busy=activating_attr
                aria-disabled=activating_attr
                on:click=move |_| { if !activating() { send_activate(); } }>
                {label}
            </button>
        }
    });
    let error = move || {
        change.with_value(|changed| {
            activate.with_value(|activated| match (changed, activated) {
                (_, Some(Err(e))) | (Some(Err(e)), _) => e.message_in(lang),
                _ => String::new(),
            })
        })
    };
    let actions = move || {
        let (action_id, confirm_id, question_id) =
            (action_id.clone(), confirm_id.clone(), question_id.clone());
        let run = run.clone();
        if !scheduled && confirming.get() {
            let run_cancel = run.clone();
            let described_by = question_id.clone();
            view! {
                // Focused when it appears, so its question is read first.
                <div class="cw-confirm" id=confirm_id role="group" aria-label=Msg::ConfirmCancellation.text(lang)
                    aria-describedby=described_by tabindex="-1">
                    <p id=question_id>{Msg::CancelQuestion.text(lang)}</p>
                    <button type="button" class="cw-button cw-button-danger" on:click=move |_| run_cancel(true)>{Msg::YesCancel.text(lang)}</button>
                    <button type="button" class="cw-button cw-button-secondary" on:click=move |_| {
                        confirming.set(false);
                        browser::restore_focus_to(&action_id);
                    }>
                        {Msg::KeepIt.text(lang)}
                    </button>
                </div>
            }
            .into_any()
        } else {
            // "Keep subscription" on a scheduled cancellation, else "Cancel
            // subscription", which asks first: one button, so one view type.
            let text = if scheduled {
                Msg::KeepSubscription
            } else {
                Msg::CancelSubscription
            };
            view! {
                <button type="button" id=action_id class="cw-button cw-button-secondary"
                    aria-busy=move || change.pending().to_string()
                    on:click=move |_| {
                        if scheduled {
                            run(false);
                        } else {
                            confirming.set(true);
                            browser::restore_focus_to(&confirm_id);
                        }
                    }>{text.text(lang)}</button>
            }
            .into_any()
        }
    };
    view! {
        <article class="cw-subscription">
            <div class="cw-subscription-head">
                <p class="cw-subscription-plan">{plan}</p>
                <span class="cw-badge" class:cw-badge-warning=scheduled>{badge}</span>
            </div>
            {price_text.map(|p| view! { <p class="cw-subscription-price">{p}</p> })}
            {when.map(|w| view! { <p class="cw-muted">{w}</p> })}
            <div class="cw-actions">{activate_button}{actions}</div>
            <p class="cw-error" role="alert">{error}</p>
        </article>
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
