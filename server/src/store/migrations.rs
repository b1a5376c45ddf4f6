//! The schema: one migration per `user_version` step. Files written by an
//! older server are brought up to date when opened; never edit a published
//! step, add a new one.

use super::DbError;
use rusqlite::{Connection, TransactionBehavior};

/// Schema migrations; entry `n` moves `user_version` from `n` to `n + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    V1_SESSIONS,
    V2_BILLING,
    V3_WEBHOOKS,
    V4_REQUEST_IDS,
    V5_RETENTION_INDEXES,
    V6_PAYMENT_ATTEMPTS,
    V7_USAGE_EVENTS,
    V8_RESOURCE_CLAIMS,
    V9_PLAN_CHANGES,
    V10_SESSION_SUBSCRIPTIONS,
    V11_SESSION_AUTHENTICATIONS,
    V12_SAVED_CARDS,
    V13_QUANTITY_AND_TAX_IDS,
];

/// Version 1: customers, sessions, and what a payment made.
const V1_SESSIONS: &str = r#"
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
"#;

/// Version 2: the checkout options of the superset create params, billing
/// periods and cancellation on subscriptions, invoices, richer purchases
/// (which no longer need a checkout, so seeded ones can exist), and
/// idempotency keys. Sessions that sell nothing (saving a card) keep
/// `price_id = ''`, since version 1 declared that column NOT NULL.
const V2_BILLING: &str = r#"
ALTER TABLE checkout_sessions ADD COLUMN request_id TEXT;
ALTER TABLE checkout_sessions ADD COLUMN discount_id TEXT;
ALTER TABLE checkout_sessions ADD COLUMN discount_code TEXT;
ALTER TABLE checkout_sessions ADD COLUMN discount_percent_off INTEGER;
ALTER TABLE checkout_sessions ADD COLUMN allow_promotion_codes INTEGER;
ALTER TABLE checkout_sessions ADD COLUMN billing_address_collection TEXT;
ALTER TABLE checkout_sessions ADD COLUMN trial_days INTEGER;
ALTER TABLE checkout_sessions ADD COLUMN target_subscription_id TEXT;
ALTER TABLE checkout_sessions ADD COLUMN automatically_update_subscriptions INTEGER;
ALTER TABLE checkout_sessions ADD COLUMN preserve_billing_cycle_anchor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checkout_sessions_newest_first ON checkout_sessions(created_at DESC, id DESC);
CREATE INDEX checkout_sessions_due ON checkout_sessions(status, expires_at);

CREATE TABLE purchases_v2 (
    id                      TEXT PRIMARY KEY,
    customer_id             TEXT REFERENCES customers(id),
    checkout_session_id     TEXT UNIQUE REFERENCES checkout_sessions(id),
    price_id                TEXT NOT NULL,
    price_type              TEXT NOT NULL DEFAULT 'single_payment',
    quantity                INTEGER NOT NULL,
    amount                  INTEGER NOT NULL,
    currency                TEXT NOT NULL,
    name                    TEXT NOT NULL,
    metadata                TEXT,
    status                  TEXT NOT NULL DEFAULT 'paid',
    price_per_billing_cycle INTEGER,
    interval_unit           TEXT,
    interval_count          INTEGER,
    trial_period_days       INTEGER,
    created_at              INTEGER NOT NULL
) STRICT;
INSERT INTO purchases_v2 (id, customer_id, checkout_session_id, price_id, quantity, amount, currency, name,
    metadata, created_at)
SELECT id, customer_id, checkout_session_id, price_id, quantity, amount, currency, name, metadata, created_at
FROM purchases;
DROP TABLE purchases;
ALTER TABLE purchases_v2 RENAME TO purchases;
CREATE INDEX purchases_by_customer ON purchases(customer_id, created_at);

ALTER TABLE subscriptions ADD COLUMN quantity INTEGER NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN interval_unit TEXT;
ALTER TABLE subscriptions ADD COLUMN interval_count INTEGER;
ALTER TABLE subscriptions ADD COLUMN start_date INTEGER;
ALTER TABLE subscriptions ADD COLUMN current_period_start INTEGER;
ALTER TABLE subscriptions ADD COLUMN current_period_end INTEGER;
ALTER TABLE subscriptions ADD COLUMN cancel_scheduled_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN canceled_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN default_payment_method_id TEXT;
UPDATE subscriptions SET start_date = created_at WHERE checkout_session_id IS NOT NULL;

