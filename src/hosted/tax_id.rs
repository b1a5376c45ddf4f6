//! The optional "I'm purchasing as a business" section of the payment form,
//! shown when the merchant collects tax IDs: type, number and business
//! name, checked by protocol's rule (the server's) before paying.

use super::dom::{append, attrs, el, text, Scope};
use super::field_view::{mark_selected, moves_to_submit, show_error, value_of};
use crate::i18n::{fill, page::Msg, Lang, Message};
use checkout_protocol::{TaxId, TaxIdType};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// The number input's DOM id (focused when it is wrong on submit).
pub const VALUE_ID: &str = "tax-id-value";
const TYPE_ID: &str = "tax-id-type";
const NAME_ID: &str = "tax-id-business-name";
const ERROR_ID: &str = "tax-id-error";

/// The tax ID a business purchase sends, by protocol's rule: none when not
/// a business; an empty number is asked for, a malformed one refused.
pub fn checked(
    business: bool,
    tax_id_type: TaxIdType,
    value: &str,
    business_name: &str,
) -> Result<Option<TaxId>, Msg> {
    if !business {
        return Ok(None);
    }
    if value.trim().is_empty() {
        return Err(Msg::EnterTaxId);
    }
    TaxId::parse(tax_id_type, value, Some(business_name))
        .map(Some)
        .map_err(|_| Msg::TaxIdFormat)
}

/// An example of each type, for the format message and the placeholder.
pub fn example(tax_id_type: TaxIdType) -> &'static str {
    match tax_id_type {
        TaxIdType::EuVat => "DE123456789",
        TaxIdType::GbVat => "GB123456789",
        TaxIdType::UsEin => "12-3456789",
        TaxIdType::Other => "ABN 51 824 753 556",
    }
}

/// What `problem` (from [`checked`]) says in `lang`, with the example of
/// the chosen type filled in.
pub fn problem_text(problem: Msg, tax_id_type: TaxIdType, lang: Lang) -> String {
    match problem {
        Msg::TaxIdFormat => fill(problem.text(lang), &[example(tax_id_type)]),
        other => other.text(lang).to_owned(),
    }
}

fn type_label(tax_id_type: TaxIdType) -> Msg {
    match tax_id_type {
        TaxIdType::EuVat => Msg::TaxEuVat,
        TaxIdType::GbVat => Msg::TaxGbVat,
        TaxIdType::UsEin => Msg::TaxUsEin,
        TaxIdType::Other => Msg::TaxOther,
    }
}

/// The checkbox and, once ticked, the type, number and business name. What
/// is typed stays in the inputs while the box is unticked.
pub struct TaxIdSection {
    root: Element,
    checkbox: HtmlInputElement,
    /// The type, number and business-name boxes, in the fieldset while ticked.
    details: [Element; 3],
    type_select: Element,
    value_input: Element,
    name_input: Element,
    error: Element,
    tax_id_type: Cell<TaxIdType>,
    submitted: Cell<bool>,
    touched: Cell<bool>,
    lang: Lang,
    scope: Scope,
}

impl TaxIdSection {
    /// The section, unticked, in `lang`.
    pub fn new(lang: Lang) -> Rc<Self> {
        let root = el("fieldset", "co-card-fields co-tax-id");
        let legend = el("legend", "cw-visually-hidden");
        text(&legend, Msg::BusinessPurchase.text(lang));
        let label = el("label", "co-checkbox");
        let checkbox = el("input", "");
        attrs(
            &checkbox,
            &[("type", "checkbox"), ("id", "tax-id-business")],
        );
        append(&label, &[&checkbox]);
        let _ = label.append_with_str_1(&format!(" {}", Msg::BusinessPurchase.text(lang)));
        append(&root, &[&legend, &label]);

        let type_select = el("select", "co-input");
        attrs(&type_select, &[("id", TYPE_ID)]);
        for t in TaxIdType::ALL {
            let option = el("option", "");
            attrs(&option, &[("value", t.as_str())]);
            text(&option, type_label(t).text(lang));
            append(&type_select, &[&option]);
        }
        mark_selected(&type_select, TaxIdType::EuVat.as_str());
        let type_box = labelled(TYPE_ID, Msg::TaxIdType.text(lang), &type_select);

        let value_input = el("input", "co-input");
        attrs(
            &value_input,
            &[
                ("id", VALUE_ID),
                ("type", "text"),
                ("autocomplete", "off"),
                ("autocapitalize", "characters"),
                ("maxlength", "40"),
                ("required", ""),
                ("placeholder", example(TaxIdType::EuVat)),
                ("aria-invalid", "false"),
            ],
        );
        let value_box = labelled(VALUE_ID, Msg::TaxIdNumber.text(lang), &value_input);
        let error = el("p", "co-field-error");
        attrs(&error, &[("id", ERROR_ID)]);
        append(&value_box, &[&error]);

        let name_input = el("input", "co-input");
        attrs(
            &name_input,
            &[
                ("id", NAME_ID),
                ("type", "text"),
                ("autocomplete", "organization"),
                ("maxlength", "200"),
            ],
        );
        let name_box = labelled(NAME_ID, Msg::BusinessName.text(lang), &name_input);

        let section = Rc::new(Self {
            root,
            checkbox: checkbox.unchecked_into(),
            details: [type_box, value_box, name_box],
            type_select,
            value_input,
            name_input,
            error,
            tax_id_type: Cell::new(TaxIdType::EuVat),
            submitted: Cell::new(false),
            touched: Cell::new(false),
            lang,
            scope: Scope::default(),
        });
        section.listen();
        section
    }

