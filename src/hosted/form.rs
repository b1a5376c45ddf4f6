//! The payment form's rules: what each field accepts and the message it shows,
//! checked as the customer types and again before paying.

use super::countries;
use crate::i18n::page::Msg;
use crate::i18n::{fill, Lang, Message};
use checkout_protocol::card::{self, CardBrand};
use checkout_protocol::email::is_plausible_email;
use checkout_protocol::{BillingAddress, CardDetails, ConfirmPaymentRequest, SavedPaymentMethod};

/// The fields of the payment form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Email.
    Email,
    /// Card number.
    CardNumber,
    /// Expiration date.
    Expiry,
    /// CVC.
    Cvc,
    /// Billing address: name.
    Name,
    /// Billing address: street line.
    Line1,
    /// Billing address: second line (optional).
    Line2,
    /// Billing address: city.
    City,
    /// Billing address: state or province (optional).
    State,
    /// Billing address: postal code.
    PostalCode,
    /// Billing address: country.
    Country,
}

impl Field {
    /// The payment fields, in form order.
    pub const PAYMENT: [Field; 4] = [Field::Email, Field::CardNumber, Field::Expiry, Field::Cvc];
    /// The billing address fields, in form order.
    pub const ADDRESS: [Field; 7] = [
        Field::Name,
        Field::Line1,
        Field::Line2,
        Field::City,
        Field::State,
        Field::PostalCode,
        Field::Country,
    ];

    /// The input's DOM id.
    pub fn input_id(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::CardNumber => "card-number",
            Field::Expiry => "card-expiry",
            Field::Cvc => "card-cvc",
            Field::Name => "billing-name",
            Field::Line1 => "billing-line1",
            Field::Line2 => "billing-line2",
            Field::City => "billing-city",
            Field::State => "billing-state",
            Field::PostalCode => "billing-postal-code",
            Field::Country => "billing-country",
        }
    }

    /// The id of the element holding the field's error.
    pub fn error_id(self) -> &'static str {
        match self {
            Field::Email => "email-error",
            Field::CardNumber => "card-number-error",
            Field::Expiry => "card-expiry-error",
            Field::Cvc => "card-cvc-error",
            Field::Name => "billing-name-error",
            Field::Line1 => "billing-line1-error",
            Field::Line2 => "billing-line2-error",
            Field::City => "billing-city-error",
            Field::State => "billing-state-error",
            Field::PostalCode => "billing-postal-code-error",
            Field::Country => "billing-country-error",
        }
    }

    /// The visible label, which is also the input's accessible name.
    pub fn label(self) -> Msg {
        match self {
            Field::Email => Msg::Email,
            Field::CardNumber => Msg::CardNumber,
            Field::Expiry => Msg::Expiry,
            Field::Cvc => Msg::Cvc,
            Field::Name => Msg::FullName,
            Field::Line1 => Msg::AddressLine1,
            Field::Line2 => Msg::AddressLine2,
            Field::City => Msg::City,
            Field::State => Msg::State,
            Field::PostalCode => Msg::PostalCode,
            Field::Country => Msg::Country,
        }
    }

    /// Whether the field may be left empty.
    pub fn optional(self) -> bool {
        matches!(self, Field::Line2 | Field::State)
    }

    /// The input's attributes, so browsers and password managers autofill
    /// the right values.
    pub fn input_attributes(self) -> InputAttributes {
        let (input_type, name, inputmode, autocomplete, placeholder, maxlength) = match self {
            Field::Email => ("email", "email", "email", "email", "", 254),
            Field::CardNumber => (
                "text",
                "cardnumber",
                "numeric",
                "cc-number",
                "1234 1234 1234 1234",
                23,
            ),
            Field::Expiry => ("text", "exp-date", "numeric", "cc-exp", "MM / YY", 7),
            Field::Cvc => ("text", "cvc", "numeric", "cc-csc", "123", 4),
            Field::Name => ("text", "name", "text", "billing name", "", 200),
            Field::Line1 => (
                "text",
                "address-line1",
                "text",
                "billing address-line1",
                "",
                200,
            ),
            Field::Line2 => (
                "text",
                "address-line2",
                "text",
                "billing address-line2",
                "",
                200,
            ),
            Field::City => ("text", "city", "text", "billing address-level2", "", 100),
            Field::State => ("text", "state", "text", "billing address-level1", "", 100),
            Field::PostalCode => ("text", "postal-code", "text", "billing postal-code", "", 16),
            Field::Country => ("text", "country", "text", "billing country", "", 2),
        };
        InputAttributes {
            input_type,
            name,
            inputmode,
            autocomplete,
            placeholder,
            maxlength,
        }
    }

    /// Reformats what the customer typed: card numbers in groups, expiry as
    /// `MM / YY`, CVC digits only; other fields as typed.
    pub fn format_input(self, typed: &str) -> String {
        match self {
            Field::CardNumber => card::format_number(typed),
            Field::Expiry => format_expiry_input(typed),
            Field::Cvc => typed.chars().filter(char::is_ascii_digit).take(4).collect(),
            _ => typed.to_owned(),
        }
    }
}

