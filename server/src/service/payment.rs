//! Taking a payment: claim the session, store the attempt, charge the card,
//! record what the payment leaves (purchase, card, subscription, invoice) —
//! and settle attempts nobody heard back from.

use crate::domain::authentication;
use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::domain::payment::{
    AttemptOutcome, ChargeError, ChargeReceipt, CheckoutCard, PaymentAttempt,
};
use crate::domain::records::{
    StoredInvoice, StoredInvoiceLine, StoredPaymentMethod, StoredPurchase,
};
use crate::domain::saved_cards;
use crate::domain::session::{
    expired, not_payable, session_not_found, PaidCard, SoldItem, StoredSession, Totals,
};
use crate::domain::subscription::StoredSubscription;
use crate::service::Billing;
use crate::store::{
    Activation, AttemptPayer, AuthenticationClaim, CardForSubscriptions, Claim, Completion,
    CustomerCompletion, PaymentFailure, StoredAuthentication, StoredPaymentAttempt,
};
use checkout_protocol::{
    money, AuthenticationOutcome, CheckoutSessionStatus, CheckoutSessionType, ErrorCode,
    HostedCheckoutSession, PriceType, SubscriptionStatus,
};

/// What a payment came to.
#[derive(Debug)]
pub enum Payment {
    /// Paid: the session as recorded.
    Paid(Box<StoredSession>),
    /// The issuer asks the cardholder to authenticate first (3-D Secure):
    /// the session is open again with the challenge waiting on it, and
    /// nothing was charged. [`authenticate`] finishes it.
    AuthenticationRequired(Box<StoredSession>),
}

/// Claim → store the attempt → charge → record. A decline puts the session
/// back to open and records `checkout.session.payment_failed`; a charge
/// with no answer in time is settled by asking the processor about the
/// attempt ([`settle_attempt`]); a card whose issuer asks for 3-D Secure
/// leaves the session open with the challenge waiting on it. A saved card
/// goes through the same steps as a typed one (`payer.payment_method_id`
/// names it).
pub async fn pay(
    billing: Billing,
    id: String,
    card: CheckoutCard,
    payer: AttemptPayer,
) -> Result<Payment, ApiError> {
    let now = clock::now_ms();
    // The attempt is stored with the claim, before the charge, so whoever
    // finds this session pending later (a retry, the recovery after a
    // crash) can ask the processor about this very attempt instead of
    // guessing; one commit for both.
    let key = new_id(ids::PAYMENT_ATTEMPT)?;
    let stored = StoredPaymentAttempt {
        key: key.clone(),
        payer: payer.clone(),
    };
    let session = match billing
        .db
        .claim_session_for_attempt(id.clone(), stored, now)
        .await?
    {
        Claim::Claimed(s) => *s,
        refused => return Err(claim_refused(refused)),
    };
    let charging = Charging::prepare(&billing, session, key, payer).await?;
    // A charge that outlives the timeout is abandoned; what became of it is
    // then asked of the processor before the session is reopened or paid.
    let answer = tokio::time::timeout(
        billing.payment_timeout,
        charge(
            &billing,
            &charging.attempt,
            charging.totals.total_due_today,
            &charging.totals.currency,
            &card,
        ),
    )
    .await;
    charging.finish(&billing, answer).await
}

