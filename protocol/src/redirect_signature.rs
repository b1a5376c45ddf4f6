//! The signed parameters a successful checkout appends to the merchant's
//! success URL, and the one canonical string their signature covers.
//!
//! The server appends `checkout_id`, `request_id` (when the session has
//! one), `customer_id` (when known), `purchase_id` or `subscription_id`, and
//! `signature`: lowercase hex HMAC-SHA256, keyed with the platform secret
//! key, over [`canonical`] of the other appended parameters. The HMAC itself
//! lives on the server (this crate is compiled into the widget, which must
//! not carry a hash implementation it never uses); the string is defined
//! here once so the server, its tests and the README agree on it.

/// The session id (`cs_…`).
pub const CHECKOUT_ID: &str = "checkout_id";
/// The merchant's `requestId` given at create, when there was one.
pub const REQUEST_ID: &str = "request_id";
/// The platform customer (`cus_…`) who paid, when known.
pub const CUSTOMER_ID: &str = "customer_id";
/// The purchase the payment made (`pur_…`), when it made no subscription.
pub const PURCHASE_ID: &str = "purchase_id";
/// The subscription the payment started or activated (`sub_…`).
pub const SUBSCRIPTION_ID: &str = "subscription_id";
/// The HMAC over the others; never part of the canonical string.
pub const SIGNATURE: &str = "signature";

/// Every name the server appends. A merchant's own parameter with one of
/// these names is dropped from the success URL before ours are appended, so
/// a verifier reading the URL never sees two values for one signed name.
pub const RESERVED: [&str; 6] = [
    CHECKOUT_ID,
    REQUEST_ID,
    CUSTOMER_ID,
    PURCHASE_ID,
    SUBSCRIPTION_ID,
    SIGNATURE,
];

/// Whether `name` is one of the parameters the server appends.
pub fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name)
}

/// The string the signature covers: the parameters other than `signature`,
/// sorted by name (byte order), written `name=value` with raw values (not
/// percent-encoded) and joined by `&`. Names not in [`RESERVED`] (the
/// merchant's own) are left out: they are not signed.
pub fn canonical(params: &[(&str, &str)]) -> String {
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(name, _)| is_reserved(name) && *name != SIGNATURE)
        .collect();
    signed.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.cmp(b.1)));
    signed
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_name_whatever_the_order_given() {
        let given = [
            (SUBSCRIPTION_ID, "sub_1"),
            (CHECKOUT_ID, "cs_1"),
            (REQUEST_ID, "r1"),
            (CUSTOMER_ID, "cus_1"),
        ];
        assert_eq!(
            canonical(&given),
            "checkout_id=cs_1&customer_id=cus_1&request_id=r1&subscription_id=sub_1"
        );
    }

    #[test]
    fn values_are_raw_not_percent_encoded() {
        let c = canonical(&[(CHECKOUT_ID, "cs_1"), (REQUEST_ID, "order 7&a=b/é%20")]);
        assert_eq!(c, "checkout_id=cs_1&request_id=order 7&a=b/é%20");
    }

    #[test]
    fn signature_and_merchant_parameters_are_not_signed() {
        let c = canonical(&[
            ("utm_source", "mail"),
            (SIGNATURE, "00ff"),
            (CHECKOUT_ID, "cs_1"),
            ("session", "x"),
        ]);
        assert_eq!(c, "checkout_id=cs_1");
        assert_eq!(canonical(&[]), "");
    }

    /// The README's test vector; the HMAC of this string is checked on the
    /// server (`domain::redirect_signing`).
    #[test]
    fn test_vector_string() {
        let c = canonical(&[
            (REQUEST_ID, "order 7&a=b/é"),
            (PURCHASE_ID, "pur_1"),
            (CUSTOMER_ID, "cus_alice"),
            (CHECKOUT_ID, "cs_test_1"),
        ]);
        assert_eq!(
            c,
            "checkout_id=cs_test_1&customer_id=cus_alice&purchase_id=pur_1&request_id=order 7&a=b/é"
        );
    }

    #[test]
    fn reserved_names() {
        for name in RESERVED {
            assert!(is_reserved(name));
        }
        assert!(!is_reserved("CHECKOUT_ID"));
        assert!(!is_reserved("session_id"));
    }
}