/// Static attributes of a field's `<input>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputAttributes {
    /// `type`.
    pub input_type: &'static str,
    /// `name`.
    pub name: &'static str,
    /// `inputmode` (which on-screen keyboard).
    pub inputmode: &'static str,
    /// `autocomplete` token.
    pub autocomplete: &'static str,
    /// `placeholder`.
    pub placeholder: &'static str,
    /// `maxlength`.
    pub maxlength: u32,
}

/// A billing address as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddressForm {
    /// Full name.
    pub name: String,
    /// Street line.
    pub line1: String,
    /// Second line.
    pub line2: String,
    /// City.
    pub city: String,
    /// State or province.
    pub state: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

impl AddressForm {
    fn value(&self, field: Field) -> Option<&str> {
        Some(match field {
            Field::Name => &self.name,
            Field::Line1 => &self.line1,
            Field::Line2 => &self.line2,
            Field::City => &self.city,
            Field::State => &self.state,
            Field::PostalCode => &self.postal_code,
            Field::Country => &self.country,
            _ => return None,
        })
    }

    fn to_address(&self) -> BillingAddress {
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        BillingAddress {
            name: self.name.trim().to_owned(),
            line1: self.line1.trim().to_owned(),
            line2: optional(&self.line2),
            city: self.city.trim().to_owned(),
            state: optional(&self.state),
            postal_code: self.postal_code.trim().to_owned(),
            country: self.country.trim().to_owned(),
        }
    }
}

/// What the customer typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentForm {
    /// Email address.
    pub email: String,
    /// Card number as typed (spaces allowed).
    pub card_number: String,
    /// Expiry as typed, e.g. `12 / 34`.
    pub expiry: String,
    /// Security code.
    pub cvc: String,
    /// The billing address, when the session collects one.
    pub address: Option<AddressForm>,
    /// The saved card chosen instead of typing one (issue 16): the card
    /// fields are then neither shown nor checked.
    pub saved_card: Option<String>,
}

impl PaymentForm {
    /// The brand the number so far belongs to.
    pub fn brand(&self) -> CardBrand {
        CardBrand::detect(&self.card_number)
    }

    /// The problem with one field, if any; `now` is (year, month) in UTC.
    pub fn field_error(&self, field: Field, now: (u32, u32)) -> Option<Msg> {
        match field {
            Field::Email if self.email.trim().is_empty() => Some(Msg::EnterEmail),
            Field::Email if !is_plausible_email(&self.email) => Some(Msg::InvalidEmail),
            Field::CardNumber if self.card_number.trim().is_empty() => Some(Msg::EnterCardNumber),
            Field::CardNumber => match card::digits_of(&self.card_number) {
                Some(d) if d.len() < 12 => Some(Msg::CardNumberIncomplete),
                _ => card::validate_number(&self.card_number)
                    .err()
                    .map(|_| Msg::CardNumberInvalid),
            },
            Field::Expiry if self.expiry.trim().is_empty() => Some(Msg::EnterExpiry),
            Field::Expiry => match card::parse_expiry(&self.expiry) {
                None => Some(Msg::ExpiryFormat),
                Some((m, y)) if !card::expiry_valid(m, y, now.0, now.1) => Some(Msg::ExpiryPast),
                Some(_) => None,
            },
            Field::Cvc if self.cvc.trim().is_empty() => Some(Msg::EnterCvc),
            Field::Cvc if !card::cvc_valid(self.brand(), self.cvc.trim()) => {
                if self.brand().cvc_len() == 4 {
                    Some(Msg::Cvc4)
                } else {
                    Some(Msg::Cvc3)
                }
            }
            Field::Email | Field::Cvc => None,
            address_field => self.address_error(address_field),
        }
    }

    fn address_error(&self, field: Field) -> Option<Msg> {
        let value = self.address.as_ref()?.value(field)?.trim();
        match field {
            _ if value.is_empty() && field.optional() => None,
            Field::Name if value.is_empty() => Some(Msg::EnterName),
            Field::Line1 if value.is_empty() => Some(Msg::EnterStreet),
            Field::City if value.is_empty() => Some(Msg::EnterCity),
            Field::PostalCode if value.is_empty() => Some(Msg::EnterPostalCode),
            Field::Country if !countries::is_country(value) => Some(Msg::ChooseCountry),
            _ => None,
        }
    }

