//! Fetching the catalogs of languages other than English (the
//! `catalogs-on-demand` builds). The embed and the hosted page ask through
//! the loader their JS entry installs (`js/catalogs.js`): the entry starts
//! the fetch before the wasm has downloaded, so a catalog usually costs no
//! round trip of its own, and asking again joins that fetch. A Leptos app has
//! no such entry: its `<BillingProvider>` fetches the files itself through
//! the transport's `fetch` ([`Words`]), alongside its first load.
//! Whatever goes wrong — no loader, a network error, a 404, a file of
//! another build — the page reads English: a missing translation never
//! stops a checkout.

#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
use crate::i18n::files;
#[cfg(any(
    feature = "embed",
    feature = "hosted-checkout",
    feature = "catalogs-on-demand"
))]
use crate::i18n::{loaded, Catalog, Lang};
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
use js_sys::{Function, Promise, Reflect, Symbol};
#[cfg(any(
    feature = "embed",
    feature = "hosted-checkout",
    feature = "catalogs-on-demand"
))]
use wasm_bindgen::{JsCast, JsValue};
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
use wasm_bindgen_futures::JsFuture;

/// The global the entry module puts its loader under (`js/catalogs.js`).
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
const LOADER: &str = "checkout-widget.catalog";

/// Starts (or joins) the fetch of catalog `C` in `lang`; `None` when it is
/// not needed (English, compiled in, already installed) or cannot be asked.
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
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
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
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
/// leaves English in place. [`install`]'s second half, for code that
/// awaits the file itself (the embed's own executor, a provider's fetch).
#[cfg(any(
    feature = "embed",
    feature = "hosted-checkout",
    feature = "catalogs-on-demand"
))]
pub fn install_entries<C: Catalog>(lang: Lang, entries: &JsValue) {
    let Some(entries) = entries.dyn_ref::<js_sys::Array>() else {
        return;
    };
    let messages = entries.iter().skip(1).map(|m| m.as_string());
    if let Ok(text) = loaded::accept::<C>(entries.get(0).as_f64(), messages) {
        loaded::install::<C>(lang, text);
    }
}

#[cfg(feature = "leptos")]
pub use provider_words::Words;

/// The provider's side (a Leptos app built with `catalogs-on-demand`).
#[cfg(feature = "leptos")]
mod provider_words {
    #[cfg(feature = "catalogs-on-demand")]
    use super::{install_entries, loaded, Catalog as _, Lang};
    #[cfg(not(feature = "catalogs-on-demand"))]
    use leptos::prelude::AnyView;
    use leptos::prelude::Children;
    #[cfg(feature = "catalogs-on-demand")]
    use leptos::prelude::{Get, IntoView, RwSignal, Set};

    /// Where a provider looks for the catalog files unless told
    /// (`catalogs_url`): `locales/` beside the page.
    #[cfg(feature = "catalogs-on-demand")]
    const DEFAULT_CATALOGS_URL: &str = "locales/";

    /// How long a catalog may take before the panel shows English (as
    /// `js/catalogs.js` waits for the embed's and the hosted page's).
    #[cfg(feature = "catalogs-on-demand")]
    const TIMEOUT_MS: u32 = 8_000;

    /// The words a provider's children wait for. Without
    /// `catalogs-on-demand` (every language compiled in) there is nothing
    /// to wait for, and this is nothing at all.
    pub struct Words {
        /// Set once the catalogs have been installed or have failed;
        /// `None` when none was needed (English, or already installed).
        #[cfg(feature = "catalogs-on-demand")]
        ready: Option<RwSignal<bool>>,
    }

    impl Words {
        /// Starts fetching the `panel` and `widget` catalogs of `locale`'s
        /// language from `{catalogs_url}{catalog}.{lang}.json` (relative to
        /// the page, as `fetch` resolves it; default `locales/`). Spawned
        /// now, so it runs in the same turn as the provider's first load (an
        /// effect), not after it.
        #[cfg_attr(not(feature = "catalogs-on-demand"), inline)]
        pub fn start(locale: &str, catalogs_url: Option<String>) -> Words {
            #[cfg(feature = "catalogs-on-demand")]
            {
                use crate::i18n::{panel, widget};
                let lang = Lang::of(locale);
                if !loaded::missing::<panel::Msg>(lang) && !loaded::missing::<widget::Msg>(lang) {
                    return Words { ready: None };
                }
                let base = catalogs_url.unwrap_or_else(|| DEFAULT_CATALOGS_URL.to_owned());
                let ready = RwSignal::new(false);
                leptos::task::spawn_local(async move {
                    let (panel_file, widget_file) = futures::future::join(
                        fetch(&base, panel::Msg::FILE, lang),
                        fetch(&base, widget::Msg::FILE, lang),
                    )
                    .await;
                    if let Some(parsed) = panel_file {
                        install_entries::<panel::Msg>(lang, &parsed);
                    }
                    if let Some(parsed) = widget_file {
                        install_entries::<widget::Msg>(lang, &parsed);
                    }
                    ready.set(true);
                });
                Words { ready: Some(ready) }
            }
            #[cfg(not(feature = "catalogs-on-demand"))]
            {
                let _ = (locale, catalogs_url);
                Words {}
            }
        }

        /// `children` once the words are in: at once when none was fetched;
        /// otherwise when both catalogs have been installed or have failed,
        /// so a German panel never shows English first, and a failure
        /// leaves English.
        #[cfg(feature = "catalogs-on-demand")]
        pub fn then(self, children: Children) -> impl IntoView {
            // A closure rather than `AnyView` (no type erasure): `ready`
            // changes at most once, so this runs once (words in, or none
            // needed) or twice (nothing, then the children, built untracked
            // under the provider's context).
            let ready = self.ready;
            let mut children = Some(children);
            move || {
                if ready.is_some_and(|ready| !ready.get()) {
                    return None;
                }
                children.take().map(leptos::prelude::untrack)
            }
        }

        /// `children`: every language is compiled in.
        #[cfg(not(feature = "catalogs-on-demand"))]
        #[inline]
        pub fn then(self, children: Children) -> AnyView {
            children()
        }
    }

    /// Fetches `{base}{catalog}.{lang}.json` through the transport's
    /// `fetch` (no cookies, aborted after [`TIMEOUT_MS`]) and parses it;
    /// `None` when that fails. One future type for both catalogs.
    #[cfg(feature = "catalogs-on-demand")]
    async fn fetch(base: &str, catalog: &str, lang: Lang) -> Option<wasm_bindgen::JsValue> {
        use crate::transport::{Credentials, FetchTransport, HttpMethod, HttpRequest, Transport};
        let mut url = base.to_owned();
        url.push_str(&crate::i18n::files::file_name(catalog, lang));
        let transport = FetchTransport {
            timeout_ms: TIMEOUT_MS,
            credentials: Credentials::Omit,
        };
        let request = HttpRequest {
            method: HttpMethod::Get,
            url,
            headers: Vec::new(),
            body: None,
        };
        let answer = transport.send(request).await.ok()?;
        if !(200..300).contains(&answer.status) {
            return None;
        }
        js_sys::JSON::parse(&answer.body).ok()
    }
}