/// Finishes the 3-D Secure challenge `authentication_id` of session `id`
/// with the bank's `outcome`: the session is claimed and the challenge
/// taken off it in one step (so a double click charges once), then the
/// processor completes the waiting payment under its attempt key —
/// charged (paid), declined (3178: insufficient funds) or failed (402
/// `authentication_failed`), each recorded as a charge's answer is.
/// Unknown id → 404 `authentication_not_found`; past its end → 410
/// `authentication_expired`; the session stays open to pay again.
pub async fn authenticate(
    billing: Billing,
    id: String,
    authentication_id: String,
    outcome: AuthenticationOutcome,
) -> Result<Payment, ApiError> {
    let now = clock::now_ms();
    let (session, auth) = match billing
        .db
        .claim_authentication(id.clone(), authentication_id, now)
        .await?
    {
        AuthenticationClaim::Claimed(session, auth) => (*session, *auth),
        AuthenticationClaim::NotFound => return Err(authentication::not_found()),
        AuthenticationClaim::Expired => return Err(authentication::expired()),
        AuthenticationClaim::Session(refused) => return Err(claim_refused(refused)),
    };
    let charging = Charging::start(&billing, session, auth.attempt_key.clone(), auth.payer).await?;
    // The amount cannot change while a challenge waits (the discount is
    // locked); should it differ anyway, the bank's approval is not for it.
    if (
        charging.totals.total_due_today,
        charging.totals.currency.as_str(),
    ) != (auth.amount, auth.currency.as_str())
    {
        billing
            .db
            .release_session(id, None, clock::now_ms())
            .await?;
        return Err(ApiError::internal(
            "the authenticated amount is not the session's total",
            &auth.id,
        ));
    }
    let answer = tokio::time::timeout(
        billing.payment_timeout,
        billing
            .payments
            .complete_authentication(&charging.attempt, &auth.reference, outcome),
    )
    .await;
    charging.finish(&billing, answer).await
}

/// Why a claimed-for-payment session could not be claimed.
fn claim_refused(claim: Claim) -> ApiError {
    match claim {
        Claim::NotFound => session_not_found(),
        Claim::Expired => expired(),
        Claim::NotOpen(status) => not_payable(status),
        Claim::InvoiceNotOpen(status) => ApiError::new(
            ErrorCode::InvoiceNotOpen,
            format!("This invoice can no longer be paid; it is {status}."),
        ),
        Claim::InvoiceBeingPaid => ApiError::new(
            ErrorCode::InvoiceNotOpen,
            "This invoice is being paid in another checkout.",
        ),
        Claim::AuthenticationPending => authentication::pending(),
        Claim::Claimed(s) => ApiError::internal("a claimed session was refused", &s.id),
    }
}

/// A claimed session with its attempt stored, about to be charged: what the
/// processor's answer is recorded against. The card's own processor call
/// (a charge, a saved card's, a completed authentication) happens between
/// [`Charging::start`] and [`Charging::finish`].
struct Charging {
    session: StoredSession,
    totals: Totals,
    done: Completion,
    attempt: PaymentAttempt,
    payer: AttemptPayer,
}

impl Charging {
    /// Totals claimed `session`, prepares what its payment records, and
    /// stores attempt `key` for `payer`; the session is released (nothing
    /// was charged) when any of that fails.
    async fn start(
        billing: &Billing,
        session: StoredSession,
        key: String,
        payer: AttemptPayer,
    ) -> Result<Self, ApiError> {
        let charging = Self::prepare(billing, session, key, payer).await?;
        let stored = StoredPaymentAttempt {
            key: charging.attempt.key.clone(),
            payer: charging.payer.clone(),
        };
        if !billing
            .db
            .start_payment_attempt(charging.session.id.clone(), stored)
            .await?
        {
            return Err(ApiError::internal(
                "claimed session was no longer pending",
                &charging.session.id,
            ));
        }
        Ok(charging)
    }

    /// [`Charging::start`] for a session claimed with its attempt already
    /// stored ([`crate::store::Db::claim_session_for_attempt`]): totals and
    /// what the payment records; released (nothing was charged) on failure.
    async fn prepare(
        billing: &Billing,
        session: StoredSession,
        key: String,
        payer: AttemptPayer,
    ) -> Result<Self, ApiError> {
        let now = clock::now_ms();
        let prepared = session
            .totals(&billing.catalog.default_currency())
            .ok_or_else(|| ApiError::internal("session cannot be totalled", &session.id))
            .and_then(|t| completion(&session, &t, &payer, now).map(|c| (t, c)));
        let (totals, done) = match prepared {
            Ok(ready) => ready,
            Err(e) => {
                billing
                    .db
                    .release_session(session.id.clone(), None, clock::now_ms())
                    .await?;
                return Err(e);
            }
        };
        let attempt = PaymentAttempt {
            session_id: session.id.clone(),
            key,
        };
        Ok(Self {
            session,
            totals,
            done,
            attempt,
            payer,
        })
    }