    /// The fields this form shows, in order (no card fields when a saved
    /// card pays).
    pub fn fields(&self) -> Vec<Field> {
        let mut fields = if self.saved_card.is_some() {
            vec![Field::Email]
        } else {
            Field::PAYMENT.to_vec()
        };
        if self.address.is_some() {
            fields.extend(Field::ADDRESS);
        }
        fields
    }

    /// Every problem, in form order.
    pub fn errors(&self, now: (u32, u32)) -> Vec<(Field, Msg)> {
        self.fields()
            .into_iter()
            .filter_map(|f| self.field_error(f, now).map(|m| (f, m)))
            .collect()
    }

    /// The confirm request, or the problems that stop it.
    pub fn to_request(&self, now: (u32, u32)) -> Result<ConfirmPaymentRequest, Vec<(Field, Msg)>> {
        let errors = self.errors(now);
        if let Some(saved) = &self.saved_card {
            if !errors.is_empty() {
                return Err(errors);
            }
            return Ok(ConfirmPaymentRequest {
                email: self.email.trim().to_owned(),
                card: None,
                payment_method_id: Some(saved.clone()),
                billing_address: self.address.as_ref().map(AddressForm::to_address),
                // Filled in by the form's tax ID section, when there is one.
                tax_id: None,
            });
        }
        let (Some(digits), Some((exp_month, exp_year)), true) = (
            card::digits_of(&self.card_number),
            card::parse_expiry(&self.expiry),
            errors.is_empty(),
        ) else {
            return Err(errors);
        };
        Ok(ConfirmPaymentRequest {
            email: self.email.trim().to_owned(),
            card: Some(CardDetails {
                number: digits,
                exp_month,
                exp_year,
                cvc: self.cvc.trim().to_owned(),
            }),
            payment_method_id: None,
            billing_address: self.address.as_ref().map(AddressForm::to_address),
            tax_id: None,
        })
    }
}

/// How a saved card is offered, e.g. "Visa •••• 4242, expires 12/2030".
pub fn saved_card_label(card: &SavedPaymentMethod, lang: Lang) -> String {
    fill(
        Msg::SavedCardChoice.text(lang),
        &[
            &CardBrand::detect_name(&card.brand),
            &card.last4,
            &format!("{:02}/{}", card.exp_month, card.exp_year),
        ],
    )
}

/// The saved card chosen when the page opens: the default, else the first.
pub fn preselected_card(cards: &[SavedPaymentMethod]) -> Option<String> {
    cards
        .iter()
        .find(|c| c.is_default)
        .or_else(|| cards.first())
        .map(|c| c.id.clone())
}

