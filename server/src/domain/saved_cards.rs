//! The rules of a customer's saved cards (issue 16): which ones a checkout
//! may offer, and what removing one or making one the default changes.

use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::payment::SavedCard;
use crate::domain::records::StoredPaymentMethod;
use crate::domain::session::PaidCard;
use crate::domain::subscription::StoredSubscription;
use checkout_protocol::{card, ErrorCode, SavedPaymentMethod, PAYMENT_METHOD_NOT_FOUND_MESSAGE};

impl StoredPaymentMethod {
    /// Whether the card's expiry month is over at `now_ms` (UTC).
    pub fn is_expired(&self, now_ms: i64) -> bool {
        let (year, month) = clock::utc_year_month(now_ms);
        !card::expiry_valid(self.exp_month, self.exp_year, year, month)
    }

    /// The card as the hosted page offers it (brand, last four, expiry).
    pub fn offered(&self) -> SavedPaymentMethod {
        SavedPaymentMethod {
            id: self.id.clone(),
            brand: self.brand.clone(),
            last4: self.last4.clone(),
            exp_month: self.exp_month,
            exp_year: self.exp_year,
            is_default: self.is_default,
        }
    }

    /// The card as a processor charges it again.
    pub fn to_saved_card(&self) -> SavedCard {
        SavedCard {
            payment_method_id: self.id.clone(),
            brand: self.brand.clone(),
            last4: self.last4.clone(),
            exp_month: self.exp_month,
            exp_year: self.exp_year,
        }
    }

    /// What a payment with the card records on the session.
    pub fn paid_card(&self) -> PaidCard {
        PaidCard {
            brand: self.brand.clone(),
            last4: self.last4.clone(),
            exp_month: self.exp_month,
            exp_year: self.exp_year,
        }
    }
}

/// The cards a checkout offers: the unexpired ones, in the store's order
/// (default first, then newest).
pub fn offered(cards: &[StoredPaymentMethod], now_ms: i64) -> Vec<SavedPaymentMethod> {
    cards
        .iter()
        .filter(|c| !c.is_expired(now_ms))
        .map(StoredPaymentMethod::offered)
        .collect()
}

/// The one answer for a card that is missing, removed or someone else's.
pub fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::PaymentMethodNotFound,
        PAYMENT_METHOD_NOT_FOUND_MESSAGE,
    )
}

/// The answer for a saved card past its expiry month.
pub fn expired() -> ApiError {
    ApiError::new(
        ErrorCode::CardInvalidExpiry,
        "This saved card has expired. Choose another card or use a new one.",
    )
}

/// What removing a card changes beside the card itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The card that becomes the default (the removed one was it).
    pub new_default: Option<String>,
    /// The card that current subscriptions billed to the removed one move
    /// to (the customer's default after the removal).
    pub replacement: Option<String>,
    /// Current subscriptions billed to the removed card, by id.
    pub moved_subscriptions: Vec<String>,
}

/// Decides the removal of card `id` from the customer's `cards` (not
/// removed ones, default first then newest) with their `subscriptions`:
/// a removed default is replaced by the newest unexpired other card (else
/// the newest other one); current subscriptions billed to it move to the
/// default after the removal. Refused (409 `payment_method_in_use`) when
/// it is the only card and a current subscription bills to it, so a
/// subscription is never left without a card. 404 `payment_method_not_found`
/// when `id` is not among `cards`.
pub fn removal(
    cards: &[StoredPaymentMethod],
    subscriptions: &[StoredSubscription],
    id: &str,
    now_ms: i64,
) -> Result<Removal, ApiError> {
    let card = cards.iter().find(|c| c.id == id).ok_or_else(not_found)?;
    let others = || cards.iter().filter(|c| c.id != id);
    let newest = |unexpired: bool| {
        others()
            .filter(|c| !unexpired || !c.is_expired(now_ms))
            .max_by_key(|c| (c.created_at, c.id.clone()))
            .map(|c| c.id.clone())
    };
    let new_default = if card.is_default {
        newest(true).or_else(|| newest(false))
    } else {
        None
    };
    let replacement = if card.is_default {
        new_default.clone()
    } else {
        others().find(|c| c.is_default).map(|c| c.id.clone())
    };
    let moved_subscriptions: Vec<String> = subscriptions
        .iter()
        .filter(|s| s.status.is_current())
        .filter(|s| match &s.default_payment_method_id {
            Some(paying) => paying == id,
            // A subscription without its own card bills to the default.
            None => card.is_default,
        })
        .map(|s| s.id.clone())
        .collect();
    if !moved_subscriptions.is_empty() && replacement.is_none() {
        return Err(ApiError::new(
            ErrorCode::PaymentMethodInUse,
            "This is your only card and a subscription is billed to it. Add another card first, then remove this one.",
        ));
    }
    Ok(Removal {
        new_default,
        replacement,
        moved_subscriptions,
    })
}

