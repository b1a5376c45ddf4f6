//! Checkout sessions in the store: create (optionally under an idempotency
//! key), read with lazy expiry, list, claim for payment, record a payment
//! and everything it makes, apply a discount code, expire. Every change of
//! state follows [`crate::lifecycle`] and records its webhook event in the
//! same transaction.

use super::idempotency::{self, IdempotencyClaim, Lookup};
use super::outbox::Outbox;
use super::{
    address_of, address_text, count_u32, enum_text, json_object, json_text, parse_enum, records,
    Db, DbError,
};
use crate::billing::{StoredInvoice, StoredPaymentMethod, StoredPurchase};
use crate::lifecycle::Transition;
use crate::session::{
    parse_session_type, session_type_str, AppliedDiscount, CheckoutOptions, PaidCard, SoldItem,
    StoredSession,
};
use crate::subscription::StoredSubscription;
use crate::webhook::payload::{self, CompletedRecords};
use checkout_protocol::{BillingAddress, CheckoutSessionStatus, ErrorCode, IntervalUnit};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use std::sync::Arc;

/// The stored `price_id` of a session that sells nothing (the v1 column is NOT NULL).
const NO_PRICE: &str = "";

/// What every session read selects: the row, the customer's name and the
/// paid invoice's number.
const SESSION_SELECT: &str =
    "SELECT s.*, c.name AS customer_name, i.invoice_number AS invoice_number
     FROM checkout_sessions s
     LEFT JOIN customers c ON c.id = s.customer_id
     LEFT JOIN invoices i ON i.id = s.invoice_id";

/// Outcome of creating a session.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// The new session was stored.
    New(Box<StoredSession>),
    /// The idempotency key was already used for this same request: the
    /// session it created (the new one was not stored).
    Replayed(Box<StoredSession>),
    /// The idempotency key was already used for a different request.
    Conflict,
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

/// Result of applying or removing a discount code on the hosted page.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscountChange {
    /// The session with its new discount.
    Changed(Box<StoredSession>),
    /// No such session.
    NotFound,
    /// The session is past its expiry.
    Expired,
    /// The session is being paid or was paid.
    NotOpen(CheckoutSessionStatus),
}

/// Why a payment attempt failed, for `checkout.session.payment_failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFailure {
    /// The stable code the customer was answered with.
    pub code: ErrorCode,
    /// The message the customer was shown.
    pub message: String,
}

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
    /// The purchase to create.
    pub purchase: Option<StoredPurchase>,
    /// The customer's records, when the session has a customer.
    pub customer: Option<CustomerCompletion>,
}

/// Filters of the platform list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionFilter {
    /// Only this customer's (platform id).
    pub customer_id: Option<String>,
    /// Only this customer's (merchant's id).
    pub customer_external_id: Option<String>,
    /// Only sessions in this state.
    pub status: Option<CheckoutSessionStatus>,
}

/// One page of the platform list.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionPage {
    /// Newest first.
    pub sessions: Vec<StoredSession>,
    /// Whether more follow.
    pub has_more: bool,
    /// Sessions matching the filters over all pages.
    pub total: u64,
}

