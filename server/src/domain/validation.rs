//! Rules for what merchants and customers send: redirect URLs, output fields
//! and options of a new session, and receipt emails. Pure functions, tested here.

use crate::domain::error::ApiError;
use checkout_protocol::{redirect, ErrorCode};
use serde_json::{Map, Value};

/// Longest redirect URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2048;
/// Longest `outputName`, in characters.
pub const MAX_OUTPUT_NAME_CHARS: usize = 200;
/// Most keys in `outputMetadata`.
pub const MAX_METADATA_KEYS: usize = 50;
/// Largest `outputMetadata`, serialized, in bytes.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;

/// Longest `requestId`, in characters.
pub const MAX_REQUEST_ID_CHARS: usize = 200;
/// Longest free trial a session may grant, in days.
pub const MAX_TRIAL_DAYS: u32 = 730;
/// Soonest a session may expire: a minute after it is created.
pub const MIN_EXPIRY_MS: i64 = 60 * 1000;
/// Latest a session may expire: 30 days after it is created.
pub const MAX_EXPIRY_MS: i64 = 30 * 24 * crate::domain::clock::HOUR_MS;

/// A session id shaped like a real one, substituted for the placeholder when checking a URL.
const SAMPLE_SESSION_ID: &str = "cs_0123456789abcdef0123456789abcdef";

/// Checks a success or cancel URL named `field`: present, absolute, http(s),
/// with a host, and written plainly. Returns the URL as given (trimmed of
/// spaces), so `{CHECKOUT_SESSION_ID}` survives unchanged for filling in later.
///
/// "Plainly" closes the look-alike tricks: a URL parser (and a browser)
/// silently drops tabs and newlines and leading control characters, so
/// `java\tscript:` and `\x01javascript:` would still be `javascript:`
/// URLs; invisible and direction-changing characters make a URL read as
/// something it is not; `user@` in front of the host is the classic
/// `https://shop.example@evil.test`; and a backslash is read as a slash.
/// None of these appear in a URL a merchant means, so each is refused
/// outright rather than normalised. Percent-encoded schemes
/// (`javascript%3A…`) are not schemes at all, so they fail as relative URLs.
pub fn redirect_url(field: &str, value: Option<&str>) -> Result<String, ApiError> {
    parse_redirect_url(field, value).map(|(raw, _)| raw)
}

/// [`redirect_url`] for a URL a session may go without (`successUrl`: a
/// paid session without one shows its receipt on the hosted page). Absent
/// or blank is `None`; anything else must pass [`redirect_url`].
pub fn optional_redirect_url(field: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim_matches(' ').is_empty() => Ok(None),
        Some(v) => redirect_url(field, Some(v)).map(Some),
    }
}

/// [`redirect_url`], also returning the URL as parsed (with a sample id in
/// place of the placeholder), for the host allowlist.
pub fn parse_redirect_url(
    field: &str,
    value: Option<&str>,
) -> Result<(String, url::Url), ApiError> {
    let invalid = |why: &str| ApiError::new(ErrorCode::InvalidUrl, format!("{field} {why}"));
    let value = value
        .map(|v| v.trim_matches(' '))
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid("is required."))?;
    if value.len() > MAX_URL_LEN {
        return Err(invalid(&format!(
            "is longer than {MAX_URL_LEN} characters."
        )));
    }
    if let Some(bad) = value.chars().find(|c| is_hidden_in_url(*c)) {
        let what = if bad.is_whitespace() {
            "spaces or line breaks (percent-encode them)"
        } else {
            "control or invisible characters"
        };
        return Err(invalid(&format!("must not contain {what}.")));
    }
    if value.contains('\\') {
        return Err(invalid("must not contain backslashes."));
    }
    let sample = redirect::fill_session_id(value, SAMPLE_SESSION_ID);
    let url = url::Url::parse(&sample)
        .map_err(|_| invalid("must be an absolute URL starting with https:// or http://."))?;
    if !redirect::is_allowed_scheme(url.scheme()) {
        return Err(invalid("must start with https:// or http://."));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("must include a host name."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "must not contain a user name or password before the host.",
        ));
    }
    Ok((value.to_owned(), url))
}

