//! The platform API a merchant's server SDK calls with the secret key:
//! create, list, retrieve and expire checkout sessions. Responses are
//! `@flowglad/node`'s shapes, without the route's `{data}` envelope.

use crate::domain::error::ApiError;
use crate::domain::session::session_not_found;
use crate::http::extract::{self, PathParam, RawBody};
use crate::http::platform_api::secret_key::require_secret_key;
use crate::http::state::AppState;
use crate::platform::{BillingPlatform, EmbeddedPlatform};
use crate::service::checkout;
use crate::service::idempotency::{self, KeyScope};
use crate::store::{Expire, SessionFilter};
use crate::{domain::clock, domain::cursor};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use checkout_protocol::{
    CheckoutSessionList, CheckoutSessionStatus, CreateCheckoutSessionResponse, ErrorCode,
    PlatformCreateCheckoutSession,
};
use serde_json::Value;

pub use crate::platform::embedded::CREATE_ACTION;
/// Sessions per page when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 100;

/// `POST /api/v1/checkout-sessions`: creates a session of `type` product
/// (for `customerExternalId`, or `anonymous: true`), add_payment_method,
/// activate_subscription or invoice (`invoiceId`: one of the customer's open
/// invoices; these three need a customer). Honours `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/checkout-sessions", tag = "platform API", operation_id = "platformSessionCreate",
    request_body = PlatformCreateCheckoutSession,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create return the first answer (1-255 visible ASCII characters)")),
    responses((status = 200, description = "The new session and its hosted page", body = CreateCheckoutSessionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn create_session(
    State(state): State<AppState>,
    body: RawBody,
) -> Result<Json<CreateCheckoutSessionResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let key = idempotency::key_from_headers(&body.headers)?;
    let value: Value = body.json()?;
    let claim = key.map(|k| idempotency::claim(k, KeyScope::Platform, CREATE_ACTION, &value));
    if let Some(session) = checkout::replay(&state.billing, claim.as_ref()).await? {
        return Ok(Json(checkout::response(&state.billing, &session)));
    }
    let input: PlatformCreateCheckoutSession = extract::from_value(value)?;
    let created = EmbeddedPlatform::new(state.billing)
        .create_claimed(input.checkout_session, claim)
        .await?;
    Ok(Json(created))
}

/// The query of the platform list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    /// Position after the previous page (from its `nextCursor`).
    pub cursor: Option<(i64, String)>,
    /// The cursor as given.
    pub raw_cursor: Option<String>,
    /// Page size, 1–100.
    pub limit: u32,
    /// The filters.
    pub filter: SessionFilter,
}

/// A list's `cursor` parameter: one this API returned as `nextCursor`.
pub fn page_cursor(value: &str) -> Result<(i64, String), ApiError> {
    cursor::decode(value).ok_or_else(|| {
        ApiError::invalid_request("cursor is not one this API returned; pass a page's nextCursor.")
    })
}

/// A list's `limit` parameter: a whole number from 1 to [`MAX_LIMIT`].
pub fn page_limit(value: &str) -> Result<u32, ApiError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|l| (1..=MAX_LIMIT).contains(l))
        .ok_or_else(|| {
            ApiError::invalid_request(format!(
                "limit must be a whole number from 1 to {MAX_LIMIT}."
            ))
        })
}

/// Reads `cursor`, `limit` (a numeric string, 1–100, default 10),
/// `customerId`, `customerExternalId` and `status`; anything else is ignored.
pub fn parse_list_query(query: Option<&str>) -> Result<ListQuery, ApiError> {
    let mut q = ListQuery {
        limit: DEFAULT_LIMIT,
        ..ListQuery::default()
    };
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_ref() {
            "cursor" => {
                q.cursor = Some(page_cursor(value)?);
                q.raw_cursor = Some(value.to_owned());
            }
            "limit" => {
                q.limit = page_limit(value)?;
            }
            "status" => {
                q.filter.status = Some(CheckoutSessionStatus::parse(value).ok_or_else(|| {
                    ApiError::invalid_request(
                        "status must be open, pending, succeeded, failed or expired.",
                    )
                })?);
            }
            "customerId" => q.filter.customer_id = Some(value.to_owned()),
            "customerExternalId" => q.filter.customer_external_id = Some(value.to_owned()),
            _ => {}
        }
    }
    Ok(q)
}

