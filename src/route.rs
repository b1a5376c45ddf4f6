//! The merchant's server route as both bundles see it: its default prefix,
//! how long a call may take, and what an error envelope without a code means.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_for_bare_errors_follow_the_status() {
        assert_eq!(fallback_code(401), "unauthorized");
        assert_eq!(fallback_code(418), "bad_request");
        assert_eq!(fallback_code(502), "server_error");
    }
}