/// Characters a URL parser drops or a reader cannot see: ASCII and C1
/// controls, whitespace of any kind, and the zero-width and bidirectional
/// formatting characters.
fn is_hidden_in_url(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Longest id or slug accepted in a request (`priceId`, `priceSlug`,
/// `targetSubscriptionId`, `invoiceId`, `customerExternalId`, a discount code).
pub const MAX_ID_CHARS: usize = 255;

/// 400 `field_too_long` if `value` has more than `max` characters.
pub fn max_chars(field: &str, value: Option<&str>, max: usize) -> Result<(), ApiError> {
    if value.is_some_and(|v| v.chars().count() > max) {
        return Err(ApiError::new(
            ErrorCode::FieldTooLong,
            format!("{field} must be at most {max} characters."),
        ));
    }
    Ok(())
}

/// [`max_chars`] with [`MAX_ID_CHARS`], for ids, slugs and codes.
pub fn id_field(field: &str, value: Option<&str>) -> Result<(), ApiError> {
    max_chars(field, value, MAX_ID_CHARS)
}

/// Checks `outputName`: at most [`MAX_OUTPUT_NAME_CHARS`] characters; blank means none.
pub fn output_name(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(name) = value else { return Ok(None) };
    max_chars("outputName", Some(&name), MAX_OUTPUT_NAME_CHARS)?;
    Ok(Some(name).filter(|n| !n.trim().is_empty()))
}

/// Checks `outputMetadata`: at most [`MAX_METADATA_KEYS`] keys and
/// [`MAX_METADATA_BYTES`] serialized; 400 `invalid_metadata` otherwise.
pub fn output_metadata(
    value: Option<Map<String, Value>>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    bounded_metadata("outputMetadata", value)
}

/// Checks a subscription's `metadata` (`subscriptions/create`): the same
/// bounds as [`output_metadata`], and, as Flowglad's schema says, each value
/// a string, number or boolean.
pub fn subscription_metadata(
    value: Option<Map<String, Value>>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let map = bounded_metadata("metadata", value)?;
    if let Some((key, _)) = map
        .iter()
        .flatten()
        .find(|(_, v)| !matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)))
    {
        let shown: String = key.chars().take(64).collect();
        return Err(ApiError::new(
            ErrorCode::InvalidMetadata,
            format!("metadata.{shown} must be a string, a number or a boolean."),
        ));
    }
    Ok(map)
}

/// The bounds of merchant metadata named `field`: at most
/// [`MAX_METADATA_KEYS`] keys and [`MAX_METADATA_BYTES`] serialized.
fn bounded_metadata(
    field: &str,
    value: Option<Map<String, Value>>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let Some(map) = value else { return Ok(None) };
    if map.len() > MAX_METADATA_KEYS {
        return Err(ApiError::new(
            ErrorCode::InvalidMetadata,
            format!("{field} must have at most {MAX_METADATA_KEYS} keys."),
        ));
    }
    let size = serde_json::to_vec(&map)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > MAX_METADATA_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidMetadata,
            format!(
                "{field} must be at most {} KiB as JSON.",
                MAX_METADATA_BYTES / 1024
            ),
        ));
    }
    Ok(Some(map))
}

/// The most bytes one session keeps of what its creator wrote freely:
/// `outputMetadata` (as JSON), `successUrl`, `cancelUrl` and `outputName`
/// together. Each has its own limit too; this one bounds their sum, so a
/// create cannot store every field at its maximum.
pub const MAX_SESSION_DATA_BYTES: usize = 16 * 1024;

/// 400 `session_data_too_large` when the free-form fields of one session
/// add up to more than [`MAX_SESSION_DATA_BYTES`].
pub fn session_data_size(
    success_url: Option<&str>,
    cancel_url: &str,
    output_name: Option<&str>,
    output_metadata: Option<&Map<String, Value>>,
) -> Result<(), ApiError> {
    let metadata = output_metadata
        .map(|m| serde_json::to_vec(m).map_or(usize::MAX, |v| v.len()))
        .unwrap_or(0);
    let total = [
        success_url.map_or(0, str::len),
        cancel_url.len(),
        output_name.map_or(0, str::len),
        metadata,
    ]
    .into_iter()
    .fold(0usize, usize::saturating_add);
    if total > MAX_SESSION_DATA_BYTES {
        return Err(ApiError::new(
            ErrorCode::SessionDataTooLarge,
            format!(
                "outputMetadata, successUrl, cancelUrl and outputName together must be at most {} KiB ({MAX_SESSION_DATA_BYTES} bytes) per checkout session; these are {total} bytes.",
                MAX_SESSION_DATA_BYTES / 1024
            ),
        ));
    }
    Ok(())
}

