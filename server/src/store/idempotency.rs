//! Idempotency keys in the store: which caller used which key for which
//! request, kept for 24 hours. The key column pair is the table's primary
//! key, so one key can name one session at most.

use super::DbError;
use crate::domain::clock::HOUR_MS;
use crate::store::cached::CachedStatements;
use rusqlite::{params, Connection, OptionalExtension};

/// How long a key is remembered: 24 hours.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * HOUR_MS;

/// A create request's claim on an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// Whose key space: `customer:{id}`, `anonymous` or `platform`.
    pub scope: String,
    /// The `Idempotency-Key` header value.
    pub key: String,
    /// The action or endpoint called.
    pub action: String,
    /// SHA-256 of the request body's canonical JSON, hex.
    pub body_hash: String,
}

/// What a key is, for a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Lookup {
    /// Nobody used it in the last 24 hours.
    Unused,
    /// Used for the same action and body; the session it made.
    Same(String),
    /// Used for another action or body.
    Conflict,
}

/// Forgets keys older than 24 hours, then looks `claim`'s key up.
pub(super) fn lookup(
    conn: &Connection,
    claim: &IdempotencyClaim,
    now: i64,
) -> Result<Lookup, DbError> {
    conn.execute_cached(
        "DELETE FROM idempotency_keys WHERE created_at <= ?1",
        [now.saturating_sub(IDEMPOTENCY_TTL_MS)],
    )?;
    let found: Option<(String, String, String)> = conn
        .query_row_cached(
            "SELECT action, body_hash, checkout_session_id FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
            params![claim.scope, claim.key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match found {
        None => Lookup::Unused,
        Some((action, hash, session)) if action == claim.action && hash == claim.body_hash => {
            Lookup::Same(session)
        }
        Some(_) => Lookup::Conflict,
    })
}

/// Remembers that `claim`'s key made `session_id`.
pub(super) fn record(
    conn: &Connection,
    claim: &IdempotencyClaim,
    session_id: &str,
    now: i64,
) -> Result<(), DbError> {
    conn.execute_cached(
        "INSERT INTO idempotency_keys (scope, key, action, body_hash, checkout_session_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![claim.scope, claim.key, claim.action, claim.body_hash, session_id, now],
    )?;
    Ok(())
}
