//! The public hosted-page API: read a session for the checkout page and
//! confirm a payment. Anyone holding the unguessable session id may pay.

use crate::db::{Claim, Completion, NewPurchase, NewSubscription};
use crate::error::ApiError;
use crate::extract::{PathParam, RawBody};
use crate::payment::{ChargeError, ValidatedCard};
use crate::session::{totals, PaidCard, StoredSession, Totals};
use crate::state::AppState;
use crate::{clock, ids, validation};
use axum::extract::State;
use axum::Json;
use checkout_protocol::card::{self, CardBrand};
use checkout_protocol::{
    CardDetails, CheckoutSessionStatus, ConfirmPaymentRequest, ConfirmPaymentResponse, ErrorCode,
    HostedCheckoutSession, RouteResponse,
};

/// `GET /api/checkout-sessions/{id}`: the session as the page shows it.
pub async fn get_session(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> Result<Json<RouteResponse<HostedCheckoutSession>>, ApiError> {
    let session = state
        .db
        .load_session(id, clock::now_ms())
        .await?
        .ok_or_else(session_not_found)?;
    Ok(Json(RouteResponse::data(hosted_view(&state, &session)?)))
}

/// `POST /api/checkout-sessions/{id}/confirm`: validates the card and email,
/// claims the session, charges, and records the result.
pub async fn confirm(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    body: RawBody,
) -> Result<Json<RouteResponse<ConfirmPaymentResponse>>, ApiError> {
    let now = clock::now_ms();
    let session = state
        .db
        .load_session(id.clone(), now)
        .await?
        .ok_or_else(session_not_found)?;
    ensure_payable(session.status)?;
    let request: ConfirmPaymentRequest = body.json()?;
    // A session created for a signed-in customer has its email locked.
    let email = match &session.customer_email {
        Some(locked) => locked.clone(),
        None => validation::email(&request.email).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidEmail, validation::INVALID_EMAIL_MESSAGE)
        })?,
    };
    let card = validate_card(&request.card, now)?;
    // Run the payment in its own task: if the customer's connection drops
    // mid-charge, the session is still settled instead of left pending.
    let paid = tokio::spawn(pay(state.clone(), id, card, email))
        .await
        .map_err(|e| ApiError::internal("payment task failed", e))??;
    Ok(Json(RouteResponse::data(ConfirmPaymentResponse {
        checkout_session: hosted_view(&state, &paid)?,
        redirect_url: paid.success_redirect(&state.public_url),
    })))
}

/// Claim → charge → record. A decline puts the session back to open.
async fn pay(
    state: AppState,
    id: String,
    card: ValidatedCard,
    email: String,
) -> Result<StoredSession, ApiError> {
    let now = clock::now_ms();
    let session = match state.db.claim_session(id.clone(), now).await? {
        Claim::Claimed(s) => *s,
        Claim::NotFound => return Err(session_not_found()),
        Claim::Expired => return Err(expired()),
        Claim::NotOpen(status) => {
            return Err(ensure_payable(status)
                .err()
                .unwrap_or_else(|| not_open("This checkout is not open.")))
        }
    };
    let prepared = totals(&session.line_items)
        .ok_or_else(|| ApiError::internal("session cannot be totalled", &session.id))
        .and_then(|t| completion(&session, &t, &card, email, now).map(|c| (t, c)));
    let (t, done) = match prepared {
        Ok(ready) => ready,
        Err(e) => {
            state.db.release_session(id, clock::now_ms()).await?;
            return Err(e);
        }
    };
    match state
        .payments
        .charge(t.total_due_today, &t.currency, &card)
        .await
    {
        Ok(receipt) => {
            tracing::info!(session = %session.id, charge = %receipt.charge_id, amount = receipt.amount, "payment succeeded");
        }
        Err(failure) => {
            state.db.release_session(id, clock::now_ms()).await?;
            return Err(match failure {
                ChargeError::Declined(decline) => {
                    tracing::info!(session = %session.id, ?decline, "payment declined");
                    ApiError::new(decline.code(), decline.message())
                }
                ChargeError::Unavailable(detail) => {
                    ApiError::internal("payment processor unavailable", detail)
                }
            });
        }
    }
    state
        .db
        .complete_session(id, done, clock::now_ms())
        .await?
        .ok_or_else(|| ApiError::internal("charged session was no longer pending", &session.id))
}

/// What a successful payment of `session` records.
fn completion(
    session: &StoredSession,
    t: &Totals,
    card: &ValidatedCard,
    email: String,
    now: i64,
) -> Result<Completion, ApiError> {
    let new_id =
        |prefix| ids::new_id(prefix).map_err(|e| ApiError::internal("no randomness for an id", e));
    let first = session.line_items.first();
    let purchase = match &t.recurring {
        None => Some(NewPurchase {
            id: new_id(ids::PURCHASE)?,
            amount: t.total_due_today,
            currency: t.currency.clone(),
            name: session
                .output_name
                .clone()
                .or_else(|| first.map(|i| i.name.clone()))
                .unwrap_or_default(),
        }),
        Some(_) => None,
    };
    let subscription = match (&t.recurring, &session.customer_id) {
        (Some(_), Some(_)) => Some(NewSubscription {
            id: new_id(ids::SUBSCRIPTION)?,
            status: if t.trial_days.is_some() {
                "trialing"
            } else {
                "active"
            }
            .to_owned(),
            trial_ends_at: t
                .trial_days
                .map(|d| now.saturating_add(i64::from(d) * 24 * clock::HOUR_MS)),
        }),
        _ => None,
    };
    Ok(Completion {
        card: PaidCard {
            brand: card.brand.as_str().to_owned(),
            last4: card.last4().to_owned(),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
        },
        email,
        purchase,
        subscription,
    })
}

