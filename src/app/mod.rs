//! The app bundle: its start-up and its pages (the demo store, its return
//! pages, not-found), apart from the library a Leptos app uses; the hosted
//! checkout pages are the plain-DOM ones (`crate::hosted`).

pub mod demo;

use crate::browser;
use crate::hosted::entry::{in_app_shell, page_locale};
use crate::hosted::pages::Page;
use crate::i18n::Lang;
use demo::{DemoStore, ReturnKind, ReturnPage};
use leptos::mount::mount_to_body;
use leptos::prelude::*;

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
    // One page for both hosted paths, the hosted bundle's own: it adapts to
    // the session's type and lives as long as the document.
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    match (&page, body) {
        (Page::Checkout(id) | Page::AddPaymentMethod(id), Some(body)) => {
            std::mem::forget(crate::hosted::page::mount(&body, id, &page_locale(), None));
            return;
        }
        (Page::NotFound, Some(body)) => {
            let lang = Lang::of(&page_locale());
            crate::hosted::page::mark_document_language(lang);
            let _ = body.append_child(&crate::hosted::status::page_not_found(lang));
            return;
        }
        _ => {}
    }
    mount_to_body(move || match page {
        Page::Store => view! { <DemoStore/> }.into_any(),
        // Drawn above, in plain DOM.
        Page::Checkout(_) | Page::AddPaymentMethod(_) | Page::NotFound => ().into_any(),
        Page::Success => view! { <ReturnPage kind=ReturnKind::Success/> }.into_any(),
        Page::Cancel => view! { <ReturnPage kind=ReturnKind::Cancel/> }.into_any(),
    });
}
