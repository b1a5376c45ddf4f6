//! The hosted page's non-form screens: receipt, expired, processing, not
//! found, and a load failure with a retry.

use crate::error::BillingError;
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
    let title = if setup {
        "Card saved"
    } else if trial {
        "Your trial has started"
    } else {
        "Payment complete"
    };
    let card = session
        .payment_method
        .as_ref()
        .map(|c| format!("{} ending in {}", capitalise(&c.brand), c.last4));
    let amount = format_money(session.total_due_today, &session.currency, &locale);
    let thanks = if setup {
        format!("{} will use this card for your future payments.", session.merchant_name)
    } else {
        format!("Thank you. {} has received your order.", session.merchant_name)
    };
    let next = session.success_redirect_url.clone().map(|url| {
        let (session_id, target) = (session.id.clone(), url.clone());
        let on_click = move |ev: leptos::ev::MouseEvent| {
            if super::embedding::is_embedded() {
                ev.prevent_default();
                super::embedding::post_success(&session_id, &target);
            }
        };
        view! { <a class="cw-button" href=url on:click=on_click>{format!("Continue to {}", session.merchant_name)}</a> }
    });
    view! {
        <section class="co-status co-status-success" aria-labelledby="co-status-title">
            <div class="co-status-icon" aria-hidden="true">"✓"</div>
            <h1 id="co-status-title">{title}</h1>
            <p>{thanks}</p>
            <dl class="co-receipt">
                {(!setup).then(|| view! { <div class="co-total-row"><dt>"Amount paid"</dt><dd>{amount}</dd></div> })}
                {card.map(|c| {
                    let label = if setup { "Card" } else { "Paid with" };
                    view! { <div class="co-total-row"><dt>{label}</dt><dd>{c}</dd></div> }
                })}
                <div class="co-total-row"><dt>"Reference"</dt><dd class="co-mono">{session.id.clone()}</dd></div>
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
) -> impl IntoView {
    let back = session.cancel_url.clone().map(|url| {
        let (session_id, target) = (session.id.clone(), url.clone());
        let on_click = move |ev: leptos::ev::MouseEvent| {
            if super::embedding::is_embedded() {
                ev.prevent_default();
                super::embedding::post_cancel(&session_id, Some(&target));
            }
        };
        view! { <a class="cw-button" href=url on:click=on_click>{format!("Return to {}", session.merchant_name)}</a> }
    });
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">"This checkout has expired"</h1>
            <p role="alert">"The link is no longer valid and nothing was charged. Start a new checkout to continue."</p>
            {back}
        </section>
    }
}

/// A payment still being processed elsewhere.
#[component]
pub fn Processing(
    /// Reads the session again.
    on_refresh: Callback<()>,
) -> impl IntoView {
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">"Your payment is processing"</h1>
            <p role="status">"This can take a few seconds. Don't pay again."</p>
            <button type="button" class="cw-button" on:click=move |_| on_refresh.run(())>"Check again"</button>
        </section>
    }
}

/// An id that matches no session.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">"Checkout not found"</h1>
            <p role="alert">"This checkout link doesn't exist or is incomplete. Check the link, or go back to the store and start again."</p>
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
) -> impl IntoView {
    view! {
        <section class="co-status" aria-labelledby="co-status-title">
            <h1 id="co-status-title">"We couldn't load this checkout"</h1>
            <p role="alert">{error.message()}</p>
            <button type="button" class="cw-button" on:click=move |_| on_retry.run(())>"Try again"</button>
        </section>
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
