//! Small, non-panicking accessors for the page the widget runs in.

use checkout_protocol::{
    ErrorCode, RedirectUrl, RedirectUrlError, UrlRole, CHECKOUT_SESSION_ID_PLACEHOLDER,
};

use crate::error::BillingError;

/// The browser's window; none outside a browser. Natively (a server
/// rendering the provider with Leptos `ssr`) web-sys would panic instead of
/// answering, so every accessor here asks through this and degrades.
pub(crate) fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()
    } else {
        None
    }
}

/// The page's URL, or an empty string outside a browser.
pub fn page_href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The page's path, e.g. `/checkout/cs_…`.
pub fn page_path() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// A query parameter of the page's URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// The customer's preferred locale as the browser reports it: the first of
/// `navigator.languages` the widget has words for (a German speaker who
/// also reads English and Portuguese gets German), else the first listed.
pub fn browser_locale() -> String {
    let Some(navigator) = window().map(|w| w.navigator()) else {
        return "en-US".to_owned();
    };
    crate::i18n::negotiate(
        navigator
            .languages()
            .iter()
            .filter_map(|tag| tag.as_string()),
    )
    .or_else(|| navigator.language())
    .unwrap_or_else(|| "en-US".to_owned())
}

/// `url` with `locale=…` in its query, so the hosted page (another page,
/// maybe in a frame) speaks the language the merchant chose for the widget;
/// the URL unchanged without a locale or when it cannot be parsed.
pub fn with_locale(url: &str, locale: Option<&str>) -> String {
    let Some(locale) = locale.map(str::trim).filter(|l| !l.is_empty()) else {
        return url.to_owned();
    };
    match web_sys::Url::new(url) {
        Ok(parsed) => {
            parsed.search_params().set("locale", locale);
            parsed.href()
        }
        Err(_) => url.to_owned(),
    }
}

/// 128 random bits as 32 hex digits, from the browser's CSPRNG
/// (`crypto.getRandomValues` works in insecure contexts too, unlike `randomUUID`).
pub fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let filled = window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto (not a browser): still unique enough to tell calls apart.
        let now = js_sys::Date::now().to_bits().to_le_bytes();
        let noise = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        bytes[..8].copy_from_slice(&now);
        bytes[8..12].copy_from_slice(&noise.to_le_bytes());
    }
    crate::plain_text::hex(&bytes)
}

/// The page's `document.cookie` (empty when unreadable).
pub fn cookies() -> String {
    html_document()
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default()
}

/// Sets one cookie (`document.cookie = …`).
pub fn set_cookie(cookie: &str) {
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(cookie);
    }
}

fn html_document() -> Option<web_sys::HtmlDocument> {
    use wasm_bindgen::JsCast;
    window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
}

/// Loads an ES module script by URL (a file on this origin, so CSP allows it).
pub fn load_module(src: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) else {
        return;
    };
    let _ = script.set_attribute("type", "module");
    let _ = script.set_attribute("src", src);
    let _ = head.append_child(&script);
}

#[cfg(any(feature = "leptos", feature = "hosted-checkout"))]
/// Moves focus to the element with `id` once focus has been lost — when a
/// re-render removed the focused control (an "Add promotion code" toggle that
/// became a field, a panel reloaded after an action) and the browser put focus
/// back on `<body>`. Tries for about two seconds; never takes focus from
/// wherever the customer has moved it. A target still disabled or behind a
/// modal dialog refuses focus until the redraw that frees it: it is tried
/// again then. The page's own timer runs the tries (`js/fetch.js`
/// `restoreFocus`: now, then every 50 ms, 40 in all): a Rust timer future
/// spawned per call cost the bundle a task, a timer binding and its glue.
pub fn restore_focus_to(id: &str) {
    // Natively (unit tests, `ssr`) there is no page and no JS to call.
    if window().is_some() {
        page_js::restore_focus(id);
    }
}

#[cfg(any(feature = "leptos", feature = "hosted-checkout"))]
mod page_js {
    #[wasm_bindgen::prelude::wasm_bindgen(module = "/js/fetch.js")]
    extern "C" {
        /// `restoreFocus(id)`: see [`super::restore_focus_to`].
        #[wasm_bindgen(js_name = restoreFocus)]
        pub(super) fn restore_focus(id: &str);
    }
}

