//! `subscriptions/adjust` end to end on this server: decide the change
//! ([`crate::domain::plan_change`]), mark it in progress, charge the saved
//! card, write it (see `store::plan_change` for the steps). Flowglad's
//! server SDK sends no `Idempotency-Key`, so the charge's attempt key is
//! derived from the subscription's id and version and the plan asked for: a
//! retried or double-clicked change charges once, and once it is written
//! the subscription's version has moved, so a repeat sees "already on this
//! plan" instead of charging again.

use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::payment::{AttemptOutcome, ChargeError, PaymentAttempt, SavedCard};
use crate::domain::plan_change::{
    decide, resolve_target, Decision, PlanChange, TargetPlan, STALE_CHANGE_MS,
};
use crate::domain::records::{
    subscription_view, StoredInvoice, StoredInvoiceLine, StoredPaymentMethod,
};
use crate::domain::subscription::StoredSubscription;
use crate::domain::{catalog::Catalog, ids};
use crate::service::Billing;
use crate::store::{PlanApplied, PlanCharge, PlanClaim, PlanDecline, PlanWrite};
use checkout_protocol::{
    AdjustSubscriptionResponse, AdjustmentTiming, ErrorCode, Price, SubscriptionItem,
    TerseSubscriptionItem,
};
use serde_json::json;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock, PoisonError};

/// How many times a change is decided again when the subscription moved
/// under it (a renewal or another change written meanwhile).
const ATTEMPTS: usize = 4;

/// A plan change as asked, its body already checked for shape.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustRequest {
    /// The plan to move to (one item here).
    pub items: Vec<TerseSubscriptionItem>,
    /// When.
    pub timing: AdjustmentTiming,
    /// Prorate an immediate change.
    pub prorate: bool,
}

/// Changes the plan of one of `customer_id`'s subscriptions:
/// `subscription_id`, or their one current subscription when `None`.
pub async fn adjust(
    billing: &Billing,
    customer_id: &str,
    subscription_id: Option<&str>,
    request: &AdjustRequest,
) -> Result<AdjustSubscriptionResponse, ApiError> {
    for _ in 0..ATTEMPTS {
        let now = clock::now_ms();
        let (subscriptions, cards) = billing
            .db
            .plan_change_context(customer_id.to_owned(), now)
            .await?;
        let sub = pick_subscription(subscriptions, subscription_id)?;
        let catalog = &billing.catalog;
        let old_price = catalog
            .any_price_by_id(&sub.price_id)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                ApiError::internal("plan change", format!("{} has no catalog price", sub.id))
            })?;
        let target = resolve_target(catalog, &request.items, &old_price.currency)?;
        let change = decide(
            &sub,
            &old_price,
            &target,
            request.timing,
            request.prorate,
            now,
        )?;
        if let Some(answer) = attempt(
            billing, &sub, &old_price, &target, &change, &cards, request, now,
        )
        .await?
        {
            return Ok(answer);
        }
    }
    Err(ApiError::new(
        ErrorCode::SubscriptionChangeInProgress,
        "The subscription kept changing while this plan change was made; nothing was charged. Try again.",
    ))
}

