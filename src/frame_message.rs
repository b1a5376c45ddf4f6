//! The messages the hosted page posts to the page that frames it (the
//! embed's overlay and inline modes): one definition for the writer
//! (`hosted/embedding.rs`) and the reader (`embed/frame.rs`), so the two
//! cannot drift. A message comes from another window: the reader checks
//! every field and drops a message with a field missing, of the wrong type
//! or out of range, rather than hand the page half of it.

/// The marker every message carries, so other scripts' messages are ignored.
pub const MESSAGE_SOURCE: &str = "checkout-widget";

/// One field of a posted message, as the reader found it.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Absent, `undefined` or `null`.
    Missing,
    /// A string.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// Anything else (an object, an array).
    Other,
}

/// What the hosted page tells the page around it.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameMessage {
    /// Paid (or card saved); go to the success URL.
    Success {
        /// The session.
        session_id: String,
        /// The success URL with the id filled in.
        redirect_url: String,
        /// What was charged, minor units (zero for a trial or a saved card).
        amount_total: i64,
        /// ISO 4217 code of `amount_total`.
        currency: String,
        /// The purchase recorded, when the checkout made one.
        purchase_id: Option<String>,
        /// The subscription started or activated, when there is one.
        subscription_id: Option<String>,
    },
    /// The customer left; go to the cancel URL, if any.
    Cancel {
        /// The session.
        session_id: String,
        /// The cancel URL with the id filled in.
        redirect_url: Option<String>,
    },
    /// The page's content height, for the inline iframe.
    Resize {
        /// CSS pixels.
        height: f64,
    },
    /// A payment was refused (a decline, a failed authentication); the
    /// customer may try another card.
    PaymentFailed {
        /// The session.
        session_id: String,
        /// The stable error code, e.g. `card_declined`.
        code: String,
        /// The server's sentence for it.
        message: String,
    },
    /// A discount code now applies.
    DiscountApplied {
        /// The session.
        session_id: String,
        /// The code as the merchant spells it.
        code: String,
        /// Taken off the subtotal, minor units.
        amount_off: i64,
        /// Due today after it, minor units.
        total_due_today: i64,
        /// ISO 4217 code of the amounts.
        currency: String,
    },
    /// The discount code was removed.
    DiscountRemoved {
        /// The session.
        session_id: String,
        /// Due today without it, minor units.
        total_due_today: i64,
        /// ISO 4217 code of the amount.
        currency: String,
    },
    /// A payment started (`true`) or ended (`false`): while one runs the
    /// overlay cannot be closed, since the charge may land anyway.
    Processing {
        /// The session.
        session_id: String,
        /// Whether a payment is in flight.
        processing: bool,
    },
}

/// The `type` of each message, as posted.
mod kind {
    pub const SUCCESS: &str = "success";
    pub const CANCEL: &str = "cancel";
    pub const RESIZE: &str = "resize";
    pub const PAYMENT_FAILED: &str = "payment_failed";
    pub const DISCOUNT_APPLIED: &str = "discount_applied";
    pub const DISCOUNT_REMOVED: &str = "discount_removed";
    pub const PROCESSING: &str = "processing";
}

