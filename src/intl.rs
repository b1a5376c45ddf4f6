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
