//! Customers and their billing records in the store: subscriptions (settled
//! to the current time whenever read), saved cards, purchases and invoices.
//! What a customer's payment adds to them is in `sessions::completion`.

use super::customers::select_customer;
use super::events;
use super::outbox::Outbox;
use super::{
    address_of, address_text, count_u32, enum_text, json_object, json_text, parse_enum, tax_id_of,
    tax_id_text, Db, DbError,
};
use crate::domain::records::{
    invoice_number, CustomerRecords, StoredCustomer, StoredInvoice, StoredInvoiceLine,
    StoredPaymentMethod, StoredPurchase,
};
use crate::domain::subscription::{
    parse_status, status_str, ScheduledChange, StoredSubscription, TransitionError,
};
use crate::store::cached::CachedStatements;
use checkout_protocol::{CancellationTiming, SubscriptionStatus, WebhookEventType};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use std::sync::Arc;

/// A change a customer asks for on one of their subscriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionChange {
    /// `subscriptions/cancel`.
    Cancel(CancellationTiming),
    /// `subscriptions/uncancel`.
    Uncancel,
}

impl Db {
    /// The customer a subscription belongs to, if it exists.
    pub async fn subscription_owner(
        &self,
        subscription_id: String,
    ) -> Result<Option<String>, DbError> {
        self.call(move |conn| {
            Ok(conn
                .query_row_cached(
                    "SELECT customer_id FROM subscriptions WHERE id = ?1",
                    [subscription_id],
                    |r| r.get(0),
                )
                .optional()?)
        })
        .await
    }

    /// Everything stored about a customer, subscriptions settled to `now`.
    pub async fn customer_records(
        &self,
        customer_id: String,
        now: i64,
    ) -> Result<Option<CustomerRecords>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(customer) = select_customer(&tx, "id", &customer_id)? else {
                return Ok(None);
            };
            let subscriptions = settled_subscriptions(&tx, &outbox, &customer_id, None, now)?;
            let purchases = select_purchases(&tx, &customer_id)?;
            let invoices = select_invoices(&tx, &customer_id)?;
            let payment_methods = select_payment_methods(&tx, &customer_id)?;
            let usage = super::usage::select_usage_totals(&tx, &customer_id)?;
            tx.commit()?;
            Ok(Some(CustomerRecords {
                customer,
                subscriptions,
                purchases,
                invoices,
                payment_methods,
                usage,
            }))
        })
        .await
    }

    /// One of the customer's invoices with its lines; `None` if it does not
    /// exist or is someone else's.
    pub async fn customer_invoice(
        &self,
        customer_id: String,
        invoice_id: String,
    ) -> Result<Option<StoredInvoice>, DbError> {
        self.call(move |conn| {
            Ok(select_invoice(conn, &invoice_id)?.filter(|i| i.customer_id == customer_id))
        })
        .await
    }

    /// One of the customer's subscriptions, settled to `now`; `None` if it
    /// does not exist or is someone else's.
    pub async fn customer_subscription(
        &self,
        customer_id: String,
        subscription_id: String,
        now: i64,
    ) -> Result<Option<StoredSubscription>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found =
                settled_subscriptions(&tx, &outbox, &customer_id, Some(&subscription_id), now)?;
            tx.commit()?;
            Ok(found.into_iter().next())
        })
        .await
    }

    /// Cancels or uncancels one of the customer's subscriptions after
    /// settling it; `None` if it does not exist or is someone else's.
    pub async fn change_subscription(
        &self,
        customer_id: String,
        subscription_id: String,
        change: SubscriptionChange,
        now: i64,
    ) -> Result<Option<Result<StoredSubscription, TransitionError>>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(mut s) =
                settled_subscriptions(&tx, &outbox, &customer_id, Some(&subscription_id), now)?
                    .into_iter()
                    .next()
            else {
                return Ok(None);
            };
            let before = s.clone();
            // A plan change being charged would find the subscription moved
            // under it after the charge: cancel and uncancel wait for it.
            let changing: bool = tx.query_row_cached(
                "SELECT EXISTS (SELECT 1 FROM subscriptions
                   WHERE id = ?1 AND adjust_key IS NOT NULL AND adjust_started_at >= ?2)",
                params![s.id, now - crate::domain::plan_change::STALE_CHANGE_MS],
                |r| r.get(0),
            )?;
            if changing {
                tx.commit()?;
                return Ok(Some(Err(TransitionError::ChangeInProgress)));
            }
            let outcome = match change {
                SubscriptionChange::Cancel(timing) => s.cancel(timing, now),
                SubscriptionChange::Uncancel => s.uncancel(now),
            };
            if outcome.is_ok() {
                update_subscription(&tx, &s)?;
                // A repeated cancel or uncancel changes nothing and reports nothing.
                if s != before {
                    record_subscription_change(&tx, &outbox, &s, now)?;
                }
            }
            tx.commit()?;
            Ok(Some(outcome.map(|()| s)))
        })
        .await
    }
}

