//! The SQLite store: connection settings, the schema and its migrations,
//! catalog seeding, and every query the handlers need. Blocking work runs on
//! tokio's blocking pool; the single connection sits behind a mutex.
//!
//! Card data here is only ever brand, last four digits and expiry.

use crate::catalog::{CustomerSeed, CATALOG_EPOCH_MS};
use crate::session::{parse_session_type, session_type_str, PaidCard, SoldItem, StoredSession};
use checkout_protocol::CheckoutSessionStatus;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
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
    /// The blocking task running a query died.
    #[error("database task failed: {0}")]
    Task(String),
    /// A stored value could not be read back.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The file was written by a newer version of the server.
    #[error("schema version {found} is newer than this server's {known}; upgrade the server")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
}

/// Schema migrations; entry `n` moves `user_version` from `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE customers (
    id          TEXT PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    token       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL
) STRICT;

CREATE TABLE checkout_sessions (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'pending', 'succeeded', 'failed', 'expired')),
    customer_id     TEXT REFERENCES customers(id),
    price_id        TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity >= 1),
    success_url     TEXT,
    cancel_url      TEXT,
    output_name     TEXT,
    output_metadata TEXT,
    customer_email  TEXT,
    line_items      TEXT NOT NULL,
    card_brand      TEXT,
    card_last4      TEXT CHECK (card_last4 IS NULL OR length(card_last4) = 4),
    card_exp_month  INTEGER,
    card_exp_year   INTEGER,
    purchase_id     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX checkout_sessions_by_customer ON checkout_sessions(customer_id, created_at);

CREATE TABLE purchases (
    id                  TEXT PRIMARY KEY,
    customer_id         TEXT REFERENCES customers(id),
    checkout_session_id TEXT NOT NULL UNIQUE REFERENCES checkout_sessions(id),
    price_id            TEXT NOT NULL,
    quantity            INTEGER NOT NULL,
    amount              INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    name                TEXT NOT NULL,
    metadata            TEXT,
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX purchases_by_customer ON purchases(customer_id, created_at);

CREATE TABLE subscriptions (
    id                  TEXT PRIMARY KEY,
    customer_id         TEXT NOT NULL REFERENCES customers(id),
    price_id            TEXT NOT NULL,
    status              TEXT NOT NULL,
    checkout_session_id TEXT UNIQUE REFERENCES checkout_sessions(id),
    name                TEXT,
    metadata            TEXT,
    trial_ends_at       INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_by_customer ON subscriptions(customer_id, created_at);

CREATE TABLE payment_methods (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    brand       TEXT NOT NULL,
    last4       TEXT NOT NULL CHECK (length(last4) = 4),
    exp_month   INTEGER NOT NULL,
    exp_year    INTEGER NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX payment_methods_by_customer ON payment_methods(customer_id);
"#];

/// A customer resolved from a sign-in token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// `cus_…` id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// A purchase to record when a single-payment session succeeds.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPurchase {
    /// `pur_…` id.
    pub id: String,
    /// Amount charged, minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Purchase name (output name, else the product name).
    pub name: String,
}

/// A subscription to record when a subscription session of a known customer succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    /// `sub_…` id.
    pub id: String,
    /// `trialing` or `active`.
    pub status: String,
    /// Epoch ms when the trial ends, if any.
    pub trial_ends_at: Option<i64>,
}

/// What a successful payment writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The card that paid (summary only).
    pub card: PaidCard,
    /// The receipt email.
    pub email: String,
    /// The purchase to create, for single payments.
    pub purchase: Option<NewPurchase>,
    /// The subscription to create, for subscriptions of a known customer.
    pub subscription: Option<NewSubscription>,
}

/// Result of trying to claim a session for payment.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The session is now `pending` and belongs to the caller.
    Claimed(Box<StoredSession>),
    /// No such session.
    NotFound,
    /// The session is past its expiry.
    Expired,
    /// The session is in another state (paid, being paid, failed).
    NotOpen(CheckoutSessionStatus),
}