    /// Records the processor's `answer` (or its absence within the payment
    /// timeout) on the pending session.
    async fn finish(
        self,
        billing: &Billing,
        answer: Result<Result<ChargeReceipt, ChargeError>, tokio::time::error::Elapsed>,
    ) -> Result<Payment, ApiError> {
        let Self {
            session,
            totals,
            done,
            attempt,
            payer,
        } = self;
        let id = session.id.clone();
        let answer = match answer {
            Ok(answer) => answer,
            Err(_) => {
                tracing::warn!(session = %session.id, attempt = %attempt.key, timeout = ?billing.payment_timeout, "no answer to a charge in time; asking the processor what became of it");
                return match settle_attempt(billing, &session, &attempt, &payer).await? {
                    Settled::Paid(paid) => Ok(Payment::Paid(paid)),
                    Settled::Reopened => Err(ApiError::internal(
                        "payment processor unavailable",
                        format!("no answer within {:?}", billing.payment_timeout),
                    )),
                    Settled::StillPending => Err(outcome_unknown()),
                };
            }
        };
        match answer {
            Ok(receipt) => {
                tracing::info!(session = %session.id, attempt = %attempt.key, charge = %receipt.charge_id, amount = receipt.amount, "payment succeeded");
                record_paid(billing, id, done)
                    .await
                    .map(|paid| Payment::Paid(Box::new(paid)))
            }
            Err(ChargeError::Declined(decline)) => {
                tracing::info!(session = %session.id, ?decline, "payment declined");
                billing
                    .abuse_limits
                    .declines
                    .record(std::time::Instant::now());
                let failure = PaymentFailure {
                    code: decline.code(),
                    message: decline.message().to_owned(),
                };
                billing
                    .db
                    .release_session(id, Some(failure), clock::now_ms())
                    .await?;
                Err(ApiError::new(decline.code(), decline.message()))
            }
            Err(ChargeError::Unavailable(detail)) => {
                billing
                    .db
                    .release_session(id, None, clock::now_ms())
                    .await?;
                Err(ApiError::internal("payment processor unavailable", detail))
            }
            Err(ChargeError::AuthenticationRequired { reference }) => {
                await_challenge(billing, &session, &totals, attempt, payer, reference).await
            }
            Err(ChargeError::AuthenticationNotFound) => {
                tracing::info!(session = %session.id, attempt = %attempt.key, "the processor no longer knows the authentication; nothing was charged");
                billing
                    .db
                    .release_session(id, None, clock::now_ms())
                    .await?;
                Err(authentication::lost())
            }
        }
    }
}

/// Leaves pending `session` open with the bank's challenge `reference` for
/// `attempt` waiting on it (3-D Secure); nothing was charged.
async fn await_challenge(
    billing: &Billing,
    session: &StoredSession,
    totals: &Totals,
    attempt: PaymentAttempt,
    payer: AttemptPayer,
    reference: String,
) -> Result<Payment, ApiError> {
    let now = clock::now_ms();
    let auth_id = match new_id(ids::AUTHENTICATION) {
        Ok(auth_id) => auth_id,
        Err(e) => {
            billing
                .db
                .release_session(session.id.clone(), None, now)
                .await?;
            return Err(e);
        }
    };
    tracing::info!(session = %session.id, attempt = %attempt.key, authentication = %auth_id, "the issuer asks the cardholder to authenticate");
    let challenge = StoredAuthentication {
        id: auth_id,
        session_id: session.id.clone(),
        attempt_key: attempt.key,
        reference,
        payer,
        amount: totals.total_due_today,
        currency: totals.currency.clone(),
        created_at: now,
        expires_at: authentication::expires_at(now, session.expires_at),
    };
    if !billing.db.await_authentication(challenge, now).await? {
        return Err(ApiError::internal(
            "session was no longer pending when its challenge came",
            &session.id,
        ));
    }
    let open = billing
        .db
        .load_session(session.id.clone(), now)
        .await?
        .ok_or_else(session_not_found)?;
    Ok(Payment::AuthenticationRequired(Box::new(open)))
}

