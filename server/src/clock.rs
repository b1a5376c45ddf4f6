//! Wall-clock time as the server stores it: epoch milliseconds, and the UTC
//! calendar month that card expiry is checked against.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * 60 * 1000;

/// The current time in epoch milliseconds (0 if the clock is before 1970).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The UTC `(year, month)` of an epoch-millisecond instant (month 1–12).
pub fn utc_year_month(epoch_ms: i64) -> (u32, u32) {
    let days = epoch_ms.div_euclid(24 * HOUR_MS);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        u32::try_from(year).unwrap_or(0),
        u32::try_from(month).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_months() {
        assert_eq!(utc_year_month(0), (1970, 1));
        // 2024-02-29T23:59:59.999Z, a leap day.
        assert_eq!(utc_year_month(1_709_251_199_999), (2024, 2));
        // 2024-03-01T00:00:00Z.
        assert_eq!(utc_year_month(1_709_251_200_000), (2024, 3));
        // 2026-12-31T12:00:00Z.
        assert_eq!(utc_year_month(1_798_718_400_000), (2026, 12));
        // 2000-01-01T00:00:00Z.
        assert_eq!(utc_year_month(946_684_800_000), (2000, 1));
    }

    #[test]
    fn now_is_after_2025() {
        assert!(utc_year_month(now_ms()).0 >= 2025);
    }
}