/// Result of expiring a session through the platform API.
#[derive(Debug, Clone, PartialEq)]
pub enum Expire {
    /// The session is now expired.
    Expired(Box<StoredSession>),
    /// No such session.
    NotFound,
    /// The session was not open.
    NotOpen(CheckoutSessionStatus),
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Option<Connection>>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl Db {
    /// Opens (creating if needed) the database file, applies settings and migrations.
    pub async fn open(path: &Path) -> Result<Self, DbError> {
        let path = path.to_owned();
        let conn = tokio::task::spawn_blocking(move || open_connection(&path))
            .await
            .map_err(|e| DbError::Task(e.to_string()))??;
        Ok(Self {
            conn: Arc::new(Mutex::new(Some(conn))),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    async fn call<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, DbError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock rolled back its transaction; the
            // connection itself is still usable.
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            let conn = guard.as_mut().ok_or(DbError::Closed)?;
            f(conn)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Closes the connection (checkpointing the WAL); later calls fail with [`DbError::Closed`].
    pub async fn close(&self) -> Result<(), DbError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let taken = conn.lock().unwrap_or_else(PoisonError::into_inner).take();
            match taken {
                Some(c) => c.close().map_err(|(_, e)| DbError::Sqlite(e)),
                None => Ok(()),
            }
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// Inserts or refreshes the catalog's customers, and adds their
    /// subscriptions and cards unless already present. Safe to run on every start.
    pub async fn seed(&self, customers: Vec<CustomerSeed>) -> Result<(), DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for c in &customers {
                tx.execute(
                    "INSERT INTO customers (id, external_id, token, name, email) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(id) DO UPDATE SET external_id = excluded.external_id,
                        token = excluded.token, name = excluded.name, email = excluded.email",
                    params![c.id, c.external_id, c.token, c.name, c.email],
                )?;
                for s in &c.subscriptions {
                    tx.execute(
                        "INSERT OR IGNORE INTO subscriptions (id, customer_id, price_id, status, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                        params![s.id, c.id, s.price_id, s.status, CATALOG_EPOCH_MS],
                    )?;
                }
                for m in &c.payment_methods {
                    tx.execute(
                        "INSERT OR IGNORE INTO payment_methods
                            (id, customer_id, brand, last4, exp_month, exp_year, is_default, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![m.id, c.id, m.brand, m.last4, m.exp_month, m.exp_year, m.is_default, CATALOG_EPOCH_MS],
                    )?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// The customer a sign-in token belongs to.
    pub async fn customer_by_token(&self, token: String) -> Result<Option<Customer>, DbError> {
        self.call(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT id, name, email FROM customers WHERE token = ?1",
                    [&token],
                    |r| {
                        Ok(Customer {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            email: r.get(2)?,
                        })
                    },
                )
                .optional()?)
        })
        .await
    }

    /// Stores a new session.
    pub async fn insert_session(&self, s: StoredSession) -> Result<(), DbError> {
        self.call(move |conn| {
            let line_items = serde_json::to_string(&s.line_items).map_err(|e| DbError::Corrupt(e.to_string()))?;
            let metadata = json_text(s.output_metadata.as_ref())?;
            conn.execute(
                "INSERT INTO checkout_sessions (id, type, status, customer_id, price_id, quantity, success_url,
                    cancel_url, output_name, output_metadata, customer_email, line_items, created_at, updated_at,
                    expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    s.id,
                    session_type_str(s.session_type),
                    s.status.as_str(),
                    s.customer_id,
                    s.price_id,
                    s.quantity,
                    s.success_url,
                    s.cancel_url,
                    s.output_name,
                    metadata,
                    s.customer_email,
                    line_items,
                    s.created_at,
                    s.updated_at,
                    s.expires_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// Reads a session, first marking it expired if it is open and past its expiry.
    pub async fn load_session(
        &self,
        id: String,
        now: i64,
    ) -> Result<Option<StoredSession>, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_if_due(&tx, &id, now)?;
            let session = select_session(&tx, &id)?;
            tx.commit()?;
            Ok(session)
        })
        .await
    }

    /// Atomically moves an open, unexpired session to `pending` for one payer.
    pub async fn claim_session(&self, id: String, now: i64) -> Result<Claim, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_if_due(&tx, &id, now)?;
            let Some(current) = select_session(&tx, &id)? else {
                return Ok(Claim::NotFound);
            };
            let claim = match current.status {
                CheckoutSessionStatus::Expired => Claim::Expired,
                CheckoutSessionStatus::Open => {
                    let changed = tx.execute(
                        "UPDATE checkout_sessions SET status = 'pending', updated_at = ?2
                         WHERE id = ?1 AND status = 'open'",
                        params![id, now],
                    )?;
                    match (changed, select_session(&tx, &id)?) {
                        (1, Some(s)) => Claim::Claimed(Box::new(s)),
                        (_, s) => Claim::NotOpen(s.map_or(current.status, |s| s.status)),
                    }
                }
                other => Claim::NotOpen(other),
            };
            tx.commit()?;
            Ok(claim)
        })
        .await
    }

    /// Puts a `pending` session back to `open` after a declined payment.
    pub async fn release_session(&self, id: String, now: i64) -> Result<(), DbError> {
        self.call(move |conn| {
            conn.execute(
                "UPDATE checkout_sessions SET status = 'open', updated_at = ?2 WHERE id = ?1 AND status = 'pending'",
                params![id, now],
            )?;
            Ok(())
        })
        .await
    }

    /// Records a successful payment of a `pending` session in one transaction;
    /// `None` if the session was not pending.
    pub async fn complete_session(
        &self,
        id: String,
        done: Completion,
        now: i64,
    ) -> Result<Option<StoredSession>, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(session) = select_session(&tx, &id)? else {
                return Ok(None);
            };
            if session.status != CheckoutSessionStatus::Pending {
                return Ok(None);
            }
            let metadata = json_text(session.output_metadata.as_ref())?;
            if let Some(p) = &done.purchase {
                tx.execute(
                    "INSERT INTO purchases (id, customer_id, checkout_session_id, price_id, quantity, amount,
                        currency, name, metadata, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        p.id,
                        session.customer_id,
                        id,
                        session.price_id,
                        session.quantity,
                        p.amount,
                        p.currency,
                        p.name,
                        metadata,
                        now
                    ],
                )?;
            }
            if let (Some(sub), Some(customer_id)) = (&done.subscription, &session.customer_id) {
                tx.execute(
                    "INSERT INTO subscriptions (id, customer_id, price_id, status, checkout_session_id, name,
                        metadata, trial_ends_at, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                    params![
                        sub.id,
                        customer_id,
                        session.price_id,
                        sub.status,
                        id,
                        session.output_name,
                        metadata,
                        sub.trial_ends_at,
                        now
                    ],
                )?;
            }
            tx.execute(
                "UPDATE checkout_sessions SET status = 'succeeded', card_brand = ?2, card_last4 = ?3,
                    card_exp_month = ?4, card_exp_year = ?5, customer_email = ?6, purchase_id = ?7, updated_at = ?8
                 WHERE id = ?1 AND status = 'pending'",
                params![
                    id,
                    done.card.brand,
                    done.card.last4,
                    done.card.exp_month,
                    done.card.exp_year,
                    done.email,
                    done.purchase.as_ref().map(|p| &p.id),
                    now
                ],
            )?;
            let updated = select_session(&tx, &id)?;
            tx.commit()?;
            Ok(updated)
        })
        .await
    }

    /// Expires an open session (platform API).
    pub async fn expire_session(&self, id: String, now: i64) -> Result<Expire, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(current) = select_session(&tx, &id)? else {
                return Ok(Expire::NotFound);
            };
            if current.status != CheckoutSessionStatus::Open {
                return Ok(Expire::NotOpen(current.status));
            }
            tx.execute(
                "UPDATE checkout_sessions SET status = 'expired', updated_at = ?2 WHERE id = ?1 AND status = 'open'",
                params![id, now],
            )?;
            let outcome = match select_session(&tx, &id)? {
                Some(s) if s.status == CheckoutSessionStatus::Expired => Expire::Expired(Box::new(s)),
                Some(s) => Expire::NotOpen(s.status),
                None => Expire::NotFound,
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    /// Number of rows in `purchases` for a session (for tests and checks).
    pub async fn purchase_count(&self, session_id: String) -> Result<i64, DbError> {
        self.call(move |conn| {
            Ok(conn.query_row(
                "SELECT count(*) FROM purchases WHERE checkout_session_id = ?1",
                [&session_id],
                |r| r.get(0),
            )?)
        })
        .await
    }
}

