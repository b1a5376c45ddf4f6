//! Charging a card: the [`PaymentProcessor`] trait the hosted checkout calls,
//! and [`TestCardProcessor`], which answers the way Stripe's test cards do.
//!
//! # Idempotency
//!
//! Every payment attempt has a [`PaymentAttempt`]: the checkout session's id
//! and an attempt key the server stores with the session *before* it asks
//! for the charge. When a charge gives no answer within `--payment-timeout`,
//! or the server finds a session left `pending` by a crash, it asks the
//! processor what became of the attempt ([`PaymentProcessor::attempt_outcome`])
//! before doing anything: a charged attempt completes the session as paid,
//! one not charged reopens it, and an unknown one stays pending and is
//! asked about again later — a session is never reopened blindly, so a
//! customer is never charged twice for one checkout. A real processor
//! passes the attempt key as its idempotency key (Stripe's
//! `Idempotency-Key`, Adyen's `idempotency-key`) and looks the attempt up
//! by it.
//!
//! # 3-D Secure
//!
//! An issuer may ask the cardholder to authenticate a payment first: the
//! charge answers [`ChargeError::AuthenticationRequired`] with the
//! processor's reference and charges nothing (Stripe's PaymentIntent in
//! `requires_action`). Once the customer has been to the bank, the server
//! calls [`PaymentProcessor::complete_authentication`] with the same
//! attempt and reference, which charges (or declines) exactly as a charge
//! does, with the same idempotency contract.

use crate::domain::clock;
use crate::domain::error::ApiError;
use checkout_protocol::card::{self, CardBrand};
use checkout_protocol::{AuthenticationOutcome, CardDetails, ErrorCode};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

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
    /// The cardholder failed the issuer's authentication (3-D Secure).
    AuthenticationFailed,
}

impl Decline {
    /// The stable error code for this decline.
    pub fn code(self) -> ErrorCode {
        match self {
            Self::Declined => ErrorCode::CardDeclined,
            Self::InsufficientFunds => ErrorCode::CardInsufficientFunds,
            Self::ExpiredCard => ErrorCode::CardExpired,
            Self::AuthenticationFailed => ErrorCode::AuthenticationFailed,
        }
    }

    /// What to tell the customer.
    pub fn message(self) -> &'static str {
        match self {
            Self::Declined => "Your card was declined. Try another card.",
            Self::InsufficientFunds => "Your card has insufficient funds. Try another card.",
            Self::ExpiredCard => "Your card has expired. Try another card.",
            Self::AuthenticationFailed => {
                "Authentication failed: your bank did not confirm this payment. Nothing was charged; try again or use another card."
            }
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
    /// The issuer asks the cardholder to authenticate (3-D Secure) before
    /// it charges; nothing was charged. `reference` names the processor's
    /// waiting payment for [`PaymentProcessor::complete_authentication`].
    #[error("the issuer asks the cardholder to authenticate")]
    AuthenticationRequired {
        /// The processor's reference of the waiting payment.
        reference: String,
    },
    /// The processor knows no waiting authentication by that reference for
    /// the attempt (it expired, or was forgotten in a restart); nothing was
    /// charged.
    #[error("no such authentication at the processor")]
    AuthenticationNotFound,
}

/// Which payment attempt a charge belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentAttempt {
    /// The checkout session being paid (`cs_…`).
    pub session_id: String,
    /// Unique per attempt (`pa_…`, 128 random bits), stored with the session
    /// before the charge. A processor uses it as its idempotency key: a
    /// second charge with the same key must not charge again.
    pub key: String,
}

/// A card the customer saved earlier, as a processor charges it again
/// without the customer present (a plan change): the store keeps only its
/// brand, last four digits and expiry, and a real processor its token
/// (`payment_method_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCard {
    /// The saved payment method (`pm_…`): a real processor's token.
    pub payment_method_id: String,
    /// Card brand, e.g. `visa`.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
}

