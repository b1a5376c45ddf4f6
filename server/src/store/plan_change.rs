//! Plan changes in the store (issue 15, `subscriptions/adjust`), each step
//! one transaction that compares the subscription's `updated_at` (its
//! version) with the one the change was decided on:
//!
//! 1. [`Db::claim_plan_change`] marks the change in progress with its attempt
//!    key before any card is charged, so a second, different change of the
//!    same subscription is refused instead of charging too;
//! 2. the service charges the saved card with that key;
//! 3. [`Db::apply_plan_change`] writes the subscription, the paid invoice, the
//!    adjustment row and the webhook events, and clears the mark — or
//!    [`Db::release_plan_change`] clears it after a decline.
//!
//! A change for the period end ([`Db::schedule_plan_change`]) charges nothing
//! and is one compare-and-set.

use super::customers::select_customer;
use super::events::{self, SavedCardCharge};
use super::records::{
    insert_invoice, record_subscription_change, select_payment_methods, settled_subscriptions,
    update_subscription,
};
use super::{Db, DbError};
use crate::domain::ids;
use crate::domain::records::{StoredInvoice, StoredPaymentMethod};
use crate::domain::subscription::{ScheduledChange, StoredSubscription};
use crate::store::cached::CachedStatements;
use checkout_protocol::ErrorCode;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::Arc;

/// What [`Db::claim_plan_change`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanClaim {
    /// The change is marked in progress under its key: charge, then apply.
    Claimed,
    /// The subscription changed since the change was decided: decide again.
    Moved,
    /// Another change (another key) is in progress.
    Busy,
    /// Another change was marked longer ago than `stale_before` and never
    /// written (a crash between the charge and the write?): its key, for
    /// asking the processor what became of it before anything else.
    Stale(String),
}

/// What [`Db::apply_plan_change`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanApplied {
    /// Written; the subscription as it is now.
    Applied(StoredSubscription),
    /// This attempt was applied already (a concurrent identical request got
    /// there first); the subscription as it is now.
    AlreadyApplied(StoredSubscription),
    /// The subscription moved on and this attempt was never applied.
    Moved,
}

/// An immediate change to write, with its charge if one was made.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanWrite {
    /// The subscription as it was decided on (`updated_at` is the version).
    pub before: StoredSubscription,
    /// The subscription after the change.
    pub after: StoredSubscription,
    /// The attempt key the change was claimed under.
    pub key: String,
    /// Whether it is an upgrade (kept on the adjustment row).
    pub is_upgrade: bool,
    /// ISO 4217 code of the subscription.
    pub currency: String,
    /// The charge made, if any.
    pub charge: Option<PlanCharge>,
}

/// A successful charge of a plan change, and the invoice that records it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCharge {
    /// The processor's charge id.
    pub charge_id: String,
    /// The card charged.
    pub payment_method_id: String,
    /// Minor units charged.
    pub amount: i64,
    /// The paid invoice (its number is assigned on insert).
    pub invoice: StoredInvoice,
}

/// A declined plan-change charge, for `payment.failed`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDecline {
    /// The card declined.
    pub payment_method_id: String,
    /// Minor units asked for.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The decline's code and message.
    pub code: ErrorCode,
    /// What the customer was told.
    pub message: String,
}

