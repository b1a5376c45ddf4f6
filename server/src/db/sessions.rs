//! Checkout sessions in the store: create (optionally under an idempotency
//! key), read with lazy expiry, list, claim for payment, record a payment
//! and everything it makes, expire.

use super::idempotency::{self, IdempotencyClaim, Lookup};
use super::{count_u32, enum_text, json_object, json_text, parse_enum, records, Db, DbError};
use crate::billing::{StoredInvoice, StoredPaymentMethod, StoredPurchase};
use crate::session::{
    parse_session_type, session_type_str, AppliedDiscount, CheckoutOptions, PaidCard, SoldItem,
    StoredSession,
};
use crate::subscription::StoredSubscription;
use checkout_protocol::{CheckoutSessionStatus, IntervalUnit};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

/// The stored `price_id` of a session that sells nothing (the v1 column is NOT NULL).
const NO_PRICE: &str = "";

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
    /// The paid invoice.
    pub invoice: Option<StoredInvoice>,
}

/// What a successful payment writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The card that paid (summary only).
    pub card: PaidCard,
    /// The receipt email.
    pub email: String,
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
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(claim) = &claim {
                match idempotency::lookup(&tx, claim, now)? {
                    Lookup::Unused => {}
                    Lookup::Conflict => return Ok(Created::Conflict),
                    Lookup::Same(id) => {
                        expire_if_due(&tx, &id, now)?;
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
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let outcome = match idempotency::lookup(&tx, &claim, now)? {
                Lookup::Unused => None,
                Lookup::Conflict => Some(Created::Conflict),
                Lookup::Same(id) => {
                    expire_if_due(&tx, &id, now)?;
                    select_session(&tx, &id)?.map(|s| Created::Replayed(Box::new(s)))
                }
            };
            tx.commit()?;
            Ok(outcome)
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
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE checkout_sessions SET status = 'expired', updated_at = ?1
                 WHERE status = 'open' AND expires_at <= ?1",
                [now],
            )?;
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
                "SELECT s.*, c.name AS customer_name FROM checkout_sessions s
                 LEFT JOIN customers c ON c.id = s.customer_id
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

    /// Records a successful payment of a `pending` session and everything it
    /// makes (purchase, card, subscription, invoice) in one transaction;
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
            if let Some(p) = &done.purchase {
                records::insert_purchase(&tx, p)?;
            }
            if let Some(c) = &done.customer {
                records::record_customer_payment(&tx, c, now)?;
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
            preserve_billing_cycle_anchor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
            ?21, ?22, ?23, ?24, ?25)",
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
        ],
    )?;
    Ok(())
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
            options: CheckoutOptions {
                request_id: self.request_id,
                discount,
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
    use crate::db::tests::open_seeded;
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
    async fn session_round_trip_with_options_lazy_expiry_and_claim() {
        let dir = tempfile::tempdir().unwrap();
        let db = open_seeded(dir.path(), 1_000).await;
        let mut s = session("cs_a", 1_000);
        s.options = CheckoutOptions {
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
        db.release_session("cs_a".into(), 1_700).await.unwrap();
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
}