/// Charges a checkout's `card` for `attempt`: the one place a checkout's
/// charge reaches the processor, for a typed card and a saved one alike
/// (so a check every checkout charge needs, such as 3-D Secure, goes here).
async fn charge(
    billing: &Billing,
    attempt: &PaymentAttempt,
    amount: i64,
    currency: &str,
    card: &CheckoutCard,
) -> Result<ChargeReceipt, ChargeError> {
    match card {
        CheckoutCard::Typed(card) => {
            billing
                .payments
                .charge(attempt, amount, currency, card)
                .await
        }
        CheckoutCard::Saved(card) => {
            billing
                .payments
                .charge_saved(attempt, amount, currency, card)
                .await
        }
    }
}

/// Records the payment of pending session `id`. If it is no longer pending
/// the recovery sweep may have recorded this same charge first (it asks
/// about attempts older than twice the payment timeout): a session already
/// `succeeded` is that payment, anything else is an error.
async fn record_paid(
    billing: &Billing,
    id: String,
    done: Completion,
) -> Result<StoredSession, ApiError> {
    let now = clock::now_ms();
    if let Some(paid) = billing.db.complete_session(id.clone(), done, now).await? {
        return Ok(paid);
    }
    match billing.db.load_session(id.clone(), now).await? {
        Some(s) if s.status == CheckoutSessionStatus::Succeeded => Ok(s),
        _ => Err(ApiError::internal(
            "charged session was no longer pending",
            id,
        )),
    }
}

// --- Payment idempotency (issue 13): settling an attempt nobody heard back from. ---

/// What [`settle_attempt`] did with a session whose charge gave no answer.
#[derive(Debug)]
pub enum Settled {
    /// The processor charged the attempt: the session is paid (as recorded now).
    Paid(Box<StoredSession>),
    /// The processor did not charge it: the session is open again.
    Reopened,
    /// The processor cannot tell yet: the session stays `pending`, and the
    /// recovery sweep asks again later.
    StillPending,
}

/// Asks the processor what became of `attempt` on pending `session` and
/// acts on the answer: charged → the session is completed as paid (with
/// what `payer` stored); not charged → it is reopened; unknown (or no
/// answer within the payment timeout) → it stays pending. Never reopens a
/// session the processor may have charged.
pub async fn settle_attempt(
    billing: &Billing,
    session: &StoredSession,
    attempt: &PaymentAttempt,
    payer: &AttemptPayer,
) -> Result<Settled, ApiError> {
    let outcome = tokio::time::timeout(
        billing.payment_timeout,
        billing.payments.attempt_outcome(attempt),
    )
    .await
    .unwrap_or(AttemptOutcome::Unknown);
    match outcome {
        AttemptOutcome::Charged(receipt) => {
            let now = clock::now_ms();
            let t = session
                .totals(&billing.catalog.default_currency())
                .ok_or_else(|| ApiError::internal("session cannot be totalled", &session.id))?;
            let done = completion(session, &t, payer, now)?;
            tracing::info!(session = %session.id, attempt = %attempt.key, charge = %receipt.charge_id, amount = receipt.amount, "the processor charged an attempt whose answer was lost; the session is paid");
            record_paid(billing, session.id.clone(), done)
                .await
                .map(|paid| Settled::Paid(Box::new(paid)))
        }
        AttemptOutcome::NotCharged => {
            tracing::info!(session = %session.id, attempt = %attempt.key, "the processor did not charge the attempt; the session is open again");
            billing
                .db
                .release_session(session.id.clone(), None, clock::now_ms())
                .await?;
            Ok(Settled::Reopened)
        }
        AttemptOutcome::Unknown => {
            tracing::warn!(session = %session.id, attempt = %attempt.key, "the processor cannot tell yet whether the attempt was charged; the session stays pending");
            Ok(Settled::StillPending)
        }
    }
}

