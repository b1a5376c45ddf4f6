//! Paying for a session, up to the charge: claiming an open session for
//! one payer, releasing it after a payment that did not go through, and
//! reopening claims a crash left behind.

use super::super::customers::select_customer;
use super::super::payment_attempts::{payer_text, store_attempt};
use super::super::StoredPaymentAttempt;
use super::super::{Db, DbError, Outbox};
use super::authentication;
use super::rows::select_session;
use super::{expire_due, transition};
use crate::domain::lifecycle::Transition;
use crate::domain::session::StoredSession;
use crate::store::cached::CachedStatements;
use crate::store::events;
use checkout_protocol::{CheckoutSessionStatus, ErrorCode};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::Arc;

/// Claims session `id` inside `tx` (see [`Db::claim_session`]).
fn claim(tx: &Connection, outbox: &Outbox, id: &str, now: i64) -> Result<Claim, DbError> {
    expire_due(tx, outbox, Some(id), now)?;
    let Some(current) = select_session(tx, id)? else {
        return Ok(Claim::NotFound);
    };
    // 3-D Secure (issue 16): a payment waiting for the bank's
    // challenge holds the session until it ends or expires.
    if current.status == CheckoutSessionStatus::Open && authentication::waiting(tx, id, now)? {
        return Ok(Claim::AuthenticationPending);
    }
    claim_open(tx, &current, now)
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
    /// An invoice session whose invoice is no longer `open` (its status).
    InvoiceNotOpen(String),
    /// An invoice session whose invoice another session is paying right now.
    InvoiceBeingPaid,
    /// An earlier payment waits for the bank's authentication (3-D Secure).
    AuthenticationPending,
}

/// Why a payment attempt failed, for `checkout.session.payment_failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFailure {
    /// The stable code the customer was answered with.
    pub code: ErrorCode,
    /// The message the customer was shown.
    pub message: String,
}

impl Db {
    /// Atomically moves an open, unexpired session to `pending` for one
    /// payer. An invoice session is claimed only while its invoice is open
    /// and no other session is paying it.
    pub async fn claim_session(&self, id: String, now: i64) -> Result<Claim, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let claim = claim(&tx, &outbox, &id, now)?;
            tx.commit()?;
            Ok(claim)
        })
        .await
    }

    /// [`Db::claim_session`] and [`Db::start_payment_attempt`] in one
    /// transaction: a payment's claim and the attempt it will charge under
    /// are one commit (one WAL fsync, not two) before the charge. Crash
    /// safety is kept: a session claimed here is never `pending` without
    /// its attempt to ask the processor about, and a crash before the
    /// commit leaves it open with nothing charged.
    pub async fn claim_session_for_attempt(
        &self,
        id: String,
        attempt: StoredPaymentAttempt,
        now: i64,
    ) -> Result<Claim, DbError> {
        let payer = payer_text(&attempt.payer)?;
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let claim = claim(&tx, &outbox, &id, now)?;
            if matches!(claim, Claim::Claimed(_)) && !store_attempt(&tx, &id, &attempt.key, &payer)?
            {
                return Err(DbError::Corrupt(format!(
                    "session {id} was claimed but is not pending"
                )));
            }
            tx.commit()?;
            Ok(claim)
        })
        .await
    }

    /// Puts a `pending` session back to `open` after a payment that did not
    /// go through; a decline (`failure`) records
    /// `checkout.session.payment_failed` in the same transaction.
    pub async fn release_session(
        &self,
        id: String,
        failure: Option<PaymentFailure>,
        now: i64,
    ) -> Result<(), DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if transition(&tx, &id, Transition::Release, now)? {
                if let (Some(f), Some(session)) = (&failure, select_session(&tx, &id)?) {
                    let event = events::payment_failed(
                        outbox.catalog(),
                        &session,
                        f.code,
                        &f.message,
                        now,
                    )?;
                    outbox.record(&tx, &event, now)?;
                    record_payment_failed(&tx, &outbox, &session, f, now)?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Puts back to `open` every session still `pending` from a claim made
    /// at or before `claimed_before` whose payment attempt was never stored:
    /// a payment interrupted by a crash or a kill before its charge was
    /// asked for. (One with a stored attempt may have been charged; the
    /// processor is asked about it first, see
    /// [`Db::stale_payment_attempts`].) No event is recorded (nothing
    /// happened, as far as the customer can tell); the ids reopened are
    /// returned.
    pub async fn reopen_stale_payments(
        &self,
        claimed_before: i64,
        now: i64,
    ) -> Result<Vec<String>, DbError> {
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let stale: Vec<String> = tx
                .prepare_cached(
                    "SELECT id FROM checkout_sessions
                     WHERE status = 'pending' AND updated_at <= ?1 AND payment_attempt_key IS NULL",
                )?
                .query_map(params![claimed_before], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut reopened = Vec::with_capacity(stale.len());
            for id in stale {
                if transition(&tx, &id, Transition::Release, now)? {
                    reopened.push(id);
                }
            }
            tx.commit()?;
            Ok(reopened)
        })
        .await
    }
}

