//! Catching bindings to the browser's `Intl`: js-sys's stable constructors
//! throw on a bad locale or currency, and a throw would abort the wasm module.
//! What every app formats (money, counts, dates, plurals) goes through one
//! import, `intl` in `js/plain.js`, rather than a constructor, an options
//! object and a method each.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

/// What [`intl`] makes: `Intl.NumberFormat` with the currency, plain
/// `Intl.NumberFormat`, `Intl.DateTimeFormat` with `dateStyle: "medium"`,
/// `Intl.PluralRules`.
#[derive(Clone, Copy)]
enum Kind {
    Money = 0,
    Count = 1,
    Date = 2,
    Plural = 3,
}

#[wasm_bindgen(module = "/js/plain.js")]
extern "C" {
    /// Makes `kind`'s formatter for `locale` (the browser's default when
    /// empty or invalid) and formats `value` with it: money as minor units
    /// of `currency` divided by `10^digits`, the currency's own decimals (as
    /// `money::to_major` does), a date as epoch milliseconds, a
    /// plural as its count's category. `None` when the formatter cannot be
    /// made (an invalid currency) or the value not formatted (a date out of
    /// range): every throw is caught in JS.
    #[wasm_bindgen(js_name = intl)]
    fn intl_js(kind: u8, locale: &str, currency: &str, value: f64) -> Option<String>;
}

/// `kind`'s formatting of `value` (see [`intl_js`]); `None` off wasm, where
/// the callers write their plain fallback.
fn intl(kind: Kind, locale: &str, currency: &str, value: f64) -> Option<String> {
    if cfg!(target_arch = "wasm32") {
        intl_js(kind as u8, locale, currency, value)
    } else {
        None
    }
}

/// `amount_minor` of `currency` as `locale` writes money (`$12.00`,
/// `￥1,200`); `None` for a currency the browser does not know.
pub fn money(amount_minor: i64, currency: &str, locale: &str) -> Option<String> {
    intl(Kind::Money, locale, currency, amount_minor as f64)
}

/// Epoch milliseconds as a medium date in `locale` ("Dec 21, 2026",
/// "21.12.2026"); `None` when out of the Date range.
pub fn medium_date(epoch_ms: i64, locale: &str) -> Option<String> {
    intl(Kind::Date, locale, "", epoch_ms as f64)
}

#[wasm_bindgen]
extern "C" {
    /// `Intl.DisplayNames`.
    #[wasm_bindgen(js_namespace = Intl, js_name = DisplayNames)]
    pub type DisplayNames;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DisplayNames", catch)]
    fn construct_names(locales: &Array, options: &Object) -> Result<DisplayNames, JsValue>;

    #[wasm_bindgen(method, js_class = "DisplayNames", js_name = of, catch)]
    fn of(this: &DisplayNames, code: &str) -> Result<JsValue, JsValue>;

    /// `Intl.Collator`.
    #[wasm_bindgen(js_namespace = Intl, js_name = Collator)]
    pub type Collator;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "Collator", catch)]
    fn construct_collator(locales: &Array, options: &Object) -> Result<Collator, JsValue>;

    /// Compares two strings in the collator's locale (negative, zero, positive).
    #[wasm_bindgen(method, js_class = "Collator")]
    pub fn compare(this: &Collator, a: &str, b: &str) -> f64;
}

impl DisplayNames {
    /// Names of regions (countries) in `locale`.
    pub fn regions(locale: &str) -> Option<Self> {
        let options = Object::new();
        set(&options, "type", "region");
        Self::construct_names(&locales(locale), &options)
            .or_else(|_| Self::construct_names(&Array::new(), &options))
            .ok()
    }

    /// The name of a region code, e.g. `DE` → "Germany" / "Deutschland".
    pub fn name(&self, code: &str) -> Option<String> {
        self.of(code).ok()?.as_string()
    }
}

impl Collator {
    /// A collator for sorting names the way `locale`'s readers expect.
    pub fn for_locale(locale: &str) -> Option<Self> {
        Self::construct_collator(&locales(locale), &Object::new())
            .or_else(|_| Self::construct_collator(&Array::new(), &Object::new()))
            .ok()
    }
}

fn locales(locale: &str) -> Array {
    let list = Array::new();
    if !locale.is_empty() {
        list.push(&locale.into());
    }
    list
}

fn set(target: &Object, key: &str, value: &str) {
    // Setting a plain property on a fresh Object cannot fail.
    let _ = Reflect::set(target, &key.into(), &value.into());
}

/// The CLDR plural category of `count` in `locale` (`one`, `few`, `other`, …),
/// as `Intl.PluralRules` says; `other` when the browser cannot tell.
pub fn plural_category(locale: &str, count: u32) -> String {
    intl(Kind::Plural, locale, "", f64::from(count))
        .unwrap_or_else(|| if count == 1 { "one" } else { "other" }.to_owned())
}

/// `count` written with `locale`'s digits and grouping (`1,000`, `١٢`).
pub fn format_count(locale: &str, count: u32) -> String {
    intl(Kind::Count, locale, "", f64::from(count))
        .unwrap_or_else(|| crate::plain_text::decimal(u64::from(count)))
}
