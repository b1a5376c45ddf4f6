//! The optional "I'm purchasing as a business" section of the payment form,
//! shown when the merchant collects tax IDs: type, number and business
//! name, checked by protocol's rule (the server's) before paying.

use crate::i18n::{fill, page::Msg, Lang, Message};
use checkout_protocol::{TaxId, TaxIdType};
use leptos::prelude::*;

/// The number input's DOM id (focused when it is wrong on submit).
pub const VALUE_ID: &str = "tax-id-value";
const TYPE_ID: &str = "tax-id-type";
const NAME_ID: &str = "tax-id-business-name";
const ERROR_ID: &str = "tax-id-error";

/// What the customer chose and typed in the section.
#[derive(Debug, Clone, Copy)]
pub struct TaxIdFields {
    business: RwSignal<bool>,
    tax_id_type: RwSignal<TaxIdType>,
    value: RwSignal<String>,
    business_name: RwSignal<String>,
    submitted: RwSignal<bool>,
}

impl Default for TaxIdFields {
    fn default() -> Self {
        Self::new()
    }
}

impl TaxIdFields {
    /// Empty, not purchasing as a business.
    pub fn new() -> Self {
        Self {
            business: RwSignal::new(false),
            tax_id_type: RwSignal::new(TaxIdType::EuVat),
            value: RwSignal::new(String::new()),
            business_name: RwSignal::new(String::new()),
            submitted: RwSignal::new(false),
        }
    }

    /// The tax ID to send (`None` unless purchasing as a business), or the
    /// problem to show; marks the section as submitted so the problem shows.
    pub fn to_request(self) -> Result<Option<TaxId>, Msg> {
        self.submitted.set(true);
        checked(
            self.business.get_untracked(),
            self.tax_id_type.get_untracked(),
            &self.value.get_untracked(),
            &self.business_name.get_untracked(),
        )
    }

    /// What `problem` (from [`Self::to_request`]) says, in `lang`, with the
    /// chosen type's example filled in.
    pub fn problem_text(self, problem: Msg, lang: Lang) -> String {
        match problem {
            Msg::TaxIdFormat => fill(
                problem.text(lang),
                &[example(self.tax_id_type.get_untracked())],
            ),
            other => other.text(lang).to_owned(),
        }
    }

    fn problem(self) -> Option<Msg> {
        checked(
            self.business.get(),
            self.tax_id_type.get(),
            &self.value.get(),
            &self.business_name.get(),
        )
        .err()
    }
}

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

/// An example of each type, for the format message.
pub fn example(tax_id_type: TaxIdType) -> &'static str {
    match tax_id_type {
        TaxIdType::EuVat => "DE123456789",
        TaxIdType::GbVat => "GB123456789",
        TaxIdType::UsEin => "12-3456789",
        TaxIdType::Other => "ABN 51 824 753 556",
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

/// The checkbox and, once ticked, the type, number and business name.
#[component]
pub fn TaxIdSection(
    /// The section's state, read by the form on submit.
    fields: TaxIdFields,
    /// The language of the labels.
    lang: Lang,
) -> impl IntoView {
    let touched = RwSignal::new(false);
    let shown = move || {
        (fields.submitted.get() || touched.get())
            .then(|| fields.problem())
            .flatten()
    };
    let message = move || {
        fields.tax_id_type.track();
        shown().map(|m| fields.problem_text(m, lang))
    };
    let details = move || {
        fields.business.get().then(|| {
            let options = TaxIdType::ALL
                .into_iter()
                .map(|t| {
                    view! {
                        <option value=t.as_str() selected=move || fields.tax_id_type.get() == t>
                            {type_label(t).text(lang)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <div class="co-field">
                    <label class="co-label" for=TYPE_ID>{Msg::TaxIdType.text(lang)}</label>
                    <select id=TYPE_ID class="co-input"
                        on:change=move |ev| {
                            if let Some(t) = TaxIdType::parse(&event_target_value(&ev)) {
                                fields.tax_id_type.set(t);
                            }
                        }>
                        {options}
                    </select>
                </div>
                <div class="co-field" class:co-field-invalid=move || shown().is_some()>
                    <label class="co-label" for=VALUE_ID>{Msg::TaxIdNumber.text(lang)}</label>
                    <input id=VALUE_ID class="co-input" type="text" autocomplete="off" autocapitalize="characters"
                        maxlength="40" required
                        placeholder=move || example(fields.tax_id_type.get())
                        aria-invalid=move || shown().is_some().to_string()
                        aria-describedby=move || shown().map(|_| ERROR_ID)
                        prop:value=move || fields.value.get()
                        on:input=move |ev| fields.value.set(event_target_value(&ev))
                        on:blur=move |ev| {
                            // Leaving for Pay: the submit shows the problem, after the
                            // click; shown now it would move Pay from under the pointer.
                            if !super::payment_form::moves_to_submit(&ev) {
                                touched.set(true);
                            }
                        }/>
                    <p class="co-field-error" id=ERROR_ID>{message}</p>
                </div>
                <div class="co-field">
                    <label class="co-label" for=NAME_ID>{Msg::BusinessName.text(lang)}</label>
                    <input id=NAME_ID class="co-input" type="text" autocomplete="organization" maxlength="200"
                        prop:value=move || fields.business_name.get()
                        on:input=move |ev| fields.business_name.set(event_target_value(&ev))/>
                </div>
            }
        })
    };
    view! {
        <fieldset class="co-card-fields co-tax-id">
            <legend class="cw-visually-hidden">{Msg::BusinessPurchase.text(lang)}</legend>
            <label class="co-checkbox">
                <input type="checkbox" id="tax-id-business"
                    prop:checked=move || fields.business.get()
                    on:change=move |ev| fields.business.set(event_target_checked(&ev))/>
                " "
                {Msg::BusinessPurchase.text(lang)}
            </label>
            {details}
        </fieldset>
    }
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
}