// Subscription create (issue 15).

/// What [`Db::create_subscription`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionCreated {
    /// The subscription was added, with `subscription.created`.
    Created(StoredSubscription),
    /// The customer already has this current subscription to the price;
    /// nothing was written.
    AlreadySubscribed(StoredSubscription),
}

impl Db {
    /// Adds subscription `s` of its customer, with their default card (if
    /// any) to bill, and `subscription.created`, in one transaction — the
    /// same insert and event a checkout's completion writes. The customer's
    /// subscriptions are settled first and, if one is current on the same
    /// price, nothing is written: the transaction is `IMMEDIATE`, so of two
    /// concurrent creates the second sees the first's row.
    pub async fn create_subscription(
        &self,
        s: StoredSubscription,
        now: i64,
    ) -> Result<SubscriptionCreated, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(customer) = select_customer(&tx, "id", &s.customer_id)? else {
                return Err(DbError::Corrupt(format!(
                    "subscription {} names no customer",
                    s.id
                )));
            };
            let existing = settled_subscriptions(&tx, &outbox, &s.customer_id, None, now)?
                .into_iter()
                .find(|e| e.price_id == s.price_id && e.status.is_current());
            if let Some(existing) = existing {
                // The settling above may have written; keep it.
                tx.commit()?;
                return Ok(SubscriptionCreated::AlreadySubscribed(existing));
            }
            let card: Option<String> = tx
                .query_row_cached(
                    "SELECT id FROM payment_methods
                     WHERE customer_id = ?1 AND is_default = 1 AND removed_at IS NULL",
                    [&s.customer_id],
                    |r| r.get(0),
                )
                .optional()?;
            let s = StoredSubscription {
                default_payment_method_id: s.default_payment_method_id.clone().or(card),
                ..s
            };
            if !insert_subscription(&tx, &s)? {
                return Err(DbError::Corrupt(format!("subscription id {} taken", s.id)));
            }
            let event = events::subscription(
                WebhookEventType::SubscriptionCreated,
                outbox.catalog(),
                &s,
                &customer,
                None,
                now,
            )?;
            outbox.record(&tx, &event, now)?;
            tx.commit()?;
            Ok(SubscriptionCreated::Created(s))
        })
        .await
    }
}

/// Flowglad's event for a change to subscription `s`: `subscription.canceled`
/// once it has ended, else `subscription.updated` (a cancellation scheduled
/// or undone). Flowglad's platform sends nothing when a cancellation is
/// scheduled or undone, only when it takes effect; we report those changes
/// as `subscription.updated`, the type Flowglad defines for them.
pub(super) fn record_subscription_change(
    conn: &Connection,
    outbox: &Outbox,
    s: &StoredSubscription,
    now: i64,
) -> Result<(), DbError> {
    let Some(customer) = select_customer(conn, "id", &s.customer_id)? else {
        return Err(DbError::Corrupt(format!(
            "subscription {} has no customer",
            s.id
        )));
    };
    let event_type = if s.status == SubscriptionStatus::Canceled {
        WebhookEventType::SubscriptionCanceled
    } else {
        WebhookEventType::SubscriptionUpdated
    };
    let event = events::subscription(event_type, outbox.catalog(), s, &customer, None, now)?;
    outbox.record(conn, &event, now)?;
    Ok(())
}

