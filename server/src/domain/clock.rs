//! Wall-clock time as the server stores it: epoch milliseconds, the UTC
//! calendar month that card expiry is checked against, and calendar
//! arithmetic for billing periods, and durations as flags write them
//! (`500ms`, `30s`, `10m`).

use checkout_protocol::IntervalUnit;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * 60 * 1000;
/// Milliseconds in one day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The current time in epoch milliseconds (0 if the clock is before 1970).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The UTC `(year, month)` of an epoch-millisecond instant (month 1–12).
pub fn utc_year_month(epoch_ms: i64) -> (u32, u32) {
    let (year, month, _) = civil_from_days(epoch_ms.div_euclid(DAY_MS));
    (u32::try_from(year).unwrap_or(0), month)
}

/// An epoch-millisecond instant as RFC 3339 in UTC with milliseconds,
/// e.g. `2026-06-15T10:00:00.000Z` (the `timestamp` of webhook bodies).
pub fn rfc3339(epoch_ms: i64) -> String {
    let (year, month, day) = civil_from_days(epoch_ms.div_euclid(DAY_MS));
    let ms_of_day = epoch_ms.rem_euclid(DAY_MS);
    let (hour, minute) = (ms_of_day / HOUR_MS, ms_of_day / 60_000 % 60);
    let (second, milli) = (ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z")
}

/// `(year, month 1–12, day 1–31)` of a count of days since 1970-01-01
/// (Howard Hinnant's days-to-civil algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Days since 1970-01-01 of a civil date (the inverse of [`civil_from_days`]).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `epoch_ms` moved forward by `count` calendar months, keeping the time of
/// day and clamping the day to the target month (Jan 31 + 1 month = Feb 28/29).
fn add_months(epoch_ms: i64, count: i64) -> Option<i64> {
    let days = epoch_ms.div_euclid(DAY_MS);
    let time_of_day = epoch_ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    let index = year
        .checked_mul(12)?
        .checked_add(i64::from(month) - 1)?
        .checked_add(count)?;
    let new_year = index.div_euclid(12);
    let new_month = u32::try_from(index.rem_euclid(12) + 1).ok()?;
    let new_day = day.min(days_in_month(new_year, new_month));
    days_from_civil(new_year, new_month, new_day)
        .checked_mul(DAY_MS)?
        .checked_add(time_of_day)
}

/// The end of a billing period of `count` × `unit` starting at `start_ms`;
/// `None` on overflow.
pub fn add_interval(start_ms: i64, unit: IntervalUnit, count: u32) -> Option<i64> {
    let count = i64::from(count.max(1));
    match unit {
        IntervalUnit::Day => start_ms.checked_add(count.checked_mul(DAY_MS)?),
        IntervalUnit::Week => start_ms.checked_add(count.checked_mul(7 * DAY_MS)?),
        IntervalUnit::Month => add_months(start_ms, count),
        IntervalUnit::Year => add_months(start_ms, count.checked_mul(12)?),
    }
}

/// Parses a duration written as a whole number and a unit: `250ms`, `30s`,
/// `10m`, `1h`, `30d` (a bare number is seconds).
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{raw}` is not a duration; write e.g. 500ms, 30s, 10m or 1h"))?;
    let unit_ms: u64 = match unit.trim() {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        other => {
            return Err(format!(
                "unknown time unit `{other}` in `{raw}`; use ms, s, m, h or d"
            ))
        }
    };
    n.checked_mul(unit_ms)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("`{raw}` is too long"))
}

/// A duration in the largest unit that divides it (`30d`, `10m`, `90s`, `250ms`).
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        0 => "0s".to_owned(),
        _ if ms.is_multiple_of(86_400_000) => format!("{}d", ms / 86_400_000),
        _ if ms.is_multiple_of(3_600_000) => format!("{}h", ms / 3_600_000),
        _ if ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1_000) => format!("{}s", ms / 1_000),
        _ => format!("{ms}ms"),
    }
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
    fn civil_round_trip() {
        for days in [
            -800_000, -1, 0, 1, 59, 365, 10_957, 19_782, 20_000, 2_000_000,
        ] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn intervals_follow_the_calendar() {
        // 2026-01-31T10:00:00Z.
        let jan31 = 1_769_853_600_000;
        // + 1 month = 2026-02-28T10:00:00Z (clamped), + 2 months = 2026-03-31.
        assert_eq!(
            add_interval(jan31, IntervalUnit::Month, 1),
            Some(1_772_272_800_000)
        );
        assert_eq!(
            add_interval(jan31, IntervalUnit::Month, 2),
            Some(1_774_951_200_000)
        );
        // 2024-02-29 + 1 year = 2025-02-28.
        let leap = 19_782 * DAY_MS;
        assert_eq!(
            add_interval(leap, IntervalUnit::Year, 1),
            Some(days_from_civil(2025, 2, 28) * DAY_MS)
        );
        assert_eq!(add_interval(0, IntervalUnit::Day, 3), Some(3 * DAY_MS));
        assert_eq!(add_interval(0, IntervalUnit::Week, 2), Some(14 * DAY_MS));
        // December rolls into the next year.
        let dec15 = days_from_civil(2026, 12, 15) * DAY_MS;
        assert_eq!(
            add_interval(dec15, IntervalUnit::Month, 1),
            Some(days_from_civil(2027, 1, 15) * DAY_MS)
        );
        assert_eq!(add_interval(i64::MAX - 1, IntervalUnit::Day, 1), None);
    }

    #[test]
    fn rfc3339_timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        // 2026-06-15T00:00:00Z, and a moment later that day.
        assert_eq!(rfc3339(1_781_481_600_000), "2026-06-15T00:00:00.000Z");
        assert_eq!(
            rfc3339(1_781_481_600_000 + 13 * HOUR_MS + 4 * 60_000 + 5_067),
            "2026-06-15T13:04:05.067Z"
        );
        assert_eq!(rfc3339(1_709_251_199_999), "2024-02-29T23:59:59.999Z");
    }

    #[test]
    fn now_is_after_2025() {
        assert!(utc_year_month(now_ms()).0 >= 2025);
    }
}