/// What became of a payment attempt, as the processor knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The card was charged; the session is paid.
    Charged(ChargeReceipt),
    /// Nothing was charged (declined, failed, or never received): the
    /// customer may pay again.
    NotCharged,
    /// The processor cannot tell yet (it is unreachable, or the charge is
    /// still in flight). The server keeps the session pending and asks again.
    Unknown,
}

/// The future a charge returns.
pub type ChargeFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ChargeReceipt, ChargeError>> + Send + 'a>>;

/// The future an outcome query returns.
pub type OutcomeFuture<'a> = Pin<Box<dyn Future<Output = AttemptOutcome> + Send + 'a>>;

/// Something that can charge a card. See the [module docs](self) for the
/// idempotency contract an implementation must keep, and for 3-D Secure.
pub trait PaymentProcessor: Send + Sync {
    /// Charges `amount` minor units of `currency` to `card` for `attempt`.
    /// An amount of zero (a free trial) only verifies the card, and can
    /// still be declined. A charge with an attempt key seen before returns
    /// that attempt's first result and charges nothing. An
    /// [`ChargeError::Unavailable`] promises nothing was charged; when that
    /// cannot be promised (the request may have reached the processor), take
    /// longer than the payment timeout instead, or answer `Unavailable` only
    /// once [`Self::attempt_outcome`] would say `NotCharged`.
    fn charge<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a>;

    /// What became of `attempt`: asked after a charge that did not answer in
    /// time and for a session a crash left pending. An attempt the processor
    /// never received is [`AttemptOutcome::NotCharged`]; answer
    /// [`AttemptOutcome::Unknown`] only when it may yet be charged or the
    /// processor cannot be asked right now.
    fn attempt_outcome<'a>(&'a self, attempt: &'a PaymentAttempt) -> OutcomeFuture<'a>;

    /// Charges `amount` minor units of `currency` to a `card` saved earlier,
    /// for `attempt` (a plan change: `session_id` is the subscription's id),
    /// with the same idempotency contract as [`Self::charge`]: an attempt
    /// key seen before returns its first result and charges nothing. The
    /// default cannot charge saved cards and says so (`Unavailable`, nothing
    /// charged), so a processor written before plan changes keeps working.
    fn charge_saved<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a SavedCard,
    ) -> ChargeFuture<'a> {
        let _ = (attempt, amount, currency, card);
        Box::pin(async {
            Err(ChargeError::Unavailable(
                "this payment processor cannot charge saved cards".to_owned(),
            ))
        })
    }

    /// Finishes `attempt`, whose charge answered
    /// [`ChargeError::AuthenticationRequired`] with `reference`, after the
    /// cardholder's authentication ended with `outcome`: succeeded → the
    /// amount of that charge is charged (or declined, as a charge is);
    /// failed → [`Decline::AuthenticationFailed`], nothing charged. A second
    /// call returns the first one's result and charges nothing; an unknown
    /// reference is [`ChargeError::AuthenticationNotFound`]. The default
    /// never asked for an authentication, so it knows none.
    fn complete_authentication<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        reference: &'a str,
        outcome: AuthenticationOutcome,
    ) -> ChargeFuture<'a> {
        let _ = (attempt, reference, outcome);
        Box::pin(async { Err(ChargeError::AuthenticationNotFound) })
    }
}

/// Test mode: Stripe's test cards decide the outcome; any other valid
/// number succeeds. Attempt outcomes are remembered in memory (the most
/// recent [`TestCardProcessor::REMEMBERED`]), so a repeated charge with one
/// attempt key returns the first result, and an attempt from before a
/// restart counts as never received — like a processor that lost nothing,
/// since the test processor's charges end with its process. The 3-D Secure
/// cards ([`CARD_3DS_REQUIRED`], [`CARD_3DS2`],
/// [`CARD_3DS_INSUFFICIENT_FUNDS`]) ask for authentication; the waiting
/// payment is remembered in memory too, so a restart forgets it.
#[derive(Debug, Default)]
pub struct TestCardProcessor {
    attempts: Mutex<Remembered>,
}