/// Reads a message through `field` (the value of each key); `None` unless
/// it carries [`MESSAGE_SOURCE`], a known `type` and every field that type
/// needs, well-formed.
pub fn read(field: impl Fn(&str) -> Field) -> Option<FrameMessage> {
    let text = |key: &str| match field(key) {
        Field::Text(s) => Some(s),
        _ => None,
    };
    if text("source").as_deref() != Some(MESSAGE_SOURCE) {
        return None;
    }
    let id = |key: &str| text(key).filter(|s| is_id(s));
    // `Some(None)` when absent; `None` (drop the message) when of another type.
    let optional_id = |key: &str| match field(key) {
        Field::Missing => Some(None),
        Field::Text(s) if is_id(&s) => Some(Some(s)),
        _ => None,
    };
    let amount = |key: &str| match field(key) {
        Field::Number(n) => minor_units(n),
        _ => None,
    };
    let currency = || text("currency").filter(|c| is_currency(c));
    let session_id = id("sessionId");
    Some(match text("type")?.as_str() {
        kind::SUCCESS => FrameMessage::Success {
            session_id: session_id?,
            redirect_url: text("redirectUrl")?,
            amount_total: amount("amountTotal")?,
            currency: currency()?,
            purchase_id: optional_id("purchaseId")?,
            subscription_id: optional_id("subscriptionId")?,
        },
        kind::CANCEL => FrameMessage::Cancel {
            session_id: session_id?,
            redirect_url: match field("redirectUrl") {
                Field::Missing => None,
                Field::Text(url) => Some(url),
                _ => return None,
            },
        },
        kind::RESIZE => match field("height") {
            Field::Number(height) => FrameMessage::Resize { height },
            _ => return None,
        },
        kind::PAYMENT_FAILED => FrameMessage::PaymentFailed {
            session_id: session_id?,
            code: text("code").filter(|c| is_error_code(c))?,
            message: text("message").filter(|m| is_sentence(m))?,
        },
        kind::DISCOUNT_APPLIED => FrameMessage::DiscountApplied {
            session_id: session_id?,
            code: text("code").filter(|c| is_discount_code(c))?,
            amount_off: amount("amountOff")?,
            total_due_today: amount("totalDueToday")?,
            currency: currency()?,
        },
        kind::DISCOUNT_REMOVED => FrameMessage::DiscountRemoved {
            session_id: session_id?,
            total_due_today: amount("totalDueToday")?,
            currency: currency()?,
        },
        kind::PROCESSING => FrameMessage::Processing {
            session_id: session_id?,
            processing: match field("processing") {
                Field::Bool(b) => b,
                _ => return None,
            },
        },
        _ => return None,
    })
}

impl FrameMessage {
    /// The message as posted: its fields in camelCase, with `type` and the
    /// [`MESSAGE_SOURCE`] marker ([`Field::Missing`] is posted as `null`).
    /// A list rather than JSON, so the hosted page writes it straight into a
    /// JS object, without a JSON serializer in its wasm.
    pub fn fields(&self) -> Vec<(&'static str, Field)> {
        let text = |s: &String| Field::Text(s.clone());
        let maybe = |s: &Option<String>| s.clone().map_or(Field::Missing, Field::Text);
        // Minor units are far below 2^53, so the f64 is the same number.
        let amount = |n: &i64| Field::Number(*n as f64);
        let mut fields = match self {
            Self::Success {
                session_id,
                redirect_url,
                amount_total,
                currency,
                purchase_id,
                subscription_id,
            } => vec![
                ("type", Field::Text(kind::SUCCESS.into())),
                ("sessionId", text(session_id)),
                ("redirectUrl", text(redirect_url)),
                ("amountTotal", amount(amount_total)),
                ("currency", text(currency)),
                ("purchaseId", maybe(purchase_id)),
                ("subscriptionId", maybe(subscription_id)),
            ],
            Self::Cancel {
                session_id,
                redirect_url,
            } => vec![
                ("type", Field::Text(kind::CANCEL.into())),
                ("sessionId", text(session_id)),
                ("redirectUrl", maybe(redirect_url)),
            ],
            Self::Resize { height } => vec![
                ("type", Field::Text(kind::RESIZE.into())),
                ("height", Field::Number(*height)),
            ],
            Self::PaymentFailed {
                session_id,
                code,
                message,
            } => vec![
                ("type", Field::Text(kind::PAYMENT_FAILED.into())),
                ("sessionId", text(session_id)),
                ("code", text(code)),
                ("message", text(message)),
            ],
            Self::DiscountApplied {
                session_id,
                code,
                amount_off,
                total_due_today,
                currency,
            } => vec![
                ("type", Field::Text(kind::DISCOUNT_APPLIED.into())),
                ("sessionId", text(session_id)),
                ("code", text(code)),
                ("amountOff", amount(amount_off)),
                ("totalDueToday", amount(total_due_today)),
                ("currency", text(currency)),
            ],
            Self::DiscountRemoved {
                session_id,
                total_due_today,
                currency,
            } => vec![
                ("type", Field::Text(kind::DISCOUNT_REMOVED.into())),
                ("sessionId", text(session_id)),
                ("totalDueToday", amount(total_due_today)),
                ("currency", text(currency)),
            ],
            Self::Processing {
                session_id,
                processing,
            } => vec![
                ("type", Field::Text(kind::PROCESSING.into())),
                ("sessionId", text(session_id)),
                ("processing", Field::Bool(*processing)),
            ],
        };
        fields.push(("source", Field::Text(MESSAGE_SOURCE.into())));
        fields
    }
}

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// An amount in minor units: a whole, non-negative, exactly representable number.
fn minor_units(n: f64) -> Option<i64> {
    (n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n)).then_some(n as i64)
}

