//! The payment form's rules: what each field accepts and the message it shows,
//! checked as the customer types and again before paying.

use checkout_protocol::card::{self, CardBrand};
use checkout_protocol::email::is_plausible_email;
use checkout_protocol::{CardDetails, ConfirmPaymentRequest};

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
}

impl Field {
    /// Every field, in form order.
    pub const ALL: [Field; 4] = [Field::Email, Field::CardNumber, Field::Expiry, Field::Cvc];

    /// The input's DOM id.
    pub fn input_id(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::CardNumber => "card-number",
            Field::Expiry => "card-expiry",
            Field::Cvc => "card-cvc",
        }
    }

    /// The id of the element holding the field's error.
    pub fn error_id(self) -> &'static str {
        match self {
            Field::Email => "email-error",
            Field::CardNumber => "card-number-error",
            Field::Expiry => "card-expiry-error",
            Field::Cvc => "card-cvc-error",
        }
    }

    /// The visible label, which is also the input's accessible name.
    pub fn label(self) -> &'static str {
        match self {
            Field::Email => "Email",
            Field::CardNumber => "Card number",
            Field::Expiry => "Expiration date",
            Field::Cvc => "CVC",
        }
    }

    /// The input's attributes: (type, name, inputmode, autocomplete, placeholder, maxlength).
    pub fn input_attributes(self) -> InputAttributes {
        let (input_type, name, inputmode, autocomplete, placeholder, maxlength) = match self {
            Field::Email => ("email", "email", "email", "email", "", 254),
            Field::CardNumber => ("text", "cardnumber", "numeric", "cc-number", "1234 1234 1234 1234", 23),
            Field::Expiry => ("text", "exp-date", "numeric", "cc-exp", "MM / YY", 7),
            Field::Cvc => ("text", "cvc", "numeric", "cc-csc", "123", 4),
        };
        InputAttributes { input_type, name, inputmode, autocomplete, placeholder, maxlength }
    }

    /// Reformats what the customer typed: card numbers in groups, expiry as
    /// `MM / YY`, CVC digits only.
    pub fn format_input(self, typed: &str) -> String {
        match self {
            Field::Email => typed.to_owned(),
            Field::CardNumber => card::format_number(typed),
            Field::Expiry => format_expiry_input(typed),
            Field::Cvc => typed.chars().filter(char::is_ascii_digit).take(4).collect(),
        }
    }
}

/// Static attributes of a field's `<input>`, so browsers and password
/// managers autofill the right values.
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
}

impl PaymentForm {
    /// The brand the number so far belongs to.
    pub fn brand(&self) -> CardBrand {
        CardBrand::detect(&self.card_number)
    }

