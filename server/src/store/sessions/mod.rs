//! Checkout sessions in the store: create (optionally under an idempotency
//! key), read with lazy expiry, list, apply a discount code, expire. Paying
//! for a session is in [`payment`] (claim and release) and [`completion`]
//! (what a successful payment writes); reading and writing the row itself
//! is in [`rows`]. Every change of state follows [`crate::domain::lifecycle`] and
//! records its webhook event in the same transaction.

// 3-D Secure in test mode (issue 16).
mod authentication;
mod completion;
mod payment;
mod rows;

pub use authentication::{AuthenticationClaim, StoredAuthentication};
pub use completion::{Activation, CardForSubscriptions, Completion, CustomerCompletion};
pub use payment::{Claim, PaymentFailure};
pub(super) use rows::select_session;

use super::idempotency::{self, IdempotencyClaim, Lookup};
use super::outbox::Outbox;
use super::{Db, DbError};
use crate::domain::lifecycle::Transition;
use crate::domain::session::{AppliedDiscount, StoredSession};
use crate::store::cached::CachedStatements;
use crate::store::events;
use checkout_protocol::CheckoutSessionStatus;
use rows::{insert_session, SessionColumns, SESSION_SELECT};
use rusqlite::{params, Connection, TransactionBehavior};
use std::sync::Arc;

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

