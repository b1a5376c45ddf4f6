//! The background sweep over sessions whose time is up:
//!
//! - open sessions past their expiry are expired, so
//!   `checkout.session.expired` goes out even for a session nobody reads
//!   again (reads expire a due session too; whichever comes first records
//!   the one event);
//! - sessions left `pending` longer than twice the payment timeout are
//!   settled. A charge never runs longer than the timeout (it is abandoned
//!   then), so such a session was being paid by a process that died — a
//!   crash, a kill — or its charge's outcome is still unknown, and without
//!   this its customer could never pay again. One whose payment attempt was
//!   never stored was never charged and is reopened; for one with an
//!   attempt the processor is asked first (see
//!   [`crate::service::payment::settle_attempt`]): charged → paid, not charged →
//!   reopened, unknown → asked again on the next sweep. The margin of a
//!   second timeout covers the database write after a slow charge. The
//!   first sweep runs at start, so a restart after a crash settles what it
//!   can at once;
//! - 3-D Secure challenges past their end (or whose session is no longer
//!   open) are dropped; nothing was charged for them, and reads and claims
//!   already ignore them;
//! - sessions expired longer ago than `--session-retention` are deleted
//!   with their webhook events (see `db::retention`), a batch per sweep so
//!   a large backlog never holds the database for long.

use crate::background::{BackgroundTask, StopSignal};
use crate::domain::clock;
use crate::service::Billing;
use crate::store::DbError;
use std::time::Duration;

/// Sessions deleted per sweep at most.
const PURGE_BATCH: u32 = 1000;

/// Starts sweeping `billing`'s store every `interval`; payments are stale
/// after twice `billing.payment_timeout`, and settled with `billing.payments`;
/// expired sessions are kept for `retention`.
pub fn start(billing: Billing, interval: Duration, retention: Duration) -> BackgroundTask {
    BackgroundTask::spawn("expiry sweep", move |stop| {
        run(billing, interval, retention, stop)
    })
}

/// How long after its claim a `pending` session counts as abandoned.
pub fn stale_after(payment_timeout: Duration) -> Duration {
    payment_timeout.saturating_mul(2)
}

async fn run(billing: Billing, interval: Duration, retention: Duration, mut stop: StopSignal) {
    let db = billing.db.clone();
    let stale_ms =
        i64::try_from(stale_after(billing.payment_timeout).as_millis()).unwrap_or(i64::MAX);
    let retention_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let mut tick = tokio::time::interval(interval.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.stopped() => break,
            _ = tick.tick() => {}
        }
        let now = clock::now_ms();
        match db.expire_due_sessions(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "expired checkout sessions past their expiry"),
            Err(DbError::Closed) => break,
            Err(e) => tracing::error!(error = %e, "expiry sweep failed"),
        }
        // 3-D Secure (issue 16): challenges past their end hold nothing.
        match db.drop_stale_authentications(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(dropped = n, "dropped 3-D Secure challenges past their end"),
            Err(DbError::Closed) => break,
            Err(e) => tracing::error!(error = %e, "dropping expired 3-D Secure challenges failed"),
        }
        match db
            .reopen_stale_payments(now.saturating_sub(stale_ms), now)
            .await
        {
            Ok(ids) if ids.is_empty() => {}
            Ok(ids) => tracing::warn!(
                reopened = ids.len(),
                sessions = ?ids,
                "reopened checkout sessions whose payment was interrupted (the server stopped mid-payment)"
            ),
            Err(DbError::Closed) => break,
            Err(e) => tracing::error!(error = %e, "reopening interrupted payments failed"),
        }
        match crate::service::payment::settle_stale_attempts(&billing, now.saturating_sub(stale_ms)).await {
            Ok((0, 0, 0)) => {}
            Ok((paid, reopened, unknown)) => tracing::warn!(
                paid,
                reopened,
                unknown,
                "settled checkout sessions whose payment was interrupted, as the processor reported each attempt"
            ),
            Err(e) if stop.is_stopped() => {
                tracing::debug!(error = %e, "settling interrupted payments stopped by the shutdown");
                break;
            }
            Err(e) => tracing::error!(error = %e, "settling interrupted payments failed"),
        }
        match db
            .purge_sessions(now.saturating_sub(retention_ms), PURGE_BATCH)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                purged = n,
                "deleted checkout sessions expired longer ago than the retention period"
            ),
            Err(DbError::Closed) => break,
            Err(e) => tracing::error!(error = %e, "purging expired checkout sessions failed"),
        }
    }
}
