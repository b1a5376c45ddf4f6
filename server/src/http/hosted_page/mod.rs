//! The public hosted-page API: read a session for the checkout page and
//! confirm a payment. Anyone holding the unguessable session id may pay.
// 3-D Secure in test mode (issue 16).
pub mod authenticate;
pub mod discount;
// Adjustable quantity (issue 16, item 8).
pub mod quantity;

use crate::domain::error::ApiError;
use crate::domain::payment::{validate_card, CheckoutCard};
use crate::domain::session::{
    ensure_payable, hosted_url, not_payable, session_not_found, PaidCard, StoredSession,
};
use crate::domain::{billing_address, clock, validation};
use crate::http::extract::{ClientPeer, PathParam, RawBody};
use crate::http::state::AppState;
use crate::service::payment::{hosted_view, pay, saved_card_for, Payment};
use crate::service::rate_limit::Refused;
use crate::service::redirect;
use crate::service::Billing;
use crate::store::{AttemptPayer, SessionEdit};
use axum::extract::State;
use axum::Json;
use checkout_protocol::{
    CheckoutSessionStatus, ConfirmPaymentRequest, ConfirmPaymentResponse, ErrorCode,
    HostedCheckoutSession, NextAction, PaymentSource, RouteResponse, TaxId,
};

/// `GET /api/checkout-sessions/{id}`: the session as the page shows it.
#[utoipa::path(get, path = "/api/checkout-sessions/{id}", tag = "hosted page", operation_id = "hostedSessionGet",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    responses((status = 200, description = "`{data}`: the session as the page shows it", body = RouteResponse<HostedCheckoutSession>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)))]
pub async fn get_session(
    State(billing): State<Billing>,
    PathParam(id): PathParam,
) -> Result<Json<RouteResponse<HostedCheckoutSession>>, ApiError> {
    let session = billing
        .db
        .load_session(id, clock::now_ms())
        .await?
        .ok_or_else(session_not_found)?;
    Ok(Json(RouteResponse::data(
        hosted_view(&billing, &session).await?,
    )))
}

/// `POST /api/checkout-sessions/{id}/confirm`: validates the email, the
/// billing address (when the session collects one) and the card — a typed
/// `card`, or a saved `paymentMethodId` of the session's customer — counts
/// the attempt against the client's and the session's rate limits (429
/// `rate_limited` with `Retry-After` past them), claims the session,
/// charges, and records the result.
///
/// Only attempts that would reach the card processor are counted: those
/// are what card testing is made of, while a mistyped number is refused
/// here without telling anyone anything about a card.
///
/// A card whose issuer asks for 3-D Secure answers 200 with
/// `nextAction: "authenticate"`, no `redirectUrl`, and the session open with
/// its `authentication`; nothing is charged until
/// [`authenticate::authenticate`]. While that waits, a confirm is 409
/// `authentication_pending`.
#[utoipa::path(post, path = "/api/checkout-sessions/{id}/confirm", tag = "hosted page", operation_id = "hostedSessionConfirm",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    request_body = ConfirmPaymentRequest,
    responses(
        (status = 200, description = "`{data}`: paid, with `redirectUrl` (where to send the customer); or, for a card whose issuer asks for 3-D Secure, `nextAction: \"authenticate\"` and the session's pending `authentication` (nothing charged yet)", body = RouteResponse<ConfirmPaymentResponse>),
        (status = 429, description = "Too many payment attempts for this session or from this client, or too many declines on the whole shop this minute", body = crate::http::error::ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until an attempt may succeed"))),
        (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)))]
