//! When a failed delivery is tried again: the configured waits in turn,
//! each with up to 10 % random jitter added (never less than the wait, so
//! the schedule is a lower bound), until they are used up.

use std::time::Duration;

/// The largest jitter, as a fraction of the wait.
pub const MAX_JITTER: f64 = 0.1;

/// The wait after failed attempt number `attempt` (1 for the first) given
/// the schedule `delays`; `None` when no retry is left. `random` in `[0, 1)`
/// picks the jitter.
pub fn next_delay(attempt: u32, delays: &[Duration], random: f64) -> Option<Duration> {
    let index = usize::try_from(attempt.checked_sub(1)?).ok()?;
    let base = *delays.get(index)?;
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    Some(base.saturating_add(base.mul_f64(MAX_JITTER * random)))
}

/// A random number in `[0, 1)` from the OS (0 if it has none to give).
pub fn random_unit() -> f64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn waits_follow_the_schedule_then_stop() {
        let delays = [secs(5), secs(30), secs(120)];
        assert_eq!(next_delay(1, &delays, 0.0), Some(secs(5)));
        assert_eq!(next_delay(2, &delays, 0.0), Some(secs(30)));
        assert_eq!(next_delay(3, &delays, 0.0), Some(secs(120)));
        assert_eq!(next_delay(4, &delays, 0.0), None, "used up: give up");
        assert_eq!(next_delay(0, &delays, 0.0), None);
        assert_eq!(next_delay(1, &[], 0.5), None, "no retries configured");
    }

    #[test]
    fn jitter_only_adds_up_to_ten_percent() {
        let delays = [secs(100)];
        assert_eq!(next_delay(1, &delays, 0.5), Some(secs(105)));
        let most = next_delay(1, &delays, 0.999_999).unwrap();
        assert!(most >= secs(109) && most <= secs(110), "{most:?}");
        assert_eq!(next_delay(1, &delays, f64::NAN), Some(secs(100)));
        assert_eq!(next_delay(1, &delays, 7.0), Some(secs(110)));
        for _ in 0..100 {
            let r = random_unit();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }
}