impl Db {
    /// Stores a new session; with a `claim`, only if its idempotency key is
    /// unused (else the session the key made, or a conflict). The check and
    /// the insert are one transaction, so concurrent requests with one key
    /// store one session.
    pub async fn create_session(
        &self,
        s: StoredSession,
        claim: Option<IdempotencyClaim>,
        now: i64,
    ) -> Result<Created, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(claim) = &claim {
                match idempotency::lookup(&tx, claim, now)? {
                    Lookup::Unused => {}
                    Lookup::Conflict => return Ok(Created::Conflict),
                    Lookup::Same(id) => {
                        expire_due(&tx, &outbox, Some(&id), now)?;
                        let existing = select_session(&tx, &id)?.ok_or_else(|| {
                            DbError::Corrupt(format!("idempotency key names missing session {id}"))
                        })?;
                        tx.commit()?;
                        return Ok(Created::Replayed(Box::new(existing)));
                    }
                }
            }
            insert_session(&tx, &s)?;
            if let Some(claim) = &claim {
                idempotency::record(&tx, claim, &s.id, now)?;
            }
            tx.commit()?;
            Ok(Created::New(Box::new(s)))
        })
        .await
    }

    /// The session an unexpired idempotency key made, if the key was used
    /// for this same request; [`Created::Conflict`] if for another; `None` if unused.
    pub async fn replay(
        &self,
        claim: IdempotencyClaim,
        now: i64,
    ) -> Result<Option<Created>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let outcome = match idempotency::lookup(&tx, &claim, now)? {
                Lookup::Unused => None,
                Lookup::Conflict => Some(Created::Conflict),
                Lookup::Same(id) => {
                    expire_due(&tx, &outbox, Some(&id), now)?;
                    select_session(&tx, &id)?.map(|s| Created::Replayed(Box::new(s)))
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    /// Reads a session, first expiring it if it is open and past its expiry.
    pub async fn load_session(
        &self,
        id: String,
        now: i64,
    ) -> Result<Option<StoredSession>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_due(&tx, &outbox, Some(&id), now)?;
            let session = select_session(&tx, &id)?;
            tx.commit()?;
            Ok(session)
        })
        .await
    }

    /// Expires every open session past its expiry (the background sweep),
    /// recording `checkout.session.expired` for each; returns how many.
    pub async fn expire_due_sessions(&self, now: i64) -> Result<usize, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let expired = expire_due(&tx, &outbox, None, now)?;
            tx.commit()?;
            Ok(expired)
        })
        .await
    }

    /// One page of sessions, newest first (by creation time, then id),
    /// strictly after `after` (the last `(created_at, id)` of the previous
    /// page). Open sessions past their expiry are expired first.
    pub async fn list_sessions(
        &self,
        filter: SessionFilter,
        after: Option<(i64, String)>,
        limit: u32,
        now: i64,
    ) -> Result<SessionPage, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_due(&tx, &outbox, None, now)?;
            let status = filter.status.map(CheckoutSessionStatus::as_str);
            const FILTERS: &str = "(?1 IS NULL OR s.customer_id = ?1)
                 AND (?2 IS NULL OR c.external_id = ?2)
                 AND (?3 IS NULL OR s.status = ?3)";
            let total: i64 = tx.query_row(
                &format!(
                    "SELECT count(*) FROM checkout_sessions s LEFT JOIN customers c ON c.id = s.customer_id
                     WHERE {FILTERS}"
                ),
                params![filter.customer_id, filter.customer_external_id, status],
                |r| r.get(0),
            )?;
            let (after_at, after_id) = after.map_or((None, None), |(at, id)| (Some(at), Some(id)));
            let mut stmt = tx.prepare(&format!(
                "{SESSION_SELECT}
                 WHERE {FILTERS}
                   AND (?4 IS NULL OR s.created_at < ?4 OR (s.created_at = ?4 AND s.id < ?5))
                 ORDER BY s.created_at DESC, s.id DESC
                 LIMIT ?6"
            ))?;
            let columns = stmt
                .query_map(
                    params![
                        filter.customer_id,
                        filter.customer_external_id,
                        status,
                        after_at,
                        after_id,
                        i64::from(limit) + 1
                    ],
                    SessionColumns::read,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            drop(stmt);
            tx.commit()?;
            let mut sessions = columns
                .into_iter()
                .map(SessionColumns::into_session)
                .collect::<Result<Vec<_>, _>>()?;
            let has_more = sessions.len() > usize::try_from(limit).unwrap_or(usize::MAX);
            sessions.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(SessionPage {
                sessions,
                has_more,
                total: u64::try_from(total).unwrap_or(0),
            })
        })
        .await
    }

    /// Atomically moves an open, unexpired session to `pending` for one
    /// payer. An invoice session is claimed only while its invoice is open
    /// and no other session is paying it.
    pub async fn claim_session(&self, id: String, now: i64) -> Result<Claim, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_due(&tx, &outbox, Some(&id), now)?;
            let Some(current) = select_session(&tx, &id)? else {
                return Ok(Claim::NotFound);
            };
            let claim = match current.status {
                CheckoutSessionStatus::Expired => Claim::Expired,
                CheckoutSessionStatus::Open => match invoice_block(&tx, &current)? {
                    Some(blocked) => blocked,
                    None => match (
                        transition(&tx, &id, Transition::Claim, now)?,
                        select_session(&tx, &id)?,
                    ) {
                        (true, Some(s)) => {
                            // A new attempt: forget the last one's key, so a
                            // crash before this one is stored reopens the
                            // session instead of asking about an old attempt.
                            tx.execute(
                                "UPDATE checkout_sessions SET payment_attempt_key = NULL, payment_attempt_payer = NULL WHERE id = ?1",
                                [&id],
                            )?;
                            Claim::Claimed(Box::new(s))
                        }
                        (_, s) => Claim::NotOpen(s.map_or(current.status, |s| s.status)),
                    },
                },
                other => Claim::NotOpen(other),
            };
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
                    let event = payload::payment_failed(
                        outbox.catalog(),
                        &session,
                        f.code,
                        &f.message,
                        now,
                    )?;
                    outbox.record(&tx, &event, now)?;
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
            let mut subscription = None;
            let mut invoice = None;
            let mut payment_method = None;
            if let Some(c) = &done.customer {
                let card_id = records::record_customer_payment(&tx, c, &id, now)?;
                // The subscription started, activated, or given the new card.
                let subscription_id = c
                    .subscription
                    .as_ref()
                    .map(|s| s.id.clone())
                    .or_else(|| c.activation.as_ref().map(|a| a.subscription_id.clone()))
                    .or_else(|| c.card_for_subscriptions.target.clone());
                if let Some(sub) = subscription_id {
                    subscription = records::customer_subscription(&tx, &c.customer_id, &sub, now)?;
                }
                let invoice_id = c
                    .invoice
                    .as_ref()
                    .map(|i| i.id.clone())
                    .or_else(|| c.paid_invoice_id.clone());
                if let Some(invoice_id) = invoice_id {
                    invoice = records::select_invoice(&tx, &invoice_id)?;
                }
                payment_method = records::payment_method_with_owner(&tx, &card_id)?;
            }
            tx.execute(
                "UPDATE checkout_sessions SET card_brand = ?2, card_last4 = ?3, card_exp_month = ?4,
                    card_exp_year = ?5, customer_email = ?6, purchase_id = ?7, billing_address = ?8
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
            let event = payload::completed(outbox.catalog(), &written, now)?;
            outbox.record(&tx, &event, now)?;
            tx.commit()?;
            Ok(Some(written.session))
        })
        .await
    }

    /// Applies (or with `None` removes) a discount code on an open,
    /// unexpired session; nothing changes once it is being paid.
    pub async fn change_discount(
        &self,
        id: String,
        discount: Option<AppliedDiscount>,
        now: i64,
    ) -> Result<DiscountChange, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_due(&tx, &outbox, Some(&id), now)?;
            let Some(current) = select_session(&tx, &id)? else {
                return Ok(DiscountChange::NotFound);
            };
            let outcome = match current.status {
                CheckoutSessionStatus::Open => {
                    tx.execute(
                        "UPDATE checkout_sessions SET discount_id = ?2, discount_code = ?3,
                            discount_percent_off = ?4, updated_at = ?5
                         WHERE id = ?1 AND status = 'open'",
                        params![
                            id,
                            discount.as_ref().map(|d| &d.id),
                            discount.as_ref().map(|d| &d.code),
                            discount.as_ref().map(|d| d.percent_off),
                            now
                        ],
                    )?;
                    let updated = select_session(&tx, &id)?
                        .ok_or_else(|| DbError::Corrupt(format!("session {id} vanished")))?;
                    DiscountChange::Changed(Box::new(updated))
                }
                CheckoutSessionStatus::Expired => DiscountChange::Expired,
                other => DiscountChange::NotOpen(other),
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await
    }

    /// Expires an open session (platform API), recording `checkout.session.expired`.
    pub async fn expire_session(&self, id: String, now: i64) -> Result<Expire, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(current) = select_session(&tx, &id)? else {
                return Ok(Expire::NotFound);
            };
            let outcome = match mark_expired(&tx, &outbox, &id, now)? {
                Some(s) => Expire::Expired(Box::new(s)),
                None => Expire::NotOpen(current.status),
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

/// Applies `t` to session `id` if it is in the state `t` starts from;
/// returns whether it was.
fn transition(conn: &Connection, id: &str, t: Transition, now: i64) -> Result<bool, DbError> {
    let changed = conn.execute(
        "UPDATE checkout_sessions SET status = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?2",
        params![id, t.from().as_str(), t.to().as_str(), now],
    )?;
    Ok(changed == 1)
}

/// Expires session `id` if it is open, recording `checkout.session.expired`;
/// the expired session, or `None` if it was not open.
fn mark_expired(
    conn: &Connection,
    outbox: &Outbox,
    id: &str,
    now: i64,
) -> Result<Option<StoredSession>, DbError> {
    if !transition(conn, id, Transition::Expire, now)? {
        return Ok(None);
    }
    let session = select_session(conn, id)?
        .ok_or_else(|| DbError::Corrupt(format!("session {id} vanished")))?;
    outbox.record(
        conn,
        &payload::expired(outbox.catalog(), &session, now)?,
        now,
    )?;
    Ok(Some(session))
}

/// Expires the open sessions past their expiry (just `only`, or all);
/// returns how many.
fn expire_due(
    conn: &Connection,
    outbox: &Outbox,
    only: Option<&str>,
    now: i64,
) -> Result<usize, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM checkout_sessions
         WHERE status = 'open' AND expires_at <= ?1 AND (?2 IS NULL OR id = ?2)",
    )?;
    let due = stmt
        .query_map(params![now, only], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);
    let mut expired = 0;
    for id in due {
        if mark_expired(conn, outbox, &id, now)?.is_some() {
            expired += 1;
        }
    }
    Ok(expired)
}

