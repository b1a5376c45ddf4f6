//! The app bundle: its start-up and its pages (the demo store, the hosted
//! checkout pages, not-found), apart from the library a Leptos app uses.

pub mod demo;
pub mod hosted;
pub mod pages;

use crate::browser;
use crate::catalog_files;
use crate::i18n::{page::Msg, Lang, Message};
use demo::{DemoStore, ReturnKind, ReturnPage};
use hosted::HostedCheckoutPage;
use leptos::mount::mount_to_body;
use leptos::prelude::*;
use pages::Page;

/// The `<body>` attribute that marks the app's own page (`index.html`).
const APP_SHELL_MARKER: &str = "data-checkout-app";

/// Entry point of the app bundle: renders the routed page, only in the app's
/// own shell. (Merchant pages load the separate script-tag bundle.)
pub fn start() {
    if !in_app_shell() {
        return;
    }
    let page = Page::for_path(&browser::page_path());
    if page == Page::Store {
        // The store shows the <checkout-widget> element too: load it as a merchant would.
        browser::load_module("/checkout-widget.js");
    }
    mount_to_body(move || match page {
        Page::Store => view! { <DemoStore/> }.into_any(),
        // One page for both: it adapts to the session's type.
        Page::Checkout(id) | Page::AddPaymentMethod(id) => {
            view! { <HostedCheckoutPage session_id=id locale=page_locale()/> }.into_any()
        }
        Page::Success => view! { <ReturnPage kind=ReturnKind::Success/> }.into_any(),
        Page::Cancel => view! { <ReturnPage kind=ReturnKind::Cancel/> }.into_any(),
        Page::NotFound => view! { <PageNotFound lang=Lang::of(&page_locale())/> }.into_any(),
    });
}

/// Entry point of the hosted bundle (`src/bin/hosted.rs`): the hosted pages
/// and not-found only. Nothing here names the demo store, so the linker
/// leaves it (and the billing-panel components it draws) out of that wasm.
pub fn start_hosted() {
    if !in_app_shell() {
        return;
    }
    let page = Page::for_path(&browser::page_path());
    let locale = page_locale();
    let lang = Lang::of(&locale);
    // The page's words before its first paint (hosted.html shows nothing
    // until then): `checkout-hosted.js` started both fetches while the wasm
    // downloaded, so this rarely waits; a failed fetch leaves English.
    let page_words = catalog_files::request::<Msg>(lang);
    let widget_words = catalog_files::request::<crate::i18n::widget::Msg>(lang);
    // Not Leptos's spawn_local: its executor starts with the first mount.
    wasm_bindgen_futures::spawn_local(async move {
        catalog_files::install::<Msg>(lang, page_words).await;
        catalog_files::install::<crate::i18n::widget::Msg>(lang, widget_words).await;
        mount_to_body(move || match page {
            Page::Checkout(id) | Page::AddPaymentMethod(id) => {
                view! { <HostedCheckoutPage session_id=id locale=locale.clone()/> }.into_any()
            }
            Page::Store | Page::Success | Page::Cancel | Page::NotFound => {
                view! { <PageNotFound lang/> }.into_any()
            }
        });
    });
}

/// Whether this document is one of the app's own pages (its `<body>` has
/// [`APP_SHELL_MARKER`]), not a merchant's page that loaded a bundle.
fn in_app_shell() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|body| body.has_attribute(APP_SHELL_MARKER))
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
    hosted::mark_document_language(lang);
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