/// One try at `change`; `None` when the subscription moved (decide again).
#[allow(clippy::too_many_arguments)]
async fn attempt(
    billing: &Billing,
    sub: &StoredSubscription,
    old_price: &Price,
    target: &TargetPlan,
    change: &PlanChange,
    cards: &[StoredPaymentMethod],
    request: &AdjustRequest,
    now: i64,
) -> Result<Option<AdjustSubscriptionResponse>, ApiError> {
    let catalog = &billing.catalog;
    let answer = |s: &StoredSubscription| response(catalog, s, change);
    let immediate = match &change.decision {
        Decision::AlreadyScheduled => return Ok(Some(answer(sub))),
        Decision::Schedule(scheduled) => {
            let written = billing
                .db
                .schedule_plan_change(sub.clone(), Some(scheduled.clone()), now)
                .await?;
            if let Some(s) = &written {
                tracing::info!(subscription = %s.id, price = %scheduled.price_id, "plan change scheduled for the period end");
            }
            return Ok(written.as_ref().map(answer));
        }
        Decision::DropScheduled => {
            let written = billing
                .db
                .schedule_plan_change(sub.clone(), None, now)
                .await?;
            return Ok(written.as_ref().map(answer));
        }
        Decision::Immediate(immediate) => immediate,
    };
    let mut after = immediate.after.clone();
    // The version must move even within one millisecond of the last write.
    after.updated_at = now.max(sub.updated_at.saturating_add(1));
    let amount = immediate.charge.amount;
    let key = attempt_key(sub, target, amount, request.prorate);
    let card = if amount > 0 {
        Some(paying_card(sub, cards)?)
    } else {
        None
    };
    match billing
        .db
        .claim_plan_change(sub.id.clone(), sub.updated_at, key.clone(), now, now - STALE_CHANGE_MS)
        .await?
    {
        PlanClaim::Claimed => {}
        PlanClaim::Moved => return Ok(None),
        PlanClaim::Stale(held) => {
            return recover_stale(billing, sub, held, now).await;
        }
        PlanClaim::Busy => {
            return Err(ApiError::new(
                ErrorCode::SubscriptionChangeInProgress,
                "Another plan change of this subscription is being made; nothing was charged. Try again in a moment.",
            ))
        }
    }
    // The same change already being charged here (a double click): wait
    // for it and answer what it wrote, rather than asking the processor
    // twice at once (a real one may refuse a key that is in flight).
    let Some(_charging) = Charging::enter(&key) else {
        return wait_for_twin(billing, sub, &key, change).await;
    };
    let currency = old_price.currency.clone();
    let charge = match card {
        None => None,
        Some(card) => {
            let attempt = PaymentAttempt {
                session_id: sub.id.clone(),
                key: key.clone(),
            };
            let charged = tokio::time::timeout(
                billing.payment_timeout,
                billing
                    .payments
                    .charge_saved(&attempt, amount, &currency, &card),
            )
            .await;
            match charged {
                Ok(Ok(receipt)) => Some(PlanCharge {
                    charge_id: receipt.charge_id,
                    payment_method_id: card.payment_method_id.clone(),
                    amount,
                    invoice: invoice(sub, old_price, target, &immediate.charge, &currency, now)?,
                }),
                Ok(Err(ChargeError::Declined(decline))) => {
                    let decline_record = PlanDecline {
                        payment_method_id: card.payment_method_id.clone(),
                        amount,
                        currency: currency.clone(),
                        code: decline.code(),
                        message: decline.message().to_owned(),
                    };
                    billing
                        .db
                        .release_plan_change(sub.id.clone(), key, Some(decline_record), now)
                        .await?;
                    return Err(ApiError::new(
                        decline.code(),
                        format!(
                            "{} The plan was not changed.",
                            decline.message().trim_end_matches(" Try another card.")
                        ),
                    ));
                }
                Ok(Err(ChargeError::Unavailable(detail))) => {
                    billing
                        .db
                        .release_plan_change(sub.id.clone(), key, None, now)
                        .await?;
                    return Err(ApiError::internal("payment processor unavailable", detail));
                }
                // A plan change charges without the customer at the bank,
                // so a card whose issuer asks for 3-D Secure cannot be
                // charged here; nothing was.
                Ok(Err(
                    e @ (ChargeError::AuthenticationRequired { .. }
                    | ChargeError::AuthenticationNotFound),
                )) => {
                    billing
                        .db
                        .release_plan_change(sub.id.clone(), key, None, now)
                        .await?;
                    return Err(ApiError::internal(
                        "a saved card's issuer asked for authentication",
                        e,
                    ));
                }
                // The charge may still go through: the mark stays, so a
                // retry (same key) charges at most once and then writes.
                Err(_) => {
                    return Err(ApiError::internal(
                        "plan change",
                        format!(
                            "no answer from the processor within {:?}",
                            billing.payment_timeout
                        ),
                    ))
                }
            }
        }
    };
    let write = PlanWrite {
        before: sub.clone(),
        after,
        key,
        is_upgrade: change.is_upgrade,
        currency,
        charge,
    };
    match billing.db.apply_plan_change(write, clock::now_ms()).await? {
        PlanApplied::Applied(s) => {
            tracing::info!(subscription = %s.id, price = %s.price_id, quantity = s.quantity, amount, "plan changed");
            Ok(Some(answer(&s)))
        }
        PlanApplied::AlreadyApplied(s) => Ok(Some(answer(&s))),
        PlanApplied::Moved => Err(ApiError::new(
            ErrorCode::SubscriptionChangeInProgress,
            "The subscription changed while this plan change was being charged; check the subscription before trying again.",
        )),
    }
}

