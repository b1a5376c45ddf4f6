//! Card rules shared by the page (validation as the customer types) and the
//! server (validation before charging): Luhn, brand, expiry, CVC.

use crate::ErrorCode;

/// Card networks recognised from the number's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardBrand {
    /// Visa.
    Visa,
    /// Mastercard.
    Mastercard,
    /// American Express (4-digit CVC, 15 digits).
    Amex,
    /// Discover.
    Discover,
    /// JCB.
    Jcb,
    /// Diners Club.
    Diners,
    /// UnionPay.
    UnionPay,
    /// Not recognised.
    Unknown,
}

impl CardBrand {
    /// Detects the brand from the leading digits (the number may be partial).
    pub fn detect(number: &str) -> Self {
        let digits: String = number
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
        let in_range =
            |n: usize, lo: u32, hi: u32| prefix(n).is_some_and(|p| (lo..=hi).contains(&p));
        if digits.starts_with('4') {
            Self::Visa
        } else if in_range(2, 51, 55) || in_range(4, 2221, 2720) {
            Self::Mastercard
        } else if in_range(2, 34, 34) || in_range(2, 37, 37) {
            Self::Amex
        } else if digits.starts_with("6011") || in_range(2, 65, 65) || in_range(3, 644, 649) {
            Self::Discover
        } else if in_range(4, 3528, 3589) {
            Self::Jcb
        } else if in_range(2, 36, 36) || in_range(2, 38, 39) || in_range(3, 300, 305) {
            Self::Diners
        } else if in_range(2, 62, 62) {
            Self::UnionPay
        } else {
            Self::Unknown
        }
    }

    /// Lower-case wire name, e.g. `visa`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visa => "visa",
            Self::Mastercard => "mastercard",
            Self::Amex => "amex",
            Self::Discover => "discover",
            Self::Jcb => "jcb",
            Self::Diners => "diners",
            Self::UnionPay => "unionpay",
            Self::Unknown => "unknown",
        }
    }

    /// The display name for a stored brand name (`visa` → `Visa`); unknown
    /// names are shown as given.
    pub fn detect_name(stored: &str) -> String {
        let known = [
            Self::Visa,
            Self::Mastercard,
            Self::Amex,
            Self::Discover,
            Self::Jcb,
            Self::Diners,
            Self::UnionPay,
        ];
        known
            .into_iter()
            .find(|b| b.as_str().eq_ignore_ascii_case(stored.trim()))
            .map(|b| b.display_name().to_owned())
            .unwrap_or_else(|| stored.trim().to_owned())
    }

    /// Name for people, e.g. `American Express`.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Visa => "Visa",
            Self::Mastercard => "Mastercard",
            Self::Amex => "American Express",
            Self::Discover => "Discover",
            Self::Jcb => "JCB",
            Self::Diners => "Diners Club",
            Self::UnionPay => "UnionPay",
            Self::Unknown => "Card",
        }
    }

    /// Required security-code length.
    pub fn cvc_len(self) -> usize {
        if self == Self::Amex {
            4
        } else {
            3
        }
    }

    /// Where spaces go when the number is shown in groups.
    fn groups(self) -> &'static [usize] {
        match self {
            Self::Amex => &[4, 6, 5],
            Self::Diners => &[4, 6, 4],
            _ => &[4, 4, 4, 4, 3],
        }
    }
}

/// The digits of a typed card number, if it has only digits, spaces and dashes.
pub fn digits_of(number: &str) -> Option<String> {
    let mut out = String::with_capacity(19);
    for c in number.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The Luhn checksum over a string of digits.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
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
    sum.is_multiple_of(10)
}

/// A complete, plausible card number: 12–19 digits passing Luhn.
pub fn validate_number(number: &str) -> Result<String, ErrorCode> {
    let digits = digits_of(number).ok_or(ErrorCode::CardInvalidNumber)?;
    if !(12..=19).contains(&digits.len()) || !luhn_valid(&digits) {
        return Err(ErrorCode::CardInvalidNumber);
    }
    Ok(digits)
}

