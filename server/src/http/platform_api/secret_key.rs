//! The platform API's credential: the secret key in `Authorization`,
//! compared in constant time; and a fresh test-mode key when none is given.

use crate::domain::error::ApiError;
use crate::platform::credentials::bearer_token;
use axum::http::{header, HeaderMap};
use checkout_protocol::ErrorCode;

/// Checks the platform API key in `Authorization: <key>` or `Authorization: Bearer <key>`.
pub fn require_secret_key(headers: &HeaderMap, secret_key: &str) -> Result<(), ApiError> {
    let unauthorized = |m: &str| ApiError::new(ErrorCode::Unauthorized, m);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| unauthorized("Send your secret API key in the Authorization header."))?;
    let presented = bearer_token(value).unwrap_or(value);
    if constant_time_eq(presented.as_bytes(), secret_key.as_bytes()) {
        Ok(())
    } else {
        Err(unauthorized("The API key is not valid."))
    }
}

/// A new test-mode platform key: `sk_test_` and 32 random hex characters.
pub fn generate_secret_key() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(format!("sk_test_{}", crate::domain::ids::hex(&bytes)))
}

/// Compares two byte strings in time that depends only on their lengths
/// (`subtle`'s constant-time comparison).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn secret_key_check() {
        let key = "sk_test_0123";
        assert!(require_secret_key(&headers(&[(header::AUTHORIZATION, key)]), key).is_ok());
        assert!(require_secret_key(
            &headers(&[(header::AUTHORIZATION, "Bearer sk_test_0123")]),
            key
        )
        .is_ok());
        for bad in [
            "sk_test_0124",
            "sk_test_012",
            "Bearer nope",
            "Basic sk_test_0123",
        ] {
            let e = require_secret_key(&headers(&[(header::AUTHORIZATION, bad)]), key).unwrap_err();
            assert_eq!(e.code, ErrorCode::Unauthorized, "{bad}");
        }
        assert_eq!(
            require_secret_key(&HeaderMap::new(), key).unwrap_err().code,
            ErrorCode::Unauthorized
        );
    }

    #[test]
    fn generated_keys_are_test_keys() {
        let key = generate_secret_key().unwrap();
        assert!(crate::domain::ids::has_id_shape(&key, "sk_test_"), "{key}");
        assert_ne!(key, generate_secret_key().unwrap());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