/// Result of changing an open session on the hosted page (its discount
/// code or its quantity).
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEdit {
    /// The session as changed.
    Changed(Box<StoredSession>),
    /// No such session.
    NotFound,
    /// The session is past its expiry.
    Expired,
    /// The session is being paid or was paid: what is charged is what its
    /// claim read, so it no longer changes.
    NotOpen(CheckoutSessionStatus),
    /// A payment waits for the bank's authentication (3-D Secure) of the
    /// amount as it is: nothing may change under it.
    AuthenticationPending,
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
            let total: i64 = tx.query_row_cached(
                &format!(
                    "SELECT count(*) FROM checkout_sessions s LEFT JOIN customers c ON c.id = s.customer_id
                     WHERE {FILTERS}"
                ),
                params![filter.customer_id, filter.customer_external_id, status],
                |r| r.get(0),
            )?;
            let (after_at, after_id) = after.map_or((None, None), |(at, id)| (Some(at), Some(id)));
            let mut stmt = tx.prepare_cached(&format!(
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

    /// Applies (or with `None` removes) a discount code on an open,
    /// unexpired session; nothing changes once it is being paid.
    pub async fn change_discount(
        &self,
        id: String,
        discount: Option<AppliedDiscount>,
        now: i64,
    ) -> Result<SessionEdit, DbError> {
        self.edit_open(id, now, move |tx, current| {
            tx.execute_cached(
                "UPDATE checkout_sessions SET discount_id = ?2, discount_code = ?3,
                    discount_percent_off = ?4, updated_at = ?5
                 WHERE id = ?1 AND status = 'open'",
                params![
                    current.id,
                    discount.as_ref().map(|d| &d.id),
                    discount.as_ref().map(|d| &d.code),
                    discount.as_ref().map(|d| d.percent_off),
                    now
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// Sets the quantity of an open, unexpired session's one line (the
    /// caller checked it is adjustable and within bounds). One transaction
    /// with the status check, so a session claimed for payment keeps the
    /// quantity it was claimed with: a payment charges the totals read by
    /// its claim, and a change after that finds it `pending` and changes nothing.
    pub async fn change_quantity(
        &self,
        id: String,
        quantity: u32,
        now: i64,
    ) -> Result<SessionEdit, DbError> {
        self.edit_open(id, now, move |tx, current| {
            let changed = current.clone().with_quantity(quantity);
            let line_items = serde_json::to_string(&changed.line_items)
                .map_err(|e| DbError::Corrupt(e.to_string()))?;
            tx.execute_cached(
                "UPDATE checkout_sessions SET quantity = ?2, line_items = ?3, updated_at = ?4
                 WHERE id = ?1 AND status = 'open'",
                params![current.id, quantity, line_items, now],
            )?;
            Ok(())
        })
        .await
    }

    /// Runs `edit` on an open, unexpired session with no payment waiting for
    /// its bank, in one transaction with those checks, and reads the session
    /// back; any other state is answered without running it.
    async fn edit_open(
        &self,
        id: String,
        now: i64,
        edit: impl FnOnce(&rusqlite::Transaction<'_>, &StoredSession) -> Result<(), DbError>
            + Send
            + 'static,
    ) -> Result<SessionEdit, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            expire_due(&tx, &outbox, Some(&id), now)?;
            let Some(current) = select_session(&tx, &id)? else {
                return Ok(SessionEdit::NotFound);
            };
            let outcome = match current.status {
                CheckoutSessionStatus::Open if authentication::waiting(&tx, &id, now)? => {
                    SessionEdit::AuthenticationPending
                }
                CheckoutSessionStatus::Open => {
                    edit(&tx, &current)?;
                    let updated = select_session(&tx, &id)?
                        .ok_or_else(|| DbError::Corrupt(format!("session {id} vanished")))?;
                    SessionEdit::Changed(Box::new(updated))
                }
                CheckoutSessionStatus::Expired => SessionEdit::Expired,
                other => SessionEdit::NotOpen(other),
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
            Ok(conn.query_row_cached(
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
    let changed = conn.execute_cached(
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
        &events::expired(outbox.catalog(), &session, now)?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;
    use crate::domain::session::{CheckoutOptions, PaidCard, SoldItem};
    use crate::store::tests::open_seeded;
    use crate::store::IDEMPOTENCY_TTL_MS;
    use checkout_protocol::CheckoutSessionType;

    pub(super) fn session(id: &str, now: i64) -> StoredSession {
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
            subscription_id: None,
            invoice_id: None,
            invoice_number: None,
            billing_address: None,
            tax_id: None,
            options: CheckoutOptions::default(),
            created_at: now,
            updated_at: now,
            expires_at: now + 1000,
        }
    }

    pub(super) fn claim(key: &str, hash: &str) -> IdempotencyClaim {
        IdempotencyClaim {
            scope: "anonymous".into(),
            key: key.into(),
            action: "checkout-sessions/create".into(),
            body_hash: hash.into(),
        }
    }

    pub(super) fn created_id(c: Created) -> String {
        match c {
            Created::New(s) | Created::Replayed(s) => s.id,
            Created::Conflict => panic!("conflict"),
        }
    }

    pub(super) fn paid_card() -> PaidCard {
        PaidCard {
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year: 2040,
        }
    }

    pub(super) fn plain_completion() -> Completion {
        Completion {
            card: paid_card(),
            email: "alice@example.com".into(),
            billing_address: None,
            tax_id: None,
            purchase: None,
            customer: None,
        }
    }

    pub(super) async fn event_types(db: &Db) -> Vec<String> {
        db.call(|c| {
            let mut stmt =
                c.prepare_cached("SELECT type FROM webhook_events ORDER BY created_at, rowid")?;
            let types = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(types)
        })
        .await
        .unwrap()
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
        let SessionEdit::Changed(s) = db
            .change_discount("cs_d".into(), Some(welcome.clone()), 1_100)
            .await
            .unwrap()
        else {
            panic!("not changed")
        };
        assert_eq!(s.options.discount.as_ref(), Some(&welcome));
        assert_eq!(s.totals("USD").unwrap().total_due_today, 4410);
        let SessionEdit::Changed(s) = db
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
            SessionEdit::NotOpen(CheckoutSessionStatus::Pending)
        );
        assert_eq!(
            db.change_discount("cs_missing".into(), None, 1_400)
                .await
                .unwrap(),
            SessionEdit::NotFound
        );
        db.create_session(session("cs_d2", 1_000), None, 1_000)
            .await
            .unwrap();
        assert_eq!(
            db.change_discount("cs_d2".into(), Some(welcome), 5_000)
                .await
                .unwrap(),
            SessionEdit::Expired
        );
    }
}
