//! Money as people read it: integer minor units formatted by `Intl.NumberFormat`
//! with the currency's own decimals (JPY none, KWD three).

/// Converts minor units to a major-unit number for `digits` decimals: what
/// `intl` in `js/plain.js` does before `Intl.NumberFormat` formats it (the
/// same IEEE division; its exactness is tested here).
#[cfg(test)]
pub fn to_major(amount_minor: i64, digits: u32) -> f64 {
    amount_minor as f64 / 10f64.powi(digits as i32)
}

/// Formats `amount_minor` of `currency` for `locale`, e.g. `$12.00`, `￥1,200`, `KWD 5.125`.
///
/// Never fails: an unknown currency falls back to `1200 XYZ`-style text.
pub fn format_money(amount_minor: i64, currency: &str, locale: &str) -> String {
    if let Some(text) = crate::intl::money(amount_minor, currency, locale) {
        return text;
    }
    [&crate::plain_text::signed(amount_minor), " ", currency].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_units_follow_the_currency_digits() {
        assert_eq!(to_major(1200, 2), 12.0);
        assert_eq!(to_major(1200, 0), 1200.0);
        assert_eq!(to_major(5125, 3), 5.125);
        assert_eq!(to_major(-50, 2), -0.5);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// `Intl.NumberFormat` rounds the major-unit number to the currency's
        /// decimals, so it shows the exact amount only if the conversion
        /// lands within half a minor unit: true for every amount up to 2^50
        /// minor units (ten trillion dollars) in 0, 2 and 3-decimal currencies.
        #[test]
        fn major_units_round_trip_exactly(amount in -(1i64 << 50)..(1i64 << 50), digits in proptest::sample::select(vec![0u32, 2, 3])) {
            let scale = 10f64.powi(digits as i32);
            let back = to_major(amount, digits) * scale;
            proptest::prop_assert!((back - amount as f64).abs() < 0.5, "{amount} with {digits} decimals came back as {back}");
        }
    }
}