CREATE TABLE invoices (
    id                  TEXT PRIMARY KEY,
    customer_id         TEXT NOT NULL REFERENCES customers(id),
    invoice_number      TEXT NOT NULL,
    status              TEXT NOT NULL,
    type                TEXT NOT NULL,
    currency            TEXT NOT NULL,
    subtotal            INTEGER NOT NULL,
    memo                TEXT,
    purchase_id         TEXT REFERENCES purchases(id),
    subscription_id     TEXT REFERENCES subscriptions(id),
    checkout_session_id TEXT UNIQUE REFERENCES checkout_sessions(id),
    invoice_date        INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    UNIQUE (customer_id, invoice_number)
) STRICT;
CREATE INDEX invoices_by_customer ON invoices(customer_id, created_at);

CREATE TABLE invoice_line_items (
    id          TEXT PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices(id),
    position    INTEGER NOT NULL,
    description TEXT NOT NULL,
    price_id    TEXT,
    quantity    INTEGER NOT NULL CHECK (quantity >= 1),
    price       INTEGER NOT NULL,
    UNIQUE (invoice_id, position)
) STRICT;

CREATE TABLE idempotency_keys (
    scope               TEXT NOT NULL,
    key                 TEXT NOT NULL,
    action              TEXT NOT NULL,
    body_hash           TEXT NOT NULL,
    checkout_session_id TEXT NOT NULL REFERENCES checkout_sessions(id),
    created_at          INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);
"#;

/// Version 3: invoice sessions (the invoice a session pays, manually raised
/// invoices paid later), billing addresses on sessions and purchases,
/// discount codes editable on the hosted page, the webhook outbox (events,
/// one delivery per endpoint, every attempt), and server settings (the
/// generated webhook secret).
const V3_WEBHOOKS: &str = r#"
ALTER TABLE checkout_sessions ADD COLUMN invoice_id TEXT REFERENCES invoices(id);
ALTER TABLE checkout_sessions ADD COLUMN billing_address TEXT;
ALTER TABLE checkout_sessions ADD COLUMN discount_code_prefilled INTEGER NOT NULL DEFAULT 0;
UPDATE checkout_sessions SET discount_code_prefilled = 1 WHERE discount_code IS NOT NULL;
CREATE INDEX checkout_sessions_by_invoice ON checkout_sessions(invoice_id, status);

ALTER TABLE purchases ADD COLUMN billing_address TEXT;
ALTER TABLE invoices ADD COLUMN paid_at INTEGER;

CREATE TABLE webhook_events (
    id                  TEXT PRIMARY KEY,
    type                TEXT NOT NULL,
    checkout_session_id TEXT REFERENCES checkout_sessions(id),
    payload             TEXT NOT NULL,
    created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_events_newest_first ON webhook_events(created_at DESC, id DESC);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES webhook_events(id),
    endpoint_url     TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  INTEGER,
    last_attempt_at  INTEGER,
    last_status_code INTEGER,
    last_error       TEXT,
    delivered_at     INTEGER,
    created_at       INTEGER NOT NULL,
    CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
) STRICT;
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries(event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
    attempt     INTEGER NOT NULL CHECK (attempt >= 1),
    started_at  INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error       TEXT,
    succeeded   INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
) STRICT;

CREATE TABLE server_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
"#;

/// Version 4: the checkout's `requestId` travels onto what it made, so a
/// merchant can match a purchase or subscription to their own order.
const V4_REQUEST_IDS: &str = r#"
ALTER TABLE purchases ADD COLUMN request_id TEXT;
ALTER TABLE subscriptions ADD COLUMN request_id TEXT;
UPDATE purchases SET request_id =
    (SELECT s.request_id FROM checkout_sessions s WHERE s.id = purchases.checkout_session_id);
UPDATE subscriptions SET request_id =
    (SELECT s.request_id FROM checkout_sessions s WHERE s.id = subscriptions.checkout_session_id);
"#;

/// Version 5: indexes the retention purge needs to find a session's
/// webhook events and idempotency keys (and SQLite to check the foreign
/// keys when a session is deleted) without scanning those tables.
const V5_RETENTION_INDEXES: &str = r#"
CREATE INDEX webhook_events_by_session ON webhook_events(checkout_session_id);
CREATE INDEX idempotency_keys_by_session ON idempotency_keys(checkout_session_id);
"#;

/// Version 6 (issue 13, payment idempotency): the payment attempt in
/// progress on a `pending` session — its key (the processor's idempotency
/// key) and who pays (card brand, last four and expiry, email, billing
/// address; never the number) — written before the charge, so a retry or
/// the recovery of a crash can ask the processor about that attempt and,
/// when it was charged, record the payment.
const V6_PAYMENT_ATTEMPTS: &str = r#"
ALTER TABLE checkout_sessions ADD COLUMN payment_attempt_key TEXT;
ALTER TABLE checkout_sessions ADD COLUMN payment_attempt_payer TEXT;
"#;