fn open_connection(path: &Path) -> Result<Connection, DbError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| DbError::CreateDir {
            path: parent.to_owned(),
            source,
        })?;
    }
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(DbError::Corrupt(format!(
            "journal_mode is {mode}, expected wal"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Brings the schema to the latest version, one migration per transaction.
fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    let mut version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > known {
        return Err(DbError::TooNew {
            found: version,
            known,
        });
    }
    while version < known {
        let step = usize::try_from(version)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
            .ok_or_else(|| DbError::Corrupt(format!("no migration from version {version}")))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        version += 1;
    }
    Ok(())
}

fn json_text(value: Option<&Map<String, Value>>) -> Result<Option<String>, DbError> {
    value
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| DbError::Corrupt(e.to_string()))
}

fn expire_if_due(conn: &Connection, id: &str, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE checkout_sessions SET status = 'expired', updated_at = ?2
         WHERE id = ?1 AND status = 'open' AND expires_at <= ?2",
        params![id, now],
    )?;
    Ok(())
}

/// Columns read for a session, before checking them.
struct SessionColumns {
    id: String,
    session_type: String,
    status: String,
    customer_id: Option<String>,
    customer_name: Option<String>,
    customer_email: Option<String>,
    price_id: String,
    quantity: i64,
    success_url: Option<String>,
    cancel_url: Option<String>,
    output_name: Option<String>,
    output_metadata: Option<String>,
    line_items: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    card_exp_month: Option<u32>,
    card_exp_year: Option<u32>,
    purchase_id: Option<String>,
    created_at: i64,
    updated_at: i64,
    expires_at: i64,
}