/// Sets the document title.
pub fn set_title(title: &str) {
    if let Some(doc) = window().and_then(|w| w.document()) {
        doc.set_title(title);
    }
}

/// The current (year, month) in UTC, for card expiry checks.
pub fn utc_year_month() -> (u32, u32) {
    let now = js_sys::Date::new_0();
    (now.get_utc_full_year(), now.get_utc_month() + 1)
}

/// Sends the browser to `url`, but only to an http(s) URL: a server that was
/// tricked into returning `javascript:` must not run script on this page.
pub fn navigate(url: &str) -> Result<(), BillingError> {
    let resolved = resolve_url(url, UrlRole::Redirect)?;
    let window = window().ok_or(BillingError::Network)?;
    window.location().assign(&resolved).map_err(|_| {
        BillingError::validation(
            ErrorCode::InvalidUrl,
            "The redirect URL could not be opened.",
        )
    })
}

/// Whether `url` (resolved against the page) is this page: same origin and
/// path, whatever its query. A paid session without a success URL "redirects"
/// to its own hosted page, which then just shows its receipt in place.
pub fn is_current_page(url: &str) -> bool {
    let Some(location) = window().map(|w| w.location()) else {
        return false;
    };
    let (Ok(here), Ok(origin), Ok(path)) =
        (location.href(), location.origin(), location.pathname())
    else {
        return false;
    };
    web_sys::Url::new_with_base(url, &here)
        .is_ok_and(|u| u.origin() == origin && u.pathname() == path)
}

/// Resolves `input` against the page URL and accepts it only if it is a
/// [`RedirectUrl`]. `{CHECKOUT_SESSION_ID}` survives resolution unescaped.
pub fn resolve_url(input: &str, role: UrlRole) -> Result<String, BillingError> {
    // Blank must not resolve to the page itself.
    if input.trim().is_empty() {
        return Err(RedirectUrlError::Missing(role).into());
    }
    let base = page_href();
    let url = if base.is_empty() {
        web_sys::Url::new(input.trim())
    } else {
        web_sys::Url::new_with_base(input.trim(), &base)
    }
    .map_err(|_| RedirectUrlError::NotWeb(role))?;
    let scheme = url.protocol();
    let url = RedirectUrl::from_parsed(
        restore_placeholder(&url.href()),
        scheme.trim_end_matches(':'),
        &url.host(),
        role,
    )?;
    Ok(url.into_string())
}

/// The URL parser percent-encodes braces in paths; put the placeholder back.
fn restore_placeholder(href: &str) -> String {
    if !href.contains('%') {
        return href.to_owned();
    }
    let mut out = href.to_owned();
    for encoded in ["%7BCHECKOUT_SESSION_ID%7D", "%7bCHECKOUT_SESSION_ID%7d"] {
        out = replace_all(&out, encoded, CHECKOUT_SESSION_ID_PLACEHOLDER);
    }
    out
}

/// [`checkout_protocol::redirect::fill_session_id`], done by the browser.
pub fn fill_session_id(url_template: &str, session_id: &str) -> String {
    replace_all(url_template, CHECKOUT_SESSION_ID_PLACEHOLDER, session_id)
}

/// Every `from` in `text` replaced by `to` (which must hold no `$`: in the
/// browser this is `String.prototype.replaceAll`). In the browser it costs
/// the bundle an import instead of Rust's substring search and the panic
/// messages that come with it; elsewhere (unit tests) it is `str::replace`.
pub(crate) fn replace_all(text: &str, from: &str, to: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(text).replace_all(from, to))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.replace(from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::redirect;

    #[test]
    fn placeholder_is_restored_in_paths() {
        assert_eq!(
            restore_placeholder("https://a.test/done/%7BCHECKOUT_SESSION_ID%7D?x=1"),
            "https://a.test/done/{CHECKOUT_SESSION_ID}?x=1"
        );
        assert_eq!(
            restore_placeholder("https://a.test/%41"),
            "https://a.test/%41"
        );
    }

    #[test]
    fn session_id_fills_every_placeholder() {
        assert_eq!(
            fill_session_id(
                "https://s/ok?id={CHECKOUT_SESSION_ID}&again={CHECKOUT_SESSION_ID}",
                "cs_1"
            ),
            redirect::fill_session_id(
                "https://s/ok?id={CHECKOUT_SESSION_ID}&again={CHECKOUT_SESSION_ID}",
                "cs_1"
            )
        );
    }
}
