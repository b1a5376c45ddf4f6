//! The hosted page's non-form screens: receipt, expired, processing, not
//! found, and a load failure with a retry.

use crate::error::BillingError;
use crate::i18n::{fill, page::Msg, widget, Lang, Message};
use crate::money::format_money;
use checkout_protocol::HostedCheckoutSession;
use leptos::prelude::*;

/// A paid session.
#[component]
pub fn Receipt(
    /// The paid session.
    session: HostedCheckoutSession,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
) -> impl IntoView {
    let trial = session.trial_days.filter(|d| *d > 0).is_some() && session.total_due_today == 0;
    let setup = session.session_type == checkout_protocol::CheckoutSessionType::AddPaymentMethod;
    let lang = Lang::of(&locale);
    let title = if setup {
        Msg::CardSaved
    } else if trial {
        Msg::TrialStarted
    } else {
        Msg::PaymentComplete
    }
    .text(lang);
    let card = session.payment_method.as_ref().map(|c| {
        fill(
            Msg::CardEnding.text(lang),
            &[&capitalise(&c.brand), &c.last4],
        )
    });
    let amount = format_money(session.total_due_today, &session.currency, &locale);
    let thanks = fill(
        if setup {
            Msg::FutureCard
        } else {
            Msg::ThankYou
        }
        .text(lang),
        &[&session.merchant_name],
    );
    let next = session.success_redirect_url.clone().map(|url| {
        let (paid, target) = (session.clone(), url.clone());
        let on_click = move |ev: leptos::ev::MouseEvent| {
            if super::embedding::is_embedded() {
                ev.prevent_default();
                super::embedding::post_success(&paid, &target);
            }
        };
        view! { <a class="cw-button" href=url on:click=on_click>{fill(Msg::ContinueTo.text(lang), &[&session.merchant_name])}</a> }
    });
    view! {
        <section class="co-status co-status-success" aria-labelledby="co-status-title">
            <div class="co-status-icon" aria-hidden="true">"✓"</div>
            <h1 id="co-status-title">{title}</h1>
            <p>{thanks}</p>
            <dl class="co-receipt">
                {(!setup).then(|| view! { <div class="co-total-row"><dt>{Msg::AmountPaid.text(lang)}</dt><dd>{amount}</dd></div> })}
                {card.map(|c| {
                    let label = if setup { Msg::Card } else { Msg::PaidWith }.text(lang);
                    view! { <div class="co-total-row"><dt>{label}</dt><dd>{c}</dd></div> }
                })}
                <div class="co-total-row"><dt>{Msg::Reference.text(lang)}</dt><dd class="co-mono">{session.id.clone()}</dd></div>
            </dl>
            {next}
        </section>
    }
}

/// A session past its expiry.
#[component]
pub fn Expired(
    /// The expired session.
    session: HostedCheckoutSession,
    /// The page's language.
    lang: Lang,
) -> impl IntoView {
    let back = session.cancel_url.clone().map(|url| {
        let (session_id, target) = (session.id.clone(), url.clone());
        let on_click = move |ev: leptos::ev::MouseEvent| {
            if super::embedding::is_embedded() {
                ev.prevent_default();
                super::embedding::post_cancel(&session_id, Some(&target));
            }
        };
        view! { <a class="cw-button" href=url on:click=on_click>{fill(Msg::ReturnTo.text(lang), &[&session.merchant_name])}</a> }
    });
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">{Msg::ExpiredTitle.text(lang)}</h1>
            <p role="alert">{Msg::ExpiredBody.text(lang)}</p>
            {back}
        </section>
    }
}

/// A payment still being processed elsewhere.
#[component]
pub fn Processing(
    /// Reads the session again.
    on_refresh: Callback<()>,
    /// The page's language.
    lang: Lang,
) -> impl IntoView {
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">{Msg::ProcessingTitle.text(lang)}</h1>
            <p role="status">{Msg::ProcessingBody.text(lang)}</p>
            <button type="button" class="cw-button" on:click=move |_| on_refresh.run(())>{Msg::CheckAgain.text(lang)}</button>
        </section>
    }
}

/// An id that matches no session.
#[component]
pub fn NotFound(
    /// The page's language.
    lang: Lang,
) -> impl IntoView {
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">{Msg::NotFoundTitle.text(lang)}</h1>
            <p role="alert">{Msg::NotFoundBody.text(lang)}</p>
        </section>
    }
}

/// The session could not be loaded.
#[component]
pub fn LoadFailed(
    /// What went wrong.
    error: BillingError,
    /// Tries again.
    on_retry: Callback<()>,
    /// The page's language.
    lang: Lang,
) -> impl IntoView {
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">{Msg::LoadFailedTitle.text(lang)}</h1>
            <p role="alert">{error.message_in(lang)}</p>
            <button type="button" class="cw-button" on:click=move |_| on_retry.run(())>{widget::Msg::TryAgain.text(lang)}</button>
        </section>
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
