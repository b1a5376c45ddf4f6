//! Start-up: register the custom element, then render the page the path names.

use crate::browser;
use crate::demo::{DemoStore, ReturnKind, ReturnPage};
use crate::hosted::HostedCheckoutPage;
use crate::i18n::{page::Msg, Lang, Message};
use crate::routes::Route;
use leptos::mount::mount_to_body;
use leptos::prelude::*;

/// The `<body>` attribute that marks the app's own page (`index.html`).
const APP_SHELL_MARKER: &str = "data-checkout-app";

/// Entry point of the app bundle: renders the routed page, only in the app's
/// own shell. (Merchant pages load the separate script-tag bundle.)
pub fn start() {
    let in_app_shell = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|body| body.has_attribute(APP_SHELL_MARKER));
    if !in_app_shell {
        return;
    }
    let route = Route::for_path(&browser::page_path());
    if route == Route::Store {
        // The store shows the <checkout-widget> element too: load it as a merchant would.
        browser::load_module("/checkout-widget.js");
    }
    mount_to_body(move || match route {
        Route::Store => view! { <DemoStore/> }.into_any(),
        // One page for both: it adapts to the session's type.
        Route::Checkout(id) | Route::AddPaymentMethod(id) => {
            view! { <HostedCheckoutPage session_id=id locale=page_locale()/> }.into_any()
        }
        Route::Success => view! { <ReturnPage kind=ReturnKind::Success/> }.into_any(),
        Route::Cancel => view! { <ReturnPage kind=ReturnKind::Cancel/> }.into_any(),
        Route::NotFound => view! { <PageNotFound lang=Lang::of(&page_locale())/> }.into_any(),
    });
}

/// `?locale=` when given, else the browser's language.
fn page_locale() -> String {
    browser::query_param("locale")
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 35
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .unwrap_or_else(browser::browser_locale)
}

#[component]
fn PageNotFound(lang: Lang) -> impl IntoView {
    crate::hosted::mark_document_language(lang);
    browser::set_title(Msg::PageNotFound.text(lang));
    view! {
        <main class="co" id="main">
            <section class="co-status" aria-labelledby="co-status-title">
                <h1 id="co-status-title">{Msg::PageNotFound.text(lang)}</h1>
                <p role="alert">{Msg::NothingHere.text(lang)}</p>
                <a class="cw-button" href="/">{Msg::GoToStore.text(lang)}</a>
            </section>
        </main>
    }
}