/// Why an open invoice session cannot be claimed now, if it cannot.
fn invoice_block(conn: &Connection, session: &StoredSession) -> Result<Option<Claim>, DbError> {
    let Some(invoice_id) = &session.invoice_id else {
        return Ok(None);
    };
    let status: Option<String> = conn
        .query_row(
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
    let being_paid: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM checkout_sessions WHERE invoice_id = ?1 AND status = 'pending' AND id != ?2)",
        params![invoice_id, session.id],
        |r| r.get(0),
    )?;
    Ok(being_paid.then_some(Claim::InvoiceBeingPaid))
}

fn insert_session(conn: &Connection, s: &StoredSession) -> Result<(), DbError> {
    let line_items =
        serde_json::to_string(&s.line_items).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let metadata = json_text(s.output_metadata.as_ref())?;
    let o = &s.options;
    let collection = o
        .billing_address_collection
        .as_ref()
        .map(enum_text)
        .transpose()?;
    conn.execute(
        "INSERT INTO checkout_sessions (id, type, status, customer_id, price_id, quantity, success_url,
            cancel_url, output_name, output_metadata, customer_email, line_items, created_at, updated_at,
            expires_at, request_id, discount_id, discount_code, discount_percent_off, allow_promotion_codes,
            billing_address_collection, trial_days, target_subscription_id, automatically_update_subscriptions,
            preserve_billing_cycle_anchor, invoice_id, billing_address, discount_code_prefilled)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
            ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
        params![
            s.id,
            session_type_str(s.session_type),
            s.status.as_str(),
            s.customer_id,
            s.price_id.as_deref().unwrap_or(NO_PRICE),
            s.quantity,
            s.success_url,
            s.cancel_url,
            s.output_name,
            metadata,
            s.customer_email,
            line_items,
            s.created_at,
            s.updated_at,
            s.expires_at,
            o.request_id,
            o.discount.as_ref().map(|d| &d.id),
            o.discount.as_ref().map(|d| &d.code),
            o.discount.as_ref().map(|d| d.percent_off),
            o.allow_promotion_codes,
            collection,
            o.trial_days,
            o.target_subscription_id,
            o.automatically_update_subscriptions,
            o.preserve_billing_cycle_anchor,
            s.invoice_id,
            address_text(s.billing_address.as_ref())?,
            o.discount_code_prefilled,
        ],
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
    request_id: Option<String>,
    discount_id: Option<String>,
    discount_code: Option<String>,
    discount_percent_off: Option<u32>,
    allow_promotion_codes: Option<bool>,
    billing_address_collection: Option<String>,
    trial_days: Option<u32>,
    target_subscription_id: Option<String>,
    automatically_update_subscriptions: Option<bool>,
    preserve_billing_cycle_anchor: bool,
    invoice_id: Option<String>,
    invoice_number: Option<String>,
    billing_address: Option<String>,
    discount_code_prefilled: bool,
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
            request_id: r.get("request_id")?,
            discount_id: r.get("discount_id")?,
            discount_code: r.get("discount_code")?,
            discount_percent_off: r.get("discount_percent_off")?,
            allow_promotion_codes: r.get("allow_promotion_codes")?,
            billing_address_collection: r.get("billing_address_collection")?,
            trial_days: r.get("trial_days")?,
            target_subscription_id: r.get("target_subscription_id")?,
            automatically_update_subscriptions: r.get("automatically_update_subscriptions")?,
            preserve_billing_cycle_anchor: r.get("preserve_billing_cycle_anchor")?,
            invoice_id: r.get("invoice_id")?,
            invoice_number: r.get("invoice_number")?,
            billing_address: r.get("billing_address")?,
            discount_code_prefilled: r.get("discount_code_prefilled")?,
        })
    }

    fn into_session(self) -> Result<StoredSession, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("session {}: {what}", self.id));
        let session_type =
            parse_session_type(&self.session_type).ok_or_else(|| corrupt("unknown type"))?;
        let status =
            CheckoutSessionStatus::parse(&self.status).ok_or_else(|| corrupt("unknown status"))?;
        let quantity = count_u32(self.quantity, "quantity")?;
        let line_items: Vec<SoldItem> =
            serde_json::from_str(&self.line_items).map_err(|_| corrupt("unreadable line_items"))?;
        let output_metadata = json_object(self.output_metadata, "output_metadata")?;
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
        let discount = match (
            self.discount_id,
            self.discount_code,
            self.discount_percent_off,
        ) {
            (Some(id), Some(code), Some(percent_off)) => Some(AppliedDiscount {
                id,
                code,
                percent_off,
            }),
            _ => None,
        };
        let billing_address_collection = self
            .billing_address_collection
            .as_deref()
            .map(|t| parse_enum(t, "billing address collection"))
            .transpose()?;
        Ok(StoredSession {
            id: self.id,
            session_type,
            status,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            customer_email: self.customer_email,
            price_id: Some(self.price_id).filter(|p| p != NO_PRICE),
            quantity,
            success_url: self.success_url,
            cancel_url: self.cancel_url,
            output_name: self.output_name,
            output_metadata,
            line_items,
            card,
            purchase_id: self.purchase_id,
            invoice_id: self.invoice_id,
            invoice_number: self.invoice_number,
            billing_address: address_of(self.billing_address, "billing address")?,
            options: CheckoutOptions {
                request_id: self.request_id,
                discount,
                discount_code_prefilled: self.discount_code_prefilled,
                allow_promotion_codes: self.allow_promotion_codes,
                billing_address_collection,
                trial_days: self.trial_days,
                target_subscription_id: self.target_subscription_id,
                automatically_update_subscriptions: self.automatically_update_subscriptions,
                preserve_billing_cycle_anchor: self.preserve_billing_cycle_anchor,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
            expires_at: self.expires_at,
        })
    }
}