    fn listen(self: &Rc<Self>) {
        let on = |target: &Element, event: &str, handler: fn(&Self, &web_sys::Event)| {
            let weak: Weak<Self> = Rc::downgrade(self);
            self.scope.listen(target, event, move |ev| {
                if let Some(section) = weak.upgrade() {
                    handler(&section, &ev);
                }
            });
        };
        on(&self.checkbox, "change", |s, _| {
            for d in &s.details {
                if s.checkbox.checked() {
                    append(&s.root, &[d]);
                } else {
                    d.remove();
                }
            }
            s.refresh();
        });
        on(&self.type_select, "change", |s, _| {
            let chosen = value_of(&s.type_select);
            if let Some(t) = TaxIdType::parse(&chosen) {
                s.tax_id_type.set(t);
                mark_selected(&s.type_select, &chosen);
            }
            s.refresh();
        });
        on(&self.value_input, "input", |s, _| s.refresh());
        on(&self.value_input, "blur", |s, ev| {
            // Leaving for Pay: the submit shows the problem, after the
            // click; shown now it would move Pay from under the pointer.
            if !moves_to_submit(ev) {
                s.touched.set(true);
                s.refresh();
            }
        });
    }

    /// The fieldset, placed in the form.
    pub fn root(&self) -> &Element {
        &self.root
    }

    /// The tax ID to send (`None` unless purchasing as a business), or the
    /// problem to show; marks the section as submitted so the problem shows.
    pub fn to_request(&self) -> Result<Option<TaxId>, Msg> {
        self.submitted.set(true);
        self.refresh();
        self.checked()
    }

    /// What `problem` (from [`Self::to_request`]) says, for the chosen type.
    pub fn problem_text(&self, problem: Msg) -> String {
        problem_text(problem, self.tax_id_type.get(), self.lang)
    }

    fn checked(&self) -> Result<Option<TaxId>, Msg> {
        checked(
            self.checkbox.checked(),
            self.tax_id_type.get(),
            &value_of(&self.value_input),
            &value_of(&self.name_input),
        )
    }

    /// Brings the placeholder and the shown problem up to date.
    fn refresh(&self) {
        let tax_id_type = self.tax_id_type.get();
        attrs(&self.value_input, &[("placeholder", example(tax_id_type))]);
        let shown = (self.submitted.get() || self.touched.get())
            .then(|| self.checked().err())
            .flatten()
            .map(|m| self.problem_text(m));
        let Some(wrap) = self.details.get(1) else {
            return;
        };
        show_error(
            wrap,
            &self.value_input,
            &self.error,
            ERROR_ID,
            shown.as_deref(),
        );
    }
}

/// A `.co-field` box with a label for `id` and its control.
fn labelled(id: &str, label_text: &str, control: &Element) -> Element {
    let wrap = el("div", "co-field");
    let label = el("label", "co-label");
    attrs(&label, &[("for", id)]);
    text(&label, label_text);
    append(&wrap, &[&label, control]);
    wrap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_business_sends_a_tax_id_checked_by_the_shared_rule() {
        assert_eq!(checked(false, TaxIdType::GbVat, "junk", ""), Ok(None));
        assert_eq!(
            checked(true, TaxIdType::GbVat, " ", ""),
            Err(Msg::EnterTaxId)
        );
        assert_eq!(
            checked(true, TaxIdType::GbVat, "GB12", ""),
            Err(Msg::TaxIdFormat)
        );
        let sent = checked(true, TaxIdType::GbVat, "gb 123 456 789", " Acme ")
            .unwrap()
            .unwrap();
        assert_eq!(sent.value, "GB123456789");
        assert_eq!(sent.business_name.as_deref(), Some("Acme"));
        for t in TaxIdType::ALL {
            assert!(
                checked(true, t, example(t), "").is_ok(),
                "the example of {t:?} is valid"
            );
        }
    }

    #[test]
    fn a_format_problem_names_the_chosen_types_example() {
        let said = problem_text(Msg::TaxIdFormat, TaxIdType::UsEin, Lang::En);
        assert!(said.contains("12-3456789"), "{said}");
        assert!(!said.contains("{"), "{said}");
        assert_eq!(
            problem_text(Msg::EnterTaxId, TaxIdType::UsEin, Lang::En),
            Msg::EnterTaxId.text(Lang::En)
        );
    }
}
