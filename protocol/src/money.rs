//! Money arithmetic in integer minor units. Formatting is the browser's job
//! (`Intl.NumberFormat`); here we only add and discount without overflow.

/// `unit × quantity`, or `None` on overflow.
pub fn line_amount(unit_amount: i64, quantity: u32) -> Option<i64> {
    unit_amount.checked_mul(i64::from(quantity))
}

/// Sum of amounts, or `None` on overflow.
pub fn sum<I: IntoIterator<Item = i64>>(amounts: I) -> Option<i64> {
    amounts.into_iter().try_fold(0i64, i64::checked_add)
}

/// A percentage discount of `subtotal` in basis points (1000 = 10 %),
/// rounded half away from zero to the minor unit, never more than the subtotal.
pub fn percent_discount(subtotal: i64, basis_points: u32) -> i64 {
    let bp = i128::from(basis_points.min(10_000));
    let raw = i128::from(subtotal) * bp;
    let rounded = (raw + 5_000 * raw.signum()) / 10_000;
    rounded as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_amount_overflows_to_none() {
        assert_eq!(line_amount(1200, 3), Some(3600));
        assert_eq!(line_amount(i64::MAX, 2), None);
    }

    #[test]
    fn sums_check_overflow() {
        assert_eq!(sum([1, 2, 3]), Some(6));
        assert_eq!(sum([i64::MAX, 1]), None);
        assert_eq!(sum([]), Some(0));
    }

    #[test]
    fn percent_discount_rounds_half_up() {
        assert_eq!(percent_discount(1200, 1000), 120);
        assert_eq!(percent_discount(5125, 1000), 513); // 512.5 → 513
        assert_eq!(percent_discount(1, 1000), 0);
        assert_eq!(percent_discount(999, 20_000), 999); // capped at 100 %
    }
}
