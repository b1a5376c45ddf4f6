//! Card-testing protection: payment attempts (hosted-page confirms whose
//! input is valid, so they would reach the card processor) are limited per
//! checkout session and per client address, each with a token bucket held
//! in memory.
//!
//! Why in memory: one server process owns one SQLite file, so one process
//! sees every attempt; a bucket costs a few dozen bytes and no database
//! write, which matters because the attempts being limited are the ones an
//! attacker sends as fast as they can. A restart forgets the buckets — it
//! hands an attacker at most one fresh burst per restart, which is fine for
//! the reference server. Buckets that have refilled completely are dropped,
//! so memory tracks only the keys that were active recently.
//!
//! The client address is the TCP peer, or with `--client-ip-header` the
//! last address a trusted proxy appended to that header. IPv6 clients are
//! limited per /64 (one subscriber's network), since an attacker holding a
//! /64 has 2^64 addresses to rotate through. Loopback clients are not
//! limited per address: on loopback the peer is a local reverse proxy (all
//! customers would share its bucket) or a developer's own tests.

use axum::http::{HeaderMap, HeaderName};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many keys a limiter tracks before it drops the buckets that have
/// refilled (they hold nothing a fresh bucket would not).
const PRUNE_ABOVE: usize = 10_000;

/// A rate as the flags spell it: `N/PERIOD` (e.g. `10/10m`: a burst of 10
/// attempts, refilling one every minute) or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// No limit.
    Off,
    /// At most `burst` attempts at once, refilling `burst` over `period`.
    Limit {
        /// The bucket's size: attempts allowed back to back.
        burst: u32,
        /// How long an empty bucket takes to refill completely.
        period: Duration,
    },
}

impl Rate {
    /// `burst` attempts refilling over `period` (`Off` when either is zero).
    pub fn new(burst: u32, period: Duration) -> Self {
        if burst == 0 || period.is_zero() {
            Self::Off
        } else {
            Self::Limit { burst, period }
        }
    }

    /// The default per checkout session: 10 attempts, then one a minute.
    pub const PER_SESSION_DEFAULT: &'static str = "10/10m";
    /// The default per client address: 30 attempts, then one every 20 s.
    pub const PER_CLIENT_DEFAULT: &'static str = "30/10m";
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Off => f.write_str("off"),
            Self::Limit { burst, period } => {
                write!(f, "{burst}/{}", crate::config::format_duration(*period))
            }
        }
    }
}

impl FromStr for Rate {
    type Err = String;

    /// `off`, `N/DURATION` (`10/10m`, `5/30s`, `100/1h`) or `N/UNIT` (`10/m`).
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        let bad = || format!("`{raw}` is not a rate; write N/PERIOD such as 10/10m or 30/1h, or off");
        let (count, period) = raw.split_once('/').ok_or_else(bad)?;
        let burst: u32 = count.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        if period.is_empty() {
            return Err(bad());
        }
        // `10/m` means ten per minute.
        let period = if period.starts_with(|c: char| c.is_ascii_digit()) {
            crate::config::parse_duration(period).map_err(|_| bad())?
        } else {
            crate::config::parse_duration(&format!("1{period}")).map_err(|_| bad())?
        };
        Ok(Self::new(burst, period))
    }
}