/// The customer's subscriptions (or just `only`), newest first, with what
/// time has done to them applied and written back. A scheduled
/// cancellation that took effect records `subscription.canceled` in the
/// caller's transaction: the write moves it out of `cancellation_scheduled`,
/// so it is reported once, by whichever read first noticed it.
pub(super) fn settled_subscriptions(
    conn: &Connection,
    outbox: &Outbox,
    customer_id: &str,
    only: Option<&str>,
    now: i64,
) -> Result<Vec<StoredSubscription>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM subscriptions WHERE customer_id = ?1 AND (?2 IS NULL OR id = ?2)
         ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt
        .query_map(params![customer_id, only], read_subscription)?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    let mut subscriptions = Vec::with_capacity(rows.len());
    for row in rows {
        let mut s = row?;
        let was = s.status.clone();
        let plan_was = (s.price_id.clone(), s.quantity);
        if s.settle(now) {
            update_subscription(conn, &s)?;
            let ended =
                was != SubscriptionStatus::Canceled && s.status == SubscriptionStatus::Canceled;
            // A plan change scheduled for the period end took effect
            // (`subscription.updated`, once: the write clears it).
            let replanned = plan_was != (s.price_id.clone(), s.quantity);
            if ended || replanned {
                record_subscription_change(conn, outbox, &s, now)?;
            }
        }
        subscriptions.push(s);
    }
    Ok(subscriptions)
}

type SubscriptionRow = Result<StoredSubscription, DbError>;

fn read_subscription(r: &Row<'_>) -> rusqlite::Result<SubscriptionRow> {
    let created_at: i64 = r.get("created_at")?;
    let quantity: i64 = r.get("quantity")?;
    let interval_unit: Option<String> = r.get("interval_unit")?;
    let metadata: Option<String> = r.get("metadata")?;
    let status: String = r.get("status")?;
    let start_date: Option<i64> = r.get("start_date")?;
    let scheduled_price: Option<String> = r.get("scheduled_price_id")?;
    let scheduled_quantity: Option<i64> = r.get("scheduled_quantity")?;
    let scheduled_unit: Option<String> = r.get("scheduled_interval_unit")?;
    let scheduled_count: Option<u32> = r.get("scheduled_interval_count")?;
    let assemble = |id: String| -> SubscriptionRow {
        let scheduled_change = match (scheduled_price, scheduled_quantity, scheduled_unit) {
            (Some(price_id), Some(quantity), Some(unit)) => Some(ScheduledChange {
                price_id,
                quantity: count_u32(quantity, "scheduled quantity")?,
                interval_unit: parse_enum(&unit, "interval unit")?,
                interval_count: scheduled_count.unwrap_or(1).max(1),
            }),
            _ => None,
        };
        Ok(StoredSubscription {
            id,
            customer_id: r.get("customer_id")?,
            price_id: r.get("price_id")?,
            status: parse_status(&status),
            checkout_session_id: r.get("checkout_session_id")?,
            request_id: r.get("request_id")?,
            name: r.get("name")?,
            metadata: json_object(metadata, "subscription metadata")?,
            quantity: count_u32(quantity, "subscription quantity")?,
            interval_unit: interval_unit
                .as_deref()
                .map(|u| parse_enum(u, "interval unit"))
                .transpose()?,
            interval_count: r.get("interval_count")?,
            start_date: start_date.unwrap_or(created_at),
            current_period_start: r.get("current_period_start")?,
            current_period_end: r.get("current_period_end")?,
            trial_end: r.get("trial_ends_at")?,
            cancel_scheduled_at: r.get("cancel_scheduled_at")?,
            canceled_at: r.get("canceled_at")?,
            default_payment_method_id: r.get("default_payment_method_id")?,
            scheduled_change,
            created_at,
            updated_at: r.get("updated_at")?,
        })
    };
    Ok(assemble(r.get("id")?))
}

