//! The delivery log, behind the platform secret key:
//! `GET /api/v1/webhook-events?limit=&cursor=` (newest first, each event
//! with its deliveries, attempt counts and last outcome) and
//! `GET /api/v1/webhook-events/{id}` (one event with every attempt).

use crate::domain::cursor;
use crate::domain::error::ApiError;
use crate::http::extract::PathParam;
use crate::http::platform_api::secret_key::require_secret_key;
use crate::http::platform_api::sessions::{page_cursor, page_limit, DEFAULT_LIMIT};
use crate::http::state::AppState;
use crate::store::{StoredAttempt, StoredDelivery, StoredWebhookEvent};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use checkout_protocol::{ErrorCode, RecordList};
use serde::Serialize;
use serde_json::Value;

/// A recorded event as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEventView {
    /// `msg_…`, sent as `webhook-id`.
    pub id: String,
    /// e.g. `checkout.session.completed`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The session it concerns.
    pub checkout_session_id: Option<String>,
    /// Epoch ms.
    pub created_at: i64,
    /// The body as sent.
    pub payload: Value,
    /// One per endpoint.
    pub deliveries: Vec<DeliveryView>,
}

/// A delivery as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// `whd_…`.
    pub id: String,
    /// Where it goes.
    pub endpoint_url: String,
    /// `pending`, `delivered` or `failed`.
    pub status: &'static str,
    /// Attempts made.
    pub attempt_count: u32,
    /// The last attempt's HTTP status.
    pub last_status_code: Option<u16>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When the last attempt started, epoch ms.
    pub last_attempt_at: Option<i64>,
    /// When the next attempt is due, epoch ms (pending only).
    pub next_attempt_at: Option<i64>,
    /// When it was delivered, epoch ms.
    pub delivered_at: Option<i64>,
    /// Every attempt, oldest first (only when one event is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<AttemptView>>,
}

/// One attempt as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    /// 1 for the first.
    pub attempt: u32,
    /// Epoch ms.
    pub started_at: i64,
    /// Milliseconds.
    pub duration_ms: i64,
    /// The HTTP status answered, if any.
    pub status_code: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// Whether it got a 2xx.
    pub succeeded: bool,
}

/// `data` of `GET /api/v1/webhook-events/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEventResponse {
    /// The event.
    pub webhook_event: WebhookEventView,
}

fn attempt_view(a: &StoredAttempt) -> AttemptView {
    AttemptView {
        attempt: a.attempt,
        started_at: a.started_at,
        duration_ms: a.duration_ms,
        status_code: a.status_code,
        error: a.error.clone(),
        succeeded: a.succeeded,
    }
}

fn delivery_view(d: &StoredDelivery, with_attempts: bool) -> DeliveryView {
    DeliveryView {
        id: d.id.clone(),
        endpoint_url: d.endpoint_url.clone(),
        status: d.status.as_str(),
        attempt_count: d.attempts,
        last_status_code: d.last_status_code,
        last_error: d.last_error.clone(),
        last_attempt_at: d.last_attempt_at,
        next_attempt_at: d.next_attempt_at,
        delivered_at: d.delivered_at,
        attempts: with_attempts.then(|| d.attempt_log.iter().map(attempt_view).collect()),
    }
}

/// An event as the log shows it; with every attempt when `with_attempts`.
pub fn event_view(e: &StoredWebhookEvent, with_attempts: bool) -> WebhookEventView {
    WebhookEventView {
        id: e.id.clone(),
        event_type: e.event_type.clone(),
        checkout_session_id: e.checkout_session_id.clone(),
        created_at: e.created_at,
        // Stored by this server as JSON; shown as text if it ever is not.
        payload: serde_json::from_str(&e.payload)
            .unwrap_or_else(|_| Value::String(e.payload.clone())),
        deliveries: e
            .deliveries
            .iter()
            .map(|d| delivery_view(d, with_attempts))
            .collect(),
    }
}

/// The page a log query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    /// Position after the previous page (from its `nextCursor`).
    pub after: Option<(i64, String)>,
    /// The cursor as given.
    pub raw_cursor: Option<String>,
    /// Events per page, 1–100.
    pub limit: u32,
}

