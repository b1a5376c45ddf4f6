//! Purging what nobody can use any more: checkout sessions that expired (or
//! were abandoned open past their expiry) longer ago than the retention
//! period, with their idempotency keys and their webhook events, deliveries
//! and attempt logs. Without it an anonymous create loop fills the disk
//! for good; with it, abandoned sessions cost disk for the retention period
//! only.
//!
//! Never purged: paid sessions (a status other than open or expired), a
//! session any purchase, subscription or invoice refers to, and a session
//! with a webhook delivery still pending (its event has yet to go out).

use super::{Db, DbError};
use crate::store::cached::CachedStatements;
use rusqlite::{params, TransactionBehavior};

impl Db {
    /// Deletes up to `limit` sessions that expired before `cutoff` (epoch
    /// ms: an expired session by when it was expired, which a merchant may
    /// do early; an open one by its expiry), with their dependent rows, in
    /// one transaction; returns how many went.
    pub async fn purge_sessions(&self, cutoff: i64, limit: u32) -> Result<usize, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let ids = {
                let mut stmt = tx.prepare_cached(
                    "SELECT s.id FROM checkout_sessions s
                     WHERE ((s.status = 'expired' AND s.updated_at < ?1)
                            OR (s.status = 'open' AND s.expires_at < ?1 AND s.updated_at < ?1))
                       AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.checkout_session_id = s.id)
                       AND NOT EXISTS (SELECT 1 FROM subscriptions x WHERE x.checkout_session_id = s.id)
                       AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.checkout_session_id = s.id)
                       AND NOT EXISTS (
                           SELECT 1 FROM webhook_events e
                           JOIN webhook_deliveries d ON d.event_id = e.id
                           WHERE e.checkout_session_id = s.id AND d.status = 'pending')
                     LIMIT ?2",
                )?;
                let ids = stmt
                    .query_map(params![cutoff, limit], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                ids
            };
            for id in &ids {
                tx.execute_cached(
                    "DELETE FROM idempotency_keys WHERE checkout_session_id = ?1",
                    [id],
                )?;
                tx.execute_cached(
                    "DELETE FROM webhook_attempts WHERE delivery_id IN (
                         SELECT d.id FROM webhook_deliveries d
                         JOIN webhook_events e ON e.id = d.event_id
                         WHERE e.checkout_session_id = ?1)",
                    [id],
                )?;
                tx.execute_cached(
                    "DELETE FROM webhook_deliveries WHERE event_id IN (
                         SELECT id FROM webhook_events WHERE checkout_session_id = ?1)",
                    [id],
                )?;
                tx.execute_cached(
                    "DELETE FROM webhook_events WHERE checkout_session_id = ?1",
                    [id],
                )?;
                tx.execute_cached("DELETE FROM checkout_sessions WHERE id = ?1", [id])?;
            }
            tx.commit()?;
            Ok(ids.len())
        })
        .await
    }
}