/// Writes every field a subscription's life changes.
pub(super) fn update_subscription(
    conn: &Connection,
    s: &StoredSubscription,
) -> Result<(), DbError> {
    let unit = s.interval_unit.as_ref().map(enum_text).transpose()?;
    let scheduled = s.scheduled_change.as_ref();
    let scheduled_unit = scheduled.map(|c| enum_text(&c.interval_unit)).transpose()?;
    conn.execute_cached(
        "UPDATE subscriptions SET price_id = ?2, status = ?3, quantity = ?4, interval_unit = ?5,
            interval_count = ?6, start_date = ?7, current_period_start = ?8, current_period_end = ?9,
            trial_ends_at = ?10, cancel_scheduled_at = ?11, canceled_at = ?12, default_payment_method_id = ?13,
            updated_at = ?14, scheduled_price_id = ?15, scheduled_quantity = ?16,
            scheduled_interval_unit = ?17, scheduled_interval_count = ?18
         WHERE id = ?1",
        params![
            s.id,
            s.price_id,
            status_str(&s.status),
            s.quantity,
            unit,
            s.interval_count,
            s.start_date,
            s.current_period_start,
            s.current_period_end,
            s.trial_end,
            s.cancel_scheduled_at,
            s.canceled_at,
            s.default_payment_method_id,
            s.updated_at,
            scheduled.map(|c| c.price_id.as_str()),
            scheduled.map(|c| c.quantity),
            scheduled_unit,
            scheduled.map(|c| c.interval_count),
        ],
    )?;
    Ok(())
}

/// Adds a subscription; an existing id is left alone (seeding). Returns whether it was added.
pub(super) fn insert_subscription(
    conn: &Connection,
    s: &StoredSubscription,
) -> Result<bool, DbError> {
    let unit = s.interval_unit.as_ref().map(enum_text).transpose()?;
    let added = conn.execute_cached(
        "INSERT OR IGNORE INTO subscriptions (id, customer_id, price_id, status, checkout_session_id, name, metadata,
            trial_ends_at, quantity, interval_unit, interval_count, start_date, current_period_start,
            current_period_end, cancel_scheduled_at, canceled_at, default_payment_method_id, created_at, updated_at,
            request_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        params![
            s.id,
            s.customer_id,
            s.price_id,
            status_str(&s.status),
            s.checkout_session_id,
            s.name,
            json_text(s.metadata.as_ref())?,
            s.trial_end,
            s.quantity,
            unit,
            s.interval_count,
            s.start_date,
            s.current_period_start,
            s.current_period_end,
            s.cancel_scheduled_at,
            s.canceled_at,
            s.default_payment_method_id,
            s.created_at,
            s.updated_at,
            s.request_id,
        ],
    )?;
    Ok(added == 1)
}

/// The customer's saved cards that are not removed, default first, then newest.
pub(super) fn select_payment_methods(
    conn: &Connection,
    customer_id: &str,
) -> Result<Vec<StoredPaymentMethod>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, customer_id, brand, last4, exp_month, exp_year, is_default, created_at
         FROM payment_methods WHERE customer_id = ?1 AND removed_at IS NULL
         ORDER BY is_default DESC, created_at DESC, id DESC",
    )?;
    let methods = stmt
        .query_map([customer_id], read_payment_method)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(methods)
}

/// A `payment_methods` row selected as `select_payment_methods` lists its columns.
fn read_payment_method(r: &Row<'_>) -> rusqlite::Result<StoredPaymentMethod> {
    Ok(StoredPaymentMethod {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        brand: r.get(2)?,
        last4: r.get(3)?,
        exp_month: r.get(4)?,
        exp_year: r.get(5)?,
        is_default: r.get(6)?,
        created_at: r.get(7)?,
    })
}

/// Adds a card; an existing id is left alone (seeding).
pub(super) fn insert_payment_method(
    conn: &Connection,
    m: &StoredPaymentMethod,
) -> Result<(), DbError> {
    conn.execute_cached(
        "INSERT OR IGNORE INTO payment_methods (id, customer_id, brand, last4, exp_month, exp_year, is_default,
            created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![m.id, m.customer_id, m.brand, m.last4, m.exp_month, m.exp_year, m.is_default, m.created_at],
    )?;
    Ok(())
}

fn select_purchases(conn: &Connection, customer_id: &str) -> Result<Vec<StoredPurchase>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM purchases WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt
        .query_map([customer_id], read_purchase)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().collect()
}

