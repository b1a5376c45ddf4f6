//! `POST /api/checkout-sessions/{id}/discount`: the hosted page applies,
//! replaces or (with `{code: null}`) removes a discount code. Only open
//! product and activation sessions whose merchant allowed promotion codes,
//! or prefilled a code, take one; the discount comes off what is charged
//! today (a subscription's recurring amount is unchanged).

use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::session::AppliedDiscount;
use crate::http::extract::{ClientPeer, PathParam, RawBody};
use crate::service::payment::hosted_view;
use crate::service::Billing;
use axum::extract::State;
use axum::Json;
use checkout_protocol::{
    ApplyDiscountRequest, CheckoutSessionType, ErrorCode, HostedCheckoutSession, RouteResponse,
};

/// The message for [`ErrorCode::PromotionCodesNotAllowed`].
pub const NOT_ALLOWED_MESSAGE: &str = "This checkout does not take discount codes.";

/// Answers `{data: HostedCheckoutSession}` with the new totals. Unknown or
/// retired codes and expired ones are 400 `discount_code_invalid`; a session
/// that takes no codes is 400 `promotion_codes_not_allowed`; a paid or
/// expired one 409 / 410. Codes tried are limited per session and per client
/// address (`--promotion-codes-per-session`, `--promotion-codes-per-client`):
/// 429 `rate_limited` with `Retry-After` past either.
#[utoipa::path(post, path = "/api/checkout-sessions/{id}/discount", tag = "hosted page", operation_id = "hostedSessionDiscount",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    request_body = ApplyDiscountRequest,
    responses((status = 200, description = "`{data}`: the session with the new totals", body = RouteResponse<HostedCheckoutSession>),
        (status = 429, description = "Too many codes tried on this session or from this client", body = crate::http::error::ErrorResponse,
            headers(("Retry-After" = u64, description = "Seconds until a code may be tried again"))),
        (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)))]
pub async fn apply(
    State(billing): State<Billing>,
    PathParam(id): PathParam,
    ClientPeer(peer): ClientPeer,
    body: RawBody,
) -> Result<Json<RouteResponse<HostedCheckoutSession>>, ApiError> {
    let now = clock::now_ms();
    let session = super::load_payable(&billing, &id, now).await?;
    let kind_takes_codes = matches!(
        session.session_type,
        CheckoutSessionType::Product | CheckoutSessionType::ActivateSubscription
    );
    if !kind_takes_codes || !session.options.discount_code_editable() {
        return Err(ApiError::new(
            ErrorCode::PromotionCodesNotAllowed,
            NOT_ALLOWED_MESSAGE,
        ));
    }
    let request: ApplyDiscountRequest = body.json()?;
    crate::domain::validation::id_field("code", request.code.as_deref())?;
    let discount = match request
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(code) => Some(AppliedDiscount::from({
            // Every code tried counts, right or wrong: guessing is the
            // attack, and an honest customer types a code once or twice.
            billing
                .abuse_limits
                .check_discount_code(&session.id, &body.headers, peer)?;
            billing
                .catalog
                .redeem(code, now)
                .map_err(|why| ApiError::new(ErrorCode::DiscountCodeInvalid, why.message()))?
        })),
    };
    let updated = super::edited(billing.db.change_discount(id, discount, now).await?)?;
    tracing::info!(
        session = %updated.id,
        code = updated.options.discount.as_ref().map_or("", |d| d.code.as_str()),
        "discount code changed on the hosted page"
    );
    Ok(Json(RouteResponse::data(
        hosted_view(&billing, &updated).await?,
    )))
}
