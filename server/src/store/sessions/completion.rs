//! What a successful payment writes: the session's card and address, the
//! purchase, and for a signed-in customer their saved card, a new or
//! activated subscription and the invoice, with `checkout.session.completed`,
//! all in one transaction.

use super::super::customers::select_customer;
use super::super::records::{
    self, insert_invoice, insert_payment_method, insert_subscription, update_subscription,
};
use super::super::{address_text, tax_id_text, Db, DbError};
use super::rows::select_session;
use super::transition;
use crate::domain::lifecycle::Transition;
use crate::domain::records::{StoredInvoice, StoredPaymentMethod, StoredPurchase};
use crate::domain::session::{PaidCard, StoredSession};
use crate::domain::subscription::StoredSubscription;
use crate::store::cached::CachedStatements;
use crate::store::events::{self, CompletedRecords};
use crate::store::Outbox;
use checkout_protocol::{
    BillingAddress, CheckoutSessionType, IntervalUnit, SubscriptionStatus, WebhookEventType,
};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::Arc;

/// Which subscriptions a newly saved card becomes the default of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardForSubscriptions {
    /// This one (the session's target), if it is the customer's.
    pub target: Option<String>,
    /// Every current subscription of the customer.
    pub all_current: bool,
}

/// An existing subscription starting to bill at checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// The subscription.
    pub subscription_id: String,
    /// The price it bills from now on.
    pub price_id: String,
    /// Its interval unit.
    pub interval_unit: Option<IntervalUnit>,
    /// Its interval count.
    pub interval_count: Option<u32>,
    /// Start of the first paid period, epoch ms.
    pub period_start: i64,
    /// End of the first paid period, epoch ms.
    pub period_end: i64,
}

/// What a signed-in customer's payment records for their billing panel.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerCompletion {
    /// The customer.
    pub customer_id: String,
    /// The card, saved unless the customer already has the same one
    /// (brand, last four, expiry); its id may change to the existing one's.
    pub payment_method: StoredPaymentMethod,
    /// Make the card the customer's default even if they have one.
    pub make_default: bool,
    /// Subscriptions that switch to the card.
    pub card_for_subscriptions: CardForSubscriptions,
    /// A new subscription (subscription prices).
    pub subscription: Option<StoredSubscription>,
    /// An existing subscription that starts billing.
    pub activation: Option<Activation>,
    /// The paid invoice, written now.
    pub invoice: Option<StoredInvoice>,
    /// The customer's open invoice this payment settles (invoice sessions).
    pub paid_invoice_id: Option<String>,
}

/// What a successful payment writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The card that paid (summary only).
    pub card: PaidCard,
    /// The receipt email.
    pub email: String,
    /// The billing address given, kept on the session and the purchase.
    pub billing_address: Option<BillingAddress>,
    /// The business tax ID given, kept on the session and the purchase.
    pub tax_id: Option<checkout_protocol::TaxId>,
    /// The purchase to create.
    pub purchase: Option<StoredPurchase>,
    /// The customer's records, when the session has a customer.
    pub customer: Option<CustomerCompletion>,
}

