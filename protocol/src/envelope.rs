//! The server route's response envelope: `{data}` on success, `{error}` on failure.
//!
//! Flowglad's route answers errors in two shapes, `{error: {code, json}}` and
//! `{error: {message}}`; [`ErrorBody`] reads both and [`ErrorBody::new`] writes
//! a superset of them so either kind of client finds what it looks for.

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A route response as read off the wire: data, error, or (for a malformed
/// answer) neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteResponse<T> {
    /// The payload on success.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// The failure, when the call failed.
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> RouteResponse<T> {
    /// A success envelope.
    pub fn data(data: T) -> Self {
        Self {
            data: Some(data),
            error: None,
        }
    }

    /// An error envelope.
    pub fn error(error: ErrorBody) -> Self {
        Self {
            data: None,
            error: Some(error),
        }
    }
}

/// The `error` member of an envelope, in either of Flowglad's shapes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine code (`{error: {code, json}}` shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A human message (`{error: {message}}` shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Details; Flowglad puts `{message}` here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
}

impl ErrorBody {
    /// An error with a stable code and a human message, in both shapes at once.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            code: Some(code.as_str().to_owned()),
            json: Some(serde_json::json!({ "message": message })),
            message: Some(message),
        }
    }

    /// The human message, wherever the server put it.
    pub fn human_message(&self) -> Option<&str> {
        if let Some(m) = self.message.as_deref().filter(|m| !m.trim().is_empty()) {
            return Some(m);
        }
        let json = self.json.as_ref()?;
        match json {
            Value::String(s) => Some(s.as_str()),
            Value::Object(map) => ["message", "error", "detail"]
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str)),
            _ => None,
        }
        .filter(|m| !m.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_code_and_json_shape() {
        let r: RouteResponse<Value> = serde_json::from_str(
            r#"{"error":{"code":"price_not_found","json":{"message":"No price"}}}"#,
        )
        .unwrap();
        let e = r.error.unwrap();
        assert_eq!(e.code.as_deref(), Some("price_not_found"));
        assert_eq!(e.human_message(), Some("No price"));
        assert!(r.data.is_none());
    }

    #[test]
    fn reads_message_shape_and_null_data() {
        let r: RouteResponse<Value> =
            serde_json::from_str(r#"{"data":null,"error":{"message":"Unauthorized"}}"#).unwrap();
        let e = r.error.unwrap();
        assert_eq!(e.code, None);
        assert_eq!(e.human_message(), Some("Unauthorized"));
    }

    #[test]
    fn writes_both_shapes() {
        let body = serde_json::to_value(RouteResponse::<()>::error(ErrorBody::new(
            ErrorCode::InvalidQuantity,
            "Quantity must be at least 1.",
        )))
        .unwrap();
        assert_eq!(body["error"]["code"], "invalid_quantity");
        assert_eq!(body["error"]["message"], "Quantity must be at least 1.");
        assert_eq!(
            body["error"]["json"]["message"],
            "Quantity must be at least 1."
        );
        assert!(body.get("data").is_none());
    }

    #[test]
    fn blank_messages_are_no_message() {
        let e = ErrorBody {
            message: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(e.human_message(), None);
    }
}
