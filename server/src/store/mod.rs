//! The SQLite store: connection settings and the handle every query runs
//! through. One thread owns the single connection and runs the queries
//! sent to it in order, so every call is serialized and each multi-step
//! change runs in one transaction. (A queue, not a mutex taken on tokio's
//! blocking pool: under load that woke a pool thread per query only to
//! wait on the lock; the switches between them were a fifth of the CPU.)
//!
//! Card data here is only ever brand, last four digits and expiry.

mod cached;
mod customers;
pub mod events;
mod idempotency;
mod migrations;
mod outbox;
mod payment_attempts;
mod records;
mod retention;
mod seed;
mod sessions;
mod usage;
// Resource claims (issue 15).
mod resources;
// Plan changes (issue 15).
mod plan_change;
// Saved cards (issue 16).
mod saved_cards;

pub use idempotency::IdempotencyClaim;
#[cfg(test)]
pub use idempotency::IDEMPOTENCY_TTL_MS;
#[cfg(test)]
pub use outbox::DeliveryStatus;
pub use outbox::{
    AttemptResult, DueDelivery, NewEvent, Outbox, StoredAttempt, StoredDelivery, StoredWebhookEvent,
};
pub use payment_attempts::{AttemptPayer, StoredPaymentAttempt};
pub use records::SubscriptionChange;
// Subscription create (issue 15).
pub use records::SubscriptionCreated;
pub use resources::{ClaimOutcome, ReleaseOutcome};
pub use sessions::{
    Activation, CardForSubscriptions, Claim, Completion, Created, CustomerCompletion, Expire,
    PaymentFailure, SessionEdit, SessionFilter,
};
// 3-D Secure in test mode (issue 16).
pub use sessions::{AuthenticationClaim, StoredAuthentication};
pub use usage::{NewUsage, UsageOutcome};
// Plan changes (issue 15).
pub use plan_change::{PlanApplied, PlanCharge, PlanClaim, PlanDecline, PlanWrite};
// Saved cards (issue 16).
pub use saved_cards::CardChange;

use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite reported an error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The folder for the database file could not be created.
    #[error("cannot create folder {path}: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The store was closed by a shutdown.
    #[error("the database is closed")]
    Closed,
    /// A query panicked, or the database thread is gone.
    #[error("database task failed: {0}")]
    Task(String),
    /// A stored value could not be read back.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The operating system supplied no randomness for an id.
    #[error("no randomness for an id: {0}")]
    Random(String),
    /// The file was written by a newer version of the server.
    #[error("schema version {found} is newer than this server's {known}; upgrade the server")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
}

/// A query for the database thread, given the connection (`None` once closed).
type Job = Box<dyn FnOnce(&mut Option<Connection>) + Send>;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    jobs: mpsc::Sender<Job>,
    outbox: Arc<Outbox>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl Db {
    /// Opens (creating if needed) the database file, applies settings and
    /// migrations, and starts the thread that owns the connection. State
    /// changes record their webhook events in `outbox`.
    pub async fn open(path: &Path, outbox: Outbox) -> Result<Self, DbError> {
        let path = path.to_owned();
        let (jobs, queue) = mpsc::channel::<Job>();
        let (opened, open_result) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("checkout-db".into())
            .spawn(move || {
                let mut conn = match open_connection(&path) {
                    Ok(conn) => {
                        let _ = opened.send(Ok(()));
                        Some(conn)
                    }
                    Err(e) => {
                        let _ = opened.send(Err(e));
                        return;
                    }
                };
                // Ends when the last handle is dropped.
                for job in queue {
                    job(&mut conn);
                }
            })
            .map_err(|e| DbError::Task(e.to_string()))?;
        open_result.await.map_err(|_| thread_gone())??;
        Ok(Self {
            jobs,
            outbox: Arc::new(outbox),
        })
    }

    /// The webhook outbox (endpoints, and the dispatcher's wake-up signal).
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Runs `f` with the connection on the database thread, then wakes the
    /// webhook dispatcher if `f` recorded an event.
    async fn call<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, DbError> + Send + 'static,
    {
        let result = self
            .run(move |conn| conn.as_mut().ok_or(DbError::Closed).and_then(f))
            .await;
        self.outbox.wake_if_recorded();
        result
    }

    /// Closes the connection (checkpointing the WAL); later calls fail with [`DbError::Closed`].
    pub async fn close(&self) -> Result<(), DbError> {
        self.run(|conn| match conn.take() {
            Some(c) => c.close().map_err(|(_, e)| DbError::Sqlite(e)),
            None => Ok(()),
        })
        .await
    }

    /// Queues `f` for the database thread and waits for its answer. A panic
    /// in `f` is its caller's error alone: the thread goes on (the panic
    /// rolled back any transaction `f` had open, and the connection stays
    /// usable).
    async fn run<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Option<Connection>) -> Result<R, DbError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn)))
                .unwrap_or_else(|panic| Err(DbError::Task(panic_text(panic.as_ref()))));
            let _ = answer.send(result);
        });
        self.jobs.send(job).map_err(|_| thread_gone())?;
        answered.await.map_err(|_| thread_gone())?
    }
}

/// The database thread is gone (it only stops when every handle is dropped).
fn thread_gone() -> DbError {
    DbError::Task("the database thread stopped".into())
}

/// What a panic said, when it said it with a string.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a query panicked".into())
}