/// Attempt outcomes by key, payments waiting for authentication by key,
/// and the keys in the order they came.
#[derive(Debug, Default)]
struct Remembered {
    results: HashMap<String, Result<ChargeReceipt, Decline>>,
    challenges: HashMap<String, Challenge>,
    order: VecDeque<String>,
}

/// A charge waiting for the cardholder's authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Challenge {
    reference: String,
    amount: i64,
    currency: String,
    /// What the issuer does once the cardholder has authenticated.
    then: Result<(), Decline>,
}

impl Remembered {
    /// Makes room for one more key, forgetting the oldest ones.
    fn make_room(&mut self, limit: usize) {
        while self.order.len() >= limit {
            if let Some(oldest) = self.order.pop_front() {
                self.results.remove(&oldest);
                self.challenges.remove(&oldest);
            }
        }
    }
}

/// Test card that is always declined.
pub const CARD_DECLINED: &str = "4000000000000002";
/// Test card with insufficient funds.
pub const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// Test card the issuer reports as expired.
pub const CARD_EXPIRED: &str = "4000000000000069";
/// Test card that always asks for 3-D Secure authentication, then succeeds.
pub const CARD_3DS_REQUIRED: &str = "4000002760003184";
/// Test card that asks for 3-D Secure 2 authentication, then succeeds.
pub const CARD_3DS2: &str = "4000000000003220";
/// Test card that asks for authentication and is then declined for
/// insufficient funds.
pub const CARD_3DS_INSUFFICIENT_FUNDS: &str = "4000008260003178";

impl TestCardProcessor {
    /// How many attempt outcomes are remembered; older ones are forgotten
    /// so a long-running test server does not grow without bound.
    pub const REMEMBERED: usize = 100_000;

    /// A processor that has seen no attempt.
    pub fn new() -> Self {
        Self::default()
    }

    /// The outcome for a card number's digits.
    pub fn outcome(digits: &str) -> Result<(), Decline> {
        match digits {
            CARD_DECLINED => Err(Decline::Declined),
            CARD_INSUFFICIENT_FUNDS => Err(Decline::InsufficientFunds),
            CARD_EXPIRED => Err(Decline::ExpiredCard),
            _ => Ok(()),
        }
    }

    /// For a card number that asks for 3-D Secure, what follows a
    /// successful authentication; `None` for a card that does not ask.
    pub fn challenge(digits: &str) -> Option<Result<(), Decline>> {
        match digits {
            CARD_3DS_REQUIRED | CARD_3DS2 => Some(Ok(())),
            CARD_3DS_INSUFFICIENT_FUNDS => Some(Err(Decline::InsufficientFunds)),
            _ => None,
        }
    }

    /// The outcome for a saved card: the one of the Stripe test card whose
    /// last four digits it has (`…0002` declined, `…9995` insufficient
    /// funds, `…0069` expired), else success — so a test can save a card
    /// that declines later, deterministically.
    pub fn saved_outcome(last4: &str) -> Result<(), Decline> {
        [CARD_DECLINED, CARD_INSUFFICIENT_FUNDS, CARD_EXPIRED]
            .into_iter()
            .find(|number| number.ends_with(last4) && last4.len() == 4)
            .map_or(Ok(()), Self::outcome)
    }

    /// The first result of `attempt`, or `outcome` charged now and remembered.
    fn charge_once(
        &self,
        attempt: &PaymentAttempt,
        amount: i64,
        currency: &str,
        outcome: Result<(), Decline>,
    ) -> Result<ChargeReceipt, ChargeError> {
        if let Some(first) = self.remembered(&attempt.key) {
            return first.map_err(ChargeError::Declined);
        }
        if let Some(reference) = self.waiting(&attempt.key) {
            // The key's payment waits for authentication, whatever card came now.
            return Err(ChargeError::AuthenticationRequired { reference });
        }
        let result = match outcome {
            Err(decline) => Err(decline),
            Ok(()) => {
                let charge_id = crate::domain::ids::new_id(crate::domain::ids::CHARGE)
                    .map_err(|e| ChargeError::Unavailable(e.to_string()))?;
                Ok(ChargeReceipt {
                    charge_id,
                    amount,
                    currency: currency.to_owned(),
                })
            }
        };
        self.remember(&attempt.key, result)
            .map_err(ChargeError::Declined)
    }

