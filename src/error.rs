//! The one error type of the widget's public API.

use crate::i18n::{widget::Msg, Lang, Message};
use checkout_protocol::{ErrorCode, QuantityError, RedirectUrlError};

/// Everything that can go wrong between the widget and a billing server.
///
/// Every variant has a stable [`code`](BillingError::code) for programs and a
/// [`message`](BillingError::message) a person understands.
#[derive(Debug, Clone, PartialEq)]
pub enum BillingError {
    /// The call was refused before any request was sent.
    Validation {
        /// What was wrong: an [`ErrorCode`]'s [`as_str`](ErrorCode::as_str).
        /// The name, not the enum: made from a code known when compiled
        /// ([`BillingError::validation`] is inlined), it leaves the other
        /// names out of the script-tag bundle.
        code: &'static str,
        /// Human explanation.
        message: String,
    },
    /// The server answered with an error envelope.
    Api {
        /// HTTP status.
        status: u16,
        /// The server's stable code (may be one this widget does not know).
        code: String,
        /// The server's human message.
        message: String,
    },
    /// The server answered with an HTTP error and no usable error envelope.
    Http {
        /// HTTP status.
        status: u16,
    },
    /// The server answered 2xx but the body was not the expected JSON.
    InvalidResponse,
    /// The request never got an answer (offline, DNS, CORS, connection reset).
    Network,
    /// No answer within the timeout.
    Timeout,
    /// `use_billing()` was called outside a `<BillingProvider>`.
    NoProvider,
}

impl BillingError {
    /// A stable machine code, e.g. `price_not_found` or `network_error`.
    pub fn code(&self) -> &str {
        match self {
            Self::Validation { code, .. } => code,
            Self::Api { code, .. } => code,
            Self::Http { .. } => "http_error",
            Self::InvalidResponse => "invalid_response",
            Self::Network => "network_error",
            Self::Timeout => "timeout",
            Self::NoProvider => "billing_provider_missing",
        }
    }

    /// The message to show a person. Built by concatenation, not
    /// `format!`: the script-tag bundle then carries no formatting code.
    pub fn message(&self) -> String {
        match self {
            Self::Validation { message, .. } | Self::Api { message, .. } => message.clone(),
            Self::Http { status } => [
                "The billing server answered with an error (HTTP ",
                &crate::plain_text::decimal(u64::from(*status)),
                "). Please try again.",
            ]
            .concat(),
            Self::InvalidResponse => {
                "The billing server sent a response the checkout could not read. Please try again."
                    .to_owned()
            }
            Self::Network => {
                "Could not reach the billing server. Check your connection and try again."
                    .to_owned()
            }
            Self::Timeout => {
                "The billing server took too long to answer. Please try again.".to_owned()
            }
            Self::NoProvider => {
                "Billing is not set up on this page (no BillingProvider).".to_owned()
            }
        }
    }

    /// The message to show a person who reads `lang`: the widget's own
    /// failures (network, timeout, unreadable answers, a bad quantity) from its
    /// catalog; what a server said, as it said it. English keeps the precise
    /// sentences above; other languages say a server failure in one sentence
    /// (each one is a line in every language's catalog file, so there are few).
    pub fn message_in(&self, lang: Lang) -> String {
        let own = match self {
            _ if lang == Lang::En => return self.message(),
            Self::Http { .. } | Self::InvalidResponse | Self::Timeout => Msg::ServerTrouble,
            // A server's own 5xx text (e.g. `platform_unavailable` from a route
            // whose platform is down) is English and says nothing the customer can act on.
            Self::Api { status, .. } if *status >= 500 => Msg::ServerTrouble,
            Self::Network => Msg::NetworkError,
            Self::Validation { code, .. } if *code == ErrorCode::InvalidQuantity.as_str() => {
                Msg::InvalidQuantity
            }
            _ => return self.message(),
        };
        own.text(lang).to_owned()
    }

    /// A validation error with a code and message. Always inlined, so a
    /// constant `code` becomes its name where it is made.
    #[inline(always)]
    pub fn validation(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Validation {
            code: code.as_str(),
            message: message.into(),
        }
    }