impl Db {
    /// Records a successful payment of a `pending` session and everything it
    /// makes (purchase, card, subscription, invoice) and
    /// `checkout.session.completed` in one transaction; `None` if the
    /// session was not pending.
    pub async fn complete_session(
        &self,
        id: String,
        done: Completion,
        now: i64,
    ) -> Result<Option<StoredSession>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if !transition(&tx, &id, Transition::Complete, now)? {
                return Ok(None);
            }
            let purchase = match &done.purchase {
                Some(p) => {
                    records::insert_purchase(&tx, p)?;
                    records::select_purchase(&tx, &p.id)?
                }
                None => None,
            };
            // The subscription this payment created or activated, kept on
            // the session (a card saved for a subscription made none).
            let made_subscription = done.customer.as_ref().and_then(|c| {
                c.subscription
                    .as_ref()
                    .map(|s| s.id.clone())
                    .or_else(|| c.activation.as_ref().map(|a| a.subscription_id.clone()))
            });
            let mut subscription = None;
            let mut invoice = None;
            let mut payment_method = None;
            if let Some(c) = &done.customer {
                let card_id = record_customer_payment(&tx, &outbox, c, &id, now)?;
                // The subscription started, activated, or given the new card.
                let subscription_id = c
                    .subscription
                    .as_ref()
                    .map(|s| s.id.clone())
                    .or_else(|| c.activation.as_ref().map(|a| a.subscription_id.clone()))
                    .or_else(|| c.card_for_subscriptions.target.clone());
                if let Some(sub) = subscription_id {
                    subscription =
                        records::customer_subscription(&tx, &outbox, &c.customer_id, &sub, now)?;
                }
                let invoice_id = c
                    .invoice
                    .as_ref()
                    .map(|i| i.id.clone())
                    .or_else(|| c.paid_invoice_id.clone());
                if let Some(invoice_id) = invoice_id {
                    invoice = records::select_invoice(&tx, &invoice_id)?;
                }
                if let Some(p) = &done.purchase {
                    tx.execute_cached(
                        "UPDATE purchases SET payment_method_id = ?2 WHERE id = ?1",
                        params![p.id, card_id],
                    )?;
                }
                payment_method = records::payment_method_with_owner(&tx, &card_id)?;
            }
            tx.execute_cached(
                "UPDATE checkout_sessions SET card_brand = ?2, card_last4 = ?3, card_exp_month = ?4,
                    card_exp_year = ?5, customer_email = ?6, purchase_id = ?7, billing_address = ?8,
                    subscription_id = ?9, tax_id = ?10
                 WHERE id = ?1",
                params![
                    id,
                    done.card.brand,
                    done.card.last4,
                    done.card.exp_month,
                    done.card.exp_year,
                    done.email,
                    done.purchase.as_ref().map(|p| &p.id),
                    address_text(done.billing_address.as_ref())?,
                    made_subscription,
                    tax_id_text(done.tax_id.as_ref())?,
                ],
            )?;
            let written = CompletedRecords {
                session: select_session(&tx, &id)?
                    .ok_or_else(|| DbError::Corrupt(format!("session {id} vanished")))?,
                purchase,
                subscription,
                invoice,
                payment_method,
            };
            let event = events::completed(outbox.catalog(), &written, now)?;
            outbox.record(&tx, &event, now)?;
            record_flowglad_events(&tx, &outbox, &written, &done, now)?;
            tx.commit()?;
            Ok(Some(written.session))
        })
        .await
    }
}

/// Flowglad's events for what a payment changed, beside
/// `checkout.session.completed` and in its transaction: `payment.succeeded`
/// when money was charged, `purchase.completed` for the purchase made,
/// `subscription.created` for a new subscription, `subscription.updated`
/// for one that started billing or was given the new card. The session
/// moved from `pending` to `succeeded` in this same transaction, so a retry
/// or a replay (which finds it succeeded) records none of them again.
fn record_flowglad_events(
    conn: &Connection,
    outbox: &Outbox,
    written: &CompletedRecords,
    done: &Completion,
    now: i64,
) -> Result<(), DbError> {
    let catalog = outbox.catalog();
    let session = &written.session;
    let customer = match &session.customer_id {
        Some(id) => select_customer(conn, "id", id)?,
        None => None,
    };
    let charged = session.session_type != CheckoutSessionType::AddPaymentMethod
        && session
            .totals(&catalog.default_currency())
            .is_some_and(|t| t.total_due_today > 0);
    if charged {
        // The attempt stored before the charge names the payment.
        let attempt: Option<String> = conn.query_row_cached(
            "SELECT payment_attempt_key FROM checkout_sessions WHERE id = ?1",
            [&session.id],
            |r| r.get(0),
        )?;
        match attempt {
            Some(id) => {
                let charge = events::Charge {
                    id: &id,
                    session,
                    customer: customer.as_ref(),
                    records: Some(written),
                    failure: None,
                };
                if let Some(event) = events::payment(catalog, &charge, now)? {
                    outbox.record(conn, &event, now)?;
                }
            }
            None => {
                tracing::warn!(session = %session.id, "a paid session has no payment attempt; no payment.succeeded")
            }
        }
    }
    if let Some(purchase) = &written.purchase {
        let event = events::purchase_completed(catalog, purchase, customer.as_ref(), now)?;
        outbox.record(conn, &event, now)?;
    }
    if let (Some(subscription), Some(customer)) = (&written.subscription, &customer) {
        let created = done
            .customer
            .as_ref()
            .and_then(|c| c.subscription.as_ref())
            .is_some_and(|s| s.id == subscription.id);
        let event_type = if created {
            WebhookEventType::SubscriptionCreated
        } else {
            WebhookEventType::SubscriptionUpdated
        };
        let event = events::subscription(
            event_type,
            catalog,
            subscription,
            customer,
            Some(session.id.clone()),
            now,
        )?;
        outbox.record(conn, &event, now)?;
    }
    Ok(())
}

