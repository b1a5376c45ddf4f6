//! The hosted bundle's start (`src/bin/hosted.rs`): which page the path
//! asks for, in which language, once that language's words are in.

use super::pages::Page;
use super::{page, status};
use crate::browser;
use crate::catalog_files;
use crate::i18n::{page::Msg, widget, Lang};

/// The `<body>` attribute that marks the app's own pages (`index.html`,
/// `hosted.html`), not a merchant's page that loaded a bundle.
const APP_SHELL_MARKER: &str = "data-checkout-app";

/// Entry point of the hosted bundle: the hosted pages and not-found only.
pub fn start() {
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
    let widget_words = catalog_files::request::<widget::Msg>(lang);
    wasm_bindgen_futures::spawn_local(async move {
        catalog_files::install::<Msg>(lang, page_words).await;
        catalog_files::install::<widget::Msg>(lang, widget_words).await;
        let Some(body) = super::dom::document().and_then(|d| d.body()) else {
            return;
        };
        match page {
            Page::Checkout(id) | Page::AddPaymentMethod(id) => {
                // The page lives as long as the document.
                std::mem::forget(page::mount(&body, &id, &locale, None));
            }
            Page::Store | Page::Success | Page::Cancel | Page::NotFound => {
                page::mark_document_language(lang);
                let _ = body.append_child(&status::page_not_found(lang));
            }
        }
    });
}

/// Whether this document is one of the app's own pages (its `<body>` has
/// [`APP_SHELL_MARKER`]), not a merchant's page that loaded a bundle.
pub fn in_app_shell() -> bool {
    super::dom::document()
        .and_then(|d| d.body())
        .is_some_and(|body| body.has_attribute(APP_SHELL_MARKER))
}

/// `?locale=` when given, else the browser's language.
pub fn page_locale() -> String {
    browser::query_param("locale")
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 35
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .unwrap_or_else(browser::browser_locale)
}