    /// The waiting payment of `attempt`, or a new one for a charge whose
    /// issuer asks for authentication (`then`: what follows it). A key
    /// already charged or declined returns that first result instead.
    fn challenge_once(
        &self,
        attempt: &PaymentAttempt,
        amount: i64,
        currency: &str,
        then: Result<(), Decline>,
    ) -> Result<ChargeReceipt, ChargeError> {
        let reference = crate::domain::ids::new_id(crate::domain::ids::THREE_D_SECURE)
            .map_err(|e| ChargeError::Unavailable(e.to_string()))?;
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(first) = attempts.results.get(&attempt.key) {
            return first.clone().map_err(ChargeError::Declined);
        }
        if let Some(waiting) = attempts.challenges.get(&attempt.key) {
            return Err(ChargeError::AuthenticationRequired {
                reference: waiting.reference.clone(),
            });
        }
        attempts.make_room(Self::REMEMBERED);
        attempts.order.push_back(attempt.key.clone());
        attempts.challenges.insert(
            attempt.key.clone(),
            Challenge {
                reference: reference.clone(),
                amount,
                currency: currency.to_owned(),
                then,
            },
        );
        Err(ChargeError::AuthenticationRequired { reference })
    }

    /// Ends the waiting payment of `attempt` named `reference`: charged,
    /// declined, or failed authentication, remembered as the attempt's
    /// result — all under one lock, so two completions charge once.
    fn complete_once(
        &self,
        attempt: &PaymentAttempt,
        reference: &str,
        outcome: AuthenticationOutcome,
    ) -> Result<ChargeReceipt, ChargeError> {
        let charge_id = crate::domain::ids::new_id(crate::domain::ids::CHARGE)
            .map_err(|e| ChargeError::Unavailable(e.to_string()))?;
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(first) = attempts.results.get(&attempt.key) {
            return first.clone().map_err(ChargeError::Declined);
        }
        let Some(waiting) = attempts
            .challenges
            .get(&attempt.key)
            .filter(|c| c.reference == reference)
            .cloned()
        else {
            return Err(ChargeError::AuthenticationNotFound);
        };
        let result = match outcome {
            AuthenticationOutcome::Failed => Err(Decline::AuthenticationFailed),
            AuthenticationOutcome::Succeeded => waiting.then.map(|()| ChargeReceipt {
                charge_id,
                amount: waiting.amount,
                currency: waiting.currency,
            }),
        };
        attempts.challenges.remove(&attempt.key);
        attempts.results.insert(attempt.key.clone(), result.clone());
        result.map_err(ChargeError::Declined)
    }

    /// The reference of the payment of `key` waiting for authentication.
    fn waiting(&self, key: &str) -> Option<String> {
        let attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        attempts.challenges.get(key).map(|c| c.reference.clone())
    }

    fn remembered(&self, key: &str) -> Option<Result<ChargeReceipt, Decline>> {
        let attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        attempts.results.get(key).cloned()
    }

    /// Records the first result of `key` and returns the one in force.
    fn remember(
        &self,
        key: &str,
        result: Result<ChargeReceipt, Decline>,
    ) -> Result<ChargeReceipt, Decline> {
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(first) = attempts.results.get(key) {
            return first.clone();
        }
        attempts.make_room(Self::REMEMBERED);
        attempts.order.push_back(key.to_owned());
        attempts.results.insert(key.to_owned(), result.clone());
        result
    }
}

