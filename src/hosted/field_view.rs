//! The pay form's fields in plain DOM: a labelled input (or the country
//! select) with its error below it, tied together for assistive technology
//! (`aria-invalid`, `aria-describedby`); and the few DOM calls the form's
//! parts share (focus, timers, "is focus going to Pay?").

use super::dom::{append, attrs, el, text};
use super::form::Field;
use crate::i18n::{page::Msg, Lang, Message};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

/// One field of the form: its `.co-field` box, its control and its error.
pub struct FieldView {
    /// Which field.
    pub field: Field,
    /// The `.co-field` box (marked `co-field-invalid` while an error shows).
    pub wrap: Element,
    /// The `<input>` or `<select>`.
    pub control: Element,
    /// The `.co-input-wrap` around an input, where the card brand goes.
    pub input_box: Option<Element>,
    error: Element,
    lang: Lang,
    shown: Cell<Option<Msg>>,
}

impl FieldView {
    /// A text input; `readonly` locks a prefilled email.
    pub fn input(field: Field, lang: Lang, readonly: bool, initial: &str) -> Self {
        let a = field.input_attributes();
        let input = el("input", "co-input");
        let maxlength = a.maxlength.to_string();
        attrs(
            &input,
            &[
                ("id", field.input_id()),
                ("type", a.input_type),
                ("name", a.name),
                ("inputmode", a.inputmode),
                ("autocomplete", a.autocomplete),
                ("maxlength", &maxlength),
                ("aria-invalid", "false"),
            ],
        );
        if !a.placeholder.is_empty() {
            attrs(&input, &[("placeholder", a.placeholder)]);
        }
        if !field.optional() {
            attrs(&input, &[("required", "")]);
        }
        if readonly {
            attrs(&input, &[("readonly", "")]);
        }
        if let Some(i) = input.dyn_ref::<HtmlInputElement>() {
            i.set_value(initial);
        }
        let input_box = el("div", "co-input-wrap");
        append(&input_box, &[&input]);
        Self::framed(field, lang, input, Some(input_box))
    }

    /// The country as a select of every country (`countries`: code and name,
    /// sorted by name) named in `names_lang`, which may differ from the
    /// page's language (so each option says which it is in).
    pub fn country(
        lang: Lang,
        names_lang: &str,
        countries: Vec<(&'static str, String)>,
        initial: &str,
    ) -> Self {
        let field = Field::Country;
        let select = el("select", "co-input");
        attrs(
            &select,
            &[
                ("id", field.input_id()),
                ("name", "country"),
                ("autocomplete", "billing country"),
                ("required", ""),
                ("aria-invalid", "false"),
            ],
        );
        let choose = el("option", "");
        attrs(&choose, &[("value", "")]);
        text(&choose, Msg::Choose.text(lang));
        append(&select, &[&choose]);
        for (code, name) in countries {
            let option = el("option", "");
            attrs(&option, &[("value", code), ("lang", names_lang)]);
            text(&option, &name);
            append(&select, &[&option]);
        }
        mark_selected(&select, initial);
        Self::framed(field, lang, select, None)
    }

    fn framed(field: Field, lang: Lang, control: Element, input_box: Option<Element>) -> Self {
        let wrap = el("div", "co-field");
        let label = el("label", "co-label");
        attrs(&label, &[("for", field.input_id())]);
        text(&label, field.label().text(lang));
        let error = el("p", "co-field-error");
        attrs(&error, &[("id", field.error_id())]);
        append(
            &wrap,
            &[&label, input_box.as_ref().unwrap_or(&control), &error],
        );
        Self {
            field,
            wrap,
            control,
            input_box,
            error,
            lang,
            shown: Cell::new(None),
        }
    }

    /// What the control holds now.
    pub fn value(&self) -> String {
        value_of(&self.control)
    }

    /// Shows `error` (or none) under the field, and says so to assistive technology.
    pub fn show(&self, error: Option<Msg>) {
        if self.shown.replace(error) == error {
            return;
        }
        show_error(
            &self.wrap,
            &self.control,
            &self.error,
            self.field.error_id(),
            error.map(|m| m.text(self.lang)),
        );
    }
}

/// Marks a field box, its control and its error text with `error` (or clears them).
pub fn show_error(
    wrap: &Element,
    control: &Element,
    error: &Element,
    error_id: &str,
    message: Option<&str>,
) {
    wrap.set_class_name(if message.is_some() {
        "co-field co-field-invalid"
    } else {
        "co-field"
    });
    attrs(
        control,
        &[(
            "aria-invalid",
            if message.is_some() { "true" } else { "false" },
        )],
    );
    match message {
        Some(_) => attrs(control, &[("aria-describedby", error_id)]),
        None => {
            let _ = control.remove_attribute("aria-describedby");
        }
    }
    text(error, message.unwrap_or_default());
}

/// The value of an `<input>` or `<select>`.
pub fn value_of(control: &Element) -> String {
    if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else if let Some(select) = control.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}

/// Moves the `selected` attribute of `select`'s options to the one whose
/// value is `value` (`value` is one of the options' own values): the markup
/// says what is chosen, and a new select opens on it.
pub fn mark_selected(select: &Element, value: &str) {
    if let Ok(Some(old)) = select.query_selector("option[selected]") {
        let _ = old.remove_attribute("selected");
    }
    if let Ok(Some(option)) = select.query_selector(&format!("option[value=\"{value}\"]")) {
        attrs(&option, &[("selected", "")]);
    }
}

/// Sets `element`'s text unless it already says that: a live region
/// re-announces text that is written again.
pub fn set_text(element: &Element, to: &str) {
    if element.text_content().as_deref() != Some(to) {
        text(element, to);
    }
}

/// Whether a blur hands focus to a submit button (a click on Pay, or Tab to it).
pub fn moves_to_submit(ev: &web_sys::Event) -> bool {
    ev.dyn_ref::<web_sys::FocusEvent>()
        .and_then(|ev| ev.related_target())
        .and_then(|target| target.dyn_into::<Element>().ok())
        .is_some_and(|el| el.matches("button[type=submit]").unwrap_or(false))
}

/// Moves focus to the element with DOM id `id`, if it is on the page.
pub fn focus(id: &str) {
    if let Some(el) = super::dom::document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Runs `f` once after `ms` milliseconds; the handle clears it.
pub fn set_timeout(f: impl FnOnce() + 'static, ms: i32) -> Option<i32> {
    let callback = Closure::once_into_js(f);
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms)
        .ok()
}

/// Clears a timer from [`set_timeout`].
pub fn clear_timeout(handle: i32) {
    if let Some(window) = web_sys::window() {
        window.clear_timeout_with_handle(handle);
    }
}