/// Settles every session left `pending` past `claimed_before` with a stored
/// attempt (see [`settle_attempt`]); returns how many were paid, reopened
/// and left pending.
pub async fn settle_stale_attempts(
    billing: &Billing,
    claimed_before: i64,
) -> Result<(usize, usize, usize), ApiError> {
    let mut counts = (0, 0, 0);
    for stale in billing.db.stale_payment_attempts(claimed_before).await? {
        let attempt = PaymentAttempt {
            session_id: stale.session.id.clone(),
            key: stale.attempt.key.clone(),
        };
        match settle_attempt(billing, &stale.session, &attempt, &stale.attempt.payer).await? {
            Settled::Paid(_) => counts.0 += 1,
            Settled::Reopened => counts.1 += 1,
            Settled::StillPending => counts.2 += 1,
        }
    }
    Ok(counts)
}

/// The answer to a payer whose charge has no known outcome yet.
fn outcome_unknown() -> ApiError {
    ApiError::new(
        ErrorCode::CheckoutSessionNotOpen,
        "We are still confirming your payment with the card processor. Do not pay again: reload this page in a few minutes to see the result.",
    )
}

/// What a successful payment of `session` records: the purchase (product
/// checkouts of a customer, and single payments without one, as before),
/// and for a signed-in customer the card, the subscription or activation,
/// and a paid invoice with one line per sold price.
fn completion(
    session: &StoredSession,
    t: &Totals,
    payer: &AttemptPayer,
    now: i64,
) -> Result<Completion, ApiError> {
    let paid_card = payer.card.clone();
    let purchase = purchase(session, t, payer, now)?;
    let customer = match &session.customer_id {
        Some(customer_id) => Some(customer_records(
            session,
            t,
            &paid_card,
            payer.payment_method_id.as_deref(),
            purchase.as_ref(),
            customer_id,
            now,
        )?),
        None => None,
    };
    Ok(Completion {
        card: paid_card,
        email: payer.email.clone(),
        billing_address: payer.billing_address.clone(),
        tax_id: payer.tax_id.clone(),
        purchase,
        customer,
    })
}

fn new_id(prefix: &str) -> Result<String, ApiError> {
    ids::new_id(prefix).map_err(|e| ApiError::internal("no randomness for an id", e))
}

/// The line a purchase is of: the subscription price if one is sold, else the first.
fn main_item(session: &StoredSession) -> Option<&SoldItem> {
    session
        .line_items
        .iter()
        .find(|i| i.price_type == PriceType::Subscription)
        .or_else(|| session.line_items.first())
}

fn purchase(
    session: &StoredSession,
    t: &Totals,
    payer: &AttemptPayer,
    now: i64,
) -> Result<Option<StoredPurchase>, ApiError> {
    if session.session_type != CheckoutSessionType::Product {
        return Ok(None);
    }
    let Some(main) = main_item(session) else {
        return Ok(None);
    };
    let recurring = main.price_type == PriceType::Subscription;
    // Without a customer a subscription has no one to belong to.
    if recurring && session.customer_id.is_none() {
        return Ok(None);
    }
    Ok(Some(StoredPurchase {
        id: new_id(ids::PURCHASE)?,
        customer_id: session.customer_id.clone(),
        checkout_session_id: Some(session.id.clone()),
        request_id: session.options.request_id.clone(),
        price_id: main.price_id.clone(),
        price_type: main.price_type,
        quantity: main.quantity,
        amount: t.total_due_today,
        currency: t.currency.clone(),
        name: session
            .output_name
            .clone()
            .unwrap_or_else(|| main.name.clone()),
        metadata: session.output_metadata.clone(),
        status: "paid".to_owned(),
        price_per_billing_cycle: t.recurring.as_ref().map(|r| r.amount),
        interval_unit: main.interval_unit,
        interval_count: main.interval_count,
        trial_period_days: main.trial_period_days,
        billing_address: payer.billing_address.clone(),
        tax_id: payer.tax_id.clone(),
        created_at: now,
    }))
}

