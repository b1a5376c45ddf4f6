//! The payment attempt in progress on a `pending` session (issue 13,
//! payment idempotency): its key and who pays, stored before the charge so
//! that a charge which gave no answer, or a session a crash left pending,
//! can be settled by asking the processor about that very attempt.

use super::sessions::select_session;
use super::{Db, DbError};
use crate::domain::session::{PaidCard, StoredSession};
use crate::store::cached::CachedStatements;
use checkout_protocol::BillingAddress;
use rusqlite::{params, TransactionBehavior};
use serde::{Deserialize, Serialize};

/// Who pays in an attempt: what a successful payment records about the
/// card (never its number), the receipt email and the billing address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptPayer {
    /// Brand, last four digits and expiry.
    pub card: PaidCard,
    /// The receipt email.
    pub email: String,
    /// The billing address, when the session collects one.
    pub billing_address: Option<BillingAddress>,
    /// The saved card charged (`pm_…`), when the customer chose one instead
    /// of typing a card (issue 16); the payment is then recorded on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<String>,
    /// The business tax ID, checked, when the customer gave one (absent from
    /// attempts stored before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<checkout_protocol::TaxId>,
}

/// A payment attempt as stored with its session.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPaymentAttempt {
    /// The attempt key the charge was made with.
    pub key: String,
    /// Who pays.
    pub payer: AttemptPayer,
}

/// A session left `pending` past the recovery cutoff, with the attempt it
/// was being paid by.
#[derive(Debug, Clone, PartialEq)]
pub struct StalePayment {
    /// The session, still `pending`.
    pub session: StoredSession,
    /// The attempt stored before its charge.
    pub attempt: StoredPaymentAttempt,
}

/// An attempt's payer as stored (its JSON).
pub(super) fn payer_text(payer: &AttemptPayer) -> Result<String, DbError> {
    serde_json::to_string(payer).map_err(|e| DbError::Corrupt(e.to_string()))
}

/// Stores attempt `key` paid by `payer` (its JSON) on session `id` while it
/// is `pending`; `false` if it is not.
pub(super) fn store_attempt(
    conn: &rusqlite::Connection,
    id: &str,
    key: &str,
    payer: &str,
) -> Result<bool, DbError> {
    let changed = conn.execute_cached(
        "UPDATE checkout_sessions SET payment_attempt_key = ?2, payment_attempt_payer = ?3
         WHERE id = ?1 AND status = 'pending'",
        params![id, key, payer],
    )?;
    Ok(changed == 1)
}

impl Db {
    /// Stores `attempt` on session `id` while it is `pending` (right after
    /// the claim, before the charge); `false` if it is not pending.
    pub async fn start_payment_attempt(
        &self,
        id: String,
        attempt: StoredPaymentAttempt,
    ) -> Result<bool, DbError> {
        let payer = payer_text(&attempt.payer)?;
        self.call(move |conn| store_attempt(conn, &id, &attempt.key, &payer))
            .await
    }

    /// Every session still `pending` from a claim made at or before
    /// `claimed_before` that has a stored attempt (one without was never
    /// charged; [`Db::reopen_stale_payments`] reopens those).
    pub async fn stale_payment_attempts(
        &self,
        claimed_before: i64,
    ) -> Result<Vec<StalePayment>, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let rows: Vec<(String, String, String)> = tx
                .prepare_cached(
                    "SELECT id, payment_attempt_key, payment_attempt_payer FROM checkout_sessions
                     WHERE status = 'pending' AND updated_at <= ?1
                       AND payment_attempt_key IS NOT NULL AND payment_attempt_payer IS NOT NULL",
                )?
                .query_map(params![claimed_before], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut stale = Vec::with_capacity(rows.len());
            for (id, key, payer) in rows {
                let payer: AttemptPayer = serde_json::from_str(&payer)
                    .map_err(|_| DbError::Corrupt(format!("unreadable payment attempt of {id}")))?;
                if let Some(session) = select_session(&tx, &id)? {
                    stale.push(StalePayment {
                        session,
                        attempt: StoredPaymentAttempt { key, payer },
                    });
                }
            }
            tx.commit()?;
            Ok(stale)
        })
        .await
    }
}
