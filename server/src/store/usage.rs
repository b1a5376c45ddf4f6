//! The usage ledger: usage events recorded on a customer's subscriptions,
//! idempotent by `(customer, transactionId)`, and the per-period totals
//! balances are computed from (`domain::usage`).

use super::records::customer_subscription;
use super::{json_object, json_text, Db, DbError};
use crate::domain::ids;
use crate::domain::usage::{current_period_start, StoredUsageEvent, UsageTotal};
use crate::store::cached::CachedStatements;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde_json::{Map, Value};
use std::sync::Arc;

/// A usage event to record; the meter is already resolved from the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUsage {
    /// The customer recording it (the subscription must be theirs).
    pub customer_id: String,
    /// The subscription it counts against.
    pub subscription_id: String,
    /// The meter.
    pub usage_meter_id: String,
    /// The usage price named, if any.
    pub price_id: Option<String>,
    /// Units used (positive, bounded by the caller).
    pub amount: i64,
    /// The caller's id for the event.
    pub transaction_id: String,
    /// When the usage happened; `None` for now.
    pub usage_date: Option<i64>,
    /// The caller's properties.
    pub properties: Option<Map<String, Value>>,
}

/// What recording a usage event did.
#[derive(Debug, Clone, PartialEq)]
pub enum UsageOutcome {
    /// A new event was recorded.
    Recorded(StoredUsageEvent),
    /// The same usage under the same `transactionId` was recorded before:
    /// that event, nothing added.
    Replayed(StoredUsageEvent),
    /// The `transactionId` was used before for other usage (subscription,
    /// meter or amount differ): nothing recorded.
    Conflict(StoredUsageEvent),
    /// The subscription does not exist or is someone else's.
    NoSuchSubscription,
    /// The subscription is the customer's but no longer current.
    NotCurrent,
}

impl Db {
    /// Records `usage` in one transaction: the subscription is checked to be
    /// the customer's and current (settled to `now`), a `transactionId` seen
    /// before answers the first event (or a conflict), and the event counts in
    /// the subscription's current billing period.
    pub async fn record_usage(&self, usage: NewUsage, now: i64) -> Result<UsageOutcome, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(subscription) = customer_subscription(
                &tx,
                &outbox,
                &usage.customer_id,
                &usage.subscription_id,
                now,
            )?
            else {
                return Ok(UsageOutcome::NoSuchSubscription);
            };
            if let Some(first) =
                select_by_transaction(&tx, &usage.customer_id, &usage.transaction_id)?
            {
                tx.commit()?;
                return Ok(
                    if first.same_usage(&usage.subscription_id, &usage.usage_meter_id, usage.amount)
                    {
                        UsageOutcome::Replayed(first)
                    } else {
                        UsageOutcome::Conflict(first)
                    },
                );
            }
            if !subscription.status.is_current() {
                tx.commit()?;
                return Ok(UsageOutcome::NotCurrent);
            }
            let event = StoredUsageEvent {
                id: ids::new_id(ids::USAGE_EVENT).map_err(|e| DbError::Random(e.to_string()))?,
                customer_id: usage.customer_id,
                subscription_id: usage.subscription_id,
                usage_meter_id: usage.usage_meter_id,
                price_id: usage.price_id,
                amount: usage.amount,
                transaction_id: usage.transaction_id,
                usage_date: usage.usage_date.unwrap_or(now),
                period_start: current_period_start(&subscription),
                properties: usage.properties,
                created_at: now,
            };
            tx.execute_cached(
                "INSERT INTO usage_events (id, customer_id, subscription_id, usage_meter_id, price_id,
                     amount, transaction_id, usage_date, period_start, properties, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    event.id,
                    event.customer_id,
                    event.subscription_id,
                    event.usage_meter_id,
                    event.price_id,
                    event.amount,
                    event.transaction_id,
                    event.usage_date,
                    event.period_start,
                    json_text(event.properties.as_ref())?,
                    event.created_at
                ],
            )?;
            tx.commit()?;
            Ok(UsageOutcome::Recorded(event))
        })
        .await
    }
}

fn select_by_transaction(
    conn: &Connection,
    customer_id: &str,
    transaction_id: &str,
) -> Result<Option<StoredUsageEvent>, DbError> {
    conn.query_row_cached(
        "SELECT id, customer_id, subscription_id, usage_meter_id, price_id, amount,
                transaction_id, usage_date, period_start, properties, created_at
         FROM usage_events WHERE customer_id = ?1 AND transaction_id = ?2",
        params![customer_id, transaction_id],
        read_event,
    )
    .optional()?
    .transpose()
}

fn read_event(r: &Row<'_>) -> rusqlite::Result<Result<StoredUsageEvent, DbError>> {
    let properties: Option<String> = r.get(9)?;
    Ok(Ok(StoredUsageEvent {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        subscription_id: r.get(2)?,
        usage_meter_id: r.get(3)?,
        price_id: r.get(4)?,
        amount: r.get(5)?,
        transaction_id: r.get(6)?,
        usage_date: r.get(7)?,
        period_start: r.get(8)?,
        properties: match json_object(properties, "usage event properties") {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        },
        created_at: r.get(10)?,
    }))
}

/// The customer's usage, summed by subscription, meter and billing period.
pub(super) fn select_usage_totals(
    conn: &Connection,
    customer_id: &str,
) -> Result<Vec<UsageTotal>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT subscription_id, usage_meter_id, period_start, SUM(amount)
         FROM usage_events WHERE customer_id = ?1
         GROUP BY subscription_id, usage_meter_id, period_start",
    )?;
    let rows = stmt
        .query_map([customer_id], |r| {
            Ok(UsageTotal {
                subscription_id: r.get(0)?,
                usage_meter_id: r.get(1)?,
                period_start: r.get(2)?,
                amount: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
