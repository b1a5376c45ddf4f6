//! Catching bindings to the browser's `Intl`: js-sys's stable constructors
//! throw on a bad locale or currency, and a throw would abort the wasm module.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Intl.NumberFormat`.
    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    pub type NumberFormat;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "NumberFormat", catch)]
    fn construct(locales: &Array, options: &Object) -> Result<NumberFormat, JsValue>;

    /// Formats a number.
    #[wasm_bindgen(method, js_class = "NumberFormat")]
    pub fn format(this: &NumberFormat, value: f64) -> String;

    #[wasm_bindgen(method, js_class = "NumberFormat", js_name = resolvedOptions)]
    fn resolved_options(this: &NumberFormat) -> Object;

    /// `Intl.DateTimeFormat`.
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    pub type DateTimeFormat;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn construct_date(locales: &Array, options: &Object) -> Result<DateTimeFormat, JsValue>;

    /// Formats a date.
    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = format, catch)]
    fn format_date(this: &DateTimeFormat, date: &js_sys::Date) -> Result<String, JsValue>;
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

impl DateTimeFormat {
    /// A `dateStyle: "medium"` formatter ("Dec 21, 2026", "21.12.2026") for
    /// `locale`, falling back to the browser default for an invalid tag.
    pub fn medium_date(locale: &str) -> Option<Self> {
        let options = Object::new();
        set(&options, "dateStyle", "medium");
        Self::construct_date(&locales(locale), &options)
            .or_else(|_| Self::construct_date(&Array::new(), &options))
            .ok()
    }

    /// Formats epoch milliseconds; `None` when out of the Date range.
    pub fn format_epoch_ms(&self, epoch_ms: i64) -> Option<String> {
        self.format_date(&js_sys::Date::new(&JsValue::from_f64(epoch_ms as f64)))
            .ok()
    }
}

impl NumberFormat {
    /// A currency formatter for `locale` (falls back to the browser default
    /// when the tag is invalid); `None` when the currency code is invalid.
    pub fn currency(locale: &str, currency: &str) -> Option<Self> {
        let options = Object::new();
        set(&options, "style", "currency");
        set(&options, "currency", currency);
        Self::construct(&locales(locale), &options)
            .or_else(|_| Self::construct(&Array::new(), &options))
            .ok()
    }

    /// Digits after the decimal point the formatter shows (the currency's own).
    pub fn maximum_fraction_digits(&self) -> Option<u32> {
        Reflect::get(&self.resolved_options(), &"maximumFractionDigits".into())
            .ok()?
            .as_f64()
            .map(|d| d as u32)
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

#[wasm_bindgen]
extern "C" {
    /// `Intl.PluralRules`.
    #[wasm_bindgen(js_namespace = Intl, js_name = PluralRules)]
    type PluralRules;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "PluralRules", catch)]
    fn construct_plural(locales: &Array, options: &Object) -> Result<PluralRules, JsValue>;

    #[wasm_bindgen(method, js_class = "PluralRules")]
    fn select(this: &PluralRules, count: f64) -> String;
}

/// The CLDR plural category of `count` in `locale` (`one`, `few`, `other`, …),
/// as `Intl.PluralRules` says; `other` when the browser cannot tell.
pub fn plural_category(locale: &str, count: u32) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let rules = PluralRules::construct_plural(&locales(locale), &Object::new())
            .or_else(|_| PluralRules::construct_plural(&Array::new(), &Object::new()));
        if let Ok(rules) = rules {
            return rules.select(f64::from(count));
        }
    }
    let _ = locale;
    if count == 1 { "one" } else { "other" }.to_owned()
}

/// `count` written with `locale`'s digits and grouping (`1,000`, `١٢`).
pub fn format_count(locale: &str, count: u32) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let format = NumberFormat::construct(&locales(locale), &Object::new())
            .or_else(|_| NumberFormat::construct(&Array::new(), &Object::new()));
        if let Ok(format) = format {
            return format.format(f64::from(count));
        }
    }
    let _ = locale;
    crate::plain_text::decimal(u64::from(count))
}