/// `GET /api/v1/checkout-sessions`: sessions newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/checkout-sessions", tag = "platform API", operation_id = "platformSessionList",
    params(
        ("cursor" = Option<String>, Query, description = "A page's `nextCursor`"),
        ("limit" = Option<String>, Query, description = "Page size, 1-100 (default 10)"),
        ("customerId" = Option<String>, Query, description = "Only this customer's sessions"),
        ("customerExternalId" = Option<String>, Query, description = "Only the sessions of the customer with this external id"),
        ("status" = Option<CheckoutSessionStatus>, Query, description = "Only sessions in this state"),
    ),
    responses((status = 200, description = "Sessions, newest first", body = CheckoutSessionList), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn list_sessions(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<CheckoutSessionList>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let q = parse_list_query(query.as_deref())?;
    let page = state
        .billing
        .db
        .list_sessions(q.filter, q.cursor, q.limit, clock::now_ms())
        .await?;
    let next_cursor = match (page.has_more, page.sessions.last()) {
        (true, Some(last)) => Some(cursor::encode(last.created_at, &last.id)),
        _ => None,
    };
    Ok(Json(CheckoutSessionList {
        data: page
            .sessions
            .iter()
            .map(|s| s.to_checkout_session(&state.billing.catalog))
            .collect(),
        has_more: page.has_more,
        total: page.total,
        current_cursor: q.raw_cursor,
        next_cursor,
    }))
}

/// `GET /api/v1/checkout-sessions/{id}`.
#[utoipa::path(get, path = "/api/v1/checkout-sessions/{id}", tag = "platform API", operation_id = "platformSessionGet",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    responses((status = 200, description = "The session", body = CreateCheckoutSessionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn get_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<CreateCheckoutSessionResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    Ok(Json(
        EmbeddedPlatform::new(state.billing)
            .retrieve_checkout_session(&id)
            .await?,
    ))
}

/// `POST /api/v1/checkout-sessions/{id}/expire`: ends an open session.
#[utoipa::path(post, path = "/api/v1/checkout-sessions/{id}/expire", tag = "platform API", operation_id = "platformSessionExpire",
    params(("id" = String, Path, description = "The checkout session id (`cs_…`)")),
    responses((status = 200, description = "The expired session", body = CreateCheckoutSessionResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn expire_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<CreateCheckoutSessionResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    match state.billing.db.expire_session(id, clock::now_ms()).await? {
        Expire::Expired(session) => {
            tracing::info!(session = %session.id, "checkout session expired by the platform API");
            Ok(Json(checkout::response(&state.billing, &session)))
        }
        Expire::NotFound => Err(session_not_found()),
        Expire::NotOpen(status) => Err(ApiError::new(
            ErrorCode::CheckoutSessionNotOpen,
            format!(
                "Only open sessions can be expired; this one is {}.",
                status.as_str()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_rules() {
        let q = parse_list_query(None).unwrap();
        assert_eq!(
            (q.limit, q.cursor, q.filter),
            (10, None, SessionFilter::default())
        );
        let c = cursor::encode(5, "cs_1");
        let q = parse_list_query(Some(&format!(
            "limit=2&cursor={c}&status=open&customerId=cus_alice&customerExternalId=alice&x=1"
        )))
        .unwrap();
        assert_eq!(q.limit, 2);
        assert_eq!(q.cursor, Some((5, "cs_1".into())));
        assert_eq!(q.raw_cursor.as_deref(), Some(c.as_str()));
        assert_eq!(q.filter.status, Some(CheckoutSessionStatus::Open));
        assert_eq!(q.filter.customer_id.as_deref(), Some("cus_alice"));
        assert_eq!(q.filter.customer_external_id.as_deref(), Some("alice"));
        assert_eq!(parse_list_query(Some("limit=100")).unwrap().limit, 100);
        assert_eq!(parse_list_query(Some("cursor=")).unwrap().cursor, None);
        for bad in [
            "limit=0",
            "limit=101",
            "limit=ten",
            "limit=1.5",
            "limit=-1",
            "cursor=nope",
            "status=paid",
        ] {
            assert_eq!(
                parse_list_query(Some(bad)).unwrap_err().code,
                ErrorCode::InvalidRequest,
                "{bad}"
            );
        }
    }
}