/// Formats typed expiry text as `MM / YY` while the customer types.
pub fn format_expiry_input(text: &str) -> String {
    let digits: String = text.chars().filter(char::is_ascii_digit).take(4).collect();
    match digits.len() {
        // "4" → "04 / " once it can only be a month.
        1 if digits.as_bytes()[0] > b'1' => format!("0{digits} / "),
        0 | 1 => digits,
        // Typing the second digit adds the separator; deleting into it removes it.
        2 if text.trim().len() <= 2 => format!("{digits} / "),
        2 => digits,
        _ => format!("{} / {}", &digits[..2], &digits[2..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: (u32, u32) = (2026, 11);

    fn good() -> PaymentForm {
        PaymentForm {
            email: "ann@example.com".into(),
            card_number: "4242 4242 4242 4242".into(),
            expiry: "12 / 34".into(),
            cvc: "123".into(),
            address: None,
            saved_card: None,
        }
    }

    #[test]
    fn a_good_form_becomes_a_request_without_spaces() {
        let req = good().to_request(NOW).unwrap();
        let card = req.card.unwrap();
        assert_eq!(card.number, "4242424242424242");
        assert_eq!((card.exp_month, card.exp_year), (12, 2034));
        assert_eq!(req.payment_method_id, None);
        assert_eq!(req.email, "ann@example.com");
    }

    #[test]
    fn a_saved_card_pays_without_card_fields() {
        let form = PaymentForm {
            saved_card: Some("pm_1".into()),
            ..PaymentForm {
                email: "ann@example.com".into(),
                ..PaymentForm::default()
            }
        };
        assert_eq!(form.fields(), [Field::Email]);
        let req = form.to_request(NOW).unwrap();
        assert!(req.payment_source().is_ok());
        assert_eq!(
            (req.card, req.payment_method_id.as_deref()),
            (None, Some("pm_1"))
        );
        // The email (and an address) are still checked.
        let no_email = PaymentForm {
            email: String::new(),
            ..form
        };
        assert_eq!(no_email.to_request(NOW).unwrap_err().len(), 1);
    }

    #[test]
    fn saved_cards_are_offered_by_brand_last_four_and_expiry() {
        let card = |id: &str, default: bool| SavedPaymentMethod {
            id: id.into(),
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 3,
            exp_year: 2030,
            is_default: default,
        };
        assert_eq!(
            saved_card_label(&card("pm_1", true), Lang::En),
            "Visa •••• 4242, expires 03/2030"
        );
        assert_eq!(
            preselected_card(&[card("pm_a", false), card("pm_b", true)]).as_deref(),
            Some("pm_b")
        );
        assert_eq!(
            preselected_card(&[card("pm_a", false)]).as_deref(),
            Some("pm_a")
        );
        assert_eq!(preselected_card(&[]), None);
    }

    #[test]
    fn luhn_failure_is_named() {
        let form = PaymentForm {
            card_number: "4242 4242 4242 4241".into(),
            ..good()
        };
        assert_eq!(
            form.field_error(Field::CardNumber, NOW),
            Some(Msg::CardNumberInvalid)
        );
        assert_eq!(
            form.to_request(NOW).unwrap_err(),
            vec![(Field::CardNumber, Msg::CardNumberInvalid)]
        );
    }

    #[test]
    fn each_field_has_a_message() {
        let empty = PaymentForm::default();
        assert_eq!(empty.errors(NOW).len(), 4);
        let with_address = PaymentForm {
            address: Some(AddressForm::default()),
            ..PaymentForm::default()
        };
        assert_eq!(
            with_address.errors(NOW).len(),
            4 + 5,
            "line 2 and state are optional"
        );
        let form = PaymentForm {
            expiry: "10 / 26".into(),
            cvc: "12".into(),
            email: "ann@".into(),
            card_number: "4242".into(),
            address: None,
            saved_card: None,
        };
        assert_eq!(form.field_error(Field::Expiry, NOW), Some(Msg::ExpiryPast));
        assert_eq!(form.field_error(Field::Cvc, NOW), Some(Msg::Cvc3));
        assert!(form.field_error(Field::Email, NOW).is_some());
        assert_eq!(
            form.field_error(Field::CardNumber, NOW),
            Some(Msg::CardNumberIncomplete)
        );
        let amex = PaymentForm {
            card_number: "3782 822463 10005".into(),
            cvc: "123".into(),
            ..good()
        };
        assert_eq!(amex.field_error(Field::Cvc, NOW), Some(Msg::Cvc4));
    }

    #[test]
    fn a_complete_address_goes_with_the_request() {
        let address = AddressForm {
            name: "Ann Lee".into(),
            line1: " 1 Main St ".into(),
            line2: "".into(),
            city: "Springfield".into(),
            state: "IL".into(),
            postal_code: "62701".into(),
            country: "US".into(),
        };
        let form = PaymentForm {
            address: Some(address.clone()),
            ..good()
        };
        let sent = form.to_request(NOW).unwrap().billing_address.unwrap();
        assert_eq!(sent.line1, "1 Main St");
        assert_eq!(sent.line2, None);
        assert_eq!(sent.state.as_deref(), Some("IL"));
        assert!(sent.missing_fields().is_empty());
        let bad = PaymentForm {
            address: Some(AddressForm {
                country: "XX".into(),
                city: " ".into(),
                ..address
            }),
            ..good()
        };
        assert_eq!(
            bad.errors(NOW),
            vec![
                (Field::City, Msg::EnterCity),
                (Field::Country, Msg::ChooseCountry)
            ]
        );
        assert!(good().to_request(NOW).unwrap().billing_address.is_none());
    }

    #[test]
    fn fields_reformat_what_is_typed() {
        assert_eq!(Field::CardNumber.format_input("42424242"), "4242 4242");
        assert_eq!(Field::Expiry.format_input("1234"), "12 / 34");
        assert_eq!(Field::Cvc.format_input("1a2b34567"), "1234");
        assert_eq!(Field::Email.format_input(" a@b.co"), " a@b.co");
        assert_eq!(
            Field::CardNumber.input_attributes().autocomplete,
            "cc-number"
        );
    }

    #[test]
    fn expiry_input_formats_as_typed() {
        assert_eq!(format_expiry_input("1"), "1");
        assert_eq!(format_expiry_input("4"), "04 / ");
        assert_eq!(format_expiry_input("12"), "12 / ");
        assert_eq!(
            format_expiry_input("12 /"),
            "12",
            "backspace over the separator"
        );
        assert_eq!(format_expiry_input("12 / 3"), "12 / 3");
        assert_eq!(format_expiry_input("1234"), "12 / 34");
        assert_eq!(format_expiry_input("12/345"), "12 / 34");
    }
}