/// Formats a (partial) number in the brand's groups, e.g. `4242 4242 42`.
pub fn format_number(number: &str) -> String {
    let digits: String = number
        .chars()
        .filter(char::is_ascii_digit)
        .take(19)
        .collect();
    let mut out = String::with_capacity(digits.len() + 4);
    let mut rest = digits.as_str();
    for &g in CardBrand::detect(&digits).groups() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(g.min(rest.len()));
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(head);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Parses a typed expiry such as `12/34`, `12 / 2034` or `1234` into (month, four-digit year).
pub fn parse_expiry(text: &str) -> Option<(u32, u32)> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (m, y) = match (digits.len(), text.contains('/')) {
        (_, true) => {
            let (m, y) = text.split_once('/')?;
            (m.trim().to_owned(), y.trim().to_owned())
        }
        (4, false) => (digits[..2].to_owned(), digits[2..].to_owned()),
        (6, false) => (digits[..2].to_owned(), digits[2..].to_owned()),
        _ => return None,
    };
    let month: u32 = m.parse().ok()?;
    let year: u32 = y.parse().ok()?;
    let year = match y.len() {
        2 => 2000 + year,
        4 => year,
        _ => return None,
    };
    (1..=12).contains(&month).then_some((month, year))
}

/// Whether a card expiring at the end of `month/year` is still valid in
/// `now_month/now_year`.
pub fn expiry_valid(month: u32, year: u32, now_year: u32, now_month: u32) -> bool {
    (1..=12).contains(&month) && (year, month) >= (now_year, now_month) && year <= now_year + 50
}

/// A CVC of the length the brand needs.
pub fn cvc_valid(brand: CardBrand, cvc: &str) -> bool {
    cvc.len() == brand.cvc_len() && cvc.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards_and_rejects_typos() {
        for ok in [
            "4242424242424242",
            "4000000000000002",
            "4000000000009995",
            "4000000000000069",
            "378282246310005",
        ] {
            assert!(luhn_valid(ok), "{ok}");
        }
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("42x2"));
    }

    #[test]
    fn validate_number_strips_spaces_and_checks_length() {
        assert_eq!(
            validate_number("4242 4242 4242 4242"),
            Ok("4242424242424242".into())
        );
        assert_eq!(
            validate_number("4242-4242-4242-4242"),
            Ok("4242424242424242".into())
        );
        assert_eq!(
            validate_number("4242 4242 4242 4241"),
            Err(ErrorCode::CardInvalidNumber)
        );
        assert_eq!(validate_number("0"), Err(ErrorCode::CardInvalidNumber));
        assert_eq!(validate_number("4242a"), Err(ErrorCode::CardInvalidNumber));
    }

    #[test]
    fn brands() {
        assert_eq!(CardBrand::detect("4242"), CardBrand::Visa);
        assert_eq!(CardBrand::detect("5555 5555"), CardBrand::Mastercard);
        assert_eq!(CardBrand::detect("2223003122003222"), CardBrand::Mastercard);
        assert_eq!(CardBrand::detect("3782"), CardBrand::Amex);
        assert_eq!(CardBrand::detect("6011"), CardBrand::Discover);
        assert_eq!(CardBrand::detect("3566"), CardBrand::Jcb);
        assert_eq!(CardBrand::detect("3056"), CardBrand::Diners);
        assert_eq!(CardBrand::detect("6200"), CardBrand::UnionPay);
        assert_eq!(CardBrand::detect("9"), CardBrand::Unknown);
        assert_eq!(CardBrand::detect(""), CardBrand::Unknown);
    }

    #[test]
    fn formats_in_brand_groups() {
        assert_eq!(format_number("4242424242424242"), "4242 4242 4242 4242");
        assert_eq!(format_number("424242"), "4242 42");
        assert_eq!(format_number("378282246310005"), "3782 822463 10005");
        assert_eq!(format_number(""), "");
    }

    #[test]
    fn expiry_parsing_and_rules() {
        assert_eq!(parse_expiry("12/34"), Some((12, 2034)));
        assert_eq!(parse_expiry("01 / 2030"), Some((1, 2030)));
        assert_eq!(parse_expiry("1230"), Some((12, 2030)));
        assert_eq!(parse_expiry("13/30"), None);
        assert_eq!(parse_expiry("ab"), None);
        assert_eq!(parse_expiry("1/3"), None);
        assert!(expiry_valid(11, 2026, 2026, 11));
        assert!(!expiry_valid(10, 2026, 2026, 11));
        assert!(!expiry_valid(1, 2200, 2026, 11));
    }

    #[test]
    fn stored_brand_names_read_well() {
        assert_eq!(CardBrand::detect_name("visa"), "Visa");
        assert_eq!(CardBrand::detect_name("AMEX"), "American Express");
        assert_eq!(CardBrand::detect_name("elo"), "elo");
    }

    #[test]
    fn cvc_length_follows_brand() {
        assert!(cvc_valid(CardBrand::Visa, "123"));
        assert!(!cvc_valid(CardBrand::Visa, "1234"));
        assert!(cvc_valid(CardBrand::Amex, "1234"));
        assert!(!cvc_valid(CardBrand::Amex, "12a4"));
    }
}
