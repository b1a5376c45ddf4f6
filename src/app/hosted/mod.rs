//! The hosted checkout page at `/checkout/{id}`: loads the session and shows
//! the form, a receipt, or why it cannot be paid.

// 3-D Secure in test mode (issue 16).
mod authentication;
mod payment_form;
mod status;
mod summary;
// Tax IDs (issue 16, item 8).
mod tax_id;

use crate::browser;
use crate::client::HostedClient;
use crate::error::BillingError;
use crate::hosted::{appearance, embedding};
use crate::i18n::{fill, page::Msg, Lang, Message};
use crate::transport::{FetchTransport, SharedTransport};
use checkout_protocol::{CheckoutSessionStatus, HostedCheckoutSession};
use leptos::prelude::*;
use payment_form::PaymentFormView;
use status::{Expired, LoadFailed, NotFound, Processing, Receipt};
use std::rc::Rc;
use summary::OrderSummary;

/// What the page shows. A discount changes the session but not the screen,
/// so the form (and what the customer typed) stays put.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Loading,
    NotFound,
    LoadFailed,
    Open,
    Succeeded,
    Expired,
    Pending,
}

/// The whole hosted checkout page for one session.
#[component]
pub fn HostedCheckoutPage(
    /// The session id from the URL.
    #[prop(into)]
    session_id: String,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
    /// How requests are sent; the browser's `fetch` unless a test supplies one.
    #[prop(optional)]
    transport: Option<SharedTransport>,
) -> impl IntoView {
    let transport = transport.unwrap_or_else(|| Rc::new(FetchTransport::default()));
    let lang = Lang::of(&locale);
    mark_document_language(lang);
    appearance::apply_theme(appearance::theme_of(
        browser::query_param("theme").as_deref(),
    ));
    let client = StoredValue::new_local(HostedClient::new(transport));
    let loaded: RwSignal<Option<Result<HostedCheckoutSession, BillingError>>> = RwSignal::new(None);
    let reload = Callback::new(move |()| {
        let id = session_id.clone();
        let Some(client) = client.try_get_value() else {
            return;
        };
        leptos::task::spawn_local(async move { loaded.set(Some(client.session(&id).await)) });
    });
    reload.run(());
    if embedding::is_embedded() {
        embedding::watch_height();
    }
    let update = Callback::new(move |s: HostedCheckoutSession| loaded.set(Some(Ok(s))));
    provide_context(summary::QuantityUpdating(RwSignal::new(false)));

    let screen = Memo::new(move |_| match &*loaded.read() {
        None => Screen::Loading,
        Some(Err(e)) if e.code() == "checkout_session_not_found" => Screen::NotFound,
        Some(Err(_)) => Screen::LoadFailed,
        Some(Ok(s)) => match s.status {
            CheckoutSessionStatus::Open => Screen::Open,
            CheckoutSessionStatus::Succeeded => Screen::Succeeded,
            CheckoutSessionStatus::Expired | CheckoutSessionStatus::Failed => Screen::Expired,
            CheckoutSessionStatus::Pending => Screen::Pending,
        },
    });
    let current = move || loaded.get_untracked().and_then(Result::ok);

    let body = move || {
        let locale = locale.clone();
        let Some(s) = current() else {
            return match (screen.get(), loaded.get_untracked()) {
                (Screen::NotFound, _) => view! { <NotFound lang/> }.into_any(),
                (Screen::LoadFailed, Some(Err(error))) => {
                    view! { <LoadFailed error on_retry=reload lang/> }.into_any()
                }
                _ => view! { <Skeleton lang/> }.into_any(),
            };
        };
        browser::set_title(&fill(Msg::PageTitle.text(lang), &[&s.merchant_name]));
        appearance::apply_branding(s.branding.as_ref());
        match screen.get() {
            Screen::Open => {
                let fallback = s.clone();
                let session = Signal::derive(move || {
                    loaded
                        .with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).cloned())
                        .unwrap_or_else(|| fallback.clone())
                });
                view! {
                    <div class="co-grid">
                        <OrderSummary session locale=locale.clone() client on_updated=update/>
                        <PaymentFormView session client locale on_session_changed=reload/>
                    </div>
                }
                .into_any()
            }
            Screen::Succeeded => view! { <Receipt session=s locale/> }.into_any(),
            Screen::Expired => view! { <Expired session=s lang/> }.into_any(),
            Screen::Pending => view! { <Processing on_refresh=reload lang/> }.into_any(),
            Screen::Loading | Screen::NotFound | Screen::LoadFailed => {
                view! { <Skeleton lang/> }.into_any()
            }
        }
    };

    // The merchant's logo, named by the merchant's name (its alt text).
    let logo = move || {
        let s = loaded.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).cloned())?;
        let src = appearance::logo_url(s.branding.as_ref())?;
        Some(view! {
            <header class="co-header">
                <img class="co-logo" src=src alt=s.merchant_name height="40"/>
            </header>
        })
    };

    view! {
        <main class="co" id="main">
            <p class="co-test-banner">
                <strong>{Msg::TestMode.text(lang)}</strong>
                " "
                {Msg::TestModeHint.text(lang)}
            </p>
            {logo}
            {body}
        </main>
    }
}

/// Grey blocks where the summary and form will appear, as large as they are,
/// so nothing jumps; screen readers hear that the checkout is loading.
#[component]
fn Skeleton(lang: Lang) -> impl IntoView {
    view! {
        <p class="cw-visually-hidden" role="status">{Msg::LoadingCheckout.text(lang)}</p>
        <div class="co-grid" aria-hidden="true">
            <div class="co-summary co-skeleton">
                <span class="co-skel co-skel-short"></span>
                <span class="co-skel co-skel-title"></span>
                <span class="co-skel co-skel-hero"></span>
                <span class="co-skel"></span>
                <span class="co-skel"></span>
            </div>
            <div class="co-pay co-skeleton">
                <span class="co-skel co-skel-title"></span>
                <span class="co-skel co-skel-input"></span>
                <span class="co-skel co-skel-input"></span>
                <span class="co-skel co-skel-input"></span>
                <span class="co-skel co-skel-button"></span>
            </div>
        </div>
    }
}

/// Marks the page with the customer's language and writing direction, so
/// screen readers pronounce it right and Arabic lays out right to left (the
/// stylesheet uses logical properties, so it mirrors).
pub(crate) fn mark_document_language(lang: Lang) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.code());
        let _ = html.set_attribute("dir", lang.dir());
    }
}

/// What a failed hosted-page call tells the customer. English shows the
/// server's own sentence; another language gets the catalog's words for the
/// codes a customer meets (declines, a bad promotion code), else the
/// widget's own failure text, else the server's sentence as it came.
pub(crate) fn error_text(error: &BillingError, lang: Lang) -> String {
    if lang == Lang::En {
        return error.message();
    }
    let known = match error.code() {
        "card_declined" => Some(Msg::CardDeclined),
        "card_insufficient_funds" => Some(Msg::CardInsufficientFunds),
        "card_expired" => Some(Msg::CardExpired),
        "discount_code_invalid" => Some(Msg::PromoInvalid),
        "authentication_failed" => Some(Msg::AuthenticationFailed),
        "authentication_expired" => Some(Msg::AuthenticationExpired),
        _ => None,
    };
    known.map_or_else(|| error.message_in(lang), |m| m.text(lang).to_owned())
}