/// Version 7 (issue 15, usage metering): the usage ledger. One row per
/// usage event; `(customer_id, transaction_id)` is unique, so a retried
/// event records once and one customer's ids never collide with (or block)
/// another's. `period_start` is the billing period the event counts in.
const V7_USAGE_EVENTS: &str = r#"
CREATE TABLE usage_events (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
    usage_meter_id  TEXT NOT NULL,
    price_id        TEXT,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    transaction_id  TEXT NOT NULL,
    usage_date      INTEGER NOT NULL,
    period_start    INTEGER NOT NULL,
    properties      TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (customer_id, transaction_id)
) STRICT;
CREATE INDEX usage_events_by_subscription ON usage_events(subscription_id, usage_meter_id, period_start);
"#;

/// Version 8 (issue 15): claims on a subscription's resources (seats).
/// A claim is held while `released_at` is NULL; a named claim's
/// `external_id` is unique among the held claims of one subscription and
/// resource, so claiming the same name twice (even concurrently) holds one
/// claim, and a released name can be claimed again.
const V8_RESOURCE_CLAIMS: &str = r#"
CREATE TABLE resource_claims (
    id              TEXT PRIMARY KEY,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
    resource_id     TEXT NOT NULL,
    external_id     TEXT,
    metadata        TEXT,
    claimed_at      INTEGER NOT NULL,
    released_at     INTEGER,
    release_reason  TEXT,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX resource_claims_held ON resource_claims(subscription_id, resource_id, released_at, claimed_at);
CREATE UNIQUE INDEX resource_claims_named ON resource_claims(subscription_id, resource_id, external_id)
    WHERE released_at IS NULL AND external_id IS NOT NULL;
"#;

/// Version 9 (issue 15, plan changes): a change scheduled for the end of
/// the period (`scheduled_*`, applied by the renewal), the plan change in
/// progress (`adjust_key`, the charge's attempt key, set before the card is
/// charged so a second change cannot start and charge too; `adjust_started_at`
/// lets a change left by a crash be recovered), and one row per immediate
/// change with what it charged (`attempt_key` unique: one change per charge).
const V9_PLAN_CHANGES: &str = r#"
ALTER TABLE subscriptions ADD COLUMN scheduled_price_id TEXT;
ALTER TABLE subscriptions ADD COLUMN scheduled_quantity INTEGER;
ALTER TABLE subscriptions ADD COLUMN scheduled_interval_unit TEXT;
ALTER TABLE subscriptions ADD COLUMN scheduled_interval_count INTEGER;
ALTER TABLE subscriptions ADD COLUMN adjust_key TEXT;
ALTER TABLE subscriptions ADD COLUMN adjust_started_at INTEGER;
CREATE TABLE subscription_adjustments (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    attempt_key     TEXT NOT NULL UNIQUE,
    from_price_id   TEXT NOT NULL,
    from_quantity   INTEGER NOT NULL,
    to_price_id     TEXT NOT NULL,
    to_quantity     INTEGER NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    currency        TEXT NOT NULL,
    charge_id       TEXT,
    payment_method_id TEXT,
    invoice_id      TEXT REFERENCES invoices(id),
    is_upgrade      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX subscription_adjustments_by_subscription ON subscription_adjustments(subscription_id, created_at);
"#;

/// Version 10 (issue 16, session fields): the subscription a session's
/// payment created or activated, so the session can name it
/// (`subscriptionId`). Older paid sessions get the subscription they created
/// (an activation made before this version stays unnamed: nothing recorded
/// which session activated it).
const V10_SESSION_SUBSCRIPTIONS: &str = r#"
ALTER TABLE checkout_sessions ADD COLUMN subscription_id TEXT;
UPDATE checkout_sessions SET subscription_id =
    (SELECT sub.id FROM subscriptions sub WHERE sub.checkout_session_id = checkout_sessions.id
     ORDER BY sub.created_at LIMIT 1)
    WHERE status = 'succeeded';
"#;

/// Version 11 (issue 16, 3-D Secure in test mode): the bank's challenge a
/// payment waits on, one per session at most, kept with its (open) session:
/// the attempt key and processor reference to finish it with, who pays
/// (card summary, email, billing address as JSON — never the number), the
/// amount, and when it ends. Deleted with its session.
const V11_SESSION_AUTHENTICATIONS: &str = r#"
CREATE TABLE session_authentications (
    session_id  TEXT PRIMARY KEY REFERENCES checkout_sessions(id) ON DELETE CASCADE,
    id          TEXT NOT NULL UNIQUE,
    attempt_key TEXT NOT NULL,
    reference   TEXT NOT NULL,
    payer       TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    currency    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX session_authentications_by_expiry ON session_authentications(expires_at);
"#;

/// Version 12 (issue 16, saved cards): a card the customer removed keeps
/// its row with `removed_at` set (purchases and events still name it, and
/// seeding does not bring a removed demo card back); a purchase names the
/// card that paid for it.
const V12_SAVED_CARDS: &str = r#"
ALTER TABLE payment_methods ADD COLUMN removed_at INTEGER;
ALTER TABLE purchases ADD COLUMN payment_method_id TEXT;
"#;

/// Version 13 (issue 16, item 8): the bounds a customer may change a
/// session's quantity within on the hosted page (both NULL: fixed), whether
/// the page offers a business tax ID, and the tax ID given (JSON
/// `{type, value, businessName?}`), kept on the session and the purchase.
const V13_QUANTITY_AND_TAX_IDS: &str = r#"
ALTER TABLE checkout_sessions ADD COLUMN quantity_minimum INTEGER CHECK (quantity_minimum IS NULL OR quantity_minimum >= 1);
ALTER TABLE checkout_sessions ADD COLUMN quantity_maximum INTEGER CHECK (quantity_maximum IS NULL OR quantity_maximum >= 1);
ALTER TABLE checkout_sessions ADD COLUMN tax_id_collection INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkout_sessions ADD COLUMN tax_id TEXT;
ALTER TABLE purchases ADD COLUMN tax_id TEXT;
"#;

/// The schema version this build writes.
pub(super) fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Brings the schema to the latest version, one migration per transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let known = latest();
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
        let violations: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if violations > 0 {
            return Err(DbError::Corrupt(format!(
                "migration to version {} left {violations} broken references",
                version + 1
            )));
        }
        tx.commit()?;
        version += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A version-1 file with a paid anonymous purchase, a customer's
    /// subscription and a card, as the first release wrote it.
    fn version_one() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        conn.execute_batch(V1_SESSIONS).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO customers VALUES ('cus_a', 'a', 'tok-aaaaaa', 'A', 'a@x.test');
             INSERT INTO checkout_sessions (id, type, status, price_id, quantity, line_items, purchase_id,
                created_at, updated_at, expires_at)
             VALUES ('cs_1', 'product', 'succeeded', 'price_x', 2, '[]', 'pur_1', 5, 6, 7);
             INSERT INTO purchases VALUES ('pur_1', NULL, 'cs_1', 'price_x', 2, 900, 'USD', 'X', NULL, 6);
             INSERT INTO subscriptions (id, customer_id, price_id, status, checkout_session_id, created_at, updated_at)
             VALUES ('sub_1', 'cus_a', 'price_m', 'active', 'cs_1', 8, 8);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn version_one_files_upgrade_keeping_their_rows() {
        let mut conn = version_one();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, latest());
        let purchase: (String, String, i64, String) = conn
            .query_row(
                "SELECT checkout_session_id, price_type, amount, status FROM purchases WHERE id = 'pur_1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            purchase,
            ("cs_1".into(), "single_payment".into(), 900, "paid".into())
        );
        let start: Option<i64> = conn
            .query_row(
                "SELECT start_date FROM subscriptions WHERE id = 'sub_1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(start, Some(8));
        let anchor: i64 = conn
            .query_row(
                "SELECT preserve_billing_cycle_anchor FROM checkout_sessions WHERE id = 'cs_1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(anchor, 0);
        // Purchases no longer need a checkout.
        conn.execute(
            "INSERT INTO purchases (id, price_id, quantity, amount, currency, name, created_at)
             VALUES ('pur_seed', 'price_m', 1, 1200, 'USD', 'Pro', 1)",
            [],
        )
        .unwrap();
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
    }

    #[test]
    fn version_two_files_get_the_outbox_and_editable_prefilled_codes() {
        let mut conn = version_one();
        conn.execute_batch(V2_BILLING).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute(
            "UPDATE checkout_sessions SET discount_id = 'disc_welcome10', discount_code = 'WELCOME10',
                discount_percent_off = 10 WHERE id = 'cs_1'",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let prefilled: bool = conn
            .query_row(
                "SELECT discount_code_prefilled FROM checkout_sessions WHERE id = 'cs_1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(prefilled);
        let outbox: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN
                    ('webhook_events', 'webhook_deliveries', 'webhook_attempts', 'server_settings')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(outbox, 4);
        // A delivery is pending exactly while it has a next attempt.
        conn.execute_batch(
            "INSERT INTO webhook_events VALUES ('msg_1', 'checkout.session.completed', 'cs_1', '{}', 1);",
        )
        .unwrap();
        assert!(conn
            .execute(
                "INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, created_at)
                 VALUES ('whd_1', 'msg_1', 'http://x.test', 'pending', 1)",
                [],
            )
            .is_err());
    }

    #[test]
    fn a_newer_file_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(DbError::TooNew { .. })));
    }
}
