//! The merchant's server route as both bundles see it: its default prefix,
//! how long a call may take, what an error envelope without a code means, and
//! which idempotency key a create call sends.

/// The server route prefix Flowglad's SDKs use by default.
pub const DEFAULT_SERVER_ROUTE: &str = "/api/billing";

/// The default time a request may take before it fails with a timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

/// A code for an error envelope that carried none (Flowglad's `{error: {message}}`).
pub fn fallback_code(status: u16) -> &'static str {
    match status {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        429 => "rate_limited",
        400..=499 => "bad_request",
        _ => "server_error",
    }
}

/// The idempotency keys of create calls whose outcome is unknown.
///
/// A create that failed in a way that may have reached the server (network,
/// timeout, unreadable answer, 5xx, 429) keeps its key, so trying the same
/// call again is answered with the session the first attempt may have made
/// instead of a second one. Success or a refusal (4xx) forgets it.
#[derive(Debug, Default)]
pub struct RetryKeys(Vec<(String, String)>);

/// How many unsettled calls are remembered; the oldest goes first.
const RETRY_KEYS_KEPT: usize = 16;

impl RetryKeys {
    /// The key for a call identified by `fingerprint` (its action and body):
    /// the one an earlier failed attempt used, else a fresh one from `fresh`.
    pub fn key_for(&self, fingerprint: &str, fresh: impl FnOnce() -> String) -> String {
        self.0
            .iter()
            .find(|(f, _)| f == fingerprint)
            .map(|(_, k)| k.clone())
            .unwrap_or_else(fresh)
    }

    /// Records how the attempt with `key` ended: `retry_may_duplicate` when
    /// the server may have acted on it, so the next attempt must send it again.
    pub fn settle(&mut self, fingerprint: &str, key: &str, retry_may_duplicate: bool) {
        self.0.retain(|(f, _)| f != fingerprint);
        if retry_may_duplicate {
            if self.0.len() >= RETRY_KEYS_KEPT {
                // The oldest out; not `remove(0)`, whose index check's message
                // would bring `Display for usize` into the script-tag bundle.
                self.0.rotate_left(1);
                self.0.pop();
            }
            self.0.push((fingerprint.to_owned(), key.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_create_is_retried_with_its_key_and_success_forgets_it() {
        let mut keys = RetryKeys::default();
        let first = keys.key_for("create\n{a}", || "k1".into());
        assert_eq!(first, "k1");
        keys.settle("create\n{a}", &first, true);
        assert_eq!(
            keys.key_for("create\n{a}", || "k2".into()),
            "k1",
            "the retry reuses the key"
        );
        assert_eq!(
            keys.key_for("create\n{b}", || "k3".into()),
            "k3",
            "another body gets its own key"
        );
        keys.settle("create\n{a}", "k1", false);
        assert_eq!(
            keys.key_for("create\n{a}", || "k4".into()),
            "k4",
            "after success a new call is new"
        );
    }

    #[test]
    fn only_the_latest_unsettled_calls_are_kept() {
        let mut keys = RetryKeys::default();
        for i in 0..=RETRY_KEYS_KEPT {
            keys.settle(&format!("call {i}"), &format!("key {i}"), true);
        }
        assert_eq!(keys.key_for("call 0", || "fresh".into()), "fresh");
        assert_eq!(
            keys.key_for(&format!("call {RETRY_KEYS_KEPT}"), || "fresh".into()),
            format!("key {RETRY_KEYS_KEPT}")
        );
    }

    #[test]
    fn codes_for_bare_errors_follow_the_status() {
        assert_eq!(fallback_code(401), "unauthorized");
        assert_eq!(fallback_code(418), "bad_request");
        assert_eq!(fallback_code(502), "server_error");
    }
}
