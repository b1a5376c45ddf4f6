//! 3-D Secure in test mode (issue 16): how long a bank's challenge waits
//! for the customer, and what the customer is told when it cannot be used.

use crate::domain::error::ApiError;
use checkout_protocol::ErrorCode;

/// How long a challenge waits for the customer: ten minutes, like an
/// issuer's authentication window.
pub const AUTHENTICATION_TTL_MS: i64 = 10 * 60 * 1000;

/// When a challenge started at `now` ends: after [`AUTHENTICATION_TTL_MS`],
/// or with its session if that expires first (a challenge never outlives
/// the checkout it pays).
pub fn expires_at(now: i64, session_expires_at: i64) -> i64 {
    now.saturating_add(AUTHENTICATION_TTL_MS)
        .min(session_expires_at)
}

/// Whether a challenge ending at `expires_at` is over at `now`.
pub fn is_expired(expires_at: i64, now: i64) -> bool {
    expires_at <= now
}

/// 404: no challenge with that id waits on this checkout.
pub fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::AuthenticationNotFound,
        "This checkout has no bank authentication waiting with that id. Reload the page, or pay again.",
    )
}

/// 410: the challenge timed out; nothing was charged.
pub fn expired() -> ApiError {
    ApiError::new(
        ErrorCode::AuthenticationExpired,
        "The bank's authentication of this payment timed out. Nothing was charged; pay again to try once more.",
    )
}

/// 410: the processor no longer knows the challenge (e.g. it restarted).
pub fn lost() -> ApiError {
    ApiError::new(
        ErrorCode::AuthenticationExpired,
        "The bank's authentication of this payment is no longer available. Nothing was charged; pay again to try once more.",
    )
}

/// 409: a challenge waits, so the checkout cannot be paid or changed now.
pub fn pending() -> ApiError {
    ApiError::new(
        ErrorCode::AuthenticationPending,
        "Your bank is waiting for you to authenticate the payment you started. Complete or cancel it first.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_waits_ten_minutes_but_never_past_its_checkout() {
        assert_eq!(expires_at(1_000, i64::MAX), 1_000 + 600_000);
        assert_eq!(expires_at(1_000, 5_000), 5_000);
        assert!(!is_expired(2_000, 1_999));
        assert!(is_expired(2_000, 2_000));
    }

    #[test]
    fn each_refusal_has_its_code_and_status() {
        for (e, code, status) in [
            (not_found(), ErrorCode::AuthenticationNotFound, 404),
            (expired(), ErrorCode::AuthenticationExpired, 410),
            (lost(), ErrorCode::AuthenticationExpired, 410),
            (pending(), ErrorCode::AuthenticationPending, 409),
        ] {
            assert_eq!((e.code, e.code.http_status()), (code, status));
            assert!(!e.message.is_empty());
        }
    }
}
