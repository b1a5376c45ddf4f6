//! The hosted page's non-form screens: receipt, expired, processing, not
//! found, and a load failure with a retry.

use crate::browser;
use crate::error::BillingError;
use crate::format::format_date;
use crate::i18n::{fill, page::Msg, widget, Lang, Message};
use crate::money::format_money;
use checkout_protocol::HostedCheckoutSession;
use leptos::prelude::*;

/// A paid session's receipt: what was bought, the discount, the total
/// charged, when, with which card, and the ids to quote; a print button and
/// a print stylesheet (`@media print` in main.css) make it a paper receipt.
/// Shown after paying without a success URL, and whenever the paid
/// session's link is opened again.
#[component]
pub fn Receipt(
    /// The paid session.
    session: HostedCheckoutSession,
    /// BCP 47 locale for amounts and the date.
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
    let money = {
        let (currency, locale) = (session.currency.clone(), locale.clone());
        move |amount: i64| format_money(amount, &currency, &locale)
    };
    let amount = money(session.total_due_today);
    let thanks = fill(
        if setup {
            Msg::FutureCard
        } else {
            Msg::ThankYou
        }
        .text(lang),
        &[&session.merchant_name],
    );
    let items = (!setup && !session.line_items.is_empty()).then(|| {
        let rows = session
            .line_items
            .iter()
            .map(|item| {
                let each = fill(
                    Msg::QuantityTimes.text(lang),
                    &[&item.quantity.to_string(), &money(item.unit_amount)],
                );
                view! {
                    <li>
                        <span>
                            <span dir="auto">{item.name.clone()}</span>
                            <span class="co-receipt-item-qty">{each}</span>
                        </span>
                        <span class="co-amount">{money(item.amount)}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="co-receipt-items" aria-label=Msg::Items.text(lang)>{rows}</ul> }
    });
    let discount = (!setup && session.discount > 0).then(|| {
        let label = session
            .discount_code
            .clone()
            .map_or_else(|| Msg::Discount.text(lang).to_owned(), |code| {
                format!("{} ({code})", Msg::Discount.text(lang))
            });
        view! { <div class="co-total-row"><dt>{label}</dt><dd>{format!("−{}", money(session.discount))}</dd></div> }
    });
    let paid_on = session.paid_at.map(|at| format_date(at, &locale));
    let record = match (&session.subscription_id, &session.purchase_id) {
        (Some(id), _) => Some((Msg::SubscriptionNumber, id.clone())),
        (None, Some(id)) => Some((Msg::PurchaseNumber, id.clone())),
        (None, None) => None,
    };
    // The success URL's way onward; none when it is this page (no successUrl).
    let next = session
        .success_redirect_url
        .clone()
        .filter(|url| !browser::is_current_page(url))
        .map(|url| {
            let (paid, target) = (session.clone(), url.clone());
            let on_click = move |ev: leptos::ev::MouseEvent| {
                if crate::hosted::embedding::is_embedded() {
                    ev.prevent_default();
                    crate::hosted::embedding::post_success(&paid, &target);
                }
            };
            view! { <a class="cw-button" href=url on:click=on_click>{fill(Msg::ContinueTo.text(lang), &[&session.merchant_name])}</a> }
        });
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <section class="co-status co-status-success" aria-labelledby="co-status-title">
            <div class="co-status-icon" aria-hidden="true">"✓"</div>
            <h1 id="co-status-title">{title}</h1>
            <p>{thanks}</p>
            {items}
            <dl class="co-receipt">
                {discount}
                {(!setup).then(|| view! { <div class="co-total-row co-total-due"><dt>{Msg::AmountPaid.text(lang)}</dt><dd>{amount}</dd></div> })}
                {paid_on.map(|d| view! { <div class="co-total-row"><dt>{Msg::DatePaid.text(lang)}</dt><dd>{d}</dd></div> })}
                {card.map(|c| {
                    let label = if setup { Msg::Card } else { Msg::PaidWith }.text(lang);
                    view! { <div class="co-total-row"><dt>{label}</dt><dd>{c}</dd></div> }
                })}
                {record.map(|(label, id)| view! { <div class="co-total-row"><dt>{label.text(lang)}</dt><dd class="co-mono">{id}</dd></div> })}
                <div class="co-total-row"><dt>{Msg::Reference.text(lang)}</dt><dd class="co-mono">{session.id.clone()}</dd></div>
            </dl>
            <div class="co-receipt-actions">
                {(!setup).then(|| view! { <button type="button" class="cw-button" on:click=print>{Msg::PrintReceipt.text(lang)}</button> })}
                {next}
            </div>
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
            if crate::hosted::embedding::is_embedded() {
                ev.prevent_default();
                crate::hosted::embedding::post_cancel(&session_id, Some(&target));
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

/// `visa` → `Visa`: a card brand as a sentence names it.
pub(super) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
