//! The webhook outbox in the store. An event row is written by the same
//! transaction as the state change it reports, with one `pending` delivery
//! per configured endpoint, so a crash can neither lose an event nor leave
//! one for a change that did not commit. The dispatcher then reads due
//! deliveries, and logs every attempt; a delivery ends `delivered` or, once
//! its retries are used up, `failed`.

use super::{count_u32, Db, DbError};
use crate::domain::catalog::Catalog;
use crate::domain::ids;
use crate::store::cached::CachedStatements;
use checkout_protocol::WebhookEventType;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// Where events go and how their payloads are rendered: the endpoints every
/// event is delivered to, the catalog the records are shown with, and the
/// signal that wakes the dispatcher when a transaction recorded an event.
pub struct Outbox {
    catalog: Arc<Catalog>,
    endpoints: Vec<String>,
    recorded: AtomicBool,
    wake: Notify,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox delivering to `endpoints` (none: events are still recorded
    /// and listed, just not sent anywhere).
    pub fn new(catalog: Arc<Catalog>, endpoints: Vec<String>) -> Self {
        Self {
            catalog,
            endpoints,
            recorded: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    /// The catalog payloads are rendered with.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The endpoints each event is delivered to.
    pub fn endpoints(&self) -> &[String] {
        &self.endpoints
    }

    /// Notified after a call that recorded an event (or a retry is due sooner).
    pub fn wake(&self) -> &Notify {
        &self.wake
    }

    /// Writes `event` and a delivery per endpoint, due at once, inside the
    /// caller's transaction; returns the event id.
    pub(super) fn record(
        &self,
        conn: &Connection,
        event: &NewEvent,
        now: i64,
    ) -> Result<String, DbError> {
        let id = new_id(ids::WEBHOOK_EVENT)?;
        conn.execute_cached(
            "INSERT INTO webhook_events (id, type, checkout_session_id, payload, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                event.event_type.as_str(),
                event.checkout_session_id,
                event.payload,
                now
            ],
        )?;
        for url in &self.endpoints {
            conn.execute_cached(
                "INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, next_attempt_at, created_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?4)",
                params![new_id(ids::WEBHOOK_DELIVERY)?, id, url, now],
            )?;
        }
        tracing::info!(event = %id, kind = event.event_type.as_str(), "webhook event recorded");
        self.recorded.store(true, Ordering::SeqCst);
        Ok(id)
    }

    /// Wakes the dispatcher if an event was recorded since the last call.
    pub(super) fn wake_if_recorded(&self) {
        if self.recorded.swap(false, Ordering::SeqCst) {
            self.wake.notify_one();
        }
    }
}

fn new_id(prefix: &str) -> Result<String, DbError> {
    ids::new_id(prefix).map_err(|e| DbError::Random(e.to_string()))
}

/// An event to record: its type, the session it is about, and the exact
/// body that will be signed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// What happened.
    pub event_type: WebhookEventType,
    /// The session it concerns.
    pub checkout_session_id: Option<String>,
    /// The JSON body, `{type, timestamp, data}`.
    pub payload: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// An attempt got a 2xx answer.
    Delivered,
    /// Every attempt failed; no more are made.
    Failed,
}

impl DeliveryStatus {
    /// The stored and wire form, e.g. `delivered`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            _ => return None,
        })
    }
}

/// A delivery whose next attempt is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// `whd_…` id.
    pub id: String,
    /// The event (`msg_…`), sent as `webhook-id`.
    pub event_id: String,
    /// Where to POST.
    pub endpoint_url: String,
    /// The body to sign and send.
    pub payload: String,
    /// Attempts made so far.
    pub attempts_made: u32,
}

/// What one attempt did, and what happens next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResult {
    /// The delivery attempted.
    pub delivery_id: String,
    /// Epoch ms when the request started.
    pub started_at: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// The HTTP status answered, if any.
    pub status_code: Option<u16>,
    /// Why it failed without a status (timeout, refused, …), or a note on a bad status.
    pub error: Option<String>,
    /// Whether the endpoint answered 2xx.
    pub succeeded: bool,
    /// For a failure: when to try again; `None` gives up.
    pub retry_at: Option<i64>,
}

/// One logged attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttempt {
    /// 1 for the first.
    pub attempt: u32,
    /// Epoch ms.
    pub started_at: i64,
    /// Milliseconds.
    pub duration_ms: i64,
    /// The HTTP status answered, if any.
    pub status_code: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// Whether it was a 2xx.
    pub succeeded: bool,
}