/// Checks `requestId`: at most [`MAX_REQUEST_ID_CHARS`] characters, no `&`
/// or `=`; blank means none. The signed success redirect signs raw
/// `name=value` pairs joined by `&`, so those two characters in a value
/// could make one signed string read as different parameters.
pub fn request_id(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(id) = value else { return Ok(None) };
    max_chars("requestId", Some(&id), MAX_REQUEST_ID_CHARS)?;
    if id.contains(['&', '=']) {
        return Err(ApiError::invalid_request(
            "requestId must not contain `&` or `=` (the signed success redirect could not \
             tell it from another parameter).",
        ));
    }
    Ok(Some(id).filter(|i| !i.trim().is_empty()))
}

/// Checks `customerEmail` with the page's rule; blank means none.
pub fn customer_email(value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(raw) => email(raw).map(Some).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidEmail,
                "customerEmail is not a valid email address, like name@example.com.",
            )
        }),
    }
}

/// Checks `trialDays`: a whole number from 0 to [`MAX_TRIAL_DAYS`].
pub fn trial_days(value: Option<f64>) -> Result<Option<u32>, ApiError> {
    match value {
        None => Ok(None),
        Some(d)
            if d.is_finite()
                && d.fract() == 0.0
                && (0.0..=f64::from(MAX_TRIAL_DAYS)).contains(&d) =>
        {
            Ok(Some(d as u32))
        }
        Some(_) => Err(ApiError::invalid_request(format!(
            "trialDays must be a whole number of days from 0 to {MAX_TRIAL_DAYS}."
        ))),
    }
}

/// Checks `expiresAt` (epoch milliseconds): from a minute to 30 days after
/// `now`; absent means `now + default_ms`.
pub fn expires_at(value: Option<f64>, now: i64, default_ms: i64) -> Result<i64, ApiError> {
    let Some(at) = value else {
        return Ok(now.saturating_add(default_ms));
    };
    let earliest = now.saturating_add(MIN_EXPIRY_MS);
    let latest = now.saturating_add(MAX_EXPIRY_MS);
    if at.is_finite() && at.fract() == 0.0 && at >= earliest as f64 && at <= latest as f64 {
        Ok(at as i64)
    } else {
        Err(ApiError::invalid_request(
            "expiresAt must be a time in epoch milliseconds from one minute to 30 days from now.",
        ))
    }
}

/// A receipt email, trimmed, if it passes the rule the page also applies
/// ([`checkout_protocol::email::is_plausible_email`]).
pub fn email(raw: &str) -> Option<String> {
    let email = raw.trim();
    checkout_protocol::email::is_plausible_email(email).then(|| email.to_owned())
}

/// The message for [`ErrorCode::InvalidEmail`].
pub const INVALID_EMAIL_MESSAGE: &str = "Enter a valid email address, like name@example.com.";

/// The longest customer name accepted.
pub const MAX_NAME_CHARS: usize = 200;

/// Checks the fields of a customer update: only `name` (not blank, at most
/// [`MAX_NAME_CHARS`], no control characters) and `email` (a plausible
/// address) can change; any other of Flowglad's customer fields, when set,
/// is a 400 rather than silently ignored, since this platform keeps none of
/// them.
pub fn customer_changes(
    input: &checkout_protocol::UpdateCustomerInput,
) -> Result<crate::domain::records::CustomerChanges, ApiError> {
    let unsupported = [
        ("phone", &input.phone),
        ("billingAddress", &input.billing_address),
        ("archived", &input.archived),
        ("domain", &input.domain),
        ("iconURL", &input.icon_url),
        ("logoURL", &input.logo_url),
        ("userId", &input.user_id),
    ];
    for (field, value) in unsupported {
        if value.as_ref().is_some_and(|v| !v.is_null()) {
            return Err(ApiError::invalid_request(format!(
                "customer.{field} cannot be changed here: only a customer's name and email can."
            )));
        }
    }
    let name = match input.name.as_deref() {
        None => None,
        Some(raw) => {
            let name = raw.trim();
            if name.is_empty() {
                return Err(ApiError::invalid_request("customer.name cannot be blank."));
            }
            max_chars("customer.name", Some(name), MAX_NAME_CHARS)?;
            if name.chars().any(char::is_control) {
                return Err(ApiError::invalid_request(
                    "customer.name cannot contain control characters such as line breaks.",
                ));
            }
            Some(name.to_owned())
        }
    };
    let email = match input.email.as_deref() {
        None => None,
        Some(raw) => Some(email(raw).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidEmail,
                "customer.email is not a valid email address, like name@example.com.",
            )
        })?),
    };
    // Neither given is a valid update that changes nothing, as on Flowglad.
    Ok(crate::domain::records::CustomerChanges { name, email })
}

