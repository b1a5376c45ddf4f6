//! Webhooks, signed as [Standard Webhooks](https://www.standardwebhooks.com/):
//! the bodies ([`payload`]), the retry schedule ([`retry`]), the background
//! [`dispatcher`] that sends what the outbox holds, and the delivery [`log`]
//! API. Events are recorded by the store (`db::Outbox`) in the transaction
//! of the change they report.
//!
//! Each delivery is a `POST` of the JSON body with `content-type:
//! application/json`, `webhook-id` (the event id, the same on every retry),
//! `webhook-timestamp` (seconds, of this attempt) and `webhook-signature`
//! (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret).
//! The same three values go out again as `svix-id`, `svix-timestamp` and
//! `svix-signature`: Svix signs exactly as Standard Webhooks does, and
//! Flowglad's `verifyWebhook` (`@flowglad/server`) reads only those names.
//! It also wants the secret as `whsec_` + canonical base64, which is what
//! [`generate_secret`] makes.

pub mod dispatcher;
pub mod retry;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Svix's name for `webhook-id`.
pub const SVIX_ID: &str = "svix-id";

/// Svix's name for `webhook-timestamp`.
pub const SVIX_TIMESTAMP: &str = "svix-timestamp";

/// Svix's name for `webhook-signature`.
pub const SVIX_SIGNATURE: &str = "svix-signature";

/// The prefix of Standard Webhooks secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a generated secret.
const SECRET_BYTES: usize = 32;

/// A new signing secret: `whsec_` and base64 of 32 random bytes.
pub fn generate_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; SECRET_BYTES];
    getrandom::fill(&mut key)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// How many key bytes a secret (`whsec_` optional, then base64) holds;
/// `None` if it is not base64.
pub fn signing_key_len(secret: &str) -> Option<usize> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD.decode(encoded).ok().map(|key| key.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_standard_webhooks_secrets() {
        let secret = generate_secret().unwrap();
        assert!(secret.starts_with("whsec_"), "{secret}");
        assert_eq!(signing_key_len(&secret), Some(32));
        assert_ne!(secret, generate_secret().unwrap());
        // The crate that signs accepts it, and its signature verifies.
        let hook = standardwebhooks::Webhook::new(&secret).unwrap();
        let signature = hook.sign("msg_1", 1_700_000_000, b"{}").unwrap();
        assert!(signature.starts_with("v1,"), "{signature}");
        assert_eq!(signing_key_len("whsec_!!"), None);
        assert_eq!(signing_key_len("c2hvcnQ="), Some(5));
    }
}