fn open_connection(path: &Path) -> Result<Connection, DbError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| DbError::CreateDir {
            path: parent.to_owned(),
            source,
        })?;
    }
    let mut conn = Connection::open(path)?;
    conn.set_prepared_statement_cache_capacity(cached::CAPACITY);
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(DbError::Corrupt(format!(
            "journal_mode is {mode}, expected wal"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrations::migrate(&mut conn)?;
    Ok(conn)
}

/// A JSON object as stored text.
fn json_text(value: Option<&Map<String, Value>>) -> Result<Option<String>, DbError> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| DbError::Corrupt(e.to_string()))
}

/// Stored JSON object text read back; `what` names it in the error.
fn json_object(text: Option<String>, what: &str) -> Result<Option<Map<String, Value>>, DbError> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|_| DbError::Corrupt(format!("unreadable {what}")))
    })
    .transpose()
}

/// A billing address as stored text.
fn address_text(
    value: Option<&checkout_protocol::BillingAddress>,
) -> Result<Option<String>, DbError> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| DbError::Corrupt(e.to_string()))
}

/// A stored billing address read back; `what` names it in the error.
fn address_of(
    text: Option<String>,
    what: &str,
) -> Result<Option<checkout_protocol::BillingAddress>, DbError> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|_| DbError::Corrupt(format!("unreadable {what}")))
    })
    .transpose()
}

/// A tax ID as stored: its wire JSON.
fn tax_id_text(value: Option<&checkout_protocol::TaxId>) -> Result<Option<String>, DbError> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| DbError::Corrupt(e.to_string()))
}

/// A stored tax ID read back; `what` names it in the error.
fn tax_id_of(
    text: Option<String>,
    what: &str,
) -> Result<Option<checkout_protocol::TaxId>, DbError> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|_| DbError::Corrupt(format!("unreadable {what}")))
    })
    .transpose()
}

/// The wire text of a unit enum (e.g. `IntervalUnit::Month` → `month`).
fn enum_text<T: Serialize>(value: &T) -> Result<String, DbError> {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => Ok(s),
        _ => Err(DbError::Corrupt("an enum without a text form".into())),
    }
}

/// Reads stored enum text; `what` names it in the error.
fn parse_enum<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, DbError> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|_| DbError::Corrupt(format!("unknown {what} `{text}`")))
}

/// A stored non-negative count as `u32`; `what` names it in the error.
fn count_u32(value: i64, what: &str) -> Result<u32, DbError> {
    u32::try_from(value).map_err(|_| DbError::Corrupt(format!("{what} out of range")))
}

impl From<DbError> for crate::domain::error::ApiError {
    /// Every store failure is a 500; the detail is logged.
    fn from(e: DbError) -> Self {
        Self::internal("database error", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;
    use crate::domain::clock::DAY_MS;

    /// Opens a fresh store in `dir` and seeds the demo catalog at `now`;
    /// events are recorded for one endpoint.
    pub(crate) async fn open_seeded(dir: &Path, now: i64) -> Db {
        let catalog = Catalog::demo().unwrap();
        let outbox = Outbox::new(
            Arc::new(catalog.clone()),
            vec!["http://127.0.0.1:9/hook".into()],
        );
        let db = Db::open(&dir.join("nested/dir/t.sqlite3"), outbox)
            .await
            .unwrap();
        db.seed(catalog, now).await.unwrap();
        db
    }

    /// Rows of `table` (a literal of the test).
    pub(crate) async fn count(db: &Db, table: &'static str) -> i64 {
        db.call(move |c| {
            Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_panicking_query_rolls_back_and_the_next_query_runs() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 40 * DAY_MS).await;
        db.call(|c| Ok(c.execute("CREATE TABLE scratch (x INTEGER)", [])?))
            .await
            .unwrap();
        let failed = db
            .call(|c| -> Result<(), DbError> {
                let tx = c.transaction()?;
                tx.execute("INSERT INTO scratch VALUES (1)", [])?;
                panic!("a bug in a query");
            })
            .await;
        assert!(
            matches!(&failed, Err(DbError::Task(why)) if why == "a bug in a query"),
            "{failed:?}"
        );
        assert_eq!(count(&db, "scratch").await, 0);
        // Many at once, from many tasks: all answered, in one queue.
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..32 {
            let db = db.clone();
            tasks.spawn(async move { count(&db, "scratch").await });
        }
        let counts = tasks.join_all().await;
        assert_eq!(counts.len(), 32);
        assert!(counts.iter().all(|n| *n == 0));
        db.close().await.unwrap();
        assert!(matches!(db.call(|_| Ok(())).await, Err(DbError::Closed)));
        // Closing twice is fine.
        db.close().await.unwrap();
    }

    #[tokio::test]
    async fn settings_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 40 * DAY_MS).await;
        let (mode, fk, sync, version): (String, i64, i64, i64) = db
            .call(|c| {
                Ok((
                    c.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
                    c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?,
                    c.pragma_query_value(None, "synchronous", |r| r.get(0))?,
                    c.pragma_query_value(None, "user_version", |r| r.get(0))?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        assert_eq!(sync, 2, "FULL");
        assert_eq!(version, migrations::latest());
    }

    #[test]
    fn enum_text_round_trips() {
        use checkout_protocol::{IntervalUnit, PriceType};
        assert_eq!(enum_text(&IntervalUnit::Month).unwrap(), "month");
        assert_eq!(
            parse_enum::<PriceType>("single_payment", "price type").unwrap(),
            PriceType::SinglePayment
        );
        assert!(parse_enum::<PriceType>("gift", "price type").is_err());
        assert!(count_u32(-1, "quantity").is_err());
        assert!(json_object(Some("[".into()), "metadata").is_err());
    }
}
