//! The hosted page's screens other than the open checkout: receipt, expired,
//! processing, not found, a load failure with a retry, and the hosted
//! bundle's page-not-found.

use super::dom::{append, attrs, el, el_text, on, total_row, Scope};
use super::embedding;
use super::errors::capitalise;
use crate::browser;
use crate::error::BillingError;
use crate::format::format_date;
use crate::i18n::{fill, page::Msg, widget, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{CheckoutSessionType, HostedCheckoutSession};
use std::rc::Rc;
use web_sys::Element;

/// `<section class="co-status…" aria-labelledby="co-status-title">` with its
/// title: every status screen starts so, for one landmark name.
fn status_section(class: &str, title: &str) -> Element {
    let section = el("section", class);
    attrs(&section, &[("aria-labelledby", "co-status-title")]);
    let h1 = el_text("h1", "", title);
    attrs(&h1, &[("id", "co-status-title")]);
    append(&section, &[&h1]);
    section
}

/// A paragraph with a live role (`alert`, `status`).
fn live(role: &str, words: &str) -> Element {
    let p = el_text("p", "", words);
    attrs(&p, &[("role", role)]);
    p
}

/// A `cw-button` link.
fn link_button(href: &str, words: &str) -> Element {
    let a = el_text("a", "cw-button", words);
    attrs(&a, &[("href", href)]);
    a
}

/// A `type="button"` `cw-button`.
fn button(words: &str) -> Element {
    let b = el_text("button", "cw-button", words);
    attrs(&b, &[("type", "button")]);
    b
}

/// A paid session's receipt: what was bought, the discount, the total
/// charged, when, with which card, and the ids to quote; a print button and
/// a print stylesheet (`@media print` in main.css) make it a paper receipt.
/// Shown after paying without a success URL, and whenever the paid
/// session's link is opened again.
pub fn receipt(session: &HostedCheckoutSession, locale: &str, scope: &Scope) -> Element {
    let trial = session.trial_days.filter(|d| *d > 0).is_some() && session.total_due_today == 0;
    let setup = session.session_type == CheckoutSessionType::AddPaymentMethod;
    let lang = Lang::of(locale);
    let title = if setup {
        Msg::CardSaved
    } else if trial {
        Msg::TrialStarted
    } else {
        Msg::PaymentComplete
    };
    let money = |amount: i64| format_money(amount, &session.currency, locale);
    let section = status_section("co-status co-status-success", title.text(lang));
    let icon = el_text("div", "co-status-icon", "✓");
    attrs(&icon, &[("aria-hidden", "true")]);
    let _ = section.insert_before(&icon, section.first_child().as_ref());
    let thanks = if setup {
        Msg::FutureCard
    } else {
        Msg::ThankYou
    };
    append(
        &section,
        &[&el_text(
            "p",
            "",
            &fill(thanks.text(lang), &[&session.merchant_name]),
        )],
    );
    if !setup && !session.line_items.is_empty() {
        let list = el("ul", "co-receipt-items");
        attrs(&list, &[("aria-label", Msg::Items.text(lang))]);
        for item in &session.line_items {
            let each = fill(
                Msg::QuantityTimes.text(lang),
                &[&item.quantity.to_string(), &money(item.unit_amount)],
            );
            let (li, names) = (el("li", ""), el("span", ""));
            let name = el_text("span", "", &item.name);
            attrs(&name, &[("dir", "auto")]);
            append(
                &names,
                &[&name, &el_text("span", "co-receipt-item-qty", &each)],
            );
            append(
                &li,
                &[&names, &el_text("span", "co-amount", &money(item.amount))],
            );
            append(&list, &[&li]);
        }
        append(&section, &[&list]);
    }
    let dl = el("dl", "co-receipt");
    let row = |label: &str, value: &str, value_class: &str| {
        append(
            &dl,
            &[&total_row("co-total-row", label, value, value_class)],
        );
    };
    if !setup && session.discount > 0 {
        let label = match &session.discount_code {
            Some(code) => format!("{} ({code})", Msg::Discount.text(lang)),
            None => Msg::Discount.text(lang).to_owned(),
        };
        row(&label, &format!("−{}", money(session.discount)), "");
    }
    if !setup {
        append(
            &dl,
            &[&total_row(
                "co-total-row co-total-due",
                Msg::AmountPaid.text(lang),
                &money(session.total_due_today),
                "",
            )],
        );
    }
    if let Some(at) = session.paid_at {
        row(Msg::DatePaid.text(lang), &format_date(at, locale), "");
    }
    if let Some(card) = &session.payment_method {
        let label = if setup { Msg::Card } else { Msg::PaidWith };
        let words = fill(
            Msg::CardEnding.text(lang),
            &[&capitalise(&card.brand), &card.last4],
        );
        row(label.text(lang), &words, "");
    }
    match (&session.subscription_id, &session.purchase_id) {
        (Some(id), _) => row(Msg::SubscriptionNumber.text(lang), id, "co-mono"),
        (None, Some(id)) => row(Msg::PurchaseNumber.text(lang), id, "co-mono"),
        (None, None) => {}
    }
    row(Msg::Reference.text(lang), &session.id, "co-mono");
    let actions = el("div", "co-receipt-actions");
    append(&section, &[&dl, &actions]);
    if !setup {
        let print = button(Msg::PrintReceipt.text(lang));
        scope.listen(&print, "click", |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.print();
            }
        });
        append(&actions, &[&print]);
    }
    // The success URL's way onward; none when it is this page (no successUrl).
    if let Some(url) = session
        .success_redirect_url
        .as_deref()
        .filter(|url| !browser::is_current_page(url))
    {
        let next = link_button(
            url,
            &fill(Msg::ContinueTo.text(lang), &[&session.merchant_name]),
        );
        let (paid, target) = (session.clone(), url.to_owned());
        scope.listen(&next, "click", move |ev| {
            if embedding::is_embedded() {
                ev.prevent_default();
                embedding::post_success(&paid, &target);
            }
        });
        append(&actions, &[&next]);
    }
    section
}

