//! Unguessable ids: a type prefix and 128 bits of OS randomness in lower-case hex.

/// Prefix of checkout session ids.
pub const CHECKOUT_SESSION: &str = "cs_";
/// Prefix of customer ids created through the platform API.
pub const CUSTOMER: &str = "cus_";
/// Prefix of the sign-in tokens of customers created through the platform
/// API (nobody is given one; the column needs a value).
pub const SIGN_IN_TOKEN: &str = "tok_";
/// Prefix of purchase ids.
pub const PURCHASE: &str = "pur_";
/// Prefix of subscription ids created by checkouts.
pub const SUBSCRIPTION: &str = "sub_";
/// Prefix of saved card ids.
pub const PAYMENT_METHOD: &str = "pm_";
/// Prefix of invoice ids.
pub const INVOICE: &str = "inv_";
/// Prefix of invoice line ids.
pub const INVOICE_LINE: &str = "il_";
/// Prefix of payment attempt keys (one per charge attempt, the processor's
/// idempotency key).
pub const PAYMENT_ATTEMPT: &str = "pa_";
/// Prefix of charge ids issued by the test processor.
pub const CHARGE: &str = "ch_";
/// Prefix of a 3-D Secure authentication waiting for the customer (the
/// id the hosted page posts the outcome with).
pub const AUTHENTICATION: &str = "auth_";
/// Prefix of the test processor's reference of a payment waiting for
/// 3-D Secure authentication.
pub const THREE_D_SECURE: &str = "3ds_";
/// Prefix of webhook event ids (sent as `webhook-id`, Standard Webhooks' `msg_`).
pub const WEBHOOK_EVENT: &str = "msg_";
/// Prefix of webhook delivery ids (one per event and endpoint).
pub const WEBHOOK_DELIVERY: &str = "whd_";
/// Prefix of usage event ids.
pub const USAGE_EVENT: &str = "ue_";
/// Prefix of resource claim ids.
pub const RESOURCE_CLAIM: &str = "rc_";

/// Random bytes per id: 16 bytes = 128 bits, so ids cannot be guessed or enumerated.
const RANDOM_BYTES: usize = 16;

/// A new id: `prefix` followed by 32 lower-case hex characters.
///
/// Fails only when the operating system cannot supply randomness.
pub fn new_id(prefix: &str) -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Whether `id` has the shape [`new_id`] produces for `prefix`.
#[cfg(test)]
pub fn has_id_shape(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == RANDOM_BYTES * 2
            && rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_128_bits_of_hex() {
        let id = new_id(CHECKOUT_SESSION).unwrap();
        assert!(has_id_shape(&id, CHECKOUT_SESSION), "{id}");
        assert_eq!(id.len(), 3 + 32);
        let pur = new_id(PURCHASE).unwrap();
        assert!(has_id_shape(&pur, PURCHASE), "{pur}");
        assert!(!has_id_shape(&pur, CHECKOUT_SESSION));
    }

    #[test]
    fn ids_differ() {
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| new_id(CHECKOUT_SESSION).unwrap())
            .collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
    }

    #[test]
    fn shape_check_rejects_near_misses() {
        assert!(!has_id_shape("cs_", CHECKOUT_SESSION));
        assert!(!has_id_shape(
            "cs_0123456789ABCDEF0123456789abcdef",
            CHECKOUT_SESSION
        ));
        assert!(!has_id_shape(
            "cs_0123456789abcdef0123456789abcde",
            CHECKOUT_SESSION
        ));
        assert!(has_id_shape(
            "cs_0123456789abcdef0123456789abcdef",
            CHECKOUT_SESSION
        ));
    }
}