/// Moves `current` to `pending` for one payer if it is open (and, for an
/// invoice session, its invoice may be paid), inside the caller's transaction.
pub(super) fn claim_open(
    tx: &Connection,
    current: &StoredSession,
    now: i64,
) -> Result<Claim, DbError> {
    let id = &current.id;
    Ok(match current.status {
        CheckoutSessionStatus::Expired => Claim::Expired,
        CheckoutSessionStatus::Open => match invoice_block(tx, current)? {
            Some(blocked) => blocked,
            None => match (
                transition(tx, id, Transition::Claim, now)?,
                select_session(tx, id)?,
            ) {
                (true, Some(s)) => {
                    // A new attempt: forget the last one's key, so a
                    // crash before this one is stored reopens the
                    // session instead of asking about an old attempt.
                    tx.execute_cached(
                        "UPDATE checkout_sessions SET payment_attempt_key = NULL, payment_attempt_payer = NULL WHERE id = ?1",
                        [id],
                    )?;
                    Claim::Claimed(Box::new(s))
                }
                (_, s) => Claim::NotOpen(s.map_or(current.status, |s| s.status)),
            },
        },
        other => Claim::NotOpen(other),
    })
}

/// Flowglad's `payment.failed` for a declined charge of `session`, in the
/// transaction that reopens it (so once per decline: a second release
/// finds the session open and records nothing). The payment is the
/// attempt stored before the charge; without one nothing was charged.
fn record_payment_failed(
    conn: &Connection,
    outbox: &Outbox,
    session: &StoredSession,
    failure: &PaymentFailure,
    now: i64,
) -> Result<(), DbError> {
    let attempt: Option<String> = conn.query_row_cached(
        "SELECT payment_attempt_key FROM checkout_sessions WHERE id = ?1",
        [&session.id],
        |r| r.get(0),
    )?;
    let Some(id) = attempt else {
        return Ok(());
    };
    let customer = match &session.customer_id {
        Some(customer_id) => select_customer(conn, "id", customer_id)?,
        None => None,
    };
    let charge = events::Charge {
        id: &id,
        session,
        customer: customer.as_ref(),
        records: None,
        failure: Some((failure.code, &failure.message)),
    };
    if let Some(event) = events::payment(outbox.catalog(), &charge, now)? {
        outbox.record(conn, &event, now)?;
    }
    Ok(())
}