/// Checks number (Luhn), expiry (against the current UTC month) and CVC.
pub fn validate_card(details: &CardDetails, now_ms: i64) -> Result<ValidatedCard, ApiError> {
    let digits = card::validate_number(&details.number).map_err(|code| {
        ApiError::new(
            code,
            "Check the card number; it is not a valid card number.",
        )
    })?;
    let (year, month) = clock::utc_year_month(now_ms);
    if !card::expiry_valid(details.exp_month, details.exp_year, year, month) {
        return Err(ApiError::new(
            ErrorCode::CardInvalidExpiry,
            "Check the expiry date; it is invalid or in the past.",
        ));
    }
    let brand = CardBrand::detect(&digits);
    if !card::cvc_valid(brand, &details.cvc) {
        return Err(ApiError::new(
            ErrorCode::CardInvalidCvc,
            format!(
                "Check the security code; {} cards have {} digits.",
                brand.display_name(),
                brand.cvc_len()
            ),
        ));
    }
    Ok(ValidatedCard::new(
        digits,
        details.exp_month,
        details.exp_year,
    ))
}

/// `Ok` for an open session; 410 for an expired one; 409 otherwise.
fn ensure_payable(status: CheckoutSessionStatus) -> Result<(), ApiError> {
    match status {
        CheckoutSessionStatus::Open => Ok(()),
        CheckoutSessionStatus::Expired => Err(expired()),
        CheckoutSessionStatus::Succeeded => Err(not_open("This checkout has already been paid.")),
        CheckoutSessionStatus::Pending => Err(not_open(
            "A payment for this checkout is already in progress.",
        )),
        CheckoutSessionStatus::Failed => Err(not_open("This checkout can no longer be paid.")),
    }
}

fn expired() -> ApiError {
    ApiError::new(
        ErrorCode::CheckoutSessionExpired,
        "This checkout has expired. Go back to the store to start again.",
    )
}

fn not_open(message: &str) -> ApiError {
    ApiError::new(ErrorCode::CheckoutSessionNotOpen, message)
}

/// The 404 for an unknown session id.
pub fn session_not_found() -> ApiError {
    ApiError::new(
        ErrorCode::CheckoutSessionNotFound,
        "No checkout session has that id.",
    )
}

fn hosted_view(
    state: &AppState,
    session: &StoredSession,
) -> Result<HostedCheckoutSession, ApiError> {
    session
        .to_hosted(&state.catalog.organization_name, &state.public_url)
        .ok_or_else(|| ApiError::internal("session cannot be totalled", &session.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-06-15T00:00:00Z
    const JUNE_2026: i64 = 1_781_481_600_000;

    fn details(number: &str, m: u32, y: u32, cvc: &str) -> CardDetails {
        CardDetails {
            number: number.into(),
            exp_month: m,
            exp_year: y,
            cvc: cvc.into(),
        }
    }

    #[test]
    fn card_checks_in_order() {
        assert_eq!(clock::utc_year_month(JUNE_2026), (2026, 6));
        let ok = validate_card(&details("4242 4242 4242 4242", 6, 2026, "123"), JUNE_2026).unwrap();
        assert_eq!((ok.last4(), ok.brand), ("4242", CardBrand::Visa));
        let code = |d: CardDetails| validate_card(&d, JUNE_2026).unwrap_err().code;
        assert_eq!(
            code(details("4242424242424241", 12, 2030, "123")),
            ErrorCode::CardInvalidNumber
        );
        assert_eq!(
            code(details("4242424242424242", 5, 2026, "123")),
            ErrorCode::CardInvalidExpiry
        );
        assert_eq!(
            code(details("4242424242424242", 13, 2030, "123")),
            ErrorCode::CardInvalidExpiry
        );
        assert_eq!(
            code(details("4242424242424242", 12, 2030, "12")),
            ErrorCode::CardInvalidCvc
        );
        assert_eq!(
            code(details("378282246310005", 12, 2030, "123")),
            ErrorCode::CardInvalidCvc
        );
        assert!(validate_card(&details("378282246310005", 12, 2030, "1234"), JUNE_2026).is_ok());
    }

    #[test]
    fn payable_states() {
        assert!(ensure_payable(CheckoutSessionStatus::Open).is_ok());
        let code = |s| ensure_payable(s).unwrap_err().code;
        assert_eq!(
            code(CheckoutSessionStatus::Expired),
            ErrorCode::CheckoutSessionExpired
        );
        assert_eq!(
            code(CheckoutSessionStatus::Succeeded),
            ErrorCode::CheckoutSessionNotOpen
        );
        assert_eq!(
            code(CheckoutSessionStatus::Pending),
            ErrorCode::CheckoutSessionNotOpen
        );
        assert_eq!(
            code(CheckoutSessionStatus::Failed),
            ErrorCode::CheckoutSessionNotOpen
        );
    }
}