impl Db {
    /// The customer's subscriptions settled to `now`, and their saved cards
    /// (default first): what a plan change is decided on.
    pub async fn plan_change_context(
        &self,
        customer_id: String,
        now: i64,
    ) -> Result<(Vec<StoredSubscription>, Vec<StoredPaymentMethod>), DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let subscriptions = settled_subscriptions(&tx, &outbox, &customer_id, None, now)?;
            let cards = select_payment_methods(&tx, &customer_id)?;
            tx.commit()?;
            Ok((subscriptions, cards))
        })
        .await
    }

    /// Marks a change of `subscription_id` in progress under `key`, if the
    /// subscription is still at `version` and no other change is in
    /// progress (one marked before `stale_before` is reported as
    /// [`PlanClaim::Stale`], never taken over blindly).
    pub async fn claim_plan_change(
        &self,
        subscription_id: String,
        version: i64,
        key: String,
        now: i64,
        stale_before: i64,
    ) -> Result<PlanClaim, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let claimed = tx.execute_cached(
                "UPDATE subscriptions SET adjust_key = ?3, adjust_started_at = ?4
                 WHERE id = ?1 AND updated_at = ?2 AND (adjust_key IS NULL OR adjust_key = ?3)",
                params![subscription_id, version, key, now],
            )?;
            let outcome = if claimed == 1 {
                PlanClaim::Claimed
            } else {
                let current: Option<(i64, Option<String>, Option<i64>)> = tx
                    .query_row_cached(
                        "SELECT updated_at, adjust_key, adjust_started_at FROM subscriptions WHERE id = ?1",
                        [&subscription_id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                match current {
                    Some((v, Some(held), Some(at))) if v == version && at < stale_before => {
                        PlanClaim::Stale(held)
                    }
                    Some((v, _, _)) if v == version => PlanClaim::Busy,
                    _ => PlanClaim::Moved,
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    /// The subscription (settled to `now`) when the change charged under
    /// `key` was written, else `None`.
    pub async fn plan_change_applied(
        &self,
        customer_id: String,
        subscription_id: String,
        key: String,
        now: i64,
    ) -> Result<Option<StoredSubscription>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let done: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM subscription_adjustments
                   WHERE attempt_key = ?1 AND subscription_id = ?2)",
                params![key, subscription_id],
                |r| r.get(0),
            )?;
            let found = if done {
                settled_subscriptions(&tx, &outbox, &customer_id, Some(&subscription_id), now)?
                    .into_iter()
                    .next()
            } else {
                None
            };
            tx.commit()?;
            Ok(found)
        })
        .await
    }

    /// Clears the in-progress mark of `key` (nothing was charged, or the
    /// charge was declined: then `payment.failed` is recorded with it).
    pub async fn release_plan_change(
        &self,
        subscription_id: String,
        key: String,
        decline: Option<PlanDecline>,
        now: i64,
    ) -> Result<(), DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // After a decline the version moves too: the processor answers
            // a key's first result forever, so trying again (another card,
            // or the same one later) must be a new attempt with a new key.
            tx.execute_cached(
                "UPDATE subscriptions SET adjust_key = NULL, adjust_started_at = NULL,
                    updated_at = CASE WHEN ?3 THEN max(updated_at + 1, ?4) ELSE updated_at END
                 WHERE id = ?1 AND adjust_key = ?2",
                params![subscription_id, key, decline.is_some(), now],
            )?;
            if let Some(d) = decline {
                let customer = owner_of(&tx, &subscription_id)?;
                let event = events::saved_card_payment(
                    outbox.catalog(),
                    &SavedCardCharge {
                        id: &key,
                        customer: &customer,
                        subscription_id: &subscription_id,
                        amount: d.amount,
                        currency: &d.currency,
                        payment_method_id: &d.payment_method_id,
                        invoice_id: None,
                        failure: Some((d.code, &d.message)),
                    },
                    now,
                )?;
                outbox.record(&tx, &event, now)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Writes an immediate change claimed under `w.key`: the subscription,
    /// the adjustment row, the paid invoice and `subscription.updated` (and
    /// `payment.succeeded` for a charge), in one transaction.
    pub async fn apply_plan_change(&self, w: PlanWrite, now: i64) -> Result<PlanApplied, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current = |tx: &Connection| -> Result<Option<StoredSubscription>, DbError> {
                Ok(
                    settled_subscriptions(tx, &outbox, &w.before.customer_id, Some(&w.before.id), now)?
                        .into_iter()
                        .next(),
                )
            };
            let done: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM subscription_adjustments WHERE attempt_key = ?1)",
                [&w.key],
                |r| r.get(0),
            )?;
            if done {
                let now_sub = current(&tx)?;
                tx.commit()?;
                return Ok(now_sub.map_or(PlanApplied::Moved, PlanApplied::AlreadyApplied));
            }
            let ours: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM subscriptions
                   WHERE id = ?1 AND updated_at = ?2 AND adjust_key = ?3)",
                params![w.before.id, w.before.updated_at, w.key],
                |r| r.get(0),
            )?;
            if !ours {
                tx.commit()?;
                return Ok(PlanApplied::Moved);
            }
            update_subscription(&tx, &w.after)?;
            tx.execute_cached(
                "UPDATE subscriptions SET adjust_key = NULL, adjust_started_at = NULL WHERE id = ?1",
                [&w.after.id],
            )?;
            let invoice_id = match &w.charge {
                Some(c) => {
                    insert_invoice(&tx, &c.invoice)?;
                    tx.execute_cached(
                        "UPDATE invoices SET paid_at = ?2 WHERE id = ?1",
                        params![c.invoice.id, now],
                    )?;
                    Some(c.invoice.id.clone())
                }
                None => None,
            };
            let id = ids::new_id("adj_").map_err(|e| DbError::Random(e.to_string()))?;
            tx.execute_cached(
                "INSERT INTO subscription_adjustments (id, subscription_id, customer_id, attempt_key,
                    from_price_id, from_quantity, to_price_id, to_quantity, amount, currency, charge_id,
                    payment_method_id, invoice_id, is_upgrade, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    id,
                    w.after.id,
                    w.after.customer_id,
                    w.key,
                    w.before.price_id,
                    w.before.quantity,
                    w.after.price_id,
                    w.after.quantity,
                    w.charge.as_ref().map_or(0, |c| c.amount),
                    w.currency,
                    w.charge.as_ref().map(|c| c.charge_id.as_str()),
                    w.charge.as_ref().map(|c| c.payment_method_id.as_str()),
                    invoice_id,
                    w.is_upgrade,
                    now
                ],
            )?;
            record_subscription_change(&tx, &outbox, &w.after, now)?;
            if let Some(c) = &w.charge {
                let customer = owner_of(&tx, &w.after.id)?;
                let event = events::saved_card_payment(
                    outbox.catalog(),
                    &SavedCardCharge {
                        id: &w.key,
                        customer: &customer,
                        subscription_id: &w.after.id,
                        amount: c.amount,
                        currency: &w.currency,
                        payment_method_id: &c.payment_method_id,
                        invoice_id: invoice_id.as_deref(),
                        failure: None,
                    },
                    now,
                )?;
                outbox.record(&tx, &event, now)?;
            }
            tx.commit()?;
            Ok(PlanApplied::Applied(w.after))
        })
        .await
    }

    /// Sets (or, with `None`, drops) the change scheduled for the period end
    /// of a subscription still at `before.updated_at` with no change in
    /// progress; `None` when it moved on (decide again).
    pub async fn schedule_plan_change(
        &self,
        before: StoredSubscription,
        change: Option<ScheduledChange>,
        now: i64,
    ) -> Result<Option<StoredSubscription>, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let free: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM subscriptions
                   WHERE id = ?1 AND updated_at = ?2 AND adjust_key IS NULL)",
                params![before.id, before.updated_at],
                |r| r.get(0),
            )?;
            if !free {
                tx.commit()?;
                return Ok(None);
            }
            let mut after = before;
            after.scheduled_change = change;
            after.updated_at = now.max(after.updated_at.saturating_add(1));
            update_subscription(&tx, &after)?;
            tx.commit()?;
            Ok(Some(after))
        })
        .await
    }
}

/// The customer subscription `id` belongs to.
fn owner_of(
    conn: &Connection,
    subscription_id: &str,
) -> Result<crate::domain::records::StoredCustomer, DbError> {
    let customer_id: String = conn.query_row_cached(
        "SELECT customer_id FROM subscriptions WHERE id = ?1",
        [subscription_id],
        |r| r.get(0),
    )?;
    select_customer(conn, "id", &customer_id)?
        .ok_or_else(|| DbError::Corrupt(format!("subscription {subscription_id} has no customer")))
}