/// An id (`cs_…`, `pur_…`, `sub_…`): letters, digits, `_` and `-`.
fn is_id(s: &str) -> bool {
    (1..=255).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An ISO 4217 code: three upper-case letters.
fn is_currency(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// An `ErrorCode` as the wire spells it: `snake_case`.
fn is_error_code(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A discount code as a merchant may spell it: no control characters and
/// no spaces around it. Bytes, not chars: the embed carries no Unicode tables.
fn is_discount_code(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.bytes().any(|b| b.is_ascii_control())
}

/// A human sentence for the page: not blank, not a novel, no control
/// characters but line breaks.
fn is_sentence(s: &str) -> bool {
    (1..=2000).contains(&s.len())
        && !s.bytes().all(|b| b == b' ')
        && !s.bytes().any(|b| b.is_ascii_control() && b != b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// What the browser's structured clone of the posted object holds.
    trait ToJson {
        fn to_json(&self) -> Value;
    }

    impl ToJson for FrameMessage {
        fn to_json(&self) -> Value {
            let object = self
                .fields()
                .into_iter()
                .map(|(key, field)| {
                    let value = match field {
                        Field::Missing => Value::Null,
                        Field::Text(s) => Value::String(s),
                        Field::Number(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER => {
                            json!(n as i64)
                        }
                        Field::Number(n) => json!(n),
                        Field::Bool(b) => Value::Bool(b),
                        Field::Other => panic!("the writer never posts objects"),
                    };
                    (key.to_owned(), value)
                })
                .collect();
            Value::Object(object)
        }
    }

    /// The reader over parsed JSON, as the browser's structured clone hands it over.
    fn from_json(value: &Value) -> Option<FrameMessage> {
        read(|key| match value.get(key) {
            None | Some(Value::Null) => Field::Missing,
            Some(Value::String(s)) => Field::Text(s.clone()),
            Some(Value::Number(n)) => n.as_f64().map_or(Field::Other, Field::Number),
            Some(Value::Bool(b)) => Field::Bool(*b),
            Some(_) => Field::Other,
        })
    }

    fn every_message() -> Vec<FrameMessage> {
        vec![
            FrameMessage::Success {
                session_id: "cs_1".into(),
                redirect_url: "https://shop.example/ok?session_id=cs_1".into(),
                amount_total: 4900,
                currency: "USD".into(),
                purchase_id: Some("pur_1".into()),
                subscription_id: None,
            },
            FrameMessage::Success {
                session_id: "cs_2".into(),
                redirect_url: "https://shop.example/ok".into(),
                amount_total: 0,
                currency: "EUR".into(),
                purchase_id: None,
                subscription_id: Some("sub_9".into()),
            },
            FrameMessage::Cancel {
                session_id: "cs_1".into(),
                redirect_url: None,
            },
            FrameMessage::Cancel {
                session_id: "cs_1".into(),
                redirect_url: Some("https://shop.example/back".into()),
            },
            FrameMessage::Resize { height: 812.0 },
            FrameMessage::PaymentFailed {
                session_id: "cs_1".into(),
                code: "card_declined".into(),
                message: "Your card was declined.".into(),
            },
            FrameMessage::DiscountApplied {
                session_id: "cs_1".into(),
                code: "WELCOME10".into(),
                amount_off: 490,
                total_due_today: 4410,
                currency: "USD".into(),
            },
            FrameMessage::DiscountRemoved {
                session_id: "cs_1".into(),
                total_due_today: 4900,
                currency: "USD".into(),
            },
            FrameMessage::Processing {
                session_id: "cs_1".into(),
                processing: true,
            },
            FrameMessage::Processing {
                session_id: "cs_1".into(),
                processing: false,
            },
        ]
    }

    #[test]
    fn what_the_hosted_page_writes_the_embed_reads_back() {
        for message in every_message() {
            assert_eq!(
                from_json(&message.to_json()),
                Some(message.clone()),
                "{message:?}"
            );
        }
    }

    #[test]
    fn the_wire_names_are_the_documented_ones() {
        let failed = every_message()[5].to_json();
        assert_eq!(
            failed,
            json!({"source": "checkout-widget", "type": "payment_failed", "sessionId": "cs_1",
                "code": "card_declined", "message": "Your card was declined."})
        );
        let paid = every_message()[0].to_json();
        assert_eq!(paid["amountTotal"], 4900);
        assert_eq!(paid["purchaseId"], "pur_1");
        assert_eq!(paid["subscriptionId"], Value::Null);
    }

    #[test]
    fn a_message_without_our_marker_is_ignored() {
        for message in every_message() {
            let mut json = message.to_json();
            json["source"] = json!("someone-else");
            assert_eq!(from_json(&json), None);
            json.as_object_mut().map(|o| o.remove("source"));
            assert_eq!(from_json(&json), None);
        }
        assert_eq!(from_json(&json!("text")), None);
        assert_eq!(from_json(&json!(null)), None);
        assert_eq!(
            from_json(&json!({"source": "checkout-widget", "type": "explode"})),
            None
        );
    }

    #[test]
    fn a_wrong_typed_or_missing_field_drops_the_whole_message() {
        let values = [
            json!(null),
            json!(1),
            json!("x"),
            json!(true),
            json!({}),
            json!([]),
        ];
        for message in every_message() {
            let good = message.to_json();
            for (key, value) in good.as_object().unwrap() {
                // Optional fields: the ones written as null when absent.
                let optional = value.is_null()
                    || matches!(key.as_str(), "purchaseId" | "subscriptionId")
                    || matches!(message, FrameMessage::Cancel { .. }) && key == "redirectUrl";
                // An absent optional field is text when present.
                let typed = if value.is_null() { &values[2] } else { value };
                for bad in &values {
                    let same_type = std::mem::discriminant(bad) == std::mem::discriminant(typed);
                    if same_type || (bad.is_null() && optional) {
                        continue;
                    }
                    let mut changed = good.clone();
                    changed[key] = bad.clone();
                    assert_eq!(from_json(&changed), None, "{key} = {bad} in {good}");
                }
            }
        }
    }

    #[test]
    fn amounts_are_whole_non_negative_and_exact() {
        let base = every_message()[6].to_json();
        for bad in [
            json!(-1),
            json!(4.5),
            json!(1e300),
            json!(9_007_199_254_740_993_i64),
        ] {
            let mut changed = base.clone();
            changed["amountOff"] = bad.clone();
            assert_eq!(from_json(&changed), None, "{bad}");
        }
        assert_eq!(minor_units(0.0), Some(0));
        assert_eq!(minor_units(f64::NAN), None);
        assert_eq!(minor_units(f64::INFINITY), None);
    }

    #[test]
    fn ids_codes_and_currencies_are_checked() {
        let paid = every_message()[0].to_json();
        for (key, bad) in [
            ("sessionId", ""),
            ("sessionId", "cs_1\"><script>"),
            ("purchaseId", "pur 1"),
            ("currency", "usd"),
            ("currency", "US"),
        ] {
            let mut changed = paid.clone();
            changed[key] = json!(bad);
            assert_eq!(from_json(&changed), None, "{key} = {bad:?}");
        }
        let failed = every_message()[5].to_json();
        for (key, bad) in [
            ("code", "Card Declined"),
            ("code", ""),
            ("message", " "),
            ("message", "a\u{0}b"),
        ] {
            let mut changed = failed.clone();
            changed[key] = json!(bad);
            assert_eq!(from_json(&changed), None, "{key} = {bad:?}");
        }
        let mut long = failed.clone();
        long["message"] = json!("x".repeat(2001));
        assert_eq!(from_json(&long), None);
        assert!(is_discount_code("SOMMER-2024"));
        assert!(!is_discount_code(" WELCOME10"));
        assert!(!is_discount_code(&"A".repeat(65)));
    }
}
