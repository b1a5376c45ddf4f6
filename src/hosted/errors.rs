//! What a failed hosted-page call tells the customer, in their language.

use crate::error::BillingError;
use crate::i18n::{page::Msg, Lang, Message};

/// What a failed hosted-page call tells the customer. English shows the
/// server's own sentence; another language gets the catalog's words for the
/// codes a customer meets (declines, a bad promotion code), else the
/// widget's own failure text, else the server's sentence as it came.
pub fn error_text(error: &BillingError, lang: Lang) -> String {
    if lang == Lang::En {
        return error.message();
    }
    let known = match error.code() {
        "card_declined" => Some(Msg::CardDeclined),
        "card_insufficient_funds" => Some(Msg::CardInsufficientFunds),
        "card_expired" => Some(Msg::CardExpired),
        "discount_code_invalid" => Some(Msg::PromoInvalid),
        "authentication_failed" => Some(Msg::AuthenticationFailed),
        "authentication_expired" => Some(Msg::AuthenticationExpired),
        _ => None,
    };
    known.map_or_else(|| error.message_in(lang), |m| m.text(lang).to_owned())
}

/// `visa` → `Visa`: a card brand as the server stores it, for a sentence.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::ErrorCode;

    #[test]
    fn english_shows_the_servers_sentence_and_brands_read_as_words() {
        let declined = BillingError::validation(ErrorCode::CardDeclined, "Your card was declined.");
        assert_eq!(error_text(&declined, Lang::En), "Your card was declined.");
        assert_eq!(
            error_text(&declined, Lang::De),
            Msg::CardDeclined.text(Lang::De)
        );
        assert_eq!(capitalise("visa"), "Visa");
        assert_eq!(capitalise(""), "");
    }
}