impl PaymentProcessor for TestCardProcessor {
    fn charge<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            match Self::challenge(card.digits()) {
                Some(then) => self.challenge_once(attempt, amount, currency, then),
                None => self.charge_once(attempt, amount, currency, Self::outcome(card.digits())),
            }
        })
    }

    fn complete_authentication<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        reference: &'a str,
        outcome: AuthenticationOutcome,
    ) -> ChargeFuture<'a> {
        Box::pin(async move { self.complete_once(attempt, reference, outcome) })
    }

    fn charge_saved<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a SavedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            self.charge_once(attempt, amount, currency, Self::saved_outcome(&card.last4))
        })
    }

    fn attempt_outcome<'a>(&'a self, attempt: &'a PaymentAttempt) -> OutcomeFuture<'a> {
        Box::pin(async move {
            match self.remembered(&attempt.key) {
                Some(Ok(receipt)) => AttemptOutcome::Charged(receipt),
                Some(Err(_)) | None => AttemptOutcome::NotCharged,
            }
        })
    }
}

/// Checks number (Luhn), expiry (against the current UTC month) and CVC.
pub fn validate_card(details: &CardDetails, now_ms: i64) -> Result<ValidatedCard, ApiError> {
    let digits = card::validate_number(&details.number).map_err(|code| {
        ApiError::new(
            code,
            "Check the card number; it is not a valid card number.",
        )
    })?;
    let (year, month) = clock::utc_year_month(now_ms);
    if !card::expiry_valid(details.exp_month, details.exp_year, year, month) {
        return Err(ApiError::new(
            ErrorCode::CardInvalidExpiry,
            "Check the expiry date; it is invalid or in the past.",
        ));
    }
    let brand = CardBrand::detect(&digits);
    if !card::cvc_valid(brand, &details.cvc) {
        return Err(ApiError::new(
            ErrorCode::CardInvalidCvc,
            format!(
                "Check the security code; {} cards have {} digits.",
                brand.display_name(),
                brand.cvc_len()
            ),
        ));
    }
    Ok(ValidatedCard::new(
        digits,
        details.exp_month,
        details.exp_year,
    ))
}

#[cfg(test)]
mod tests {
    // 2026-06-15T00:00:00Z
    const JUNE_2026: i64 = 1_781_481_600_000;

    fn details(number: &str, m: u32, y: u32, cvc: &str) -> CardDetails {
        CardDetails {
            number: number.into(),
            exp_month: m,
            exp_year: y,
            cvc: cvc.into(),
        }
    }

    #[test]
    fn card_checks_in_order() {
        assert_eq!(clock::utc_year_month(JUNE_2026), (2026, 6));
        let ok = validate_card(&details("4242 4242 4242 4242", 6, 2026, "123"), JUNE_2026).unwrap();
        assert_eq!((ok.last4(), ok.brand), ("4242", CardBrand::Visa));
        let code = |d: CardDetails| validate_card(&d, JUNE_2026).unwrap_err().code;
        assert_eq!(
            code(details("4242424242424241", 12, 2030, "123")),
            ErrorCode::CardInvalidNumber
        );
        assert_eq!(
            code(details("4242424242424242", 5, 2026, "123")),
            ErrorCode::CardInvalidExpiry
        );
        assert_eq!(
            code(details("4242424242424242", 13, 2030, "123")),
            ErrorCode::CardInvalidExpiry
        );
        assert_eq!(
            code(details("4242424242424242", 12, 2030, "12")),
            ErrorCode::CardInvalidCvc
        );
        assert_eq!(
            code(details("378282246310005", 12, 2030, "123")),
            ErrorCode::CardInvalidCvc
        );
        assert!(validate_card(&details("378282246310005", 12, 2030, "1234"), JUNE_2026).is_ok());
    }

    use super::*;

    fn card(n: &str) -> ValidatedCard {
        ValidatedCard::new(n.into(), 12, 2040)
    }

    fn attempt(key: &str) -> PaymentAttempt {
        PaymentAttempt {
            session_id: "cs_test".into(),
            key: key.into(),
        }
    }