    /// The problem with one field, if any; `now` is (year, month) in UTC.
    pub fn field_error(&self, field: Field, now: (u32, u32)) -> Option<&'static str> {
        match field {
            Field::Email if self.email.trim().is_empty() => Some("Enter your email address."),
            Field::Email if !is_plausible_email(&self.email) => Some("Enter a valid email address, like name@example.com."),
            Field::CardNumber if self.card_number.trim().is_empty() => Some("Enter your card number."),
            Field::CardNumber => match card::digits_of(&self.card_number) {
                Some(d) if d.len() < 12 => Some("Your card number is incomplete."),
                _ => card::validate_number(&self.card_number).err().map(|_| "Your card number is invalid."),
            },
            Field::Expiry if self.expiry.trim().is_empty() => Some("Enter the expiration date."),
            Field::Expiry => match card::parse_expiry(&self.expiry) {
                None => Some("Enter the expiration date as MM / YY."),
                Some((m, y)) if !card::expiry_valid(m, y, now.0, now.1) => Some("Your card's expiration date is in the past."),
                Some(_) => None,
            },
            Field::Cvc if self.cvc.trim().is_empty() => Some("Enter the security code (CVC)."),
            Field::Cvc if !card::cvc_valid(self.brand(), self.cvc.trim()) => {
                if self.brand().cvc_len() == 4 {
                    Some("The security code has 4 digits on this card.")
                } else {
                    Some("The security code has 3 digits.")
                }
            }
            _ => None,
        }
    }

    /// Every problem, in form order.
    pub fn errors(&self, now: (u32, u32)) -> Vec<(Field, &'static str)> {
        Field::ALL.iter().filter_map(|&f| self.field_error(f, now).map(|m| (f, m))).collect()
    }

    /// The confirm request, or the problems that stop it.
    pub fn to_request(&self, now: (u32, u32)) -> Result<ConfirmPaymentRequest, Vec<(Field, &'static str)>> {
        let errors = self.errors(now);
        let (Some(digits), Some((exp_month, exp_year)), true) =
            (card::digits_of(&self.card_number), card::parse_expiry(&self.expiry), errors.is_empty())
        else {
            return Err(errors);
        };
        Ok(ConfirmPaymentRequest {
            email: self.email.trim().to_owned(),
            card: CardDetails { number: digits, exp_month, exp_year, cvc: self.cvc.trim().to_owned() },
            billing_address: None,
        })
    }
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
        }
    }

    #[test]
    fn a_good_form_becomes_a_request_without_spaces() {
        let req = good().to_request(NOW).unwrap();
        assert_eq!(req.card.number, "4242424242424242");
        assert_eq!((req.card.exp_month, req.card.exp_year), (12, 2034));
        assert_eq!(req.email, "ann@example.com");
    }

    #[test]
    fn luhn_failure_is_named() {
        let form = PaymentForm { card_number: "4242 4242 4242 4241".into(), ..good() };
        assert_eq!(form.field_error(Field::CardNumber, NOW), Some("Your card number is invalid."));
        assert_eq!(form.to_request(NOW).unwrap_err(), vec![(Field::CardNumber, "Your card number is invalid.")]);
    }

    #[test]
    fn each_field_has_a_message() {
        let empty = PaymentForm::default();
        assert_eq!(empty.errors(NOW).len(), 4);
        let form = PaymentForm { expiry: "10 / 26".into(), cvc: "12".into(), email: "ann@".into(), card_number: "4242".into() };
        assert_eq!(form.field_error(Field::Expiry, NOW), Some("Your card's expiration date is in the past."));
        assert_eq!(form.field_error(Field::Cvc, NOW), Some("The security code has 3 digits."));
        assert!(form.field_error(Field::Email, NOW).is_some());
        assert_eq!(form.field_error(Field::CardNumber, NOW), Some("Your card number is incomplete."));
        let amex = PaymentForm { card_number: "3782 822463 10005".into(), cvc: "123".into(), ..good() };
        assert_eq!(amex.field_error(Field::Cvc, NOW), Some("The security code has 4 digits on this card."));
    }

    #[test]
    fn fields_reformat_what_is_typed() {
        assert_eq!(Field::CardNumber.format_input("42424242"), "4242 4242");
        assert_eq!(Field::Expiry.format_input("1234"), "12 / 34");
        assert_eq!(Field::Cvc.format_input("1a2b34567"), "1234");
        assert_eq!(Field::Email.format_input(" a@b.co"), " a@b.co");
        assert_eq!(Field::CardNumber.input_attributes().autocomplete, "cc-number");
    }

    #[test]
    fn expiry_input_formats_as_typed() {
        assert_eq!(format_expiry_input("1"), "1");
        assert_eq!(format_expiry_input("4"), "04 / ");
        assert_eq!(format_expiry_input("12"), "12 / ");
        assert_eq!(format_expiry_input("12 /"), "12", "backspace over the separator");
        assert_eq!(format_expiry_input("12 / 3"), "12 / 3");
        assert_eq!(format_expiry_input("1234"), "12 / 34");
        assert_eq!(format_expiry_input("12/345"), "12 / 34");
    }
}