impl SessionColumns {
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get("id")?,
            session_type: r.get("type")?,
            status: r.get("status")?,
            customer_id: r.get("customer_id")?,
            customer_name: r.get("customer_name")?,
            customer_email: r.get("customer_email")?,
            price_id: r.get("price_id")?,
            quantity: r.get("quantity")?,
            success_url: r.get("success_url")?,
            cancel_url: r.get("cancel_url")?,
            output_name: r.get("output_name")?,
            output_metadata: r.get("output_metadata")?,
            line_items: r.get("line_items")?,
            card_brand: r.get("card_brand")?,
            card_last4: r.get("card_last4")?,
            card_exp_month: r.get("card_exp_month")?,
            card_exp_year: r.get("card_exp_year")?,
            purchase_id: r.get("purchase_id")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
            expires_at: r.get("expires_at")?,
        })
    }

    fn into_session(self) -> Result<StoredSession, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("session {}: {what}", self.id));
        let session_type =
            parse_session_type(&self.session_type).ok_or_else(|| corrupt("unknown type"))?;
        let status =
            CheckoutSessionStatus::parse(&self.status).ok_or_else(|| corrupt("unknown status"))?;
        let quantity =
            u32::try_from(self.quantity).map_err(|_| corrupt("quantity out of range"))?;
        let line_items: Vec<SoldItem> =
            serde_json::from_str(&self.line_items).map_err(|_| corrupt("unreadable line_items"))?;
        let output_metadata = match &self.output_metadata {
            Some(text) => Some(
                serde_json::from_str(text).map_err(|_| corrupt("unreadable output_metadata"))?,
            ),
            None => None,
        };
        let card = match (
            self.card_brand,
            self.card_last4,
            self.card_exp_month,
            self.card_exp_year,
        ) {
            (Some(brand), Some(last4), Some(exp_month), Some(exp_year)) => Some(PaidCard {
                brand,
                last4,
                exp_month,
                exp_year,
            }),
            _ => None,
        };
        Ok(StoredSession {
            id: self.id,
            session_type,
            status,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            customer_email: self.customer_email,
            price_id: self.price_id,
            quantity,
            success_url: self.success_url,
            cancel_url: self.cancel_url,
            output_name: self.output_name,
            output_metadata,
            line_items,
            card,
            purchase_id: self.purchase_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            expires_at: self.expires_at,
        })
    }
}