    #[tokio::test]
    async fn test_cards_behave_like_stripe() {
        let p = TestCardProcessor::new();
        let ok = p
            .charge(&attempt("pa_1"), 4900, "USD", &card("4242424242424242"))
            .await
            .unwrap();
        assert_eq!((ok.amount, ok.currency.as_str()), (4900, "USD"));
        assert!(ok.charge_id.starts_with("ch_"));
        assert!(p
            .charge(&attempt("pa_2"), 1, "USD", &card("5555555555554444"))
            .await
            .is_ok());
        for (n, d) in [
            (CARD_DECLINED, Decline::Declined),
            (CARD_INSUFFICIENT_FUNDS, Decline::InsufficientFunds),
            (CARD_EXPIRED, Decline::ExpiredCard),
        ] {
            assert_eq!(
                p.charge(&attempt(&format!("pa_{n}")), 100, "USD", &card(n))
                    .await,
                Err(ChargeError::Declined(d)),
                "{n}"
            );
            // A free trial still verifies the card.
            assert_eq!(
                p.charge(&attempt(&format!("pa_trial_{n}")), 0, "USD", &card(n))
                    .await,
                Err(ChargeError::Declined(d)),
                "{n}"
            );
        }
    }

    #[tokio::test]
    async fn one_attempt_key_charges_once_and_its_outcome_can_be_asked() {
        let p = TestCardProcessor::new();
        let first = attempt("pa_once");
        assert_eq!(p.attempt_outcome(&first).await, AttemptOutcome::NotCharged);
        let receipt = p
            .charge(&first, 4900, "USD", &card("4242424242424242"))
            .await
            .unwrap();
        // A retry with the same key (even another amount or card) is the
        // first charge again, not a second one.
        let again = p
            .charge(&first, 9999, "EUR", &card("5555555555554444"))
            .await
            .unwrap();
        assert_eq!(again, receipt);
        assert_eq!(
            p.attempt_outcome(&first).await,
            AttemptOutcome::Charged(receipt.clone())
        );
        // A declined attempt was not charged, and stays declined.
        let declined = attempt("pa_declined");
        assert!(p
            .charge(&declined, 100, "USD", &card(CARD_DECLINED))
            .await
            .is_err());
        assert_eq!(
            p.attempt_outcome(&declined).await,
            AttemptOutcome::NotCharged
        );
        assert_eq!(
            p.charge(&declined, 100, "USD", &card("4242424242424242"))
                .await,
            Err(ChargeError::Declined(Decline::Declined))
        );
        // A new key is a new charge.
        let other = p
            .charge(&attempt("pa_other"), 4900, "USD", &card("4242424242424242"))
            .await
            .unwrap();
        assert_ne!(other.charge_id, receipt.charge_id);
    }

    #[test]
    fn only_the_most_recent_outcomes_are_remembered() {
        let p = TestCardProcessor::new();
        let receipt = |n: usize| ChargeReceipt {
            charge_id: format!("ch_{n}"),
            amount: 1,
            currency: "USD".into(),
        };
        for n in 0..=TestCardProcessor::REMEMBERED {
            let _ = p.remember(&format!("pa_{n}"), Ok(receipt(n)));
        }
        assert_eq!(p.remembered("pa_0"), None);
        assert_eq!(p.remembered("pa_1"), Some(Ok(receipt(1))));
        let last = TestCardProcessor::REMEMBERED;
        assert_eq!(p.remembered(&format!("pa_{last}")), Some(Ok(receipt(last))));
    }

    #[tokio::test]
    async fn saved_cards_decline_by_their_last_four_and_charge_once_per_key() {
        let p = TestCardProcessor::new();
        let saved = |last4: &str| SavedCard {
            payment_method_id: "pm_1".into(),
            brand: "visa".into(),
            last4: last4.into(),
            exp_month: 12,
            exp_year: 2040,
        };
        let first = p
            .charge_saved(&attempt("k1"), 1000, "USD", &saved("4242"))
            .await
            .unwrap();
        let again = p
            .charge_saved(&attempt("k1"), 1000, "USD", &saved("4242"))
            .await
            .unwrap();
        assert_eq!(first, again, "one key, one charge");
        assert_eq!(
            p.charge_saved(&attempt("k2"), 1000, "USD", &saved("0002"))
                .await,
            Err(ChargeError::Declined(Decline::Declined))
        );
        assert_eq!(
            TestCardProcessor::saved_outcome("9995"),
            Err(Decline::InsufficientFunds)
        );
        assert_eq!(
            TestCardProcessor::saved_outcome("0069"),
            Err(Decline::ExpiredCard)
        );
        assert_eq!(TestCardProcessor::saved_outcome("002"), Ok(()));
    }