/// What a signed-in customer's payment of session `session_id` adds to
/// their records; returns the id of the card it was paid with.
fn record_customer_payment(
    conn: &Connection,
    outbox: &Outbox,
    c: &CustomerCompletion,
    session_id: &str,
    now: i64,
) -> Result<String, DbError> {
    let card_id = save_card(conn, &c.payment_method, c.make_default)?;
    if let Some(s) = &c.subscription {
        insert_subscription(
            conn,
            &StoredSubscription {
                default_payment_method_id: Some(card_id.clone()),
                scheduled_change: None,
                ..s.clone()
            },
        )?;
    }
    if let Some(a) = &c.activation {
        activate(conn, outbox, &c.customer_id, a, &card_id, now)?;
    }
    if let Some(target) = &c.card_for_subscriptions.target {
        conn.execute_cached(
            "UPDATE subscriptions SET default_payment_method_id = ?3, updated_at = ?4
             WHERE id = ?1 AND customer_id = ?2",
            params![target, c.customer_id, card_id, now],
        )?;
    }
    if c.card_for_subscriptions.all_current {
        conn.execute_cached(
            "UPDATE subscriptions SET default_payment_method_id = ?2, updated_at = ?3
             WHERE customer_id = ?1 AND status IN ('trialing', 'active', 'past_due', 'cancellation_scheduled')",
            params![c.customer_id, card_id, now],
        )?;
    }
    if let Some(invoice) = &c.invoice {
        insert_invoice(conn, invoice)?;
    }
    if let Some(invoice_id) = &c.paid_invoice_id {
        let paid = conn.execute_cached(
            "UPDATE invoices SET status = 'paid', paid_at = ?3, checkout_session_id = ?4
             WHERE id = ?1 AND customer_id = ?2 AND status = 'open'",
            params![invoice_id, c.customer_id, now, session_id],
        )?;
        if paid != 1 {
            return Err(DbError::Corrupt(format!(
                "invoice {invoice_id} was not open when its payment was recorded"
            )));
        }
    }
    Ok(card_id)
}

/// Starts billing an existing subscription: active from now, on the paid
/// price and period, charged to the card; a running trial ends.
fn activate(
    conn: &Connection,
    outbox: &Outbox,
    customer_id: &str,
    a: &Activation,
    card_id: &str,
    now: i64,
) -> Result<(), DbError> {
    let Some(mut s) =
        records::customer_subscription(conn, outbox, customer_id, &a.subscription_id, now)?
    else {
        return Err(DbError::Corrupt(format!(
            "subscription {} to activate is gone",
            a.subscription_id
        )));
    };
    s.status = SubscriptionStatus::Active;
    s.price_id = a.price_id.clone();
    s.interval_unit = a.interval_unit;
    s.interval_count = a.interval_count;
    s.current_period_start = Some(a.period_start);
    s.current_period_end = Some(a.period_end);
    s.trial_end = s.trial_end.map(|end| end.min(now));
    s.cancel_scheduled_at = None;
    s.default_payment_method_id = Some(card_id.to_owned());
    s.updated_at = now;
    update_subscription(conn, &s)
}

