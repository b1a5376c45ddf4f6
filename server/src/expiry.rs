//! The background sweep that expires open sessions past their expiry, so
//! `checkout.session.expired` goes out even for a session nobody reads
//! again (reads expire a due session too; whichever comes first records the
//! one event).

use crate::background::{BackgroundTask, StopSignal};
use crate::clock;
use crate::db::{Db, DbError};
use std::time::Duration;

/// Starts sweeping every `interval`.
pub fn start(db: Db, interval: Duration) -> BackgroundTask {
    BackgroundTask::spawn("expiry sweep", move |stop| run(db, interval, stop))
}

async fn run(db: Db, interval: Duration, mut stop: StopSignal) {
    let mut tick = tokio::time::interval(interval.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.stopped() => break,
            _ = tick.tick() => {}
        }
        match db.expire_due_sessions(clock::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "expired checkout sessions past their expiry"),
            Err(DbError::Closed) => break,
            Err(e) => tracing::error!(error = %e, "expiry sweep failed"),
        }
    }
}