/// One token bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key, all with one [`Rate`].
#[derive(Debug)]
pub struct KeyedLimiter<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Eq + Hash + Clone> KeyedLimiter<K> {
    /// A limiter allowing `rate` per key.
    pub fn new(rate: Rate) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key` at `now`: `Ok` if there was one, else how
    /// long until there is.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let Rate::Limit { burst, period } = self.rate else {
            return Ok(());
        };
        let capacity = f64::from(burst);
        let per_second = capacity / period.as_secs_f64();
        let refilled = |b: &Bucket| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            (b.tokens + elapsed * per_second).min(capacity)
        };
        // A poisoned lock only means another attempt panicked mid-update;
        // the counts are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| refilled(b) < capacity);
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let tokens = refilled(bucket);
        if tokens >= 1.0 {
            *bucket = Bucket {
                tokens: tokens - 1.0,
                at: now,
            };
            Ok(())
        } else {
            *bucket = Bucket { tokens, at: now };
            Err(Duration::from_secs_f64((1.0 - tokens) / per_second))
        }
    }

    /// How many keys are tracked (for tests of the pruning).
    pub fn tracked(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The key a client address is limited under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An IPv4 address (also IPv4-mapped IPv6).
    V4([u8; 4]),
    /// The /64 network of an IPv6 address.
    V6Net([u16; 4]),
}

/// The key for `ip`, or `None` for loopback (never limited per address).
pub fn client_key(ip: IpAddr) -> Option<ClientKey> {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return None;
    }
    Some(match ip {
        IpAddr::V4(v4) => ClientKey::V4(v4.octets()),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            ClientKey::V6Net([s[0], s[1], s[2], s[3]])
        }
    })
}

/// The client's address: the last valid address in `header` when one is
/// configured and present (what the trusted proxy in front appended), else
/// the TCP peer.
pub fn client_ip(
    header: Option<&HeaderName>,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Option<IpAddr> {
    let forwarded = header.and_then(|name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|part| parse_forwarded_ip(part.trim()))
            .next_back()
    });
    forwarded.or_else(|| peer.map(|p| p.ip()))
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`
/// or `[2001:db8::1]:443`.
fn parse_forwarded_ip(part: &str) -> Option<IpAddr> {
    if let Ok(ip) = part.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = part.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    part.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(inside, _)| inside.parse::<Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// The payment-attempt limits in force.
#[derive(Debug)]
pub struct PaymentLimits {
    per_session: KeyedLimiter<String>,
    per_client: KeyedLimiter<ClientKey>,
    client_ip_header: Option<HeaderName>,
}

/// Which limit refused an attempt, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many attempts on this checkout session.
    Session(Duration),
    /// Too many attempts from this client address.
    Client(Duration),
}

impl PaymentLimits {
    /// Limits of `per_session` and `per_client`, reading client addresses
    /// from `client_ip_header` when given.
    pub fn new(per_session: Rate, per_client: Rate, client_ip_header: Option<HeaderName>) -> Self {
        Self {
            per_session: KeyedLimiter::new(per_session),
            per_client: KeyedLimiter::new(per_client),
            client_ip_header,
        }
    }

    /// Counts an attempt from the client of `headers`/`peer`.
    pub fn check_client(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Result<(), Refused> {
        let ip = client_ip(self.client_ip_header.as_ref(), headers, peer);
        match ip.and_then(client_key) {
            Some(key) => self.per_client.check(&key, Instant::now()).map_err(Refused::Client),
            None => Ok(()),
        }
    }

    /// Counts an attempt on the existing session `id`.
    pub fn check_session(&self, id: &str) -> Result<(), Refused> {
        self.per_session
            .check(&id.to_owned(), Instant::now())
            .map_err(Refused::Session)
    }
}

impl Refused {
    /// Whole seconds until the next attempt may succeed (at least 1), for `Retry-After`.
    pub fn retry_after_secs(self) -> u64 {
        let wait = match self {
            Self::Session(d) | Self::Client(d) => d,
        };
        // Rounded up: answering early would only earn another 429.
        (wait.as_secs_f64().ceil() as u64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_print() {
        assert_eq!(
            "10/10m".parse::<Rate>().unwrap(),
            Rate::Limit {
                burst: 10,
                period: Duration::from_secs(600)
            }
        );
        assert_eq!(
            "5/m".parse::<Rate>().unwrap(),
            Rate::new(5, Duration::from_secs(60))
        );
        assert_eq!("100/1h".parse::<Rate>().unwrap().to_string(), "100/1h");
        assert_eq!("OFF".parse::<Rate>().unwrap(), Rate::Off);
        assert_eq!("0/1m".parse::<Rate>().unwrap(), Rate::Off);
        for bad in ["", "10", "ten/1m", "10/", "10/1y", "-1/1m", "10/1.5m"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
        assert_eq!(Rate::PER_SESSION_DEFAULT.parse::<Rate>().unwrap().to_string(), "10/10m");
        assert!(Rate::PER_CLIENT_DEFAULT.parse::<Rate>().is_ok());
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let limiter = KeyedLimiter::new(Rate::new(3, Duration::from_secs(30)));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(&"a", t0).is_ok());
        }
        let wait = limiter.check(&"a", t0).unwrap_err();
        assert!((9.9..=10.0).contains(&wait.as_secs_f64()), "{wait:?}");
        // Other keys have their own bucket.
        assert!(limiter.check(&"b", t0).is_ok());
        // One token back after 10 s, not two.
        let t1 = t0 + Duration::from_secs(10);
        assert!(limiter.check(&"a", t1).is_ok());
        assert!(limiter.check(&"a", t1).is_err());
        // Never more than the burst, however long it rests.
        let later = t1 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(limiter.check(&"a", later).is_ok());
        }
        assert!(limiter.check(&"a", later).is_err());
        assert!(KeyedLimiter::new(Rate::Off).check(&"a", t0).is_ok());
    }