pub(super) fn select_session(
    conn: &Connection,
    id: &str,
) -> Result<Option<StoredSession>, DbError> {
    let columns = conn
        .query_row(
            &format!("{SESSION_SELECT} WHERE s.id = ?1"),
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
    use crate::db::tests::{count, open_seeded};
    use crate::db::IDEMPOTENCY_TTL_MS;
    use checkout_protocol::{BillingAddressCollection, CheckoutSessionType, PriceType};

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
            price_id: Some(price.id.clone()),
            quantity: 1,
            success_url: Some("https://shop.test/ok?id={CHECKOUT_SESSION_ID}".into()),
            cancel_url: None,
            output_name: None,
            output_metadata: None,
            line_items: vec![SoldItem::of(product, price, 1)],
            card: None,
            purchase_id: None,
            invoice_id: None,
            invoice_number: None,
            billing_address: None,
            options: CheckoutOptions::default(),
            created_at: now,
            updated_at: now,
            expires_at: now + 1000,
        }
    }

    fn claim(key: &str, hash: &str) -> IdempotencyClaim {
        IdempotencyClaim {
            scope: "anonymous".into(),
            key: key.into(),
            action: "checkout-sessions/create".into(),
            body_hash: hash.into(),
        }
    }

    fn created_id(c: Created) -> String {
        match c {
            Created::New(s) | Created::Replayed(s) => s.id,
            Created::Conflict => panic!("conflict"),
        }
    }

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
    async fn session_round_trip_with_options_lazy_expiry_and_claim() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let mut s = session("cs_a", 1_000);
        s.options = CheckoutOptions {
            discount_code_prefilled: true,
            request_id: Some("req-1".into()),
            discount: Some(AppliedDiscount {
                id: "disc_welcome10".into(),
                code: "WELCOME10".into(),
                percent_off: 10,
            }),
            allow_promotion_codes: Some(true),
            billing_address_collection: Some(BillingAddressCollection::Required),
            trial_days: Some(3),
            target_subscription_id: None,
            automatically_update_subscriptions: None,
            preserve_billing_cycle_anchor: true,
        };
        assert!(matches!(
            db.create_session(s.clone(), None, 1_000).await.unwrap(),
            Created::New(_)
        ));
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
        db.release_session("cs_a".into(), None, 1_700)
            .await
            .unwrap();
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
    async fn a_session_without_a_price_reads_back_without_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let mut s = session("cs_card", 1_000);
        s.session_type = CheckoutSessionType::AddPaymentMethod;
        s.price_id = None;
        s.line_items.clear();
        db.create_session(s, None, 1_000).await.unwrap();
        let back = db
            .load_session("cs_card".into(), 1_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.price_id, None);
        assert_eq!(back.session_type, CheckoutSessionType::AddPaymentMethod);
    }

    #[tokio::test]
    async fn idempotency_keys_replay_conflict_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let first = created_id(
            db.create_session(session("cs_1", 1_000), Some(claim("k", "h1")), 1_000)
                .await
                .unwrap(),
        );
        assert_eq!(first, "cs_1");
        // Same key and body: the first session, the second is not stored.
        let again = db
            .create_session(session("cs_2", 1_100), Some(claim("k", "h1")), 1_100)
            .await
            .unwrap();
        assert!(matches!(&again, Created::Replayed(s) if s.id == "cs_1"));
        assert_eq!(db.load_session("cs_2".into(), 1_100).await.unwrap(), None);
        assert!(matches!(
            db.replay(claim("k", "h1"), 1_100).await.unwrap(),
            Some(Created::Replayed(_))
        ));
        // Same key, other body or other action: conflict.
        assert_eq!(
            db.create_session(session("cs_3", 1_200), Some(claim("k", "h2")), 1_200)
                .await
                .unwrap(),
            Created::Conflict
        );
        let mut other_action = claim("k", "h1");
        other_action.action = "checkout-sessions/create-add-payment-method".into();
        assert_eq!(
            db.replay(other_action, 1_200).await.unwrap(),
            Some(Created::Conflict)
        );
        // Another caller's key space is separate.
        let mut other_caller = claim("k", "h2");
        other_caller.scope = "customer:cus_bob".into();
        assert_eq!(
            created_id(
                db.create_session(session("cs_4", 1_300), Some(other_caller), 1_300)
                    .await
                    .unwrap()
            ),
            "cs_4"
        );
        // After 24 h the key is free again.
        let later = 1_000 + IDEMPOTENCY_TTL_MS;
        assert_eq!(db.replay(claim("k", "h2"), later).await.unwrap(), None);
        assert_eq!(
            created_id(
                db.create_session(session("cs_5", later), Some(claim("k", "h2")), later)
                    .await
                    .unwrap()
            ),
            "cs_5"
        );
    }

    #[tokio::test]
    async fn completion_records_purchase_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        db.create_session(session("cs_b", 1_000), None, 1_000)
            .await
            .unwrap();
        let done = Completion {
            billing_address: None,
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
    async fn listing_pages_newest_first_with_filters() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        for (i, at) in [(1, 1_000), (2, 1_000), (3, 1_001), (4, 1_002)] {
            let mut s = session(&format!("cs_{i}"), at);
            s.expires_at = 10_000;
            if i == 4 {
                s.customer_id = None;
            }
            db.create_session(s, None, at).await.unwrap();
        }
        let ids = |p: &SessionPage| p.sessions.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        let first = db
            .list_sessions(SessionFilter::default(), None, 3, 2_000)
            .await
            .unwrap();
        assert_eq!(ids(&first), ["cs_4", "cs_3", "cs_2"]);
        assert!(first.has_more);
        assert_eq!(first.total, 4);
        let second = db
            .list_sessions(
                SessionFilter::default(),
                Some((1_000, "cs_2".into())),
                3,
                2_000,
            )
            .await
            .unwrap();
        assert_eq!(ids(&second), ["cs_1"]);
        assert!(!second.has_more);
        let alice = SessionFilter {
            customer_external_id: Some("alice".into()),
            ..SessionFilter::default()
        };
        let page = db.list_sessions(alice, None, 10, 2_000).await.unwrap();
        assert_eq!((page.total, page.sessions.len()), (3, 3));
        // Listing expires due sessions before filtering by status.
        let open = SessionFilter {
            status: Some(CheckoutSessionStatus::Open),
            ..SessionFilter::default()
        };
        assert_eq!(
            db.list_sessions(open.clone(), None, 10, 9_999)
                .await
                .unwrap()
                .total,
            4
        );
        assert_eq!(
            db.list_sessions(open, None, 10, 10_000)
                .await
                .unwrap()
                .total,
            0
        );
    }

    fn paid_card() -> PaidCard {
        PaidCard {
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year: 2040,
        }
    }

    fn plain_completion() -> Completion {
        Completion {
            card: paid_card(),
            email: "alice@example.com".into(),
            billing_address: None,
            purchase: None,
            customer: None,
        }
    }

    async fn event_types(db: &Db) -> Vec<String> {
        db.call(|c| {
            let mut stmt =
                c.prepare("SELECT type FROM webhook_events ORDER BY created_at, rowid")?;
            let types = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(types)
        })
        .await
        .unwrap()
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
        assert_eq!(crate::db::tests::count(&db, "webhook_deliveries").await, 2);
        let due = db.due_deliveries(1_500, 10, Vec::new()).await.unwrap();
        assert_eq!(due.len(), 2);
        assert_eq!(due[0].endpoint_url, "http://127.0.0.1:9/hook");
        let body: serde_json::Value = serde_json::from_str(&due[1].payload).unwrap();
        assert_eq!(body["data"]["checkoutSession"]["id"], "cs_w");
        assert_eq!(body["data"]["checkoutSession"]["status"], "succeeded");
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
        assert_eq!(crate::db::tests::count(&db, "webhook_deliveries").await, 0);
        let still = db
            .load_session("cs_r".into(), 1_300)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(still.status, CheckoutSessionStatus::Pending);
        assert_eq!(db.purchase_count("cs_r".into()).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn expiry_records_one_event_whichever_path_comes_first() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        for id in ["cs_e1", "cs_e2", "cs_e3", "cs_e4", "cs_e5"] {
            let mut s = session(id, 1_000);
            s.expires_at = 2_000;
            db.create_session(s, None, 1_000).await.unwrap();
        }
        // A read before expiry changes nothing; at expiry it expires once.
        db.load_session("cs_e1".into(), 1_999).await.unwrap();
        assert!(event_types(&db).await.is_empty());
        let read = db
            .load_session("cs_e1".into(), 2_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.status, CheckoutSessionStatus::Expired);
        db.load_session("cs_e1".into(), 2_100).await.unwrap();
        assert_eq!(event_types(&db).await.len(), 1);
        // The merchant ends one; a second expire is refused.
        assert!(matches!(
            db.expire_session("cs_e4".into(), 1_500).await.unwrap(),
            Expire::Expired(_)
        ));
        assert_eq!(
            db.expire_session("cs_e4".into(), 1_600).await.unwrap(),
            Expire::NotOpen(CheckoutSessionStatus::Expired)
        );
        // The sweep takes the rest that are due; a second sweep finds none.
        assert_eq!(db.expire_due_sessions(2_500).await.unwrap(), 3);
        assert_eq!(db.expire_due_sessions(2_600).await.unwrap(), 0);
        let types = event_types(&db).await;
        assert_eq!(types.len(), 5);
        assert!(
            types.iter().all(|t| t == "checkout.session.expired"),
            "{types:?}"
        );
        // A session being paid does not expire under its payer.
        let mut paying = session("cs_p", 3_000);
        paying.expires_at = 4_000;
        db.create_session(paying, None, 3_000).await.unwrap();
        db.claim_session("cs_p".into(), 3_500).await.unwrap();
        assert_eq!(db.expire_due_sessions(5_000).await.unwrap(), 0);
        let listed = db
            .list_sessions(SessionFilter::default(), None, 10, 5_000)
            .await
            .unwrap();
        assert_eq!(listed.total, 6);
        assert_eq!(event_types(&db).await.len(), 5);
    }

    #[tokio::test]
    async fn a_discount_changes_only_while_the_session_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        db.create_session(session("cs_d", 1_000), None, 1_000)
            .await
            .unwrap();
        let welcome = AppliedDiscount {
            id: "disc_welcome10".into(),
            code: "WELCOME10".into(),
            percent_off: 10,
        };
        let DiscountChange::Changed(s) = db
            .change_discount("cs_d".into(), Some(welcome.clone()), 1_100)
            .await
            .unwrap()
        else {
            panic!("not changed")
        };
        assert_eq!(s.options.discount.as_ref(), Some(&welcome));
        assert_eq!(s.totals("USD").unwrap().total_due_today, 4410);
        let DiscountChange::Changed(s) = db
            .change_discount("cs_d".into(), None, 1_200)
            .await
            .unwrap()
        else {
            panic!("not changed")
        };
        assert_eq!(s.options.discount, None);
        db.claim_session("cs_d".into(), 1_300).await.unwrap();
        assert_eq!(
            db.change_discount("cs_d".into(), Some(welcome.clone()), 1_400)
                .await
                .unwrap(),
            DiscountChange::NotOpen(CheckoutSessionStatus::Pending)
        );
        assert_eq!(
            db.change_discount("cs_missing".into(), None, 1_400)
                .await
                .unwrap(),
            DiscountChange::NotFound
        );
        db.create_session(session("cs_d2", 1_000), None, 1_000)
            .await
            .unwrap();
        assert_eq!(
            db.change_discount("cs_d2".into(), Some(welcome), 5_000)
                .await
                .unwrap(),
            DiscountChange::Expired
        );
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