fn select_session(conn: &Connection, id: &str) -> Result<Option<StoredSession>, DbError> {
    let columns = conn
        .query_row(
            "SELECT s.*, c.name AS customer_name FROM checkout_sessions s
             LEFT JOIN customers c ON c.id = s.customer_id WHERE s.id = ?1",
            [id],
            SessionColumns::read,
        )
        .optional()?;
    columns.map(SessionColumns::into_session).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use checkout_protocol::CheckoutSessionType;

    fn session(id: &str, now: i64) -> StoredSession {
        let catalog = Catalog::demo().unwrap();
        let (product, price) = catalog.price_by_slug("onboarding").unwrap();
        StoredSession {
            id: id.into(),
            session_type: CheckoutSessionType::Product,
            status: CheckoutSessionStatus::Open,
            customer_id: Some("cus_alice".into()),
            customer_name: None,
            customer_email: Some("alice@example.com".into()),
            price_id: price.id.clone(),
            quantity: 1,
            success_url: Some("https://shop.test/ok?id={CHECKOUT_SESSION_ID}".into()),
            cancel_url: None,
            output_name: None,
            output_metadata: None,
            line_items: vec![SoldItem::of(product, price, 1)],
            card: None,
            purchase_id: None,
            created_at: now,
            updated_at: now,
            expires_at: now + 1000,
        }
    }

    async fn open_seeded(dir: &Path) -> Db {
        let db = Db::open(&dir.join("nested/dir/t.sqlite3")).await.unwrap();
        db.seed(Catalog::demo().unwrap().customers).await.unwrap();
        db
    }

    #[tokio::test]
    async fn seeding_is_idempotent_and_tokens_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path()).await;
        db.seed(Catalog::demo().unwrap().customers).await.unwrap();
        let alice = db
            .customer_by_token("demo-alice".into())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(alice.id, "cus_alice");
        assert_eq!(db.customer_by_token("nobody".into()).await.unwrap(), None);
        db.close().await.unwrap();
        assert!(matches!(
            db.customer_by_token("demo-alice".into()).await,
            Err(DbError::Closed)
        ));
        // Re-open: migrations are not re-applied, seeding still works.
        let db = open_seeded(dir.path()).await;
        assert!(db
            .customer_by_token("demo-bob".into())
            .await
            .unwrap()
            .is_some());
    }

    #[tokio::test]
    async fn session_round_trip_lazy_expiry_and_claim() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path()).await;
        let s = session("cs_a", 1_000);
        db.insert_session(s.clone()).await.unwrap();
        let back = db
            .load_session("cs_a".into(), 1_500)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.customer_name.as_deref(), Some("Alice Martin"));
        assert_eq!(
            StoredSession {
                customer_name: None,
                ..back
            },
            s
        );

        let Claim::Claimed(c) = db.claim_session("cs_a".into(), 1_600).await.unwrap() else {
            panic!()
        };
        assert_eq!(c.status, CheckoutSessionStatus::Pending);
        assert_eq!(
            db.claim_session("cs_a".into(), 1_600).await.unwrap(),
            Claim::NotOpen(CheckoutSessionStatus::Pending)
        );
        db.release_session("cs_a".into(), 1_700).await.unwrap();
        // Past expiry: reading marks it expired, and it cannot be claimed.
        let expired = db
            .load_session("cs_a".into(), 2_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(expired.status, CheckoutSessionStatus::Expired);
        assert_eq!(
            db.claim_session("cs_a".into(), 2_001).await.unwrap(),
            Claim::Expired
        );
        assert_eq!(
            db.claim_session("cs_missing".into(), 1).await.unwrap(),
            Claim::NotFound
        );
    }

    #[tokio::test]
    async fn completion_records_purchase_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path()).await;
        db.insert_session(session("cs_b", 1_000)).await.unwrap();
        let done = Completion {
            card: PaidCard {
                brand: "visa".into(),
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2040,
            },
            email: "alice@example.com".into(),
            purchase: Some(NewPurchase {
                id: "pur_1".into(),
                amount: 4900,
                currency: "USD".into(),
                name: "x".into(),
            }),
            subscription: None,
        };
        // Not pending yet: nothing is written.
        assert_eq!(
            db.complete_session("cs_b".into(), done.clone(), 1_100)
                .await
                .unwrap(),
            None
        );
        assert_eq!(db.purchase_count("cs_b".into()).await.unwrap(), 0);
        assert!(matches!(
            db.claim_session("cs_b".into(), 1_100).await.unwrap(),
            Claim::Claimed(_)
        ));
        let paid = db
            .complete_session("cs_b".into(), done.clone(), 1_200)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(paid.status, CheckoutSessionStatus::Succeeded);
        assert_eq!(paid.purchase_id.as_deref(), Some("pur_1"));
        assert_eq!(paid.card.unwrap().last4, "4242");
        assert_eq!(db.purchase_count("cs_b".into()).await.unwrap(), 1);
        assert_eq!(
            db.complete_session("cs_b".into(), done, 1_300)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            db.expire_session("cs_b".into(), 1_400).await.unwrap(),
            Expire::NotOpen(CheckoutSessionStatus::Succeeded)
        );
    }

    #[tokio::test]
    async fn settings_are_applied() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path()).await;
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
        assert_eq!(version, MIGRATIONS.len() as i64);
    }
}