    #[test]
    fn refilled_buckets_are_dropped_when_many_keys_are_tracked() {
        let limiter = KeyedLimiter::new(Rate::new(1, Duration::from_secs(1)));
        let t0 = Instant::now();
        for key in 0..=PRUNE_ABOVE {
            let _ = limiter.check(&key, t0);
        }
        assert_eq!(limiter.tracked(), PRUNE_ABOVE + 1);
        let _ = limiter.check(&usize::MAX, t0 + Duration::from_secs(5));
        assert_eq!(limiter.tracked(), 1, "only the fresh key is left");
    }

    #[test]
    fn clients_are_keyed_by_address_and_ipv6_network() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(client_key(ip("127.0.0.1")), None);
        assert_eq!(client_key(ip("::1")), None);
        assert_eq!(client_key(ip("::ffff:127.0.0.1")), None);
        assert_eq!(
            client_key(ip("::ffff:203.0.113.7")),
            client_key(ip("203.0.113.7"))
        );
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa::1")),
            client_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
    }

    #[test]
    fn the_client_address_comes_from_the_trusted_header_or_the_peer() {
        let peer: SocketAddr = "10.0.0.5:40000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.1, 203.0.113.9:5555, garbage".parse().unwrap(),
        );
        let name = HeaderName::from_static("x-forwarded-for");
        assert_eq!(
            client_ip(Some(&name), &headers, Some(peer)),
            Some("203.0.113.9".parse().unwrap())
        );
        // Without the flag the header is not trusted.
        assert_eq!(client_ip(None, &headers, Some(peer)), Some(peer.ip()));
        headers.insert("x-forwarded-for", "[2001:db8::7]:443".parse().unwrap());
        assert_eq!(
            client_ip(Some(&name), &headers, Some(peer)),
            Some("2001:db8::7".parse().unwrap())
        );
        assert_eq!(client_ip(Some(&name), &HeaderMap::new(), None), None);
    }

    #[test]
    fn payment_limits_refuse_with_a_retry_time() {
        let limits = PaymentLimits::new(
            Rate::new(1, Duration::from_secs(60)),
            Rate::new(2, Duration::from_secs(60)),
            Some(HeaderName::from_static("x-real-ip")),
        );
        assert!(limits.check_session("cs_1").is_ok());
        let refused = limits.check_session("cs_1").unwrap_err();
        assert!(matches!(refused, Refused::Session(_)));
        assert_eq!(refused.retry_after_secs(), 60);
        let mut headers = HeaderMap::new();
        headers.insert("x-real-ip", "203.0.113.1".parse().unwrap());
        assert!(limits.check_client(&headers, None).is_ok());
        assert!(limits.check_client(&headers, None).is_ok());
        assert!(matches!(
            limits.check_client(&headers, None),
            Err(Refused::Client(_))
        ));
        // Loopback without the header is never limited per address.
        let local: SocketAddr = "127.0.0.1:1".parse().unwrap();
        for _ in 0..10 {
            assert!(limits.check_client(&HeaderMap::new(), Some(local)).is_ok());
        }
        assert_eq!(Refused::Client(Duration::from_millis(1)).retry_after_secs(), 1);
        assert_eq!(Refused::Client(Duration::ZERO).retry_after_secs(), 1);
        assert_eq!(Refused::Client(Duration::from_secs(3)).retry_after_secs(), 3);
    }
}
