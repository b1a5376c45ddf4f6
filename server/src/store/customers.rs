//! Customers in the store: found by sign-in token or external id, created
//! once (with `customer.created`), and changed (with `customer.updated`).

use super::events;
use super::{Db, DbError};
use crate::domain::records::{CustomerChanges, StoredCustomer};
use crate::store::cached::CachedStatements;
use checkout_protocol::WebhookEventType;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::Arc;

impl Db {
    /// The customer a sign-in token belongs to.
    pub async fn customer_by_token(
        &self,
        token: String,
    ) -> Result<Option<StoredCustomer>, DbError> {
        self.call(move |conn| select_customer(conn, "token", &token))
            .await
    }

    /// The customer with this external id (the merchant's own id).
    pub async fn customer_by_external_id(
        &self,
        external_id: String,
    ) -> Result<Option<StoredCustomer>, DbError> {
        self.call(move |conn| select_customer(conn, "external_id", &external_id))
            .await
    }

    // Subscription create (issue 15).
    /// The customer with the platform's id `id` (`cus_…`), if any.
    pub async fn customer_by_id(&self, id: String) -> Result<Option<StoredCustomer>, DbError> {
        self.call(move |conn| select_customer(conn, "id", &id))
            .await
    }

    /// The customer with `external_id`, created with `name` and `email` (and
    /// an unguessable sign-in token nobody is given) when there is none,
    /// recording `customer.created` in the same transaction; an existing
    /// customer is returned as stored.
    pub async fn find_or_create_customer(
        &self,
        external_id: String,
        name: String,
        email: String,
        now: i64,
    ) -> Result<StoredCustomer, DbError> {
        let random =
            |prefix| crate::domain::ids::new_id(prefix).map_err(|e| DbError::Random(e.to_string()));
        let id = random(crate::domain::ids::CUSTOMER)?;
        let token = random(crate::domain::ids::SIGN_IN_TOKEN)?;
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            // Reading first keeps the common case (a known customer) free of writes.
            if let Some(known) = select_customer(conn, "external_id", &external_id)? {
                return Ok(known);
            }
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // One statement, so two concurrent first calls make one customer.
            let inserted = tx.execute_cached(
                "INSERT INTO customers (id, external_id, token, name, email) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(external_id) DO NOTHING",
                params![id, external_id, token, name, email],
            )?;
            let customer = select_customer(&tx, "external_id", &external_id)?
                .ok_or_else(|| DbError::Corrupt("a customer vanished as it was created".into()))?;
            // Only the call that made the row reports it: once per customer.
            if inserted == 1 {
                let event = events::customer(
                    WebhookEventType::CustomerCreated,
                    outbox.catalog(),
                    &customer,
                    now,
                )?;
                outbox.record(&tx, &event, now)?;
            }
            tx.commit()?;
            Ok(customer)
        })
        .await
    }

    /// Applies `changes` to the customer with `customer_id` in one
    /// transaction, recording `customer.updated` with it only when something
    /// differs; `None` when there is no such customer.
    pub async fn update_customer(
        &self,
        customer_id: String,
        changes: CustomerChanges,
        now: i64,
    ) -> Result<Option<StoredCustomer>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            // Immediate: the read and the write see one state, so two
            // concurrent updates each report what they changed.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(current) = select_customer(&tx, "id", &customer_id)? else {
                return Ok(None);
            };
            let Some(updated) = changes.apply(&current) else {
                return Ok(Some(current));
            };
            tx.execute_cached(
                "UPDATE customers SET name = ?2, email = ?3 WHERE id = ?1",
                params![updated.id, updated.name, updated.email],
            )?;
            let event = events::customer(
                WebhookEventType::CustomerUpdated,
                outbox.catalog(),
                &updated,
                now,
            )?;
            outbox.record(&tx, &event, now)?;
            tx.commit()?;
            Ok(Some(updated))
        })
        .await
    }
}

/// The customer whose `column` (`id`, `external_id` or `token`) is `value`.
pub(super) fn select_customer(
    conn: &Connection,
    column: &str,
    value: &str,
) -> Result<Option<StoredCustomer>, DbError> {
    // `column` is one of this module's literals, never input.
    let sql = format!("SELECT id, external_id, name, email FROM customers WHERE {column} = ?1");
    Ok(conn
        .query_row_cached(&sql, [value], |r| {
            Ok(StoredCustomer {
                id: r.get(0)?,
                external_id: r.get(1)?,
                name: r.get(2)?,
                email: r.get(3)?,
            })
        })
        .optional()?)
}
