//! Resource claims: made and released in one IMMEDIATE transaction each,
//! which reads the subscription (settled to `now`) and counts the claims
//! held before writing, so concurrent claims never hold more than the
//! capacity, and a named claim is held at most once (also enforced by the
//! `resource_claims_named` unique index).

use super::records::customer_subscription;
use super::{json_object, json_text, Db, DbError};
use crate::domain::catalog::Catalog;
use crate::domain::ids;
use crate::domain::resource::{
    capacity, CheckedClaim, CheckedRelease, ClaimRequest, ReleaseRequest, StoredClaim,
    RELEASED_BY_CALL,
};
use crate::domain::subscription::StoredSubscription;
use crate::store::cached::CachedStatements;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use std::sync::Arc;

/// What a claim did.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimOutcome {
    /// The claims asked for are held (new ones, or named ones held before).
    Claimed {
        /// The subscription, settled (boxed: the other outcomes are small).
        subscription: Box<StoredSubscription>,
        /// The claims, in the order asked.
        claims: Vec<StoredClaim>,
        /// Claims held on the resource now.
        held: i64,
    },
    /// More than the capacity would be held: nothing was claimed.
    OverCapacity {
        /// The capacity.
        capacity: i64,
        /// Claims held.
        held: i64,
        /// New claims asked for.
        requested: i64,
    },
    /// The subscription does not exist or is someone else's.
    NoSuchSubscription,
    /// The subscription is the customer's but has ended.
    NotCurrent,
}

/// What a release did.
#[derive(Debug, Clone, PartialEq)]
pub enum ReleaseOutcome {
    /// The claims were released.
    Released {
        /// The subscription, settled (boxed: the other outcomes are small).
        subscription: Box<StoredSubscription>,
        /// The claims released.
        claims: Vec<StoredClaim>,
        /// Claims held on the resource now.
        held: i64,
    },
    /// A claim named is not held (or too few anonymous ones are): nothing
    /// was released. Says which.
    Missing(String),
    /// The subscription does not exist or is someone else's.
    NoSuchSubscription,
}

const COLUMNS: &str = "id, customer_id, subscription_id, resource_id, external_id, metadata,
     claimed_at, released_at, release_reason, updated_at";

impl Db {
    /// Makes the claims of `claim` on a subscription of `customer_id`, in
    /// one transaction, never holding more than the subscription's capacity.
    pub async fn claim_resource(
        &self,
        customer_id: String,
        subscription_id: String,
        claim: CheckedClaim,
        catalog: Arc<Catalog>,
        now: i64,
    ) -> Result<ClaimOutcome, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(subscription) =
                customer_subscription(&tx, &outbox, &customer_id, &subscription_id, now)?
            else {
                return Ok(ClaimOutcome::NoSuchSubscription);
            };
            if !subscription.status.is_current() {
                tx.commit()?;
                return Ok(ClaimOutcome::NotCurrent);
            }
            let resource_id = claim.resource.id.clone();
            let held_before = held_count(&tx, &subscription_id, &resource_id)?;
            let capacity = capacity(&subscription, &catalog, &resource_id);
            let new_claim = |external_id: Option<String>| -> Result<StoredClaim, DbError> {
                Ok(StoredClaim {
                    id: ids::new_id(ids::RESOURCE_CLAIM)
                        .map_err(|e| DbError::Random(e.to_string()))?,
                    customer_id: customer_id.clone(),
                    subscription_id: subscription_id.clone(),
                    resource_id: resource_id.clone(),
                    external_id,
                    metadata: claim.metadata.clone(),
                    claimed_at: now,
                    released_at: None,
                    release_reason: None,
                    updated_at: now,
                })
            };
            // Each entry: a claim held before (named) or one to insert.
            let mut wanted: Vec<(StoredClaim, bool)> = Vec::new();
            match &claim.request {
                ClaimRequest::Anonymous(n) => {
                    for _ in 0..*n {
                        wanted.push((new_claim(None)?, true));
                    }
                }
                ClaimRequest::Named(names) => {
                    for name in names {
                        match held_named(&tx, &subscription_id, &resource_id, name)? {
                            Some(existing) => wanted.push((existing, false)),
                            None => wanted.push((new_claim(Some(name.clone()))?, true)),
                        }
                    }
                }
            }
            let requested =
                i64::try_from(wanted.iter().filter(|(_, new)| *new).count()).unwrap_or(i64::MAX);
            if held_before.saturating_add(requested) > capacity {
                tx.commit()?;
                return Ok(ClaimOutcome::OverCapacity {
                    capacity,
                    held: held_before,
                    requested,
                });
            }
            for (c, new) in &wanted {
                if *new {
                    insert_claim(&tx, c)?;
                }
            }
            tx.commit()?;
            Ok(ClaimOutcome::Claimed {
                subscription: Box::new(subscription),
                claims: wanted.into_iter().map(|(c, _)| c).collect(),
                held: held_before.saturating_add(requested),
            })
        })
        .await
    }

    /// Releases the claims of `release` on a subscription of `customer_id`,
    /// all or none, in one transaction.
    pub async fn release_resource(
        &self,
        customer_id: String,
        subscription_id: String,
        release: CheckedRelease,
        now: i64,
    ) -> Result<ReleaseOutcome, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(subscription) =
                customer_subscription(&tx, &outbox, &customer_id, &subscription_id, now)?
            else {
                return Ok(ReleaseOutcome::NoSuchSubscription);
            };
            let resource_id = release.resource.id.clone();
            let held = held_claims(&tx, &subscription_id, Some(&resource_id))?;
            let mut chosen: Vec<StoredClaim> = Vec::new();
            match &release.request {
                ReleaseRequest::Anonymous(n) => {
                    let anonymous: Vec<_> =
                        held.iter().filter(|c| c.external_id.is_none()).collect();
                    let n = usize::try_from(*n).unwrap_or(usize::MAX);
                    if anonymous.len() < n {
                        tx.commit()?;
                        return Ok(ReleaseOutcome::Missing(format!(
                            "only {} anonymous claims are held",
                            anonymous.len()
                        )));
                    }
                    chosen.extend(anonymous.into_iter().take(n).cloned());
                }
                ReleaseRequest::Named(names) => {
                    for name in names {
                        match held.iter().find(|c| c.external_id.as_ref() == Some(name)) {
                            Some(c) => chosen.push(c.clone()),
                            None => {
                                tx.commit()?;
                                return Ok(ReleaseOutcome::Missing(format!(
                                    "no claim with externalId `{}` is held",
                                    name.chars().take(64).collect::<String>()
                                )));
                            }
                        }
                    }
                }
                ReleaseRequest::Ids(wanted) => {
                    for id in wanted {
                        match held.iter().find(|c| &c.id == id) {
                            Some(c) => chosen.push(c.clone()),
                            None => {
                                tx.commit()?;
                                return Ok(ReleaseOutcome::Missing(format!(
                                    "no claim `{}` is held",
                                    id.chars().take(64).collect::<String>()
                                )));
                            }
                        }
                    }
                }
            }
            for c in &mut chosen {
                tx.execute_cached(
                    "UPDATE resource_claims SET released_at = ?1, release_reason = ?2, updated_at = ?1
                     WHERE id = ?3 AND released_at IS NULL",
                    params![now, RELEASED_BY_CALL, c.id],
                )?;
                c.released_at = Some(now);
                c.release_reason = Some(RELEASED_BY_CALL.to_owned());
                c.updated_at = now;
            }
            tx.commit()?;
            let left = i64::try_from(held.len().saturating_sub(chosen.len())).unwrap_or(i64::MAX);
            Ok(ReleaseOutcome::Released {
                subscription: Box::new(subscription),
                claims: chosen,
                held: left,
            })
        })
        .await
    }

    /// A subscription of `customer_id` (settled to `now`) and the claims held
    /// on it, oldest first; `None` if it is not theirs.
    pub async fn resource_claims(
        &self,
        customer_id: String,
        subscription_id: String,
        now: i64,
    ) -> Result<Option<(StoredSubscription, Vec<StoredClaim>)>, DbError> {
        let outbox = Arc::clone(&self.outbox);
        self.call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(subscription) =
                customer_subscription(&tx, &outbox, &customer_id, &subscription_id, now)?
            else {
                return Ok(None);
            };
            let claims = held_claims(&tx, &subscription_id, None)?;
            tx.commit()?;
            Ok(Some((subscription, claims)))
        })
        .await
    }
}