/// `value` trimmed, if anything is left: an id sent blank counts as absent.
pub fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn url_err(v: Option<&str>) -> ApiError {
        redirect_url("successUrl", v).unwrap_err()
    }

    #[test]
    fn accepts_web_urls_and_keeps_the_placeholder() {
        let raw = "https://shop.example.com/thanks?session_id={CHECKOUT_SESSION_ID}";
        let kept = redirect_url("successUrl", Some(raw)).unwrap();
        assert_eq!(kept, raw);
        assert!(kept.contains(checkout_protocol::CHECKOUT_SESSION_ID_PLACEHOLDER));
        let in_path = "http://localhost:3000/done/{CHECKOUT_SESSION_ID}/receipt";
        assert_eq!(redirect_url("cancelUrl", Some(in_path)).unwrap(), in_path);
        assert_eq!(
            redirect_url("cancelUrl", Some("  https://a.test/c  ")).unwrap(),
            "https://a.test/c"
        );
    }

    #[test]
    fn rejects_scripts_data_relative_and_missing() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "/relative/path",
            "shop.example.com/thanks",
            "ftp://files.example.com/x",
            "https://",
            "file:///etc/passwd",
        ] {
            let e = url_err(Some(bad));
            assert_eq!(e.code, ErrorCode::InvalidUrl, "{bad}");
            assert!(e.message.starts_with("successUrl "), "{bad}: {}", e.message);
        }
        assert_eq!(url_err(None).message, "successUrl is required.");
        assert_eq!(url_err(Some("  ")).message, "successUrl is required.");
        let long = format!("https://a.test/{}", "x".repeat(MAX_URL_LEN));
        assert_eq!(url_err(Some(&long)).code, ErrorCode::InvalidUrl);
        assert!(redirect_url("cancelUrl", Some("javascript:x"))
            .unwrap_err()
            .message
            .starts_with("cancelUrl "));
    }

    #[test]
    fn a_success_url_may_be_left_out_but_not_written_wrong() {
        assert_eq!(optional_redirect_url("successUrl", None).unwrap(), None);
        assert_eq!(optional_redirect_url("successUrl", Some("")).unwrap(), None);
        assert_eq!(
            optional_redirect_url("successUrl", Some("   ")).unwrap(),
            None
        );
        assert_eq!(
            optional_redirect_url("successUrl", Some("https://a.test/s")).unwrap(),
            Some("https://a.test/s".to_owned())
        );
        for bad in [
            "javascript:alert(1)",
            "/relative",
            "\t",
            "https://a.test/\u{202e}x",
        ] {
            let e = optional_redirect_url("successUrl", Some(bad)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidUrl, "{bad:?}");
            assert!(e.message.starts_with("successUrl "), "{}", e.message);
        }
    }

    #[test]
    fn rejects_look_alikes_of_script_urls() {
        for bad in [
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\tjavascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "\u{0}https://a.test/",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\rscript:alert(1)",
            "javascript%3Aalert(1)",
            "%6Aavascript:alert(1)",
            "jav&#x61;script:alert(1)",
            "vbscript:msgbox(1)",
            "VBScript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            " DATA:text/html,x",
            "javascript://a.test/%0aalert(1)",
            "https://a.test/\u{202E}fdp.exe",
            "https://a\u{200B}.test/",
            "https://a.test/ ok",
            "https://a.test/\u{a0}",
            "https://shop.example@evil.test/",
            "https://user:pw@a.test/",
            "https:\\\\evil.test",
            "https://a.test\\@evil.test/",
            "\u{FEFF}https://a.test/",
        ] {
            let e = url_err(Some(bad));
            assert_eq!(e.code, ErrorCode::InvalidUrl, "{bad:?}");
        }
        assert!(url_err(Some("https://a.test/\tx"))
            .message
            .contains("spaces or line breaks"));
        assert!(url_err(Some("\u{1}https://a.test/"))
            .message
            .contains("control or invisible"));
        // Percent-encoded characters in a real web URL are fine.
        assert!(redirect_url("successUrl", Some("https://a.test/a%20b?q=%3Cx%3E")).is_ok());
        let (_, parsed) = parse_redirect_url(
            "successUrl",
            Some("https://Shop.Example/ok?id={CHECKOUT_SESSION_ID}"),
        )
        .unwrap();
        assert_eq!(parsed.host_str(), Some("shop.example"));
    }

    #[test]
    fn ids_and_codes_have_a_length_limit() {
        assert!(id_field("priceSlug", Some(&"x".repeat(MAX_ID_CHARS))).is_ok());
        assert!(id_field("priceSlug", None).is_ok());
        let e = id_field("priceSlug", Some(&"é".repeat(MAX_ID_CHARS + 1))).unwrap_err();
        assert_eq!(e.code, ErrorCode::FieldTooLong);
        assert_eq!(e.message, "priceSlug must be at most 255 characters.");
    }

    #[test]
    fn output_fields() {
        assert_eq!(output_name(None).unwrap(), None);
        assert_eq!(
            output_name(Some("Team plan".into())).unwrap().as_deref(),
            Some("Team plan")
        );
        assert_eq!(
            output_name(Some("é".repeat(200)))
                .unwrap()
                .map(|s| s.chars().count()),
            Some(200)
        );
        assert_eq!(
            output_name(Some("x".repeat(201))).unwrap_err().code,
            ErrorCode::FieldTooLong
        );
        let mut many = Map::new();
        for i in 0..51 {
            many.insert(format!("k{i}"), json!(i));
        }
        assert_eq!(
            output_metadata(Some(many)).unwrap_err().code,
            ErrorCode::InvalidMetadata
        );
        let mut big = Map::new();
        big.insert("k".into(), json!("x".repeat(MAX_METADATA_BYTES)));
        assert_eq!(
            output_metadata(Some(big)).unwrap_err().code,
            ErrorCode::InvalidMetadata
        );
        let mut ok = Map::new();
        ok.insert("team".into(), json!("t_1"));
        assert!(output_metadata(Some(ok)).unwrap().is_some());
    }

    #[test]
    fn checkout_options() {
        assert_eq!(request_id(None).unwrap(), None);
        assert_eq!(request_id(Some("  ".into())).unwrap(), None);
        for ambiguous in ["x&subscription_id=sub_1", "a=b", "a&b"] {
            assert_eq!(
                request_id(Some(ambiguous.into())).unwrap_err().code,
                ErrorCode::InvalidRequest,
                "{ambiguous}"
            );
        }
        assert_eq!(
            request_id(Some("é".repeat(200)))
                .unwrap()
                .map(|s| s.chars().count()),
            Some(200)
        );
        assert_eq!(
            request_id(Some("x".repeat(201))).unwrap_err().code,
            ErrorCode::FieldTooLong
        );

        assert_eq!(
            customer_email(Some(" ann@example.com "))
                .unwrap()
                .as_deref(),
            Some("ann@example.com")
        );
        assert_eq!(customer_email(Some("")).unwrap(), None);
        assert_eq!(
            customer_email(Some("ann@")).unwrap_err().code,
            ErrorCode::InvalidEmail
        );

        assert_eq!(trial_days(Some(0.0)).unwrap(), Some(0));
        assert_eq!(trial_days(Some(730.0)).unwrap(), Some(730));
        for bad in [-1.0, 731.0, 1.5, f64::NAN] {
            assert_eq!(
                trial_days(Some(bad)).unwrap_err().code,
                ErrorCode::InvalidRequest,
                "{bad}"
            );
        }

        let now = 1_000_000_000_000;
        assert_eq!(expires_at(None, now, 5).unwrap(), now + 5);
        assert_eq!(
            expires_at(Some((now + MIN_EXPIRY_MS) as f64), now, 5).unwrap(),
            now + MIN_EXPIRY_MS
        );
        assert_eq!(
            expires_at(Some((now + MAX_EXPIRY_MS) as f64), now, 5).unwrap(),
            now + MAX_EXPIRY_MS
        );
        for bad in [now + MIN_EXPIRY_MS - 1, now + MAX_EXPIRY_MS + 1, now - 1] {
            assert_eq!(
                expires_at(Some(bad as f64), now, 5).unwrap_err().code,
                ErrorCode::InvalidRequest
            );
        }
        assert!(expires_at(Some((now + 120_000) as f64 + 0.5), now, 5).is_err());
    }

    #[test]
    fn email_rule() {
        assert_eq!(
            email("  ada@example.com ").as_deref(),
            Some("ada@example.com")
        );
        assert!(email("a.b+tag@mail.example.co.uk").is_some());
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "a@b@example.com",
            "ada @example.com",
            "ada@exa mple.com",
            "ada@.example.com",
            "ada@example.com.",
            "ada@example..com",
        ] {
            assert_eq!(email(bad), None, "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.len(), 255);
        assert_eq!(email(&long), None);
        assert!(email(&long[1..]).is_some());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// `javascript`, `vbscript` or `data` with each letter's case
        /// chosen at random.
        fn script_scheme() -> impl Strategy<Value = String> {
            (
                prop::sample::select(vec!["javascript", "vbscript", "data"]),
                any::<u64>(),
            )
                .prop_map(|(scheme, mask)| {
                    scheme
                        .chars()
                        .enumerate()
                        .map(|(i, c)| {
                            if (mask >> (i % 64)) & 1 == 1 {
                                c.to_ascii_uppercase()
                            } else {
                                c
                            }
                        })
                        .collect()
                })
        }

        /// Characters a parser drops or a reader misses.
        fn sneaky() -> impl Strategy<Value = char> {
            prop::sample::select(vec![
                '\t', '\n', '\r', '\u{0}', '\u{1}', '\u{1f}', '\u{7f}', '\u{85}', ' ', '\u{a0}',
                '\u{200b}', '\u{202e}', '\u{feff}', '\u{2028}',
            ])
        }

        proptest! {
            /// A script scheme in any case, with hidden characters slipped
            /// in anywhere before its colon or around it, is never accepted.
            #[test]
            fn script_urls_never_pass(
                scheme in script_scheme(),
                inserts in prop::collection::vec((0usize..12, sneaky()), 0..4),
                lead in prop::collection::vec(sneaky(), 0..3),
                body in "[ -~]{0,40}",
            ) {
                let mut s: Vec<char> = scheme.chars().collect();
                for (at, c) in inserts {
                    let at = at.min(s.len());
                    s.insert(at, c);
                }
                let raw: String = lead.into_iter().chain(s).chain(":".chars()).chain(body.chars()).collect();
                prop_assert_eq!(url_err(Some(&raw)).code, ErrorCode::InvalidUrl, "{:?}", raw);
            }

            /// Percent-encoding any letters of the scheme or its colon does
            /// not make a script URL acceptable.
            #[test]
            fn percent_encoded_schemes_never_pass(
                scheme in script_scheme(),
                mask in any::<u32>(),
                body in "[a-z0-9()/]{0,20}",
            ) {
                let encoded: String = scheme
                    .chars()
                    .chain(std::iter::once(':'))
                    .enumerate()
                    .map(|(i, c)| if (mask >> (i % 32)) & 1 == 1 { format!("%{:02X}", c as u32) } else { c.to_string() })
                    .collect();
                let raw = format!("{encoded}{body}");
                prop_assert!(redirect_url("successUrl", Some(&raw)).is_err(), "{:?}", raw);
            }

            /// Plain http(s) URLs on a host are accepted and kept exactly as
            /// given, placeholder included.
            #[test]
            fn web_urls_pass_unchanged(
                https in any::<bool>(),
                host in "[a-z][a-z0-9-]{0,20}(\\.[a-z][a-z0-9-]{0,10}){1,3}",
                path in "(/[A-Za-z0-9._~-]{0,12}){0,4}",
                with_id in any::<bool>(),
            ) {
                // `xn--` labels are punycode, which IDNA decodes (and refuses
                // when malformed, like `xn--`): not the plain hosts meant here.
                prop_assume!(!host.split('.').any(|label| label.starts_with("xn--")));
                let scheme = if https { "https" } else { "http" };
                let query = if with_id { "?session_id={CHECKOUT_SESSION_ID}" } else { "" };
                let raw = format!("{scheme}://{host}{path}{query}");
                let kept = redirect_url("successUrl", Some(&raw));
                prop_assert_eq!(kept.as_deref(), Ok(raw.as_str()));
            }

            /// Whatever the input, the answer is a URL or `invalid_url` —
            /// never a panic, never another code.
            #[test]
            fn any_text_gets_a_url_or_invalid_url(raw in any::<String>()) {
                if let Err(e) = redirect_url("successUrl", Some(&raw)) {
                    prop_assert_eq!(e.code, ErrorCode::InvalidUrl);
                }
            }
        }
    }
}
