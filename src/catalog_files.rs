//! Fetching the catalogs of languages other than English (the
//! `catalogs-on-demand` bundles: the embed and the hosted page) through the
//! loader their JS entry installs (`js/catalogs.js`). The entry starts the
//! fetch before the wasm has downloaded, so a catalog usually costs no round
//! trip of its own; asking again joins that fetch. Whatever goes wrong — no
//! loader, a network error, a file of another build — the page reads
//! English: a missing translation never stops a checkout.

use crate::i18n::{files, loaded, Catalog, Lang};
use js_sys::{Function, Promise, Reflect, Symbol};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The global the entry module puts its loader under (`js/catalogs.js`).
const LOADER: &str = "checkout-widget.catalog";

/// Starts (or joins) the fetch of catalog `C` in `lang`; `None` when it is
/// not needed (English, compiled in, already installed) or cannot be asked.
pub fn request<C: Catalog>(lang: Lang) -> Option<Promise> {
    if !loaded::missing::<C>(lang) {
        return None;
    }
    let loader: Function = Reflect::get(&js_sys::global(), &Symbol::for_(LOADER))
        .ok()?
        .dyn_into()
        .ok()?;
    let file = JsValue::from_str(&files::file_name(C::FILE, lang));
    loader.call1(&JsValue::NULL, &file).ok()?.dyn_into().ok()
}

/// Waits for `request`'s file and installs it when it is this build's
/// catalog; otherwise leaves English in place.
pub async fn install<C: Catalog>(lang: Lang, request: Option<Promise>) {
    let Some(request) = request else {
        return;
    };
    if let Ok(entries) = JsFuture::from(request).await {
        install_entries::<C>(lang, &entries);
    }
}

/// Installs a fetched catalog file's entries (`[fingerprint, message…]`)
/// as `C` in `lang` when they are this build's catalog; anything else
/// leaves English in place. [`install`]'s second half, for a bundle that
/// awaits the request itself (the embed has its own executor).
pub fn install_entries<C: Catalog>(lang: Lang, entries: &JsValue) {
    let Some(entries) = entries.dyn_ref::<js_sys::Array>() else {
        return;
    };
    let messages = entries.iter().skip(1).map(|m| m.as_string());
    if let Ok(text) = loaded::accept::<C>(entries.get(0).as_f64(), messages) {
        loaded::install::<C>(lang, text);
    }
}