fn held_count(conn: &Connection, subscription_id: &str, resource_id: &str) -> Result<i64, DbError> {
    Ok(conn.query_row_cached(
        "SELECT COUNT(*) FROM resource_claims
         WHERE subscription_id = ?1 AND resource_id = ?2 AND released_at IS NULL",
        params![subscription_id, resource_id],
        |r| r.get(0),
    )?)
}

fn held_named(
    conn: &Connection,
    subscription_id: &str,
    resource_id: &str,
    external_id: &str,
) -> Result<Option<StoredClaim>, DbError> {
    conn.query_row_cached(
        &format!(
            "SELECT {COLUMNS} FROM resource_claims
             WHERE subscription_id = ?1 AND resource_id = ?2 AND external_id = ?3
               AND released_at IS NULL"
        ),
        params![subscription_id, resource_id, external_id],
        read_claim,
    )
    .optional()?
    .transpose()
}

/// Claims held on a subscription (on one resource, or all), oldest first.
fn held_claims(
    conn: &Connection,
    subscription_id: &str,
    resource_id: Option<&str>,
) -> Result<Vec<StoredClaim>, DbError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM resource_claims
         WHERE subscription_id = ?1 AND (?2 IS NULL OR resource_id = ?2) AND released_at IS NULL
         ORDER BY claimed_at, rowid"
    ))?;
    let rows = stmt
        .query_map(params![subscription_id, resource_id], read_claim)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().collect()
}

fn insert_claim(conn: &Connection, c: &StoredClaim) -> Result<(), DbError> {
    conn.execute_cached(
        &format!("INSERT INTO resource_claims ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
        params![
            c.id,
            c.customer_id,
            c.subscription_id,
            c.resource_id,
            c.external_id,
            json_text(c.metadata.as_ref())?,
            c.claimed_at,
            c.released_at,
            c.release_reason,
            c.updated_at
        ],
    )?;
    Ok(())
}

fn read_claim(r: &Row<'_>) -> rusqlite::Result<Result<StoredClaim, DbError>> {
    let metadata: Option<String> = r.get(5)?;
    Ok(Ok(StoredClaim {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        subscription_id: r.get(2)?,
        resource_id: r.get(3)?,
        external_id: r.get(4)?,
        metadata: match json_object(metadata, "resource claim metadata") {
            Ok(m) => m,
            Err(e) => return Ok(Err(e)),
        },
        claimed_at: r.get(6)?,
        released_at: r.get(7)?,
        release_reason: r.get(8)?,
        updated_at: r.get(9)?,
    }))
}