/// Attempt keys being charged by this process. A key marked in the store
/// but not here was left by a request that ended (a processor timeout, a
/// crash): a retry with that key charges again safely, since the processor
/// answers a key's first result.
fn charging() -> &'static Mutex<HashSet<String>> {
    static KEYS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    KEYS.get_or_init(Mutex::default)
}

/// One attempt key held in [`charging`] until dropped.
struct Charging(String);

impl Charging {
    /// Holds `key`; `None` when another request of this process holds it.
    fn enter(key: &str) -> Option<Self> {
        let mut keys = charging().lock().unwrap_or_else(PoisonError::into_inner);
        keys.insert(key.to_owned()).then(|| Self(key.to_owned()))
    }

    fn held(key: &str) -> bool {
        charging()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(key)
    }
}

impl Drop for Charging {
    fn drop(&mut self) {
        charging()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.0);
    }
}

/// Waits for the request charging `key` to finish; its result when it wrote
/// the change, else `None` (decide again).
async fn wait_for_twin(
    billing: &Billing,
    sub: &StoredSubscription,
    key: &str,
    change: &PlanChange,
) -> Result<Option<AdjustSubscriptionResponse>, ApiError> {
    let deadline = tokio::time::Instant::now() + billing.payment_timeout * 2;
    while Charging::held(key) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let applied = billing
        .db
        .plan_change_applied(
            sub.customer_id.clone(),
            sub.id.clone(),
            key.to_owned(),
            clock::now_ms(),
        )
        .await?;
    Ok(applied.map(|s| response(&billing.catalog, &s, change)))
}

/// A change marked long ago and never written: released when the processor
/// says it was not charged (then the caller decides again), else refused —
/// a charge that may have gone through is never followed by a second one.
async fn recover_stale(
    billing: &Billing,
    sub: &StoredSubscription,
    held: String,
    now: i64,
) -> Result<Option<AdjustSubscriptionResponse>, ApiError> {
    let attempt = PaymentAttempt {
        session_id: sub.id.clone(),
        key: held.clone(),
    };
    match billing.payments.attempt_outcome(&attempt).await {
        AttemptOutcome::NotCharged => {
            tracing::warn!(subscription = %sub.id, attempt = %held, "releasing a plan change left unfinished; it was not charged");
            billing
                .db
                .release_plan_change(sub.id.clone(), held, None, now)
                .await?;
            Ok(None)
        }
        outcome => {
            tracing::error!(subscription = %sub.id, attempt = %held, ?outcome, "a plan change left unfinished may have been charged; refusing further changes until it is resolved");
            Err(ApiError::new(
                ErrorCode::SubscriptionChangeInProgress,
                "An earlier plan change of this subscription was not finished and may have been charged; nothing was charged now. Contact support before trying again.",
            ))
        }
    }
}

/// The subscription to change: the one named (404 for anyone else's), or
/// the customer's one current subscription.
fn pick_subscription(
    subscriptions: Vec<StoredSubscription>,
    id: Option<&str>,
) -> Result<StoredSubscription, ApiError> {
    if let Some(id) = id {
        return subscriptions
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| {
                let shown: String = id.chars().take(64).collect();
                // The same answer as for an id that does not exist: someone
                // else's subscription is not revealed.
                ApiError::new(
                    ErrorCode::SubscriptionNotFound,
                    format!("You have no subscription with id `{shown}`."),
                )
            });
    }
    let mut current = subscriptions.into_iter().filter(|s| s.status.is_current());
    match (current.next(), current.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(ApiError::new(
            ErrorCode::SubscriptionRequired,
            "You have no current subscription to change.",
        )),
        (Some(_), Some(_)) => Err(ApiError::new(
            ErrorCode::SubscriptionAmbiguous,
            "You have several current subscriptions; give subscriptionId to say which one to change.",
        )),
    }
}