/// A delivery of an event to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDelivery {
    /// `whd_…` id.
    pub id: String,
    /// The endpoint.
    pub endpoint_url: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due (pending only), epoch ms.
    pub next_attempt_at: Option<i64>,
    /// When the last attempt started, epoch ms.
    pub last_attempt_at: Option<i64>,
    /// The last attempt's HTTP status.
    pub last_status_code: Option<u16>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When it was delivered, epoch ms.
    pub delivered_at: Option<i64>,
    /// Epoch ms.
    pub created_at: i64,
    /// Every attempt, oldest first (filled only when one event is read).
    pub attempt_log: Vec<StoredAttempt>,
}

/// A recorded event with its deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredWebhookEvent {
    /// `msg_…` id.
    pub id: String,
    /// What happened, e.g. `checkout.session.completed`.
    pub event_type: String,
    /// The session it concerns.
    pub checkout_session_id: Option<String>,
    /// The body as sent.
    pub payload: String,
    /// Epoch ms.
    pub created_at: i64,
    /// One per endpoint configured when it was recorded.
    pub deliveries: Vec<StoredDelivery>,
}

/// One page of recorded events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEventPage {
    /// Newest first.
    pub events: Vec<StoredWebhookEvent>,
    /// Whether more follow.
    pub has_more: bool,
    /// Events over all pages.
    pub total: u64,
}

/// The settings key of the generated webhook secret.
const WEBHOOK_SECRET_KEY: &str = "webhook_secret";

impl Db {
    /// Up to `limit` pending deliveries due at `now`, oldest due first,
    /// leaving out those in `busy` (attempts still running).
    pub async fn due_deliveries(
        &self,
        now: i64,
        limit: u32,
        busy: Vec<String>,
    ) -> Result<Vec<DueDelivery>, DbError> {
        self.call(move |conn| {
            let fetch = i64::from(limit).saturating_add(i64::try_from(busy.len()).unwrap_or(0));
            let mut stmt = conn.prepare_cached(
                "SELECT d.id, d.event_id, d.endpoint_url, e.payload, d.attempts
                 FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                 WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
                 ORDER BY d.next_attempt_at, d.created_at, d.id LIMIT ?2",
            )?;
            let rows = stmt
                .query_map(params![now, fetch], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut due = Vec::new();
            for (id, event_id, endpoint_url, payload, attempts) in rows {
                if busy.contains(&id) || due.len() >= usize::try_from(limit).unwrap_or(0) {
                    continue;
                }
                due.push(DueDelivery {
                    id,
                    event_id,
                    endpoint_url,
                    payload,
                    attempts_made: count_u32(attempts, "delivery attempts")?,
                });
            }
            Ok(due)
        })
        .await
    }

    /// When the earliest pending delivery is due, epoch ms.
    pub async fn next_delivery_due(&self) -> Result<Option<i64>, DbError> {
        self.call(|conn| {
            Ok(conn.query_row_cached(
                "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )?)
        })
        .await
    }

    /// Logs an attempt and moves its delivery on: `delivered` on success,
    /// else pending until `retry_at`, else `failed`. `None` if the delivery
    /// was not pending.
    pub async fn record_attempt(
        &self,
        a: AttemptResult,
    ) -> Result<Option<DeliveryStatus>, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let made: Option<i64> = tx
                .query_row_cached(
                    "SELECT attempts FROM webhook_deliveries WHERE id = ?1 AND status = 'pending'",
                    [&a.delivery_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(made) = made else {
                return Ok(None);
            };
            let attempt = made.saturating_add(1);
            tx.execute_cached(
                "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error,
                    succeeded)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    a.delivery_id,
                    attempt,
                    a.started_at,
                    a.duration_ms,
                    a.status_code,
                    a.error,
                    a.succeeded
                ],
            )?;
            let status = match (a.succeeded, a.retry_at) {
                (true, _) => DeliveryStatus::Delivered,
                (false, Some(_)) => DeliveryStatus::Pending,
                (false, None) => DeliveryStatus::Failed,
            };
            let next = (status == DeliveryStatus::Pending)
                .then_some(a.retry_at)
                .flatten();
            let delivered_at = a
                .succeeded
                .then(|| a.started_at.saturating_add(a.duration_ms));
            tx.execute_cached(
                "UPDATE webhook_deliveries SET status = ?2, attempts = ?3, next_attempt_at = ?4,
                    last_attempt_at = ?5, last_status_code = ?6, last_error = ?7, delivered_at = ?8
                 WHERE id = ?1",
                params![
                    a.delivery_id,
                    status.as_str(),
                    attempt,
                    next,
                    a.started_at,
                    a.status_code,
                    a.error,
                    delivered_at
                ],
            )?;
            tx.commit()?;
            Ok(Some(status))
        })
        .await
    }

