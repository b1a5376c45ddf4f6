//! A customer's saved cards in the store (issue 16): the ones a checkout
//! may charge, and removing one or making one the default, each in one
//! transaction. A removed card keeps its row (`removed_at`) so the
//! purchases and events that name it still resolve, and so seeding on the
//! next start does not bring a removed demo card back.

use super::outbox::Outbox;
use super::records::{record_subscription_change, select_payment_methods, settled_subscriptions};
use super::{Db, DbError};
use crate::domain::error::ApiError;
use crate::domain::records::StoredPaymentMethod;
use crate::domain::saved_cards;
use crate::store::cached::CachedStatements;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::Arc;

/// A change a customer asks for on one of their saved cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardChange {
    /// `payment-methods/remove`.
    Remove,
    /// `payment-methods/set-default`.
    MakeDefault,
}

impl Db {
    /// The customer's saved cards (not removed), default first, then newest.
    pub async fn customer_cards(
        &self,
        customer_id: String,
    ) -> Result<Vec<StoredPaymentMethod>, DbError> {
        self.call(move |conn| select_payment_methods(conn, &customer_id))
            .await
    }

    /// The customer a saved card (not removed) belongs to, if it exists.
    pub async fn card_owner(&self, id: String) -> Result<Option<String>, DbError> {
        self.call(move |conn| {
            Ok(conn
                .query_row_cached(
                    "SELECT customer_id FROM payment_methods WHERE id = ?1 AND removed_at IS NULL",
                    [id],
                    |r| r.get(0),
                )
                .optional()?)
        })
        .await
    }

    /// Removes card `id` of the customer or makes it their default, as
    /// [`saved_cards::removal`] and [`saved_cards::check_default`] decide,
    /// with `subscription.updated` for each subscription moved to another
    /// card; answers the cards after the change, or the refusal (nothing
    /// written). Another customer's card is not found, like a missing one.
    pub async fn change_card(
        &self,
        customer_id: String,
        id: String,
        change: CardChange,
        now: i64,
    ) -> Result<Result<Vec<StoredPaymentMethod>, ApiError>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let cards = select_payment_methods(&tx, &customer_id)?;
            let outcome = match change {
                CardChange::MakeDefault => saved_cards::check_default(&cards, &id, now)
                    .map(|()| make_default(&tx, &customer_id, &id))
                    .map(|written| written.map(|_| ())),
                CardChange::Remove => {
                    let subscriptions =
                        settled_subscriptions(&tx, &outbox, &customer_id, None, now)?;
                    saved_cards::removal(&cards, &subscriptions, &id, now)
                        .map(|r| remove(&tx, &outbox, &customer_id, &id, &r, now))
                }
            };
            match outcome {
                Ok(written) => {
                    written?;
                    let after = select_payment_methods(&tx, &customer_id)?;
                    tx.commit()?;
                    Ok(Ok(after))
                }
                // The settling above may have written; keep it.
                Err(refused) => {
                    tx.commit()?;
                    Ok(Err(refused))
                }
            }
        })
        .await
    }
}

/// Makes card `id` the customer's only default.
fn make_default(conn: &Connection, customer_id: &str, id: &str) -> Result<usize, DbError> {
    Ok(conn.execute_cached(
        "UPDATE payment_methods SET is_default = (id = ?2)
         WHERE customer_id = ?1 AND removed_at IS NULL",
        params![customer_id, id],
    )?)
}

/// Marks card `id` removed and applies `r`: the new default, and the
/// subscriptions billed to it moved to the replacement.
fn remove(
    conn: &Connection,
    outbox: &Outbox,
    customer_id: &str,
    id: &str,
    r: &saved_cards::Removal,
    now: i64,
) -> Result<(), DbError> {
    conn.execute_cached(
        "UPDATE payment_methods SET removed_at = ?3, is_default = 0
         WHERE id = ?1 AND customer_id = ?2",
        params![id, customer_id, now],
    )?;
    if let Some(new_default) = &r.new_default {
        make_default(conn, customer_id, new_default)?;
    }
    for subscription_id in &r.moved_subscriptions {
        conn.execute_cached(
            "UPDATE subscriptions SET default_payment_method_id = ?3, updated_at = ?4
             WHERE id = ?1 AND customer_id = ?2",
            params![subscription_id, customer_id, r.replacement, now],
        )?;
        let moved = settled_subscriptions(conn, outbox, customer_id, Some(subscription_id), now)?;
        for s in &moved {
            record_subscription_change(conn, outbox, s, now)?;
        }
    }
    Ok(())
}
