//! Property tests of the shared rules (native only): money arithmetic,
//! card-number handling, redirect URL rules, and the parsing of what
//! arrives on the wire — for any input, the right answer or a clean
//! refusal, never a panic.

use crate::card::{self, CardBrand};
use crate::checkout::{validate_quantity, MAX_QUANTITY};
use crate::{
    money, redirect, CheckoutSessionStatus, ConfirmPaymentRequest,
    CreateProductCheckoutSessionParams, ErrorBody, ErrorCode, LineItemParams,
    PlatformCreateCheckoutSession, PriceRef, RouteResponse, CHECKOUT_SESSION_ID_PLACEHOLDER,
};
use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,16}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A digit string with a valid Luhn check digit appended.
fn luhn_number(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(0u32..10, len).prop_map(|body| {
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| {
                // Positions counted from the (future) check digit: odd ones double.
                if i % 2 == 0 {
                    let d2 = d * 2;
                    if d2 > 9 {
                        d2 - 9
                    } else {
                        d2
                    }
                } else {
                    d
                }
            })
            .sum();
        let check = (10 - sum % 10) % 10;
        body.iter()
            .chain(std::iter::once(&check))
            .filter_map(|&d| char::from_digit(d, 10))
            .collect()
    })
}

proptest! {
    /// A line's amount is the exact product, or `None` when it does not fit.
    #[test]
    fn line_amounts_are_exact_or_none(unit in any::<i64>(), quantity in any::<u32>()) {
        let exact = i128::from(unit) * i128::from(quantity);
        prop_assert_eq!(money::line_amount(unit, quantity), i64::try_from(exact).ok());
    }

    /// A sum is the exact total, or `None` as soon as a running total overflows.
    #[test]
    fn sums_are_exact_or_none(amounts in prop::collection::vec(any::<i64>(), 0..8)) {
        let mut running: Option<i64> = Some(0);
        for &a in &amounts {
            running = running.and_then(|t| t.checked_add(a));
        }
        prop_assert_eq!(money::sum(amounts.iter().copied()), running);
        let small: Vec<i64> = amounts.iter().map(|a| a / 1_000_000).collect();
        let exact: i128 = small.iter().map(|&a| i128::from(a)).sum();
        prop_assert_eq!(money::sum(small), i64::try_from(exact).ok());
    }

    /// A discount is the subtotal times the rate rounded half away from
    /// zero, never more than the subtotal, and grows with the rate.
    #[test]
    fn discounts_round_half_up_and_never_exceed_the_subtotal(
        subtotal in 0i64..=10_000_000_000_000,
        bp in 0u32..=20_000,
        more in 0u32..=1_000,
    ) {
        let d = money::percent_discount(subtotal, bp);
        prop_assert!((0..=subtotal).contains(&d));
        let rate = i128::from(bp.min(10_000));
        let scaled = i128::from(subtotal) * rate;
        let floor = scaled / 10_000;
        let expected = if scaled % 10_000 >= 5_000 { floor + 1 } else { floor };
        prop_assert_eq!(i128::from(d), expected);
        prop_assert!(money::percent_discount(subtotal, bp.saturating_add(more)) >= d);
        if bp >= 10_000 {
            prop_assert_eq!(d, subtotal);
        }
    }

    /// Quantities: any float is either a whole number from 1 to the maximum
    /// (taken as is) or `invalid_quantity` — never a panic or a wrap.
    #[test]
    fn quantities_are_whole_and_bounded(q in any::<f64>()) {
        match validate_quantity(Some(q)) {
            Ok(n) => {
                prop_assert!(q.fract() == 0.0 && (1.0..=f64::from(MAX_QUANTITY)).contains(&q));
                prop_assert_eq!(f64::from(n), q);
            }
            Err(code) => {
                prop_assert_eq!(code, ErrorCode::InvalidQuantity);
                prop_assert!(!(q.is_finite() && q.fract() == 0.0 && (1.0..=f64::from(MAX_QUANTITY)).contains(&q)));
            }
        }
    }

    /// Exactly one of id and slug, blanks counting as absent.
    #[test]
    fn a_price_is_named_exactly_once(id in proptest::option::of(".{0,8}"), slug in proptest::option::of(".{0,8}")) {
        let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let expected = match (given(&id), given(&slug)) {
            (Some(i), None) => Ok(PriceRef::Id(i)),
            (None, Some(s)) => Ok(PriceRef::Slug(s)),
            (Some(_), Some(_)) => Err(ErrorCode::PriceAmbiguous),
            (None, None) => Err(ErrorCode::PriceMissing),
        };
        prop_assert_eq!(PriceRef::from_parts(id.as_deref(), slug.as_deref()), expected);
    }

    /// Only http and https, in any letter case, are redirect schemes.
    #[test]
    fn only_web_schemes_are_allowed(scheme in "[a-zA-Z][a-zA-Z0-9+.-]{0,10}") {
        let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        prop_assert_eq!(redirect::is_allowed_scheme(&scheme), web);
    }

    /// Filling the placeholder replaces every occurrence and touches nothing else.
    #[test]
    fn the_session_id_fills_every_placeholder(
        parts in prop::collection::vec("[a-z/?=&.:]{0,10}", 1..5),
        id in "cs_[0-9a-f]{32}",
    ) {
        let template = parts.join(CHECKOUT_SESSION_ID_PLACEHOLDER);
        let filled = redirect::fill_session_id(&template, &id);
        prop_assert!(!filled.contains(CHECKOUT_SESSION_ID_PLACEHOLDER));
        prop_assert_eq!(filled, parts.join(&id));
    }

    /// Every Luhn-valid number of a card's length validates to its digits,
    /// however it is grouped; changing one digit breaks it.
    #[test]
    fn luhn_numbers_validate_and_a_typo_does_not(number in luhn_number(11..19), at in any::<prop::sample::Index>(), by in 1u8..10) {
        prop_assert!(card::luhn_valid(&number));
        let grouped = card::format_number(&number);
        prop_assert_eq!(card::validate_number(&grouped), Ok(number.clone()));
        let spaced: Vec<String> = number.chars().map(String::from).collect();
        prop_assert_eq!(card::validate_number(&spaced.join(" ")), Ok(number.clone()));
        prop_assert_eq!(card::validate_number(&spaced.join("-")), Ok(number.clone()));
        let mut digits = number.into_bytes();
        let i = at.index(digits.len());
        digits[i] = b'0' + (digits[i] - b'0' + by) % 10;
        let typo = String::from_utf8(digits).unwrap_or_default();
        prop_assert!(!card::luhn_valid(&typo));
        prop_assert_eq!(card::validate_number(&typo), Err(ErrorCode::CardInvalidNumber));
    }

    /// Any text as a card number: a number or `card_invalid_number`, and the
    /// brand, grouping and CVC rules never panic.
    #[test]
    fn any_card_text_is_handled(text in ".{0,40}", cvc in ".{0,6}") {
        if let Err(code) = card::validate_number(&text) {
            prop_assert_eq!(code, ErrorCode::CardInvalidNumber);
        }
        let brand = CardBrand::detect(&text);
        let _ = card::cvc_valid(brand, &cvc);
        let grouped = card::format_number(&text);
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        prop_assert_eq!(digits(&grouped), digits(&text).chars().take(19).collect::<String>());
    }

    /// Create params survive a trip through JSON unchanged.
    #[test]
    fn create_params_round_trip(
        price_slug in proptest::option::of("[a-z-]{1,12}"),
        quantity in proptest::option::of(1u32..1000),
        success_url in proptest::option::of("https://[a-z]{1,8}\\.test/[a-z]{0,8}"),
        request_id in proptest::option::of(".{0,12}"),
        lines in proptest::option::of(prop::collection::vec(("[a-z_]{1,10}", 1u32..9), 0..4)),
        allow_promotion_codes in proptest::option::of(any::<bool>()),
    ) {
        let params = CreateProductCheckoutSessionParams {
            price_slug,
            quantity: quantity.map(f64::from),
            success_url,
            request_id,
            line_items: lines.map(|ls| ls.into_iter().map(|(id, q)| LineItemParams {
                price_id: Some(id),
                quantity: Some(f64::from(q)),
                ..LineItemParams::default()
            }).collect()),
            allow_promotion_codes,
            ..CreateProductCheckoutSessionParams::default()
        };
        let json = serde_json::to_string(&params).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: CreateProductCheckoutSessionParams = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, params);
    }

    /// Whatever JSON arrives, reading it as any request type gives a value
    /// or an error — never a panic — and an error envelope always yields a
    /// message or none.
    #[test]
    fn any_json_parses_or_is_refused(value in json_value()) {
        let _ = serde_json::from_value::<CreateProductCheckoutSessionParams>(value.clone());
        let _ = serde_json::from_value::<PlatformCreateCheckoutSession>(value.clone());
        let _ = serde_json::from_value::<ConfirmPaymentRequest>(value.clone());
        let _ = serde_json::from_value::<RouteResponse<Value>>(value.clone());
        if let Ok(body) = serde_json::from_value::<ErrorBody>(value) {
            if let Some(m) = body.human_message() {
                prop_assert!(!m.trim().is_empty());
            }
        }
    }

    /// Any bytes as a request body: parsed or refused, never a panic.
    #[test]
    fn any_bytes_parse_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = serde_json::from_slice::<CreateProductCheckoutSessionParams>(&bytes);
        let _ = serde_json::from_slice::<ConfirmPaymentRequest>(&bytes);
    }

    /// Wire names of codes and statuses read back as themselves; other text does not.
    #[test]
    fn wire_names_read_back(text in "[a-z_]{0,24}") {
        let code = serde_json::from_value::<ErrorCode>(Value::String(text.clone()));
        prop_assert_eq!(code.is_ok(), ErrorCode::ALL.iter().any(|c| c.as_str() == text));
        if let Ok(code) = code {
            prop_assert_eq!(code.as_str(), text.as_str());
            prop_assert!((400..600).contains(&code.http_status()));
        }
        if let Some(status) = CheckoutSessionStatus::parse(&text) {
            prop_assert_eq!(status.as_str(), text.as_str());
        }
    }
}
