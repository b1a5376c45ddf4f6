//! Money as people read it: integer minor units formatted by `Intl.NumberFormat`
//! with the currency's own decimals (JPY none, KWD three).

/// Converts minor units to a major-unit number for `digits` decimals.
pub fn to_major(amount_minor: i64, digits: u32) -> f64 {
    amount_minor as f64 / 10f64.powi(digits as i32)
}

/// Formats `amount_minor` of `currency` for `locale`, e.g. `$12.00`, `￥1,200`, `KWD 5.125`.
///
/// Never fails: an unknown currency falls back to `1200 XYZ`-style text.
pub fn format_money(amount_minor: i64, currency: &str, locale: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(format) = crate::intl::NumberFormat::currency(locale, currency) {
            let digits = format.maximum_fraction_digits().unwrap_or(2);
            return format.format(to_major(amount_minor, digits));
        }
    }
    let _ = locale;
    format!("{amount_minor} {currency}")
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
}
