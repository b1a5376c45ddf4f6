//! The `Idempotency-Key` header of create calls: its format, whose key
//! space it belongs to, and the fingerprint of the request it came with
//! (SHA-256 of the body's canonical JSON, so key order and spacing do not
//! matter).

use crate::domain::error::ApiError;
use crate::store::IdempotencyClaim;
use checkout_protocol::{ErrorCode, IDEMPOTENCY_KEY_HEADER};
use http::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// The header's key: `None` without the header; 400
/// `idempotency_key_invalid` unless it is 1–255 visible ASCII characters.
pub fn key_from_headers(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let mut values = headers.get_all(IDEMPOTENCY_KEY_HEADER).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let invalid = |why: &str| {
        ApiError::new(
            ErrorCode::IdempotencyKeyInvalid,
            format!("The {IDEMPOTENCY_KEY_HEADER} header {why}"),
        )
    };
    if values.next().is_some() {
        return Err(invalid("must be sent once."));
    }
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_KEY_LEN {
        return Err(invalid(&format!(
            "must be 1 to {MAX_KEY_LEN} characters long."
        )));
    }
    if !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "may only contain visible ASCII characters (no spaces).",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// Who a key belongs to: keys of different callers never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyScope<'a> {
    /// A signed-in customer of the server route.
    Customer(&'a str),
    /// A caller of the server route without a customer.
    Anonymous,
    /// The merchant's backend on the platform API.
    Platform,
}

impl KeyScope<'_> {
    /// The stored form, e.g. `customer:cus_alice`.
    pub fn as_string(&self) -> String {
        match self {
            Self::Customer(id) => format!("customer:{id}"),
            Self::Anonymous => "anonymous".to_owned(),
            Self::Platform => "platform".to_owned(),
        }
    }
}

/// The claim a create call with `key` makes, for `action` and its parsed `body`.
pub fn claim(key: String, scope: KeyScope<'_>, action: &str, body: &Value) -> IdempotencyClaim {
    IdempotencyClaim {
        scope: scope.as_string(),
        key,
        action: action.to_owned(),
        body_hash: body_hash(body),
    }
}

/// SHA-256 (hex) of `body` as canonical JSON.
pub fn body_hash(body: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(body, &mut canonical);
    crate::domain::ids::hex(&Sha256::digest(canonical.as_bytes()))
}

/// JSON with object keys sorted and no spaces; numbers and strings as
/// serde_json writes them.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The 409 for a key already used with another request.
pub fn reused() -> ApiError {
    ApiError::new(
        ErrorCode::IdempotencyKeyReused,
        format!(
            "This {IDEMPOTENCY_KEY_HEADER} was already used for a different request in the last 24 hours. \
             Use a new key for a new request."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use serde_json::json;

    fn with_key(value: &[u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            IDEMPOTENCY_KEY_HEADER,
            HeaderValue::from_bytes(value).unwrap(),
        );
        h
    }

    #[test]
    fn key_format() {
        assert_eq!(key_from_headers(&HeaderMap::new()).unwrap(), None);
        assert_eq!(
            key_from_headers(&with_key(b"order-42_a.b~c"))
                .unwrap()
                .as_deref(),
            Some("order-42_a.b~c")
        );
        assert!(key_from_headers(&with_key("k".repeat(255).as_bytes())).is_ok());
        for bad in [
            &b""[..],
            b"has space",
            b"tab\there",
            "é".as_bytes(),
            "k".repeat(256).as_bytes(),
        ] {
            let e = key_from_headers(&with_key(bad)).unwrap_err();
            assert_eq!(e.code, ErrorCode::IdempotencyKeyInvalid, "{bad:?}");
            assert_eq!(e.status().as_u16(), 400);
        }
        let mut twice = with_key(b"a");
        twice.append(IDEMPOTENCY_KEY_HEADER, HeaderValue::from_static("b"));
        assert!(key_from_headers(&twice).is_err());
    }

    #[test]
    fn hash_ignores_key_order_and_spacing_but_not_values() {
        let a: Value = serde_json::from_str(
            r#"{"priceSlug":"pro","quantity":2,"outputMetadata":{"b":1,"a":[1,2]}}"#,
        )
        .unwrap();
        let b: Value = serde_json::from_str(
            r#"{ "outputMetadata": {"a": [1, 2], "b": 1}, "quantity": 2, "priceSlug": "pro" }"#,
        )
        .unwrap();
        assert_eq!(body_hash(&a), body_hash(&b));
        assert_eq!(body_hash(&a).len(), 64);
        assert_ne!(
            body_hash(&a),
            body_hash(&json!({"priceSlug":"pro","quantity":3,"outputMetadata":{"b":1,"a":[1,2]}}))
        );
        assert_ne!(body_hash(&json!([1, 2])), body_hash(&json!([2, 1])));
        let mut out = String::new();
        write_canonical(&json!({"b": "x\"y", "a": null}), &mut out);
        assert_eq!(out, r#"{"a":null,"b":"x\"y"}"#);
    }

    #[test]
    fn scopes_are_distinct() {
        assert_eq!(KeyScope::Customer("cus_a").as_string(), "customer:cus_a");
        assert_ne!(
            KeyScope::Anonymous.as_string(),
            KeyScope::Platform.as_string()
        );
        let c = claim(
            "k".into(),
            KeyScope::Platform,
            "POST /api/v1/checkout-sessions",
            &json!({}),
        );
        assert_eq!((c.scope.as_str(), c.key.as_str()), ("platform", "k"));
    }
}
