//! Signing the parameters a successful checkout appends to the merchant's
//! success URL, so the merchant's success page can trust what the URL says
//! before the webhook arrives. The canonical string is defined once in
//! [`checkout_protocol::redirect_signature::canonical`]; the HMAC is here.

use checkout_protocol::redirect_signature::{self, is_reserved};
use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;

/// What a query value is encoded with: everything but RFC 3986's unreserved
/// characters, so `&`, `=`, `+`, `#`, spaces and non-ASCII in a
/// `request_id` can never split or end a parameter.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Lowercase hex HMAC-SHA256 of `message` keyed with `key`.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    // HMAC takes keys of any length, so this constructor cannot fail; the
    // `Err` arm only satisfies the type and is never taken.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(message);
    crate::domain::ids::hex(&mac.finalize().into_bytes())
}

/// The `signature` for `params` (ours; merchant parameters and any
/// `signature` among them are ignored by the canonical string).
pub fn signature(key: &str, params: &[(&str, &str)]) -> String {
    let canonical = redirect_signature::canonical(params);
    hmac_sha256_hex(key.as_bytes(), canonical.as_bytes())
}

/// `url` (the success URL with `{CHECKOUT_SESSION_ID}` already filled in)
/// with `params` and their `signature` appended as query parameters.
///
/// The merchant's own query parameters are kept byte for byte, except any
/// whose name is one of ours ([`redirect_signature::RESERVED`]): those are
/// dropped, so a verifier never meets two `checkout_id`s and cannot be
/// misled by the merchant's (unsigned) one. A fragment stays at the end.
pub fn signed_url(url: &str, params: &[(&str, &str)], key: &str) -> String {
    let (without_fragment, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let (base, query) = match without_fragment.find('?') {
        Some(at) => (&without_fragment[..at], &without_fragment[at + 1..]),
        None => (without_fragment, ""),
    };
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|part| !part.is_empty() && !is_reserved(&decoded_name(part)))
        .map(str::to_owned)
        .collect();
    let signature = signature(key, params);
    let ours = params
        .iter()
        .filter(|(name, _)| *name != redirect_signature::SIGNATURE)
        .copied()
        .chain(std::iter::once((
            redirect_signature::SIGNATURE,
            signature.as_str(),
        )));
    for (name, value) in ours {
        parts.push(format!(
            "{}={}",
            utf8_percent_encode(name, QUERY_VALUE),
            utf8_percent_encode(value, QUERY_VALUE)
        ));
    }
    format!("{base}?{}{fragment}", parts.join("&"))
}

/// A query part's name as a form parser reads it (`+` is a space, `%XX`
/// decoded), so `checkout%5Fid=x` is recognised as `checkout_id`.
fn decoded_name(part: &str) -> String {
    let name = part.split('=').next().unwrap_or_default().replace('+', " ");
    percent_decode_str(&name).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::redirect_signature::{
        CHECKOUT_ID, CUSTOMER_ID, PURCHASE_ID, REQUEST_ID, SUBSCRIPTION_ID,
    };

    const KEY: &str = "sk_test_0123456789abcdef0123456789abcdef";

    /// The README's vector, computed independently with
    /// `python3 -c 'import hmac,hashlib; print(hmac.new(b"sk_test_0123456789abcdef0123456789abcdef",
    /// "checkout_id=cs_test_1&customer_id=cus_alice&purchase_id=pur_1&request_id=order 7&a=b/é".encode(),
    /// hashlib.sha256).hexdigest())'`.
    const VECTOR: &str = "631130e2a770c0a80d17427e58aee8771bccec128f48845a5ecceb12bf9aa55e";

    fn vector_params() -> [(&'static str, &'static str); 4] {
        [
            (CHECKOUT_ID, "cs_test_1"),
            (REQUEST_ID, "order 7&a=b/é"),
            (CUSTOMER_ID, "cus_alice"),
            (PURCHASE_ID, "pur_1"),
        ]
    }

    #[test]
    fn test_vector() {
        assert_eq!(signature(KEY, &vector_params()), VECTOR);
        // The empty message, as `python3 -c 'import hmac,hashlib;
        // print(hmac.new(b"sk_test_0123456789abcdef0123456789abcdef", b"", hashlib.sha256).hexdigest())'`.
        assert_eq!(
            hmac_sha256_hex(KEY.as_bytes(), b""),
            "19eb697553200fd5ffc81119bb189caafa6b1d655b4c73f587eed983da112cf3"
        );
    }

    #[test]
    fn the_vector_url_is_encoded_and_keeps_merchant_parameters() {
        let url = signed_url(
            "https://shop.test/thanks?utm=mail&x=a%26b#top",
            &vector_params(),
            KEY,
        );
        assert_eq!(
            url,
            format!(
                "https://shop.test/thanks?utm=mail&x=a%26b&checkout_id=cs_test_1\
                 &request_id=order%207%26a%3Db%2F%C3%A9&customer_id=cus_alice&purchase_id=pur_1\
                 &signature={VECTOR}#top"
            )
        );
    }

    #[test]
    fn merchant_parameters_with_our_names_are_dropped() {
        let url = signed_url(
            "https://shop.test/ok?checkout_id=cs_fake&signature=00&Checkout_id=keep&subscription%5Fid=s&purchase_id",
            &[(CHECKOUT_ID, "cs_1")],
            KEY,
        );
        let expected_sig = signature(KEY, &[(CHECKOUT_ID, "cs_1")]);
        assert_eq!(
            url,
            format!(
                "https://shop.test/ok?Checkout_id=keep&checkout_id=cs_1&signature={expected_sig}"
            )
        );
    }

    #[test]
    fn a_url_without_a_query_gets_one() {
        let url = signed_url(
            "https://shop.test/done",
            &[(CHECKOUT_ID, "cs_1"), (SUBSCRIPTION_ID, "sub_1")],
            KEY,
        );
        assert!(url.starts_with(
            "https://shop.test/done?checkout_id=cs_1&subscription_id=sub_1&signature="
        ));
    }

    #[test]
    fn any_change_changes_the_signature() {
        let base = signature(KEY, &vector_params());
        let mut tampered = vector_params();
        tampered[3].1 = "pur_2";
        assert_ne!(signature(KEY, &tampered), base);
        assert_ne!(
            signature("sk_test_other_key_0123456789abcdef01", &vector_params()),
            base
        );
    }
}