/// Why an open invoice session cannot be claimed now, if it cannot.
fn invoice_block(conn: &Connection, session: &StoredSession) -> Result<Option<Claim>, DbError> {
    let Some(invoice_id) = &session.invoice_id else {
        return Ok(None);
    };
    let status: Option<String> = conn
        .query_row_cached(
            "SELECT status FROM invoices WHERE id = ?1",
            [invoice_id],
            |r| r.get(0),
        )
        .optional()?;
    match status {
        Some(s) if s == "open" => {}
        Some(other) => return Ok(Some(Claim::InvoiceNotOpen(other))),
        None => return Ok(Some(Claim::InvoiceNotOpen("missing".to_owned()))),
    }
    let being_paid: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM checkout_sessions WHERE invoice_id = ?1 AND status = 'pending' AND id != ?2)",
        params![invoice_id, session.id],
        |r| r.get(0),
    )?;
    Ok(being_paid.then_some(Claim::InvoiceBeingPaid))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{event_types, plain_completion, session};
    use super::super::{CardForSubscriptions, CustomerCompletion};
    use super::*;
    use crate::domain::records::StoredPaymentMethod;
    use crate::domain::session::SoldItem;
    use crate::store::tests::{count, open_seeded};
    use checkout_protocol::CheckoutSessionType;

    #[tokio::test]
    async fn only_payments_older_than_the_cutoff_are_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let lasting = |id| StoredSession {
            expires_at: 100_000,
            ..session(id, 1_000)
        };
        for (id, claimed_at) in [("cs_old", 1_100), ("cs_new", 1_900)] {
            db.create_session(lasting(id), None, 1_000).await.unwrap();
            assert!(matches!(
                db.claim_session(id.into(), claimed_at).await.unwrap(),
                Claim::Claimed(_)
            ));
        }
        db.create_session(lasting("cs_open"), None, 1_000)
            .await
            .unwrap();
        let events = count(&db, "webhook_events").await;
        assert_eq!(
            db.reopen_stale_payments(1_500, 2_000).await.unwrap(),
            ["cs_old"]
        );
        let status = |id: &'static str| {
            let db = db.clone();
            async move {
                db.load_session(id.into(), 2_000)
                    .await
                    .unwrap()
                    .unwrap()
                    .status
            }
        };
        assert_eq!(status("cs_old").await, CheckoutSessionStatus::Open);
        assert_eq!(status("cs_new").await, CheckoutSessionStatus::Pending);
        assert_eq!(status("cs_open").await, CheckoutSessionStatus::Open);
        assert_eq!(
            count(&db, "webhook_events").await,
            events,
            "no event for a reopen"
        );
        // The reopened session can be paid again.
        assert!(matches!(
            db.claim_session("cs_old".into(), 2_100).await.unwrap(),
            Claim::Claimed(_)
        ));
        assert!(db
            .reopen_stale_payments(1_500, 2_200)
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_claim_for_an_attempt_stores_both_or_neither() {
        use crate::domain::session::PaidCard;
        use crate::store::AttemptPayer;
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        db.create_session(session("cs_k", 1_000), None, 1_000)
            .await
            .unwrap();
        let attempt = |key: &str| StoredPaymentAttempt {
            key: key.into(),
            payer: AttemptPayer {
                card: PaidCard {
                    brand: "visa".into(),
                    last4: "4242".into(),
                    exp_month: 12,
                    exp_year: 2034,
                },
                email: "ann@example.com".into(),
                billing_address: None,
                payment_method_id: None,
                tax_id: None,
            },
        };
        assert!(matches!(
            db.claim_session_for_attempt("cs_k".into(), attempt("pa_1"), 1_100)
                .await
                .unwrap(),
            Claim::Claimed(_)
        ));
        // A double click: refused, and the first attempt stays the one stored.
        assert_eq!(
            db.claim_session_for_attempt("cs_k".into(), attempt("pa_2"), 1_150)
                .await
                .unwrap(),
            Claim::NotOpen(CheckoutSessionStatus::Pending)
        );
        assert_eq!(
            db.claim_session_for_attempt("cs_none".into(), attempt("pa_3"), 1_150)
                .await
                .unwrap(),
            Claim::NotFound
        );
        // A crash now: the recovery finds the attempt to ask the processor
        // about, and never reopens the session blindly.
        let stale = db.stale_payment_attempts(1_200).await.unwrap();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].attempt, attempt("pa_1"));
        assert!(db
            .reopen_stale_payments(1_200, 1_300)
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn a_decline_records_payment_failed_and_a_payment_completed_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        db.create_session(session("cs_w", 1_000), None, 1_000)
            .await
            .unwrap();
        assert!(matches!(
            db.claim_session("cs_w".into(), 1_100).await.unwrap(),
            Claim::Claimed(_)
        ));
        let declined = PaymentFailure {
            code: ErrorCode::CardDeclined,
            message: "Your card was declined. Try another card.".into(),
        };
        db.release_session("cs_w".into(), Some(declined), 1_200)
            .await
            .unwrap();
        assert_eq!(event_types(&db).await, ["checkout.session.payment_failed"]);
        // A release that is no decline (nothing was tried) records nothing,
        // nor does one of a session that is not pending.
        db.claim_session("cs_w".into(), 1_300).await.unwrap();
        db.release_session("cs_w".into(), None, 1_300)
            .await
            .unwrap();
        let again = PaymentFailure {
            code: ErrorCode::CardDeclined,
            message: "x".into(),
        };
        db.release_session("cs_w".into(), Some(again), 1_300)
            .await
            .unwrap();
        assert_eq!(event_types(&db).await.len(), 1);

        db.claim_session("cs_w".into(), 1_400).await.unwrap();
        let paid = db
            .complete_session("cs_w".into(), plain_completion(), 1_500)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(paid.status, CheckoutSessionStatus::Succeeded);
        assert_eq!(
            db.complete_session("cs_w".into(), plain_completion(), 1_600)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            event_types(&db).await,
            [
                "checkout.session.payment_failed",
                "checkout.session.completed"
            ]
        );
        // One delivery per event to the one endpoint, due at once.
        assert_eq!(
            crate::store::tests::count(&db, "webhook_deliveries").await,
            2
        );
        let due = db.due_deliveries(1_500, 10, Vec::new()).await.unwrap();
        assert_eq!(due.len(), 2);
        assert_eq!(due[0].endpoint_url, "http://127.0.0.1:9/hook");
        let body: serde_json::Value = serde_json::from_str(&due[1].payload).unwrap();
        assert_eq!(body["data"]["checkoutSession"]["id"], "cs_w");
        assert_eq!(body["data"]["checkoutSession"]["status"], "succeeded");
    }

    #[tokio::test]
    async fn an_open_invoice_is_paid_by_one_session_only() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let invoice = db
            .customer_invoice("cus_bob".into(), "inv_bob_0001".into())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            db.customer_invoice("cus_alice".into(), "inv_bob_0001".into())
                .await
                .unwrap(),
            None,
            "someone else's invoice is not found"
        );
        for id in ["cs_i1", "cs_i2"] {
            let mut s = session(id, 1_000);
            s.session_type = CheckoutSessionType::Invoice;
            s.customer_id = Some("cus_bob".into());
            s.price_id = None;
            s.invoice_id = Some(invoice.id.clone());
            s.line_items = invoice
                .lines
                .iter()
                .map(|l| SoldItem::invoice_line(l, &invoice.currency))
                .collect();
            db.create_session(s, None, 1_000).await.unwrap();
        }
        let Claim::Claimed(first) = db.claim_session("cs_i1".into(), 1_100).await.unwrap() else {
            panic!("not claimed")
        };
        assert_eq!(first.invoice_number.as_deref(), Some("BOB-0001"));
        assert_eq!(first.totals("USD").unwrap().total_due_today, 33000);
        assert_eq!(
            db.claim_session("cs_i2".into(), 1_100).await.unwrap(),
            Claim::InvoiceBeingPaid
        );
        let mut done = plain_completion();
        done.customer = Some(CustomerCompletion {
            customer_id: "cus_bob".into(),
            payment_method: StoredPaymentMethod {
                id: "pm_bob".into(),
                customer_id: "cus_bob".into(),
                brand: "visa".into(),
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2040,
                is_default: false,
                created_at: 1_200,
            },
            make_default: false,
            card_for_subscriptions: CardForSubscriptions::default(),
            subscription: None,
            activation: None,
            invoice: None,
            paid_invoice_id: Some(invoice.id.clone()),
        });
        db.complete_session("cs_i1".into(), done, 1_200)
            .await
            .unwrap()
            .unwrap();
        let paid = db
            .customer_invoice("cus_bob".into(), invoice.id.clone())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(paid.status, "paid");
        assert_eq!(paid.checkout_session_id.as_deref(), Some("cs_i1"));
        assert_eq!(
            db.claim_session("cs_i2".into(), 1_300).await.unwrap(),
            Claim::InvoiceNotOpen("paid".into())
        );
        let types = event_types(&db).await;
        assert_eq!(types, ["checkout.session.completed"]);
        let due = db.due_deliveries(1_300, 10, Vec::new()).await.unwrap();
        let body: serde_json::Value = serde_json::from_str(&due[0].payload).unwrap();
        assert_eq!(body["data"]["invoice"]["status"], "paid");
        assert_eq!(body["data"]["invoice"]["invoiceNumber"], "BOB-0001");
        assert_eq!(body["data"]["checkoutSession"]["invoiceId"], "inv_bob_0001");
        assert_eq!(body["data"]["paymentMethod"]["customerId"], "cus_bob");
        assert!(body["data"].get("purchase").is_none());
    }
}