/// Reads `cursor` and `limit` (1–100, default 10); anything else is ignored.
pub fn parse_page_query(query: Option<&str>) -> Result<PageQuery, ApiError> {
    let mut page = PageQuery {
        after: None,
        raw_cursor: None,
        limit: DEFAULT_LIMIT,
    };
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_ref() {
            "cursor" => {
                page.after = Some(page_cursor(value)?);
                page.raw_cursor = Some(value.to_owned());
            }
            "limit" => {
                page.limit = page_limit(value)?;
            }
            _ => {}
        }
    }
    Ok(page)
}

/// `GET /api/v1/webhook-events`: recorded events, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/webhook-events", tag = "platform API", operation_id = "webhookEventList",
    params(
        ("cursor" = Option<String>, Query, description = "A page's `nextCursor`"),
        ("limit" = Option<String>, Query, description = "Page size, 1-100 (default 10)"),
    ),
    responses((status = 200, description = "Events, newest first, with their deliveries", body = RecordList<WebhookEventView>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn list_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<RecordList<WebhookEventView>>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let query = parse_page_query(query.as_deref())?;
    let page = state
        .billing
        .db
        .webhook_events(query.after, query.limit)
        .await?;
    let next_cursor = match (page.has_more, page.events.last()) {
        (true, Some(last)) => Some(cursor::encode(last.created_at, &last.id)),
        _ => None,
    };
    Ok(Json(RecordList {
        data: page.events.iter().map(|e| event_view(e, false)).collect(),
        has_more: page.has_more,
        total: page.total,
        current_cursor: query.raw_cursor,
        next_cursor,
    }))
}

/// `GET /api/v1/webhook-events/{id}`: one event with every attempt of every delivery.
#[utoipa::path(get, path = "/api/v1/webhook-events/{id}", tag = "platform API", operation_id = "webhookEventGet",
    params(("id" = String, Path, description = "The event id (`msg_…`)")),
    responses((status = 200, description = "The event with every attempt", body = WebhookEventResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn get_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<Json<WebhookEventResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let event = state.billing.db.webhook_event(id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::WebhookEventNotFound,
            "No webhook event has that id.",
        )
    })?;
    Ok(Json(WebhookEventResponse {
        webhook_event: event_view(&event, true),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DeliveryStatus;

    #[test]
    fn page_query_rules() {
        let none = parse_page_query(None).unwrap();
        assert_eq!((none.after, none.raw_cursor, none.limit), (None, None, 10));
        let c = cursor::encode(7, "msg_1");
        let q = parse_page_query(Some(&format!("limit=3&cursor={c}&x=y"))).unwrap();
        assert_eq!(
            (q.after, q.raw_cursor.as_deref(), q.limit),
            (Some((7, "msg_1".into())), Some(c.as_str()), 3)
        );
        for bad in ["limit=0", "limit=101", "limit=x", "cursor=nope"] {
            assert_eq!(
                parse_page_query(Some(bad)).unwrap_err().code,
                ErrorCode::InvalidRequest,
                "{bad}"
            );
        }
    }

    #[test]
    fn views_show_attempts_only_for_one_event() {
        let event = StoredWebhookEvent {
            id: "msg_1".into(),
            event_type: "checkout.session.expired".into(),
            checkout_session_id: Some("cs_1".into()),
            payload: r#"{"type":"checkout.session.expired"}"#.into(),
            created_at: 5,
            deliveries: vec![StoredDelivery {
                id: "whd_1".into(),
                endpoint_url: "http://127.0.0.1:9/h".into(),
                status: DeliveryStatus::Pending,
                attempts: 1,
                next_attempt_at: Some(10),
                last_attempt_at: Some(6),
                last_status_code: Some(500),
                last_error: Some("HTTP 500".into()),
                delivered_at: None,
                created_at: 5,
                attempt_log: vec![StoredAttempt {
                    attempt: 1,
                    started_at: 6,
                    duration_ms: 3,
                    status_code: Some(500),
                    error: Some("HTTP 500".into()),
                    succeeded: false,
                }],
            }],
        };
        let listed = serde_json::to_value(event_view(&event, false)).unwrap();
        assert_eq!(listed["payload"]["type"], "checkout.session.expired");
        assert_eq!(listed["deliveries"][0]["attemptCount"], 1);
        assert_eq!(listed["deliveries"][0]["lastStatusCode"], 500);
        assert!(listed["deliveries"][0].get("attempts").is_none());
        let one = serde_json::to_value(event_view(&event, true)).unwrap();
        assert_eq!(one["deliveries"][0]["attempts"][0]["durationMs"], 3);
        assert_eq!(one["deliveries"][0]["status"], "pending");
    }
}