    /// One page of recorded events, newest first, strictly after `after`
    /// (the last `(created_at, id)` of the previous page), with their
    /// deliveries (without the attempt log).
    pub async fn webhook_events(
        &self,
        after: Option<(i64, String)>,
        limit: u32,
    ) -> Result<WebhookEventPage, DbError> {
        self.call(move |conn| {
            let total: i64 =
                conn.query_row_cached("SELECT count(*) FROM webhook_events", [], |r| r.get(0))?;
            let (after_at, after_id) = after.map_or((None, None), |(at, id)| (Some(at), Some(id)));
            let mut stmt = conn.prepare_cached(
                "SELECT id, type, checkout_session_id, payload, created_at FROM webhook_events
                 WHERE (?1 IS NULL OR created_at < ?1 OR (created_at = ?1 AND id < ?2))
                 ORDER BY created_at DESC, id DESC LIMIT ?3",
            )?;
            let mut events = stmt
                .query_map(
                    params![after_at, after_id, i64::from(limit) + 1],
                    read_event,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            drop(stmt);
            let keep = usize::try_from(limit).unwrap_or(usize::MAX);
            let has_more = events.len() > keep;
            events.truncate(keep);
            for event in &mut events {
                event.deliveries = select_deliveries(conn, &event.id)?;
            }
            Ok(WebhookEventPage {
                events,
                has_more,
                total: u64::try_from(total).unwrap_or(0),
            })
        })
        .await
    }

    /// One recorded event with its deliveries and every attempt.
    pub async fn webhook_event(&self, id: String) -> Result<Option<StoredWebhookEvent>, DbError> {
        self.call(move |conn| {
            let event = conn
                .query_row_cached(
                    "SELECT id, type, checkout_session_id, payload, created_at FROM webhook_events
                     WHERE id = ?1",
                    [&id],
                    read_event,
                )
                .optional()?;
            let Some(mut event) = event else {
                return Ok(None);
            };
            event.deliveries = select_deliveries(conn, &event.id)?;
            let mut attempts = conn.prepare_cached(
                "SELECT attempt, started_at, duration_ms, status_code, error, succeeded
                 FROM webhook_attempts WHERE delivery_id = ?1 ORDER BY attempt",
            )?;
            for delivery in &mut event.deliveries {
                delivery.attempt_log = attempts
                    .query_map([&delivery.id], |r| {
                        Ok(StoredAttempt {
                            attempt: r.get(0)?,
                            started_at: r.get(1)?,
                            duration_ms: r.get(2)?,
                            status_code: r.get(3)?,
                            error: r.get(4)?,
                            succeeded: r.get(5)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
            }
            Ok(Some(event))
        })
        .await
    }

    /// The webhook secret a previous start generated, or `generated`,
    /// stored now for the starts to come (so deliveries retried after a
    /// restart verify with the secret the merchant was shown).
    pub async fn webhook_secret_or(&self, generated: String) -> Result<String, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_cached(
                "INSERT OR IGNORE INTO server_settings (key, value) VALUES (?1, ?2)",
                params![WEBHOOK_SECRET_KEY, generated],
            )?;
            let secret: String = tx.query_row_cached(
                "SELECT value FROM server_settings WHERE key = ?1",
                [WEBHOOK_SECRET_KEY],
                |r| r.get(0),
            )?;
            tx.commit()?;
            Ok(secret)
        })
        .await
    }
}

fn read_event(r: &Row<'_>) -> rusqlite::Result<StoredWebhookEvent> {
    Ok(StoredWebhookEvent {
        id: r.get(0)?,
        event_type: r.get(1)?,
        checkout_session_id: r.get(2)?,
        payload: r.get(3)?,
        created_at: r.get(4)?,
        deliveries: Vec::new(),
    })
}

fn select_deliveries(conn: &Connection, event_id: &str) -> Result<Vec<StoredDelivery>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, endpoint_url, status, attempts, next_attempt_at, last_attempt_at, last_status_code,
            last_error, delivered_at, created_at
         FROM webhook_deliveries WHERE event_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt
        .query_map([event_id], |r| {
            let status: String = r.get(2)?;
            let attempts: i64 = r.get(3)?;
            let assemble = || -> Result<StoredDelivery, DbError> {
                Ok(StoredDelivery {
                    id: r.get(0)?,
                    endpoint_url: r.get(1)?,
                    status: DeliveryStatus::parse(&status).ok_or_else(|| {
                        DbError::Corrupt(format!("unknown delivery status `{status}`"))
                    })?,
                    attempts: count_u32(attempts, "delivery attempts")?,
                    next_attempt_at: r.get(4)?,
                    last_attempt_at: r.get(5)?,
                    last_status_code: r.get(6)?,
                    last_error: r.get(7)?,
                    delivered_at: r.get(8)?,
                    created_at: r.get(9)?,
                    attempt_log: Vec::new(),
                })
            };
            Ok(assemble())
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().collect()
}