/// A session past its expiry, with the way back to the merchant.
pub fn expired(session: &HostedCheckoutSession, lang: Lang, scope: &Scope) -> Element {
    let section = status_section("co-status", Msg::ExpiredTitle.text(lang));
    append(&section, &[&live("alert", Msg::ExpiredBody.text(lang))]);
    if let Some(url) = &session.cancel_url {
        let back = link_button(
            url,
            &fill(Msg::ReturnTo.text(lang), &[&session.merchant_name]),
        );
        let (session_id, target) = (session.id.clone(), url.clone());
        scope.listen(&back, "click", move |ev| {
            if embedding::is_embedded() {
                ev.prevent_default();
                embedding::post_cancel(&session_id, Some(&target));
            }
        });
        append(&section, &[&back]);
    }
    section
}

/// A payment still being processed elsewhere; "check again" calls `refresh`
/// with `owner`.
pub fn processing<T: 'static>(
    lang: Lang,
    scope: &Scope,
    owner: &Rc<T>,
    refresh: fn(&Rc<T>),
) -> Element {
    let section = status_section("co-status", Msg::ProcessingTitle.text(lang));
    let again = button(Msg::CheckAgain.text(lang));
    on(scope, &again, "click", owner, move |owner, _| {
        refresh(owner)
    });
    append(
        &section,
        &[&live("status", Msg::ProcessingBody.text(lang)), &again],
    );
    section
}

/// An id that matches no session.
pub fn not_found(lang: Lang) -> Element {
    let section = status_section("co-status", Msg::NotFoundTitle.text(lang));
    append(&section, &[&live("alert", Msg::NotFoundBody.text(lang))]);
    section
}

/// The session could not be loaded; "try again" calls `retry` with `owner`.
pub fn load_failed<T: 'static>(
    error: &BillingError,
    lang: Lang,
    scope: &Scope,
    owner: &Rc<T>,
    retry: fn(&Rc<T>),
) -> Element {
    let section = status_section("co-status", Msg::LoadFailedTitle.text(lang));
    let again = button(widget::Msg::TryAgain.text(lang));
    on(scope, &again, "click", owner, move |owner, _| retry(owner));
    append(&section, &[&live("alert", &error.message_in(lang)), &again]);
    section
}

/// The hosted bundle on a path that is no hosted page: a `<main>` of its own.
pub fn page_not_found(lang: Lang) -> Element {
    browser::set_title(Msg::PageNotFound.text(lang));
    let main = el("main", "co");
    attrs(&main, &[("id", "main")]);
    let section = status_section("co-status", Msg::PageNotFound.text(lang));
    append(
        &section,
        &[
            &live("alert", Msg::NothingHere.text(lang)),
            &link_button("/", Msg::GoToStore.text(lang)),
        ],
    );
    append(&main, &[&section]);
    main
}