    /// The HTTP status the server answered with, if it answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Http { status } => Some(*status),
            _ => None,
        }
    }

    /// Whether a payment's answer says the card was refused (402 Payment
    /// Required: a decline, a failed authentication), as opposed to a form
    /// mistake, a limit or an outage: the embed tells the page of these.
    pub fn is_payment_refused(&self) -> bool {
        matches!(self, Self::Api { status: 402, .. })
    }

    /// Whether trying the same call again might succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Network | Self::Timeout | Self::InvalidResponse => true,
            Self::Http { status } | Self::Api { status, .. } => *status >= 500 || *status == 429,
            Self::Validation { .. } | Self::NoProvider => false,
        }
    }
}

/// The same words as [`BillingError::message`].
impl std::fmt::Display for BillingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for BillingError {}

/// A quantity refused before any request, with the protocol's own message.
impl From<QuantityError> for BillingError {
    fn from(e: QuantityError) -> Self {
        Self::validation(e.code(), e.message())
    }
}

/// A URL refused before any request, with the protocol's own message.
impl From<RedirectUrlError> for BillingError {
    fn from(e: RedirectUrlError) -> Self {
        Self::validation(e.code(), e.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(BillingError::Network.code(), "network_error");
        assert_eq!(BillingError::Timeout.code(), "timeout");
        assert_eq!(BillingError::Http { status: 502 }.code(), "http_error");
        assert_eq!(
            BillingError::validation(ErrorCode::InvalidUrl, "x").code(),
            "invalid_url"
        );
        let api = BillingError::Api {
            status: 404,
            code: "price_not_found".into(),
            message: "No".into(),
        };
        assert_eq!(api.code(), "price_not_found");
        assert_eq!(api.message(), "No");
    }

    #[test]
    fn a_validation_code_is_the_protocol_name() {
        for code in ErrorCode::ALL {
            let error = BillingError::validation(*code, "x");
            assert_eq!(error.code(), code.as_str());
            assert_eq!(
                error,
                BillingError::Validation {
                    code: code.as_str(),
                    message: "x".into()
                }
            );
        }
    }

    #[test]
    fn own_failures_speak_the_customer_language() {
        for e in [
            BillingError::Network,
            BillingError::Timeout,
            BillingError::InvalidResponse,
            BillingError::Http { status: 502 },
        ] {
            assert_eq!(e.message_in(Lang::En), e.message());
        }
        assert_eq!(
            BillingError::Network.message_in(Lang::En),
            Msg::NetworkError.text(Lang::En)
        );
        assert_eq!(
            BillingError::Http { status: 502 }.message_in(Lang::De),
            "Der Abrechnungsserver konnte nicht antworten. Bitte versuchen Sie es erneut."
        );
        let server = BillingError::Api {
            status: 402,
            code: "card_declined".into(),
            message: "Declined".into(),
        };
        assert_eq!(server.message_in(Lang::Ja), "Declined");
        let upstream = BillingError::Api {
            status: 502,
            code: "platform_unavailable".into(),
            message: "The billing platform did not answer.".into(),
        };
        assert_eq!(
            upstream.message_in(Lang::De),
            Msg::ServerTrouble.text(Lang::De)
        );
        assert_eq!(
            upstream.message_in(Lang::En),
            "The billing platform did not answer."
        );
    }

    #[test]
    fn the_catalog_says_the_protocols_quantity_message_in_english() {
        // The catalog needs its text as a literal: this keeps the copy honest.
        assert_eq!(Msg::InvalidQuantity.text(Lang::En), QuantityError::MESSAGE);
        let refused = BillingError::from(QuantityError);
        assert_eq!(refused.code(), "invalid_quantity");
        assert_eq!(refused.message_in(Lang::En), QuantityError::MESSAGE);
        assert_eq!(
            refused.message_in(Lang::De),
            Msg::InvalidQuantity.text(Lang::De)
        );
    }

    #[test]
    fn retryable_only_for_transient_failures() {
        assert!(BillingError::Timeout.is_retryable());
        assert!(BillingError::Http { status: 503 }.is_retryable());
        assert!(!BillingError::Http { status: 404 }.is_retryable());
        assert!(!BillingError::validation(ErrorCode::InvalidQuantity, "x").is_retryable());
    }

    #[test]
    fn only_a_refused_card_is_a_payment_failure() {
        let declined = BillingError::Api {
            status: 402,
            code: "card_declined".into(),
            message: "Your card was declined.".into(),
        };
        assert!(declined.is_payment_refused());
        assert!(!BillingError::Http { status: 402 }.is_payment_refused());
        assert!(!BillingError::validation(ErrorCode::CardInvalidNumber, "x").is_payment_refused());
    }
}