pub async fn confirm(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    ClientPeer(peer): ClientPeer,
    body: RawBody,
) -> Result<Json<RouteResponse<ConfirmPaymentResponse>>, ApiError> {
    let now = clock::now_ms();
    let session = load_payable(&state.billing, &id, now).await?;
    let request: ConfirmPaymentRequest = body.json()?;
    // A session created for a signed-in customer has its email locked.
    let email = match &session.customer_email {
        Some(locked) => locked.clone(),
        None => validation::email(&request.email).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidEmail, validation::INVALID_EMAIL_MESSAGE)
        })?,
    };
    let address = billing_address::check(
        session.options.billing_address_collection,
        request.billing_address.as_ref(),
    )?;
    let tax_id = checked_tax_id(session.options.tax_id_collection, request.tax_id.as_ref())?;
    // Exactly one of a typed card and a saved one (issue 16).
    let source = request
        .payment_source()
        .map_err(|(code, message)| ApiError::new(code, message))?;
    let (card, paid_card, payment_method_id) = match source {
        PaymentSource::Card(details) => {
            let card = validate_card(details, now)?;
            let paid = PaidCard {
                brand: card.brand.as_str().to_owned(),
                last4: card.last4().to_owned(),
                exp_month: card.exp_month,
                exp_year: card.exp_year,
            };
            (CheckoutCard::Typed(card), paid, None)
        }
        PaymentSource::Saved(id) => {
            let saved = saved_card_for(&state.billing, &session, id, now).await?;
            let paid = saved.paid_card();
            (
                CheckoutCard::Saved(saved.to_saved_card()),
                paid,
                Some(saved.id),
            )
        }
    };
    // The shop-wide ceiling on declines comes first: while it holds, no
    // attempt reaches the processor or spends anyone's per-client budget.
    state.billing.abuse_limits.check_declines()?;
    let limits = &state.payment_limits;
    limits
        .check_client(&body.headers, peer)
        .map_err(too_many_attempts)?;
    limits
        .check_session(&session.id)
        .map_err(too_many_attempts)?;
    // Run the payment in its own task: if the customer's connection drops
    // mid-charge, the session is still settled instead of left pending.
    let payer = AttemptPayer {
        card: paid_card,
        email,
        billing_address: address,
        payment_method_id,
        tax_id,
    };
    let payment = tokio::spawn(pay(state.billing.clone(), id, card, payer))
        .await
        .map_err(|e| ApiError::internal("payment task failed", e))??;
    answer(&state, payment).await
}

/// The 200 of a confirm or an authenticate: paid, with where to go; or
/// waiting for the bank's challenge.
async fn answer(
    state: &AppState,
    payment: Payment,
) -> Result<Json<RouteResponse<ConfirmPaymentResponse>>, ApiError> {
    let response = match payment {
        Payment::Paid(paid) => {
            // A paid session has a success redirect; the hosted page (no
            // signature to forge) is only a fallback.
            let redirect_url = redirect::success_redirect(&state.billing, &paid)
                .await?
                .unwrap_or_else(|| {
                    hosted_url(&state.billing.public_url, paid.session_type, &paid.id)
                });
            ConfirmPaymentResponse {
                checkout_session: hosted_view(&state.billing, &paid).await?,
                redirect_url: Some(redirect_url),
                next_action: None,
            }
        }
        Payment::AuthenticationRequired(open) => ConfirmPaymentResponse {
            checkout_session: hosted_view(&state.billing, &open).await?,
            redirect_url: None,
            next_action: Some(NextAction::Authenticate),
        },
    };
    Ok(Json(RouteResponse::data(response)))
}

/// The tax ID sent with a confirm, checked and normalized: 400
/// `field_not_allowed` when the session does not collect one, 400
/// `invalid_tax_id` (the message names the expected format) when malformed.
fn checked_tax_id(collects: bool, sent: Option<&TaxId>) -> Result<Option<TaxId>, ApiError> {
    match sent {
        None => Ok(None),
        Some(_) if !collects => Err(ApiError::new(
            ErrorCode::FieldNotAllowed,
            "This checkout does not collect tax IDs; send the payment without taxId.",
        )),
        Some(tax_id) => tax_id
            .normalized()
            .map(Some)
            .map_err(|e| ApiError::new(e.code(), e.to_string())),
    }
}

/// The 429 for a payment attempt past a limit.
fn too_many_attempts(refused: Refused) -> ApiError {
    let secs = refused.retry_after_secs();
    let whose = match refused {
        Refused::Session(_) => "for this checkout",
        Refused::Client(_) => "from your network",
    };
    tracing::warn!(?refused, "payment attempt refused by the rate limit");
    ApiError::rate_limited(
        format!("Too many payment attempts {whose}. Try again in {secs} seconds."),
        secs,
    )
}

/// The open session the page may change or pay: 404 when there is none,
/// 409 / 410 when it is being paid, paid or expired.
async fn load_payable(billing: &Billing, id: &str, now: i64) -> Result<StoredSession, ApiError> {
    let session = billing
        .db
        .load_session(id.to_owned(), now)
        .await?
        .ok_or_else(session_not_found)?;
    ensure_payable(session.status)?;
    Ok(session)
}

/// The session as an edit of it left it, or why the edit was refused.
fn edited(edit: SessionEdit) -> Result<Box<StoredSession>, ApiError> {
    match edit {
        SessionEdit::Changed(updated) => Ok(updated),
        SessionEdit::NotFound => Err(session_not_found()),
        SessionEdit::Expired => Err(not_payable(CheckoutSessionStatus::Expired)),
        SessionEdit::NotOpen(status) => Err(not_payable(status)),
        SessionEdit::AuthenticationPending => Err(crate::domain::authentication::pending()),
    }
}