/// The purchase with this id.
pub(super) fn select_purchase(
    conn: &Connection,
    id: &str,
) -> Result<Option<StoredPurchase>, DbError> {
    conn.query_row_cached("SELECT * FROM purchases WHERE id = ?1", [id], read_purchase)
        .optional()?
        .transpose()
}

fn read_purchase(r: &Row<'_>) -> rusqlite::Result<Result<StoredPurchase, DbError>> {
    let price_type: String = r.get("price_type")?;
    let interval_unit: Option<String> = r.get("interval_unit")?;
    let metadata: Option<String> = r.get("metadata")?;
    let address: Option<String> = r.get("billing_address")?;
    let tax_id: Option<String> = r.get("tax_id")?;
    let quantity: i64 = r.get("quantity")?;
    let assemble = || -> Result<StoredPurchase, DbError> {
        Ok(StoredPurchase {
            id: r.get("id")?,
            customer_id: r.get("customer_id")?,
            checkout_session_id: r.get("checkout_session_id")?,
            request_id: r.get("request_id")?,
            price_id: r.get("price_id")?,
            price_type: parse_enum(&price_type, "price type")?,
            quantity: count_u32(quantity, "purchase quantity")?,
            amount: r.get("amount")?,
            currency: r.get("currency")?,
            name: r.get("name")?,
            metadata: json_object(metadata, "purchase metadata")?,
            status: r.get("status")?,
            price_per_billing_cycle: r.get("price_per_billing_cycle")?,
            interval_unit: interval_unit
                .as_deref()
                .map(|u| parse_enum(u, "interval unit"))
                .transpose()?,
            interval_count: r.get("interval_count")?,
            trial_period_days: r.get("trial_period_days")?,
            billing_address: address_of(address, "purchase billing address")?,
            tax_id: tax_id_of(tax_id, "purchase tax id")?,
            created_at: r.get("created_at")?,
        })
    };
    Ok(assemble())
}

/// Adds a purchase; an existing id is left alone (seeding).
pub(super) fn insert_purchase(conn: &Connection, p: &StoredPurchase) -> Result<(), DbError> {
    let unit = p.interval_unit.as_ref().map(enum_text).transpose()?;
    conn.execute_cached(
        "INSERT OR IGNORE INTO purchases (id, customer_id, checkout_session_id, price_id, price_type, quantity,
            amount, currency, name, metadata, status, price_per_billing_cycle, interval_unit, interval_count,
            trial_period_days, created_at, billing_address, request_id, tax_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            p.id,
            p.customer_id,
            p.checkout_session_id,
            p.price_id,
            enum_text(&p.price_type)?,
            p.quantity,
            p.amount,
            p.currency,
            p.name,
            json_text(p.metadata.as_ref())?,
            p.status,
            p.price_per_billing_cycle,
            unit,
            p.interval_count,
            p.trial_period_days,
            p.created_at,
            address_text(p.billing_address.as_ref())?,
            p.request_id,
            tax_id_text(p.tax_id.as_ref())?,
        ],
    )?;
    Ok(())
}

fn select_invoices(conn: &Connection, customer_id: &str) -> Result<Vec<StoredInvoice>, DbError> {
    invoices_where(conn, "customer_id = ?1", customer_id)
}

/// The invoice with this id, with its lines.
pub(super) fn select_invoice(
    conn: &Connection,
    id: &str,
) -> Result<Option<StoredInvoice>, DbError> {
    Ok(invoices_where(conn, "id = ?1", id)?.into_iter().next())
}