/// The card a plan change is charged to: the subscription's own card while
/// the customer still has it, else the customer's default card.
fn paying_card(
    sub: &StoredSubscription,
    cards: &[StoredPaymentMethod],
) -> Result<SavedCard, ApiError> {
    let card = sub
        .default_payment_method_id
        .as_deref()
        .and_then(|id| cards.iter().find(|c| c.id == id))
        .or_else(|| cards.iter().find(|c| c.is_default))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::PaymentMethodRequired,
                "This plan change is charged now, and you have no saved default card; add a payment method first. Nothing was changed.",
            )
        })?;
    Ok(SavedCard {
        payment_method_id: card.id.clone(),
        brand: card.brand.clone(),
        last4: card.last4.clone(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
    })
}

/// The charge's attempt key: the same change of the same version of the
/// subscription always gets the same key (`pa_` + 32 hex).
fn attempt_key(
    sub: &StoredSubscription,
    target: &TargetPlan,
    amount: i64,
    prorate: bool,
) -> String {
    let hash = crate::service::idempotency::body_hash(&json!([
        "subscriptions/adjust",
        sub.id,
        sub.updated_at,
        target.price.id,
        target.quantity,
        amount,
        prorate
    ]));
    format!(
        "{}{}",
        ids::PAYMENT_ATTEMPT,
        hash.get(..32).unwrap_or(&hash)
    )
}

/// The paid invoice of an immediate change: the new plan's line and, when
/// there is one, the credit for the old plan's unused time.
fn invoice(
    sub: &StoredSubscription,
    old_price: &Price,
    target: &TargetPlan,
    charge: &crate::domain::plan_change::Proration,
    currency: &str,
    now: i64,
) -> Result<StoredInvoice, ApiError> {
    let id = |prefix: &str| {
        ids::new_id(prefix).map_err(|e| ApiError::internal("plan change invoice id", e))
    };
    let label = |p: &Price| {
        p.name
            .clone()
            .or_else(|| p.slug.clone())
            .unwrap_or_else(|| p.id.clone())
    };
    let mut lines = vec![StoredInvoiceLine {
        id: id(ids::INVOICE_LINE)?,
        description: format!(
            "{} — {} × {}",
            target.product_name,
            label(&target.price),
            target.quantity
        ),
        price_id: Some(target.price.id.clone()),
        quantity: 1,
        price: charge.new_plan,
    }];
    if charge.credit > 0 {
        lines.push(StoredInvoiceLine {
            id: id(ids::INVOICE_LINE)?,
            description: format!("Unused time on {} × {}", label(old_price), sub.quantity),
            price_id: Some(old_price.id.clone()),
            quantity: 1,
            price: -charge.credit,
        });
    }
    Ok(StoredInvoice {
        id: id(ids::INVOICE)?,
        customer_id: sub.customer_id.clone(),
        invoice_number: String::new(),
        status: "paid".to_owned(),
        invoice_type: "subscription".to_owned(),
        currency: currency.to_owned(),
        subtotal: charge.amount,
        memo: Some(format!("Plan change to {}", label(&target.price))),
        purchase_id: None,
        subscription_id: Some(sub.id.clone()),
        checkout_session_id: None,
        invoice_date: now,
        created_at: now,
        lines,
    })
}

/// Flowglad's answer: the subscription, its items, the upgrade flag and
/// when the change takes effect.
fn response(
    catalog: &Catalog,
    s: &StoredSubscription,
    change: &PlanChange,
) -> AdjustSubscriptionResponse {
    let item = catalog
        .any_price_by_id(&s.price_id)
        .map(|(product, price)| SubscriptionItem {
            id: format!("si_{}", s.id.trim_start_matches("sub_")),
            subscription_id: s.id.clone(),
            price_id: Some(price.id.clone()),
            name: Some(product.name.clone()),
            quantity: s.quantity,
            unit_price: price.unit_price,
            item_type: "static".to_owned(),
            added_date: s.start_date,
            expired_at: None,
            external_id: None,
            manually_created: false,
            pricing_model_id: catalog.pricing_model.id.clone(),
            livemode: false,
            created_at: s.created_at,
            updated_at: s.updated_at,
        });
    AdjustSubscriptionResponse {
        subscription: subscription_view(s, catalog),
        subscription_items: item.into_iter().collect(),
        is_upgrade: change.is_upgrade,
        resolved_timing: change.resolved_timing,
    }
}
