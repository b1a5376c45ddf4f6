//! Seeding the store from the catalog on every start: customers, their
//! cards, subscriptions and manually raised invoices, and for each seeded
//! subscription the purchase and first paid invoice a billing panel shows. Existing rows are never
//! reset (a canceled demo subscription stays canceled), and rows written by
//! an older server get the billing periods they lack.

use super::records::{insert_invoice, insert_payment_method, insert_purchase, insert_subscription};
use super::{enum_text, Db, DbError};
use crate::domain::catalog::{
    Catalog, CustomerSeed, InvoiceSeed, SubscriptionSeed, CATALOG_EPOCH_MS,
};
use crate::domain::clock::DAY_MS;
use crate::domain::records::{
    StoredInvoice, StoredInvoiceLine, StoredPaymentMethod, StoredPurchase,
};
use crate::domain::subscription::{parse_status, period_containing, StoredSubscription};
use checkout_protocol::{PriceType, SubscriptionStatus};
use rusqlite::{params, Connection, TransactionBehavior};

impl Db {
    /// Inserts or refreshes the catalog's customers and adds their cards,
    /// subscriptions (started `startedDaysAgo` before `now`), purchases and
    /// invoices unless already present. Safe to run on every start.
    ///
    /// A customer the catalog gives no sign-in token gets a fresh random one
    /// on every start (the column needs a value; nobody is told it), which
    /// also replaces a token an earlier catalog gave — e.g. the demo's.
    pub async fn seed(&self, catalog: Catalog, now: i64) -> Result<(), DbError> {
        let tokens = catalog
            .customers
            .iter()
            .map(|c| match &c.token {
                Some(token) => Ok(token.clone()),
                None => crate::domain::ids::new_id(crate::domain::ids::SIGN_IN_TOKEN)
                    .map_err(|e| DbError::Random(e.to_string())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for (c, token) in catalog.customers.iter().zip(&tokens) {
                seed_customer(&tx, &catalog, c, token, now)?;
            }
            fill_missing_periods(&tx, &catalog, now)?;
            for c in &catalog.customers {
                for s in &c.subscriptions {
                    seed_first_invoice(&tx, &catalog, c, s)?;
                }
                for i in &c.invoices {
                    seed_invoice(&tx, c, i, now)?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }
}

fn seed_customer(
    conn: &Connection,
    catalog: &Catalog,
    c: &CustomerSeed,
    token: &str,
    now: i64,
) -> Result<(), DbError> {
    conn.execute(
        "INSERT INTO customers (id, external_id, token, name, email) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET external_id = excluded.external_id,
            token = excluded.token, name = excluded.name, email = excluded.email",
        params![c.id, c.external_id, token, c.name, c.email],
    )?;
    for m in &c.payment_methods {
        insert_payment_method(
            conn,
            &StoredPaymentMethod {
                id: m.id.clone(),
                customer_id: c.id.clone(),
                brand: m.brand.clone(),
                last4: m.last4.clone(),
                exp_month: m.exp_month,
                exp_year: m.exp_year,
                is_default: m.is_default,
                created_at: CATALOG_EPOCH_MS,
            },
        )?;
    }
    let default_card = c
        .payment_methods
        .iter()
        .find(|m| m.is_default)
        .map(|m| m.id.clone());
    for s in &c.subscriptions {
        let Some((_, price)) = catalog.any_price_by_id(&s.price_id) else {
            continue;
        };
        let start = now.saturating_sub(i64::from(s.started_days_ago).saturating_mul(DAY_MS));
        let status = parse_status(&s.status);
        let unit = price.interval_unit;
        let count = price.interval_count.unwrap_or(1);
        let period = unit.and_then(|u| period_containing(start, u, count, now));
        let trial_end = (status == SubscriptionStatus::Trialing)
            .then(|| {
                price
                    .trial_period_days
                    .map(|d| start.saturating_add(i64::from(d) * DAY_MS))
            })
            .flatten();
        let added = insert_subscription(
            conn,
            &StoredSubscription {
                id: s.id.clone(),
                customer_id: c.id.clone(),
                price_id: s.price_id.clone(),
                status: status.clone(),
                checkout_session_id: None,
                request_id: None,
                name: None,
                metadata: None,
                quantity: 1,
                interval_unit: unit,
                interval_count: unit.map(|_| count),
                start_date: start,
                current_period_start: period.map(|p| p.0),
                current_period_end: period.map(|p| p.1),
                trial_end,
                cancel_scheduled_at: (status == SubscriptionStatus::CancellationScheduled)
                    .then(|| period.map(|p| p.1))
                    .flatten(),
                canceled_at: (status == SubscriptionStatus::Canceled).then_some(now),
                default_payment_method_id: default_card.clone(),
                scheduled_change: None,
                created_at: start,
                updated_at: start,
            },
        )?;
        if !added {
            // Seeded by an older server: give it a start and a card, keep its state.
            conn.execute(
                "UPDATE subscriptions SET start_date = COALESCE(start_date, ?2),
                    default_payment_method_id = COALESCE(default_payment_method_id, ?3)
                 WHERE id = ?1",
                params![s.id, start, default_card],
            )?;
        }
    }
    Ok(())
}

/// Gives subscriptions written by an older server their interval and the
/// billing period containing `now`, counted from their start.
fn fill_missing_periods(conn: &Connection, catalog: &Catalog, now: i64) -> Result<(), DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, price_id, COALESCE(start_date, created_at) FROM subscriptions
         WHERE current_period_start IS NULL OR interval_unit IS NULL",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    for (id, price_id, start) in rows {
        let Some((_, price)) = catalog.any_price_by_id(&price_id) else {
            continue;
        };
        let Some(unit) = price.interval_unit else {
            continue;
        };
        let count = price.interval_count.unwrap_or(1);
        let Some((period_start, period_end)) = period_containing(start, unit, count, now) else {
            continue;
        };
        conn.execute(
            "UPDATE subscriptions SET start_date = ?2, interval_unit = COALESCE(interval_unit, ?3),
                interval_count = COALESCE(interval_count, ?4),
                current_period_start = COALESCE(current_period_start, ?5),
                current_period_end = COALESCE(current_period_end, ?6)
             WHERE id = ?1",
            params![
                id,
                start,
                enum_text(&unit)?,
                count,
                period_start,
                period_end
            ],
        )?;
    }
    Ok(())
}

/// The subscription purchase of a seeded subscription and, once it has been
/// paid (not trialing or incomplete), the invoice for its first period.
fn seed_first_invoice(
    conn: &Connection,
    catalog: &Catalog,
    c: &CustomerSeed,
    s: &SubscriptionSeed,
) -> Result<(), DbError> {
    let Some((product, price)) = catalog.any_price_by_id(&s.price_id) else {
        return Ok(());
    };
    let start: i64 = conn.query_row(
        "SELECT COALESCE(start_date, created_at) FROM subscriptions WHERE id = ?1",
        [&s.id],
        |r| r.get(0),
    )?;
    let paid = !matches!(
        parse_status(&s.status),
        SubscriptionStatus::Trialing
            | SubscriptionStatus::Incomplete
            | SubscriptionStatus::IncompleteExpired
    );
    let purchase_id = format!("pur_seed_{}", s.id);
    insert_purchase(
        conn,
        &StoredPurchase {
            id: purchase_id.clone(),
            customer_id: Some(c.id.clone()),
            checkout_session_id: None,
            request_id: None,
            price_id: price.id.clone(),
            price_type: PriceType::Subscription,
            quantity: 1,
            amount: if paid { price.unit_price } else { 0 },
            currency: price.currency.clone(),
            name: product.name.clone(),
            metadata: None,
            status: "paid".to_owned(),
            price_per_billing_cycle: Some(price.unit_price),
            interval_unit: price.interval_unit,
            interval_count: price.interval_count,
            trial_period_days: price.trial_period_days,
            billing_address: None,
            tax_id: None,
            created_at: start,
        },
    )?;
    if !paid {
        return Ok(());
    }
    insert_invoice(
        conn,
        &StoredInvoice {
            id: format!("inv_seed_{}", s.id),
            customer_id: c.id.clone(),
            invoice_number: String::new(),
            status: "paid".to_owned(),
            invoice_type: "subscription".to_owned(),
            currency: price.currency.clone(),
            subtotal: price.unit_price,
            memo: None,
            purchase_id: Some(purchase_id),
            subscription_id: Some(s.id.clone()),
            checkout_session_id: None,
            invoice_date: start,
            created_at: start,
            lines: vec![StoredInvoiceLine {
                id: format!("il_seed_{}", s.id),
                description: price.name.clone().unwrap_or_else(|| product.name.clone()),
                price_id: Some(price.id.clone()),
                quantity: 1,
                price: price.unit_price,
            }],
        },
    )
}

/// A manually raised invoice, issued `issuedDaysAgo` before the first start
/// and kept as it is afterwards (paying it marks it paid for good).
fn seed_invoice(
    conn: &Connection,
    c: &CustomerSeed,
    i: &InvoiceSeed,
    now: i64,
) -> Result<(), DbError> {
    let issued = now.saturating_sub(i64::from(i.issued_days_ago).saturating_mul(DAY_MS));
    let lines: Vec<StoredInvoiceLine> = i
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| StoredInvoiceLine {
            id: format!("il_{}_{}", i.id.trim_start_matches("inv_"), n + 1),
            description: l.description.clone(),
            price_id: None,
            quantity: l.quantity,
            price: l.unit_price,
        })
        .collect();
    let subtotal =
        checkout_protocol::money::sum(lines.iter().map(|l| {
            checkout_protocol::money::line_amount(l.price, l.quantity).unwrap_or(i64::MAX)
        }))
        .ok_or_else(|| DbError::Corrupt(format!("invoice {} cannot be totalled", i.id)))?;
    insert_invoice(
        conn,
        &StoredInvoice {
            id: i.id.clone(),
            customer_id: c.id.clone(),
            invoice_number: i.invoice_number.clone(),
            status: i.status.clone(),
            invoice_type: "standalone".to_owned(),
            currency: i.currency.clone(),
            subtotal,
            memo: i.memo.clone(),
            purchase_id: None,
            subscription_id: None,
            checkout_session_id: None,
            invoice_date: issued,
            created_at: issued,
            lines,
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::domain::catalog::Catalog;
    use crate::domain::clock::DAY_MS;
    use crate::store::tests::open_seeded;
    use checkout_protocol::SubscriptionStatus;

    const NOW: i64 = 1_780_000_000_000;

    #[tokio::test]
    async fn alice_has_a_running_subscription_a_card_a_purchase_and_an_invoice() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), NOW).await;
        let alice = db
            .customer_by_token("demo-alice".into())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (alice.id.as_str(), alice.external_id.as_str()),
            ("cus_alice", "alice")
        );
        let r = db
            .customer_records(alice.id.clone(), NOW)
            .await
            .unwrap()
            .unwrap();
        let sub = &r.subscriptions[0];
        assert_eq!(sub.status, SubscriptionStatus::Active);
        assert_eq!(sub.start_date, NOW - 10 * DAY_MS);
        assert_eq!(sub.current_period_start, Some(NOW - 10 * DAY_MS));
        assert!(sub.current_period_end.unwrap() > NOW + 17 * DAY_MS);
        assert_eq!(
            sub.default_payment_method_id.as_deref(),
            Some("pm_alice_visa")
        );
        assert_eq!(r.payment_methods.len(), 1);
        assert!(r.payment_methods[0].is_default);
        assert_eq!(r.purchases.len(), 1);
        assert_eq!(r.purchases[0].amount, 1200);
        assert_eq!(r.invoices.len(), 1);
        let invoice = &r.invoices[0];
        assert_eq!(invoice.invoice_number, "ALICE-0001");
        assert_eq!(
            (invoice.subtotal, invoice.invoice_date),
            (1200, NOW - 10 * DAY_MS)
        );
        assert_eq!(invoice.lines.len(), 1);
        assert_eq!(invoice.lines[0].description, "Pro monthly");

        let bob = db
            .customer_by_external_id("bob".into())
            .await
            .unwrap()
            .unwrap();
        let r = db.customer_records(bob.id, NOW).await.unwrap().unwrap();
        assert!(r.subscriptions.is_empty() && r.purchases.is_empty());
        assert!(r.payment_methods.is_empty());
        // Bob has one invoice raised by hand, open, for the workshop and travel.
        assert_eq!(r.invoices.len(), 1);
        let open = &r.invoices[0];
        assert_eq!(
            (open.id.as_str(), open.invoice_number.as_str()),
            ("inv_bob_0001", "BOB-0001")
        );
        assert_eq!(
            (open.status.as_str(), open.invoice_type.as_str()),
            ("open", "standalone")
        );
        assert_eq!(
            (open.subtotal, open.invoice_date),
            (33000, NOW - 3 * DAY_MS)
        );
        let lines: Vec<(&str, u32, i64)> = open
            .lines
            .iter()
            .map(|l| (l.description.as_str(), l.quantity, l.price))
            .collect();
        assert_eq!(
            lines,
            [
                ("Custom onboarding workshop", 1, 25000),
                ("Travel", 1, 8000)
            ]
        );
    }

    #[tokio::test]
    async fn seeding_again_later_keeps_the_first_start_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), NOW).await;
        db.seed(Catalog::demo().unwrap(), NOW + 3 * DAY_MS)
            .await
            .unwrap();
        let r = db
            .customer_records("cus_alice".into(), NOW + 3 * DAY_MS)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.subscriptions.len(), 1);
        assert_eq!(r.subscriptions[0].start_date, NOW - 10 * DAY_MS);
        assert_eq!(
            (r.purchases.len(), r.invoices.len(), r.payment_methods.len()),
            (1, 1, 1)
        );
        assert_eq!(db.customer_by_token("nobody".into()).await.unwrap(), None);
        db.close().await.unwrap();
        assert!(matches!(
            db.customer_by_token("demo-alice".into()).await,
            Err(crate::store::DbError::Closed)
        ));
    }
}