/// Saves the card unless the customer has it already — by its id (a saved
/// card paid with, even if removed meanwhile), else the same brand, last
/// four and expiry — and makes it the default when asked or when they have
/// none (a removed card never becomes it); returns its id.
fn save_card(
    conn: &Connection,
    m: &StoredPaymentMethod,
    make_default: bool,
) -> Result<String, DbError> {
    let by_id: Option<(String, Option<i64>)> = conn
        .query_row_cached(
            "SELECT id, removed_at FROM payment_methods WHERE id = ?1 AND customer_id = ?2",
            params![m.id, m.customer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, Some(_removed))) = by_id {
        return Ok(id);
    }
    let existing: Option<String> = match by_id {
        Some((id, None)) => Some(id),
        _ => conn
            .query_row_cached(
                "SELECT id FROM payment_methods WHERE customer_id = ?1 AND brand = ?2 AND last4 = ?3
                    AND exp_month = ?4 AND exp_year = ?5 AND removed_at IS NULL
                 ORDER BY created_at LIMIT 1",
                params![m.customer_id, m.brand, m.last4, m.exp_month, m.exp_year],
                |r| r.get(0),
            )
            .optional()?,
    };
    let has_default: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM payment_methods
           WHERE customer_id = ?1 AND is_default = 1 AND removed_at IS NULL)",
        [&m.customer_id],
        |r| r.get(0),
    )?;
    let id = match existing {
        Some(id) => id,
        None => {
            insert_payment_method(
                conn,
                &StoredPaymentMethod {
                    is_default: false,
                    ..m.clone()
                },
            )?;
            m.id.clone()
        }
    };
    if make_default || !has_default {
        conn.execute_cached(
            "UPDATE payment_methods SET is_default = (id = ?2)
             WHERE customer_id = ?1 AND removed_at IS NULL",
            params![m.customer_id, id],
        )?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{event_types, plain_completion, session};
    use super::super::{Claim, Expire};
    use super::*;
    use crate::domain::catalog::Catalog;
    use crate::store::tests::open_seeded;
    use checkout_protocol::{CheckoutSessionStatus, PriceType};

    #[tokio::test]
    async fn completion_records_purchase_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        db.create_session(session("cs_b", 1_000), None, 1_000)
            .await
            .unwrap();
        let done = Completion {
            billing_address: None,
            tax_id: None,
            card: PaidCard {
                brand: "visa".into(),
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2040,
            },
            email: "alice@example.com".into(),
            purchase: Some(StoredPurchase {
                id: "pur_1".into(),
                customer_id: None,
                checkout_session_id: Some("cs_b".into()),
                request_id: None,
                price_id: "price_onboarding".into(),
                price_type: PriceType::SinglePayment,
                quantity: 1,
                amount: 4900,
                currency: "USD".into(),
                name: "x".into(),
                metadata: None,
                status: "paid".into(),
                price_per_billing_cycle: None,
                interval_unit: None,
                interval_count: None,
                trial_period_days: None,
                billing_address: None,
                tax_id: None,
                created_at: 1_200,
            }),
            customer: None,
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
    async fn a_payment_whose_records_fail_rolls_back_without_an_event() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        db.create_session(session("cs_r", 1_000), None, 1_000)
            .await
            .unwrap();
        db.claim_session("cs_r".into(), 1_100).await.unwrap();
        let catalog = Catalog::demo().unwrap();
        let (product, price) = catalog.price_by_slug("onboarding").unwrap();
        let mut broken = plain_completion();
        broken.purchase = Some(StoredPurchase {
            id: "pur_r".into(),
            // No such customer: the foreign key fails mid-transaction.
            customer_id: Some("cus_nobody".into()),
            checkout_session_id: Some("cs_r".into()),
            request_id: None,
            price_id: price.id.clone(),
            price_type: PriceType::SinglePayment,
            quantity: 1,
            amount: price.unit_price,
            currency: price.currency.clone(),
            name: product.name.clone(),
            metadata: None,
            status: "paid".into(),
            price_per_billing_cycle: None,
            interval_unit: None,
            interval_count: None,
            trial_period_days: None,
            billing_address: None,
            tax_id: None,
            created_at: 1_200,
        });
        assert!(db
            .complete_session("cs_r".into(), broken, 1_200)
            .await
            .is_err());
        assert!(
            event_types(&db).await.is_empty(),
            "no event for a change that did not commit"
        );
        assert_eq!(
            crate::store::tests::count(&db, "webhook_deliveries").await,
            0
        );
        let still = db
            .load_session("cs_r".into(), 1_300)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(still.status, CheckoutSessionStatus::Pending);
        assert_eq!(db.purchase_count("cs_r".into()).await.unwrap(), 0);
    }
}