/// `saved_card` is the saved card that paid, if one did: the payment is
/// recorded on it instead of saving the card again.
fn customer_records(
    session: &StoredSession,
    t: &Totals,
    card: &PaidCard,
    saved_card: Option<&str>,
    purchase: Option<&StoredPurchase>,
    customer_id: &str,
    now: i64,
) -> Result<CustomerCompletion, ApiError> {
    let kind = session.session_type;
    let payment_method = StoredPaymentMethod {
        id: match saved_card {
            Some(id) => id.to_owned(),
            None => new_id(ids::PAYMENT_METHOD)?,
        },
        customer_id: customer_id.to_owned(),
        brand: card.brand.clone(),
        last4: card.last4.clone(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        is_default: false,
        created_at: now,
    };
    let recurring = session
        .line_items
        .iter()
        .find(|i| i.price_type == PriceType::Subscription);
    let period_end = |item: &SoldItem| {
        item.interval_unit
            .and_then(|unit| clock::add_interval(now, unit, item.interval_count.unwrap_or(1)))
    };
    let subscription = match (kind, recurring) {
        (CheckoutSessionType::Product, Some(item)) => Some(StoredSubscription {
            id: new_id(ids::SUBSCRIPTION)?,
            customer_id: customer_id.to_owned(),
            price_id: item.price_id.clone(),
            status: if item.starts_trial() {
                SubscriptionStatus::Trialing
            } else {
                SubscriptionStatus::Active
            },
            checkout_session_id: Some(session.id.clone()),
            request_id: session.options.request_id.clone(),
            name: Some(
                session
                    .output_name
                    .clone()
                    .unwrap_or_else(|| item.name.clone()),
            ),
            metadata: session.output_metadata.clone(),
            quantity: item.quantity,
            interval_unit: item.interval_unit,
            interval_count: item.interval_count,
            start_date: now,
            current_period_start: Some(now),
            current_period_end: period_end(item),
            trial_end: item
                .trial_period_days
                .filter(|_| item.starts_trial())
                .map(|d| now.saturating_add(i64::from(d) * clock::DAY_MS)),
            cancel_scheduled_at: None,
            canceled_at: None,
            default_payment_method_id: None,
            scheduled_change: None,
            created_at: now,
            updated_at: now,
        }),
        _ => None,
    };
    let activation = match (kind, recurring, &session.options.target_subscription_id) {
        (CheckoutSessionType::ActivateSubscription, Some(item), Some(target)) => Some(Activation {
            subscription_id: target.clone(),
            price_id: item.price_id.clone(),
            interval_unit: item.interval_unit,
            interval_count: item.interval_count,
            period_start: now,
            period_end: period_end(item).unwrap_or(now),
        }),
        _ => None,
    };
    let card_for_subscriptions = match kind {
        CheckoutSessionType::AddPaymentMethod => CardForSubscriptions {
            target: session.options.target_subscription_id.clone(),
            all_current: session.options.automatically_update_subscriptions == Some(true),
        },
        _ => CardForSubscriptions::default(),
    };
    // An invoice session settles the invoice it was made for.
    let paid_invoice_id = match kind {
        CheckoutSessionType::Invoice => session.invoice_id.clone(),
        _ => None,
    };
    let invoice = if session.line_items.is_empty() || paid_invoice_id.is_some() {
        None
    } else {
        let subscription_id = subscription
            .as_ref()
            .map(|s| s.id.clone())
            .or_else(|| activation.as_ref().map(|a| a.subscription_id.clone()));
        Some(invoice(
            session,
            t,
            purchase,
            subscription_id,
            customer_id,
            now,
        )?)
    };
    Ok(CustomerCompletion {
        customer_id: customer_id.to_owned(),
        payment_method,
        make_default: kind == CheckoutSessionType::AddPaymentMethod,
        card_for_subscriptions,
        subscription,
        activation,
        invoice,
        paid_invoice_id,
    })
}

/// The paid invoice: one line per sold price at what it cost today (a line
/// in its free trial is billed at zero); a discount is named in the memo.
fn invoice(
    session: &StoredSession,
    t: &Totals,
    purchase: Option<&StoredPurchase>,
    subscription_id: Option<String>,
    customer_id: &str,
    now: i64,
) -> Result<StoredInvoice, ApiError> {
    let mut lines = Vec::with_capacity(session.line_items.len());
    for item in &session.line_items {
        let (description, price) = match item.trial_period_days.filter(|_| item.starts_trial()) {
            Some(days) => (format!("{} ({days}-day free trial)", item.name), 0),
            None => (item.name.clone(), item.unit_amount),
        };
        lines.push(StoredInvoiceLine {
            id: new_id(ids::INVOICE_LINE)?,
            description,
            price_id: Some(item.price_id.clone()),
            quantity: item.quantity,
            price,
        });
    }
    let subtotal = money::sum(
        lines
            .iter()
            .map(|l| money::line_amount(l.price, l.quantity).unwrap_or(i64::MAX)),
    )
    .ok_or_else(|| ApiError::internal("invoice cannot be totalled", &session.id))?;
    let memo = session
        .options
        .discount
        .as_ref()
        .filter(|_| t.discount > 0)
        .map(|d| format!("Discount {} ({}% off) applied.", d.code, d.percent_off));
    Ok(StoredInvoice {
        id: new_id(ids::INVOICE)?,
        customer_id: customer_id.to_owned(),
        invoice_number: String::new(),
        status: "paid".to_owned(),
        invoice_type: if subscription_id.is_some() {
            "subscription"
        } else {
            "purchase"
        }
        .to_owned(),
        currency: t.currency.clone(),
        subtotal,
        memo,
        purchase_id: purchase.map(|p| p.id.clone()),
        subscription_id,
        checkout_session_id: Some(session.id.clone()),
        invoice_date: now,
        created_at: now,
        lines,
    })
}

/// The session as the page renders it, with the 3-D Secure challenge
/// waiting on it if any; 500 if it cannot be totalled. A paid session's
/// `successRedirectUrl` is the signed one
/// ([`super::redirect::success_redirect`]); an open checkout of a signed-in
/// customer lists their unexpired saved cards
/// ([`StoredSession::offers_saved_cards`]).
pub async fn hosted_view(
    billing: &Billing,
    session: &StoredSession,
) -> Result<HostedCheckoutSession, ApiError> {
    let mut view = session
        .to_hosted(&billing.catalog, &billing.public_url)
        .ok_or_else(|| ApiError::internal("session cannot be totalled", &session.id))?;
    if let (true, Some(customer_id)) = (session.offers_saved_cards(), &session.customer_id) {
        let cards = billing.db.customer_cards(customer_id.clone()).await?;
        view.saved_payment_methods = saved_cards::offered(&cards, clock::now_ms());
    }
    if view.success_redirect_url.is_some() {
        view.success_redirect_url = super::redirect::success_redirect(billing, session).await?;
    }
    // A bank's challenge waiting on an open session: a reload shows it again.
    if session.status == CheckoutSessionStatus::Open {
        view.authentication = billing
            .db
            .pending_authentication(session.id.clone(), clock::now_ms())
            .await?
            .map(|a| a.to_wire());
    }
    Ok(view)
}

/// The saved card `payment_method_id` of the customer paying `session`,
/// checked for a checkout: the session offers saved cards, the card is the
/// customer's and not removed (else 404 `payment_method_not_found`, the
/// same for every case so nothing is revealed about other customers'
/// cards), and it has not expired (400 `card_invalid_expiry`).
pub async fn saved_card_for(
    billing: &Billing,
    session: &StoredSession,
    payment_method_id: &str,
    now: i64,
) -> Result<StoredPaymentMethod, ApiError> {
    let customer_id = match (&session.customer_id, session.offers_saved_cards()) {
        (Some(customer_id), true) => customer_id.clone(),
        _ => return Err(saved_cards::not_found()),
    };
    let card = billing
        .db
        .customer_cards(customer_id)
        .await?
        .into_iter()
        .find(|c| c.id == payment_method_id)
        .ok_or_else(saved_cards::not_found)?;
    if card.is_expired(now) {
        return Err(saved_cards::expired());
    }
    Ok(card)
}
