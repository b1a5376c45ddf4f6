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
/// also reads English and Portuguese gets German), else the first listed,
/// else `navigator.language`; `en-US` outside a browser.
pub fn browser_locale() -> String {
    let reported = if cfg!(target_arch = "wasm32") {
        page_js::languages()
    } else {
        String::new()
    };
    // `language`, then each of `languages`, one a line (a tag has none).
    let mut lines = lines(&reported).into_iter();
    let language = lines.next().filter(|l| !l.is_empty());
    crate::i18n::negotiate(lines)
        .or(language)
        .unwrap_or_else(|| "en-US".to_owned())
}

/// `url` with `locale=…` in its query, so the hosted page (another page,
/// maybe in a frame) speaks the language the merchant chose for the widget;
/// the URL unchanged without a locale or when it cannot be parsed.
pub fn with_locale(url: &str, locale: Option<&str>) -> String {
    let Some(locale) = locale.map(str::trim).filter(|l| !l.is_empty()) else {
        return url.to_owned();
    };
    page_js::with_locale(url, locale)
}

/// 128 random bits as 32 hex digits, from the browser's CSPRNG
/// (`crypto.getRandomValues` works in insecure contexts too, unlike
/// `randomUUID`); without Web Crypto, `Math.random`: still unique enough to
/// tell calls apart. One import instead of four.
pub fn random_token() -> String {
    page_js::random_token()
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
/// again then. The page's own timer runs the tries (`js/plain.js`
/// `restoreFocus`: now, then every 50 ms, 40 in all): a Rust timer future
/// spawned per call cost the bundle a task, a timer binding and its glue.
pub fn restore_focus_to(id: &str) {
    // Natively (unit tests, `ssr`) there is no page and no JS to call.
    if window().is_some() {
        focus_js::restore_focus(id);
    }
}

#[cfg(any(feature = "leptos", feature = "hosted-checkout"))]
mod focus_js {
    #[wasm_bindgen::prelude::wasm_bindgen(module = "/js/plain.js")]
    extern "C" {
        /// `restoreFocus(id)`: see [`super::restore_focus_to`].
        #[wasm_bindgen(js_name = restoreFocus)]
        pub(super) fn restore_focus(id: &str);
    }
}

/// The page's URL parser, Web Crypto and languages in `js/plain.js` (the
/// library's one hand-written snippet for Leptos apps: every app ships each
/// snippet file whole, so one file costs less than two): one import each
/// where web-sys took three to seven (each an import name, a JS shim and its
/// marshalling). Their comments are here: an app's trunk build copies the
/// snippet as it is (unminified).
mod page_js {
    #[wasm_bindgen::prelude::wasm_bindgen(module = "/js/plain.js")]
    extern "C" {
        /// `new URL(input, location.href)` as `protocol`, `host` and `href`,
        /// one a line, `placeholder` put back where the parser
        /// percent-encoded its braces (`%7B…%7D` or `%7b…%7d`); `None` when
        /// it does not parse.
        #[wasm_bindgen(js_name = resolveUrl)]
        pub(super) fn resolve_url(input: &str, placeholder: &str) -> Option<String>;

        /// `href` with its `locale` query parameter set to `locale`; `href`
        /// unchanged when it does not parse as an absolute URL.
        #[wasm_bindgen(js_name = withLocale)]
        pub(super) fn with_locale(href: &str, locale: &str) -> String;

        /// See [`super::random_token`].
        #[wasm_bindgen(js_name = randomToken)]
        pub(super) fn random_token() -> String;

        /// `navigator.language`, then each of `navigator.languages` (if the
        /// browser has the list), one a line.
        pub(super) fn languages() -> String;
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
    // Natively (unit tests, `ssr`) there is no parser to ask.
    let parsed = if cfg!(target_arch = "wasm32") {
        page_js::resolve_url(input.trim(), CHECKOUT_SESSION_ID_PLACEHOLDER)
    } else {
        None
    };
    let parsed = parsed.ok_or(RedirectUrlError::NotWeb(role))?;
    // `protocol`, `host` and `href`, one a line (a parsed URL has none).
    let mut parts = lines(&parsed).into_iter();
    let mut part = || parts.next().unwrap_or_default();
    let (scheme, host, href) = (part(), part(), part());
    let url = RedirectUrl::from_parsed(href, scheme.trim_end_matches(':'), &host, role)?;
    Ok(url.into_string())
}

/// `text`'s lines (split at `\n`; an empty text is one empty line). By
/// char, not `str::split`, whose searcher cost an app 0.7 KB of wasm.
fn lines(text: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    for c in text.chars() {
        match (c, lines.last_mut()) {
            ('\n', _) => lines.push(String::new()),
            (_, Some(line)) => line.push(c),
            (_, None) => {}
        }
    }
    lines
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
    fn lines_split_at_every_newline() {
        assert_eq!(lines(""), [""]);
        assert_eq!(
            lines("https:\nshop.test\nhttps://shop.test/ä?q=1"),
            ["https:", "shop.test", "https://shop.test/ä?q=1"]
        );
        assert_eq!(lines("de-DE\n\nfr"), ["de-DE", "", "fr"]);
        assert_eq!(lines("en\n"), ["en", ""]);
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
