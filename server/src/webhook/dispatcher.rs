//! The background task that sends the outbox's due deliveries: a few at a
//! time, each signed afresh for its attempt, with a timeout; every attempt is
//! logged and decides the delivery's next step (delivered, retried after the
//! next wait, or failed once the waits are used up). It wakes when a change
//! records an event, when a retry falls due, and at least every second; on
//! start it picks up whatever a previous run left pending.

use super::retry;
use crate::background::Timing;
use crate::background::{BackgroundTask, StopSignal};
use crate::domain::clock;
use crate::store::{AttemptResult, Db, DbError, DueDelivery};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Attempts running at once.
pub const MAX_IN_FLIGHT: u32 = 8;

/// The longest the dispatcher sleeps without looking for due deliveries.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// How much of an error text is logged per attempt.
const MAX_ERROR_CHARS: usize = 300;

/// Why the dispatcher could not start.
#[derive(Debug, thiserror::Error)]
pub enum DispatcherError {
    /// The signing secret is not valid base64.
    #[error("the webhook secret is not a valid Standard Webhooks secret: {0}")]
    Secret(String),
    /// The HTTP client could not be built.
    #[error("cannot build the webhook HTTP client: {0}")]
    Client(String),
}

/// Everything one attempt needs.
struct Sender {
    db: Db,
    signer: standardwebhooks::Webhook,
    client: reqwest::Client,
    retry_delays: Vec<Duration>,
}

/// Starts the dispatcher for `db`'s outbox, signing with `secret`.
pub fn start(db: Db, secret: &str, timing: &Timing) -> Result<BackgroundTask, DispatcherError> {
    let signer = standardwebhooks::Webhook::new(secret)
        .map_err(|e| DispatcherError::Secret(e.to_string()))?;
    let client = reqwest::Client::builder()
        .timeout(timing.webhook_timeout)
        .connect_timeout(timing.webhook_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "checkout-server/",
            env!("CARGO_PKG_VERSION"),
            " (webhooks)"
        ))
        .build()
        .map_err(|e| DispatcherError::Client(e.to_string()))?;
    let sender = Arc::new(Sender {
        db,
        signer,
        client,
        retry_delays: timing.retry_delays.clone(),
    });
    Ok(BackgroundTask::spawn("webhook dispatcher", move |stop| {
        run(sender, stop)
    }))
}

async fn run(sender: Arc<Sender>, mut stop: StopSignal) {
    let mut running: JoinSet<()> = JoinSet::new();
    let mut busy: HashMap<tokio::task::Id, String> = HashMap::new();
    loop {
        if stop.is_stopped() {
            break;
        }
        let free = MAX_IN_FLIGHT.saturating_sub(u32::try_from(running.len()).unwrap_or(u32::MAX));
        let now = clock::now_ms();
        if free > 0 {
            let skip: Vec<String> = busy.values().cloned().collect();
            match sender.db.due_deliveries(now, free, skip).await {
                Ok(due) => {
                    for d in due {
                        let id = d.id.clone();
                        let handle = running.spawn(attempt(Arc::clone(&sender), d));
                        busy.insert(handle.id(), id);
                    }
                }
                Err(DbError::Closed) => break,
                Err(e) => tracing::error!(error = %e, "cannot read due webhook deliveries"),
            }
        }
        let wait = match sender.db.next_delivery_due().await {
            Ok(Some(at)) if at > now => {
                Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(IDLE_POLL)
            }
            Ok(_) => IDLE_POLL,
            Err(DbError::Closed) => break,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the next webhook due time");
                IDLE_POLL
            }
        };
        tokio::select! {
            () = stop.stopped() => break,
            () = sender.db.outbox().wake().notified() => {}
            Some(done) = running.join_next_with_id(), if !running.is_empty() => {
                let task = match &done {
                    Ok((task, ())) => *task,
                    Err(e) => {
                        tracing::error!(error = %e, "a webhook attempt failed to run");
                        e.id()
                    }
                };
                busy.remove(&task);
            }
            () = tokio::time::sleep(wait) => {}
        }
    }
    // Let running attempts finish briefly; one cut off is retried after a restart.
    let drained = tokio::time::timeout(Duration::from_secs(2), async {
        while running.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        running.abort_all();
    }
}

/// One attempt: sign, POST, log, and schedule what comes next.
async fn attempt(sender: Arc<Sender>, d: DueDelivery) {
    let started_at = clock::now_ms();
    let clock_started = Instant::now();
    let outcome = post(&sender, &d).await;
    let duration_ms = i64::try_from(clock_started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status_code, error, succeeded) = match outcome {
        Ok(code) if (200..300).contains(&code) => (Some(code), None, true),
        Ok(code) => (Some(code), Some(format!("HTTP {code}")), false),
        Err(e) => (None, Some(e), false),
    };
    let attempt_no = d.attempts_made.saturating_add(1);
    let retry_at = if succeeded {
        None
    } else {
        retry::next_delay(attempt_no, &sender.retry_delays, retry::random_unit()).map(|wait| {
            clock::now_ms().saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
        })
    };
    tracing::info!(
        event = %d.event_id,
        delivery = %d.id,
        url = %d.endpoint_url,
        attempt = attempt_no,
        status = ?status_code,
        error = error.as_deref().unwrap_or(""),
        duration_ms,
        retry_at = ?retry_at,
        "webhook attempt"
    );
    let recorded = sender
        .db
        .record_attempt(AttemptResult {
            delivery_id: d.id.clone(),
            started_at,
            duration_ms,
            status_code,
            error,
            succeeded,
            retry_at,
        })
        .await;
    match recorded {
        Ok(Some(status)) if !succeeded && retry_at.is_none() => {
            tracing::warn!(event = %d.event_id, delivery = %d.id, status = status.as_str(), "webhook delivery gave up");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(delivery = %d.id, error = %e, "cannot log a webhook attempt"),
    }
    // A retry may now be due sooner than the dispatcher planned to look.
    sender.db.outbox().wake().notify_one();
}

/// POSTs the signed body; the status answered, or why there was none.
async fn post(sender: &Sender, d: &DueDelivery) -> Result<u16, String> {
    let timestamp = clock::now_ms().div_euclid(1000);
    let signature = sender
        .signer
        .sign(&d.event_id, timestamp, d.payload.as_bytes())
        .map_err(|e| format!("cannot sign: {e}"))?;
    let response = sender
        .client
        .post(&d.endpoint_url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(standardwebhooks::HEADER_WEBHOOK_ID, &d.event_id)
        .header(
            standardwebhooks::HEADER_WEBHOOK_TIMESTAMP,
            timestamp.to_string(),
        )
        .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, &signature)
        // The same id, time and signature under Svix's names, which
        // Flowglad's `verifyWebhook` reads (it knows no `webhook-*` header).
        .header(super::SVIX_ID, &d.event_id)
        .header(super::SVIX_TIMESTAMP, timestamp.to_string())
        .header(super::SVIX_SIGNATURE, signature)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    Ok(response.status().as_u16())
}

/// An error and its causes on one line, shortened.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(MAX_ERROR_CHARS).collect()
}
