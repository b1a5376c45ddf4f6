//! Charging a card: the [`PaymentProcessor`] trait the hosted checkout calls,
//! and [`TestCardProcessor`], which answers the way Stripe's test cards do.

use checkout_protocol::card::CardBrand;
use checkout_protocol::ErrorCode;
use std::future::Future;
use std::pin::Pin;

/// A card that passed validation (Luhn, expiry, CVC). The full number lives
/// only in memory for the charge; `Debug` shows the last four digits.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidatedCard {
    digits: String,
    /// Detected brand.
    pub brand: CardBrand,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
}

impl std::fmt::Debug for ValidatedCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidatedCard")
            .field("brand", &self.brand)
            .field("last4", &self.last4())
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .finish()
    }
}

impl ValidatedCard {
    /// Wraps a validated digit string (see `checkout_protocol::card::validate_number`).
    pub fn new(digits: String, exp_month: u32, exp_year: u32) -> Self {
        let brand = CardBrand::detect(&digits);
        Self {
            digits,
            brand,
            exp_month,
            exp_year,
        }
    }

    /// The card number's digits, for a processor only. Never store or log them.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The last four digits.
    pub fn last4(&self) -> &str {
        self.digits
            .get(self.digits.len().saturating_sub(4)..)
            .unwrap_or("")
    }
}

/// A successful charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeReceipt {
    /// The processor's charge id.
    pub charge_id: String,
    /// Amount charged, minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// Why the issuer refused a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decline {
    /// Generic decline.
    Declined,
    /// Not enough money on the card.
    InsufficientFunds,
    /// The issuer says the card has expired.
    ExpiredCard,
}

impl Decline {
    /// The stable error code for this decline.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Declined => ErrorCode::CardDeclined,
            Self::InsufficientFunds => ErrorCode::CardInsufficientFunds,
            Self::ExpiredCard => ErrorCode::CardExpired,
        }
    }

    /// What to tell the customer.
    pub fn message(self) -> &'static str {
        match self {
            Self::Declined => "Your card was declined. Try another card.",
            Self::InsufficientFunds => "Your card has insufficient funds. Try another card.",
            Self::ExpiredCard => "Your card has expired. Try another card.",
        }
    }
}

/// A charge that did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChargeError {
    /// The issuer declined; the customer may try another card.
    #[error("card declined: {0:?}")]
    Declined(Decline),
    /// The processor could not be reached or failed; nothing was charged.
    #[error("payment processor unavailable: {0}")]
    Unavailable(String),
}

/// The future a charge returns.
pub type ChargeFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ChargeReceipt, ChargeError>> + Send + 'a>>;

/// Something that can charge a card.
pub trait PaymentProcessor: Send + Sync {
    /// Charges `amount` minor units of `currency` to `card`. An amount of zero
    /// (a free trial) only verifies the card, and can still be declined.
    fn charge<'a>(
        &'a self,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a>;
}

/// Test mode: Stripe's test cards decide the outcome; any other valid number succeeds.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestCardProcessor;

/// Test card that is always declined.
pub const CARD_DECLINED: &str = "4000000000000002";
/// Test card with insufficient funds.
pub const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Test card the issuer reports as expired.
pub const CARD_EXPIRED: &str = "4000000000000069";

impl TestCardProcessor {
    /// The outcome for a card number's digits.
    pub fn outcome(digits: &str) -> Result<(), Decline> {
        match digits {
            CARD_DECLINED => Err(Decline::Declined),
            CARD_INSUFFICIENT_FUNDS => Err(Decline::InsufficientFunds),
            CARD_EXPIRED => Err(Decline::ExpiredCard),
            _ => Ok(()),
        }
    }
}

impl PaymentProcessor for TestCardProcessor {
    fn charge<'a>(
        &'a self,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            Self::outcome(card.digits()).map_err(ChargeError::Declined)?;
            let charge_id = crate::ids::new_id(crate::ids::CHARGE)
                .map_err(|e| ChargeError::Unavailable(e.to_string()))?;
            Ok(ChargeReceipt {
                charge_id,
                amount,
                currency: currency.to_owned(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(n: &str) -> ValidatedCard {
        ValidatedCard::new(n.into(), 12, 2040)
    }

    #[tokio::test]
    async fn test_cards_behave_like_stripe() {
        let p = TestCardProcessor;
        let ok = p
            .charge(4900, "USD", &card("4242424242424242"))
            .await
            .unwrap();
        assert_eq!((ok.amount, ok.currency.as_str()), (4900, "USD"));
        assert!(ok.charge_id.starts_with("ch_"));
        assert!(p.charge(1, "USD", &card("5555555555554444")).await.is_ok());
        for (n, d) in [
            (CARD_DECLINED, Decline::Declined),
            (CARD_INSUFFICIENT_FUNDS, Decline::InsufficientFunds),
            (CARD_EXPIRED, Decline::ExpiredCard),
        ] {
            assert_eq!(
                p.charge(100, "USD", &card(n)).await,
                Err(ChargeError::Declined(d)),
                "{n}"
            );
            // A free trial still verifies the card.
            assert_eq!(
                p.charge(0, "USD", &card(n)).await,
                Err(ChargeError::Declined(d)),
                "{n}"
            );
        }
    }

    #[test]
    fn declines_have_codes_and_messages() {
        assert_eq!(Decline::Declined.code(), ErrorCode::CardDeclined);
        assert_eq!(
            Decline::InsufficientFunds.code(),
            ErrorCode::CardInsufficientFunds
        );
        assert_eq!(Decline::ExpiredCard.code(), ErrorCode::CardExpired);
        assert_eq!(
            Decline::ExpiredCard.message(),
            "Your card has expired. Try another card."
        );
        assert_eq!(Decline::Declined.code().http_status(), 402);
    }

    #[test]
    fn debug_hides_the_number() {
        let shown = format!("{:?}", card("4242424242424242"));
        assert!(shown.contains("4242"));
        assert!(!shown.contains("42424242"));
        assert_eq!(card("4242424242424242").brand, CardBrand::Visa);
    }
}