    #[tokio::test]
    async fn three_d_secure_cards_wait_for_authentication_and_charge_once() {
        let p = TestCardProcessor::new();
        for (n, then) in [
            (CARD_3DS_REQUIRED, Ok(())),
            (CARD_3DS2, Ok(())),
            (CARD_3DS_INSUFFICIENT_FUNDS, Err(Decline::InsufficientFunds)),
        ] {
            assert_eq!(TestCardProcessor::challenge(n), Some(then), "{n}");
            let a = attempt(&format!("pa_3ds_{n}"));
            let Err(ChargeError::AuthenticationRequired { reference }) =
                p.charge(&a, 4900, "USD", &card(n)).await
            else {
                panic!("{n} must ask for authentication")
            };
            assert!(reference.starts_with("3ds_"), "{reference}");
            // Nothing is charged while it waits, and asking again is the same challenge.
            assert_eq!(p.attempt_outcome(&a).await, AttemptOutcome::NotCharged);
            assert_eq!(
                p.charge(&a, 4900, "USD", &card(n)).await,
                Err(ChargeError::AuthenticationRequired {
                    reference: reference.clone()
                })
            );
            assert_eq!(
                p.complete_authentication(&a, "3ds_other", AuthenticationOutcome::Succeeded)
                    .await,
                Err(ChargeError::AuthenticationNotFound),
                "another reference is not this payment's"
            );
            let first = p
                .complete_authentication(&a, &reference, AuthenticationOutcome::Succeeded)
                .await;
            match then {
                Ok(()) => {
                    let receipt = first.clone().unwrap();
                    assert_eq!((receipt.amount, receipt.currency.as_str()), (4900, "USD"));
                    assert_eq!(
                        p.attempt_outcome(&a).await,
                        AttemptOutcome::Charged(receipt)
                    );
                }
                Err(d) => {
                    assert_eq!(first, Err(ChargeError::Declined(d)));
                    assert_eq!(p.attempt_outcome(&a).await, AttemptOutcome::NotCharged);
                }
            }
            // A second completion (a double click) is the first result, not a second charge.
            assert_eq!(
                p.complete_authentication(&a, &reference, AuthenticationOutcome::Succeeded)
                    .await,
                first
            );
        }
        assert_eq!(TestCardProcessor::challenge("4242424242424242"), None);
    }

    #[tokio::test]
    async fn a_failed_authentication_charges_nothing_and_a_restart_forgets_the_challenge() {
        let p = TestCardProcessor::new();
        let a = attempt("pa_fail");
        let Err(ChargeError::AuthenticationRequired { reference }) =
            p.charge(&a, 100, "EUR", &card(CARD_3DS_REQUIRED)).await
        else {
            panic!("must ask")
        };
        assert_eq!(
            p.complete_authentication(&a, &reference, AuthenticationOutcome::Failed)
                .await,
            Err(ChargeError::Declined(Decline::AuthenticationFailed))
        );
        assert_eq!(
            p.complete_authentication(&a, &reference, AuthenticationOutcome::Succeeded)
                .await,
            Err(ChargeError::Declined(Decline::AuthenticationFailed)),
            "a failed authentication stays failed"
        );
        assert_eq!(p.attempt_outcome(&a).await, AttemptOutcome::NotCharged);
        let restarted = TestCardProcessor::new();
        assert_eq!(
            restarted
                .complete_authentication(&a, &reference, AuthenticationOutcome::Succeeded)
                .await,
            Err(ChargeError::AuthenticationNotFound)
        );
        assert_eq!(
            Decline::AuthenticationFailed.code(),
            ErrorCode::AuthenticationFailed
        );
        assert!(Decline::AuthenticationFailed
            .message()
            .starts_with("Authentication failed"));
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