/// Invoices matching `filter` (one of this module's literals, with `?1`), newest first, with lines.
fn invoices_where(
    conn: &Connection,
    filter: &str,
    value: &str,
) -> Result<Vec<StoredInvoice>, DbError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, customer_id, invoice_number, status, type, currency, subtotal, memo, purchase_id,
            subscription_id, checkout_session_id, invoice_date, created_at
         FROM invoices WHERE {filter} ORDER BY created_at DESC, id DESC"
    ))?;
    let mut invoices = stmt
        .query_map([value], |r| {
            Ok(StoredInvoice {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                invoice_number: r.get(2)?,
                status: r.get(3)?,
                invoice_type: r.get(4)?,
                currency: r.get(5)?,
                subtotal: r.get(6)?,
                memo: r.get(7)?,
                purchase_id: r.get(8)?,
                subscription_id: r.get(9)?,
                checkout_session_id: r.get(10)?,
                invoice_date: r.get(11)?,
                created_at: r.get(12)?,
                lines: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut lines = conn.prepare_cached(
        "SELECT id, description, price_id, quantity, price FROM invoice_line_items
         WHERE invoice_id = ?1 ORDER BY position",
    )?;
    for invoice in &mut invoices {
        invoice.lines = lines
            .query_map([&invoice.id], |r| {
                Ok(StoredInvoiceLine {
                    id: r.get(0)?,
                    description: r.get(1)?,
                    price_id: r.get(2)?,
                    quantity: r.get(3)?,
                    price: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
    }
    Ok(invoices)
}

/// Adds an invoice with its lines under the given number if the customer
/// has no invoice with it, else (or when it is blank) under the customer's
/// next free number; an existing id is left alone (seeding).
pub(super) fn insert_invoice(conn: &Connection, i: &StoredInvoice) -> Result<(), DbError> {
    let exists: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM invoices WHERE id = ?1)",
        [&i.id],
        |r| r.get(0),
    )?;
    if exists {
        return Ok(());
    }
    let (external_id, count): (String, i64) = conn.query_row_cached(
        "SELECT c.external_id, (SELECT count(*) FROM invoices WHERE customer_id = c.id)
         FROM customers c WHERE c.id = ?1",
        [&i.customer_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let taken = |number: &str| -> Result<bool, DbError> {
        Ok(conn.query_row_cached(
            "SELECT EXISTS (SELECT 1 FROM invoices WHERE customer_id = ?1 AND invoice_number = ?2)",
            params![i.customer_id, number],
            |r| r.get(0),
        )?)
    };
    let number = if !i.invoice_number.trim().is_empty() && !taken(&i.invoice_number)? {
        i.invoice_number.clone()
    } else {
        let mut n = count + 1;
        while taken(&invoice_number(&external_id, n))? {
            n += 1;
        }
        invoice_number(&external_id, n)
    };
    conn.execute_cached(
        "INSERT INTO invoices (id, customer_id, invoice_number, status, type, currency, subtotal, memo, purchase_id,
            subscription_id, checkout_session_id, invoice_date, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            i.id,
            i.customer_id,
            number,
            i.status,
            i.invoice_type,
            i.currency,
            i.subtotal,
            i.memo,
            i.purchase_id,
            i.subscription_id,
            i.checkout_session_id,
            i.invoice_date,
            i.created_at
        ],
    )?;
    for (position, line) in i.lines.iter().enumerate() {
        conn.execute_cached(
            "INSERT INTO invoice_line_items (id, invoice_id, position, description, price_id, quantity, price)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                line.id,
                i.id,
                i64::try_from(position).unwrap_or(i64::MAX),
                line.description,
                line.price_id,
                line.quantity,
                line.price
            ],
        )?;
    }
    Ok(())
}

/// One of the customer's subscriptions, settled to `now`.
pub(super) fn customer_subscription(
    conn: &Connection,
    outbox: &Outbox,
    customer_id: &str,
    subscription_id: &str,
    now: i64,
) -> Result<Option<StoredSubscription>, DbError> {
    Ok(
        settled_subscriptions(conn, outbox, customer_id, Some(subscription_id), now)?
            .into_iter()
            .next(),
    )
}

/// The saved card with this id (even one removed since: a payment made
/// with it still names it) and the customer it belongs to.
pub(super) fn payment_method_with_owner(
    conn: &Connection,
    id: &str,
) -> Result<Option<(StoredPaymentMethod, StoredCustomer)>, DbError> {
    let method = conn
        .query_row_cached(
            "SELECT id, customer_id, brand, last4, exp_month, exp_year, is_default, created_at
             FROM payment_methods WHERE id = ?1",
            [id],
            read_payment_method,
        )
        .optional()?;
    let Some(method) = method else {
        return Ok(None);
    };
    let customer = select_customer(conn, "id", &method.customer_id)?;
    Ok(customer.map(|c| (method, c)))
}