/// Checks that card `id` of the customer's `cards` may become the default:
/// 404 when it is not theirs, 400 `card_invalid_expiry` when it has expired.
pub fn check_default(cards: &[StoredPaymentMethod], id: &str, now_ms: i64) -> Result<(), ApiError> {
    let card = cards.iter().find(|c| c.id == id).ok_or_else(not_found)?;
    if card.is_expired(now_ms) {
        return Err(ApiError::new(
            ErrorCode::CardInvalidExpiry,
            "This card has expired, so it cannot be your default. Add a new card instead.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::SubscriptionStatus;

    // 2026-06-15T00:00:00Z
    const JUNE_2026: i64 = 1_781_481_600_000;

    fn card(id: &str, default: bool, exp_year: u32, created_at: i64) -> StoredPaymentMethod {
        StoredPaymentMethod {
            id: id.into(),
            customer_id: "cus_a".into(),
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year,
            is_default: default,
            created_at,
        }
    }

    fn subscription(
        id: &str,
        card: Option<&str>,
        status: SubscriptionStatus,
    ) -> StoredSubscription {
        StoredSubscription {
            id: id.into(),
            customer_id: "cus_a".into(),
            price_id: "price_pro".into(),
            status,
            checkout_session_id: None,
            request_id: None,
            name: None,
            metadata: None,
            quantity: 1,
            interval_unit: None,
            interval_count: None,
            start_date: 0,
            current_period_start: None,
            current_period_end: None,
            trial_end: None,
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: card.map(str::to_owned),
            scheduled_change: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_checkout_offers_only_unexpired_cards() {
        let cards = [card("pm_a", true, 2030, 1), card("pm_old", false, 2025, 2)];
        let shown = offered(&cards, JUNE_2026);
        assert_eq!(shown.len(), 1);
        assert_eq!((shown[0].id.as_str(), shown[0].is_default), ("pm_a", true));
        assert!(cards[1].is_expired(JUNE_2026));
        // A card is good through its expiry month.
        let june = StoredPaymentMethod {
            exp_month: 6,
            ..card("pm_june", false, 2026, 0)
        };
        assert!(!june.is_expired(JUNE_2026));
    }

    #[test]
    fn removing_the_default_promotes_the_newest_unexpired_card_and_moves_its_subscriptions() {
        let cards = [
            card("pm_default", true, 2030, 1),
            card("pm_newest_expired", false, 2025, 9),
            card("pm_newer", false, 2031, 5),
            card("pm_older", false, 2031, 3),
        ];
        let subs = [
            subscription("sub_own", Some("pm_default"), SubscriptionStatus::Active),
            subscription("sub_follows", None, SubscriptionStatus::Trialing),
            subscription("sub_other", Some("pm_older"), SubscriptionStatus::Active),
            subscription("sub_over", Some("pm_default"), SubscriptionStatus::Canceled),
        ];
        let r = removal(&cards, &subs, "pm_default", JUNE_2026).unwrap();
        assert_eq!(r.new_default.as_deref(), Some("pm_newer"));
        assert_eq!(r.replacement.as_deref(), Some("pm_newer"));
        assert_eq!(r.moved_subscriptions, ["sub_own", "sub_follows"]);
    }

    #[test]
    fn removing_another_card_keeps_the_default_and_moves_only_its_subscriptions() {
        let cards = [
            card("pm_default", true, 2030, 1),
            card("pm_b", false, 2030, 2),
        ];
        let subs = [
            subscription("sub_b", Some("pm_b"), SubscriptionStatus::Active),
            subscription("sub_follows", None, SubscriptionStatus::Active),
        ];
        let r = removal(&cards, &subs, "pm_b", JUNE_2026).unwrap();
        assert_eq!(r.new_default, None);
        assert_eq!(r.replacement.as_deref(), Some("pm_default"));
        assert_eq!(r.moved_subscriptions, ["sub_b"]);
    }

    #[test]
    fn the_only_card_of_a_current_subscription_stays() {
        let cards = [card("pm_only", true, 2030, 1)];
        let active = [subscription("sub", None, SubscriptionStatus::Active)];
        assert_eq!(
            removal(&cards, &active, "pm_only", JUNE_2026)
                .unwrap_err()
                .code,
            ErrorCode::PaymentMethodInUse
        );
        // Without a current subscription it may go.
        let ended = [subscription("sub", None, SubscriptionStatus::Canceled)];
        let r = removal(&cards, &ended, "pm_only", JUNE_2026).unwrap();
        assert_eq!((r.new_default, r.replacement), (None, None));
        // Someone else's or a missing card is not found, with one message.
        let missing = removal(&cards, &ended, "pm_theirs", JUNE_2026).unwrap_err();
        assert_eq!(missing.code, ErrorCode::PaymentMethodNotFound);
        assert_eq!(missing.message, PAYMENT_METHOD_NOT_FOUND_MESSAGE);
    }

    #[test]
    fn only_an_unexpired_card_of_ones_own_becomes_the_default() {
        let cards = [card("pm_a", true, 2030, 1), card("pm_old", false, 2025, 2)];
        assert!(check_default(&cards, "pm_a", JUNE_2026).is_ok());
        assert_eq!(
            check_default(&cards, "pm_old", JUNE_2026).unwrap_err().code,
            ErrorCode::CardInvalidExpiry
        );
        assert_eq!(
            check_default(&cards, "pm_x", JUNE_2026).unwrap_err().code,
            ErrorCode::PaymentMethodNotFound
        );
    }
}
