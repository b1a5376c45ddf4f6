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
//! /64 has 2^64 addresses to rotate through. Only a real loopback TCP peer
//! with no `--client-ip-header` in force is exempt from the per-address
//! limits (a developer's own tests, the bench, the crash tests): an address
//! read from a header is whatever the proxy was told, so a forwarded
//! `127.0.0.1` is limited like any other address, and behind a proxy a
//! request without the header is counted under the proxy's own address.
//!
//! Besides payment attempts, the same buckets limit the other things an
//! attacker repeats cheaply (see [`AbuseLimits`] and [`CreateLimits`]):
//! creates on the server route, discount-code guesses, failed platform-API
//! authentications, and — across all clients — card declines.

use crate::domain::error::ApiError;
use http::{HeaderMap, HeaderName};
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

    /// `burst` per `minutes` minutes, for the defaults below.
    const fn per_minutes(burst: u32, minutes: u64) -> Self {
        Self::Limit {
            burst,
            period: Duration::from_secs(minutes * 60),
        }
    }

    /// `--anonymous-creates-per-client` by default: 100 per 10 minutes.
    pub const ANONYMOUS_CREATES_DEFAULT: Self = Self::per_minutes(100, 10);
    /// `--creates-per-customer` by default: 100 per 10 minutes.
    pub const CUSTOMER_CREATES_DEFAULT: Self = Self::per_minutes(100, 10);
    /// `--promotion-codes-per-session` by default: 10 per 10 minutes.
    pub const CODES_PER_SESSION_DEFAULT: Self = Self::per_minutes(10, 10);
    /// `--promotion-codes-per-client` by default: 30 per 10 minutes.
    pub const CODES_PER_CLIENT_DEFAULT: Self = Self::per_minutes(30, 10);
    /// `--failed-auths-per-client` by default: 20 per 10 minutes.
    pub const FAILED_AUTHS_DEFAULT: Self = Self::per_minutes(20, 10);
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Off => f.write_str("off"),
            Self::Limit { burst, period } => {
                write!(
                    f,
                    "{burst}/{}",
                    crate::domain::clock::format_duration(*period)
                )
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
        let bad =
            || format!("`{raw}` is not a rate; write N/PERIOD such as 10/10m or 30/1h, or off");
        let (count, period) = raw.split_once('/').ok_or_else(bad)?;
        let burst: u32 = count.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        if period.is_empty() {
            return Err(bad());
        }
        // `10/m` means ten per minute.
        let period = if period.starts_with(|c: char| c.is_ascii_digit()) {
            crate::domain::clock::parse_duration(period).map_err(|_| bad())?
        } else {
            crate::domain::clock::parse_duration(&format!("1{period}")).map_err(|_| bad())?
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

    /// Whether `key` has a token at `now`, without taking it: `Ok`, or how
    /// long until it has one. For limits on outcomes (failed sign-ins),
    /// checked before the work and counted after it.
    pub fn peek(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let Rate::Limit { burst, period } = self.rate else {
            return Ok(());
        };
        let capacity = f64::from(burst);
        let per_second = capacity / period.as_secs_f64();
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(bucket) = buckets.get(key) else {
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        let tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        if tokens >= 1.0 {
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - tokens) / per_second))
        }
    }

    /// How many keys are tracked (for tests of the pruning).
    #[cfg(test)]
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

/// The key `ip` is limited under (loopback included: whether a client is
/// exempt depends on where its address came from, see [`ClientAddresses`]).
pub fn client_key(ip: IpAddr) -> ClientKey {
    match canonical(ip) {
        IpAddr::V4(v4) => ClientKey::V4(v4.octets()),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            ClientKey::V6Net([s[0], s[1], s[2], s[3]])
        }
    }
}

/// `ip` with an IPv4-mapped IPv6 address read as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// How the server tells clients apart: the TCP peer, or the address a
/// trusted proxy puts in `--client-ip-header`.
#[derive(Debug, Clone, Default)]
pub struct ClientAddresses {
    header: Option<HeaderName>,
}

impl ClientAddresses {
    /// Clients as `header` names them (`None`: the TCP peer is the client).
    pub fn new(header: Option<HeaderName>) -> Self {
        Self { header }
    }

    /// The key the client of `headers`/`peer` is limited under, or `None`
    /// when it is exempt or unknown.
    ///
    /// Exempt is only a real loopback TCP peer with no `--client-ip-header`
    /// in force: a developer's machine, tests and the bench. An address from
    /// the header is never exempt, whatever it says (the header is what the
    /// proxy was told, and `127.0.0.1` is the first thing an attacker
    /// tries); with the header in force a request without it is keyed by
    /// its peer, loopback or not, since behind a proxy the peer is the proxy.
    /// Unknown is a router driven without connect info and no header (a
    /// merchant mounting the route on a plain `axum::serve`).
    pub fn key(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<ClientKey> {
        if let Some(forwarded) = self
            .header
            .as_ref()
            .and_then(|name| forwarded_ip(name, headers))
        {
            return Some(client_key(forwarded));
        }
        let peer = canonical(peer?.ip());
        if self.header.is_none() && peer.is_loopback() {
            return None;
        }
        Some(client_key(peer))
    }
}

/// The last valid address in `name` (what the trusted proxy appended).
fn forwarded_ip(name: &HeaderName, headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| parse_forwarded_ip(part.trim()))
        .next_back()
}

/// The client's address: the last valid address in `header` when one is
/// configured and present (what the trusted proxy in front appended), else
/// the TCP peer. (The server reads addresses through [`ClientAddresses`];
/// this one-shot form is what its tests compare against.)
#[cfg(test)]
pub fn client_ip(
    header: Option<&HeaderName>,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Option<IpAddr> {
    let forwarded = header.and_then(|name| forwarded_ip(name, headers));
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

/// Whether the per-client limits would see every client as one: a public
/// URL that is not loopback, and no `--client-ip-header` — behind a
/// reverse proxy every client then has the proxy's address (and a proxy on
/// loopback exempts them all).
pub fn every_client_looks_alike(public_url: &str, client_ip_header: bool) -> bool {
    !client_ip_header && !is_loopback_url(public_url)
}

/// Warns at start when [`every_client_looks_alike`].
pub fn warn_if_every_client_looks_alike(public_url: &str, client_ip_header: bool) {
    if every_client_looks_alike(public_url, client_ip_header) {
        tracing::warn!(
            %public_url,
            "the public URL is not loopback and no --client-ip-header is set: behind a reverse proxy every client looks like the proxy to the per-client limits; set --client-ip-header to the header the proxy writes (e.g. X-Forwarded-For)"
        );
    }
}

/// Whether `url`'s host is `localhost` or a loopback address.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The payment-attempt limits in force.
#[derive(Debug)]
pub struct PaymentLimits {
    per_session: KeyedLimiter<String>,
    per_client: KeyedLimiter<ClientKey>,
    clients: ClientAddresses,
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
            clients: ClientAddresses::new(client_ip_header),
        }
    }

    /// Counts an attempt from the client of `headers`/`peer`.
    pub fn check_client(
        &self,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Result<(), Refused> {
        match self.clients.key(headers, peer) {
            Some(key) => self
                .per_client
                .check(&key, Instant::now())
                .map_err(Refused::Client),
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

/// A 429 `rate_limited` saying what was refused and when to try again
/// (whole seconds, rounded up, at least 1; also sent as `Retry-After`).
pub fn too_many(what: &str, wait: Duration) -> ApiError {
    let secs = retry_secs(wait);
    ApiError::rate_limited(
        format!("Too many {what}. Try again in {secs} seconds."),
        secs,
    )
}

/// Whole seconds until `wait` is over (at least 1), for `Retry-After`.
fn retry_secs(wait: Duration) -> u64 {
    // Rounded up: answering early would only earn another 429.
    (wait.as_secs_f64().ceil() as u64).max(1)
}

/// Creates on the server route: anonymous ones limited per client address
/// (each makes a stored session, so an unlimited loop fills the disk), and
/// those of a signed-in customer per customer (keyed by the external id the
/// merchant's resolver returned, so a customer cannot reset it by moving
/// networks). Both exempt only what [`ClientAddresses::key`] exempts.
#[derive(Debug)]
pub struct CreateLimits {
    anonymous_per_client: KeyedLimiter<ClientKey>,
    per_customer: KeyedLimiter<String>,
    clients: ClientAddresses,
}

impl CreateLimits {
    /// Limits of `anonymous_per_client` and `per_customer`, telling clients
    /// apart by `client_ip_header` when given.
    pub fn new(
        anonymous_per_client: Rate,
        per_customer: Rate,
        client_ip_header: Option<HeaderName>,
    ) -> Self {
        Self {
            anonymous_per_client: KeyedLimiter::new(anonymous_per_client),
            per_customer: KeyedLimiter::new(per_customer),
            clients: ClientAddresses::new(client_ip_header),
        }
    }

    /// Counts an anonymous create from the client of `headers`/`peer`; a
    /// 429 `rate_limited` past the limit.
    pub fn check_anonymous(
        &self,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Result<(), ApiError> {
        let Some(key) = self.clients.key(headers, peer) else {
            return Ok(());
        };
        self.anonymous_per_client
            .check(&key, Instant::now())
            .map_err(|wait| refused("checkouts started from your network", wait))
    }

    /// Counts a create by the signed-in customer `external_id`; a 429
    /// `rate_limited` past the limit. A loopback peer exempt from the
    /// per-address limits is exempt here too (tests, the bench).
    pub fn check_customer(
        &self,
        external_id: &str,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Result<(), ApiError> {
        if peer.is_some() && self.clients.key(headers, peer).is_none() {
            return Ok(());
        }
        self.per_customer
            .check(&external_id.to_owned(), Instant::now())
            .map_err(|wait| refused("checkouts started for your account", wait))
    }
}

impl Default for CreateLimits {
    /// The command-line defaults, with the TCP peer as the client (what a
    /// merchant mounting [`crate::server_route`] gets).
    fn default() -> Self {
        Self::new(
            Rate::ANONYMOUS_CREATES_DEFAULT,
            Rate::CUSTOMER_CREATES_DEFAULT,
            None,
        )
    }
}

/// Logs and builds the 429 for `what`.
fn refused(what: &str, wait: Duration) -> ApiError {
    tracing::warn!(
        what,
        wait_ms = wait.as_millis() as u64,
        "request refused by a rate limit"
    );
    too_many(what, wait)
}

/// Card declines across every client in one window; past the ceiling every
/// payment attempt is refused until the window ends. Per-client limits do
/// not stop card testing spread over thousands of addresses; this does,
/// at the price of also turning honest customers away for the rest of the
/// minute, which is the trade payment processors make too.
#[derive(Debug)]
pub struct DeclineCeiling {
    per_window: u32,
    window: Duration,
    seen: Mutex<Option<(Instant, u32)>>,
}

impl DeclineCeiling {
    /// At most `per_window` declines per `window` (0: no ceiling).
    pub fn new(per_window: u32, window: Duration) -> Self {
        Self {
            per_window,
            window,
            seen: Mutex::new(None),
        }
    }

    /// `Ok` if payment attempts may go on at `now`, else how long until the
    /// window ends.
    pub fn check(&self, now: Instant) -> Result<(), Duration> {
        if self.per_window == 0 {
            return Ok(());
        }
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        match *seen {
            Some((start, count)) if count >= self.per_window => {
                let end = start + self.window;
                if now < end {
                    Err(end - now)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Counts one decline at `now`.
    pub fn record(&self, now: Instant) {
        if self.per_window == 0 {
            return;
        }
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let count = match *seen {
            Some((start, count)) if now < start + self.window => {
                *seen = Some((start, count.saturating_add(1)));
                count.saturating_add(1)
            }
            _ => {
                *seen = Some((now, 1));
                1
            }
        };
        if count == self.per_window {
            tracing::warn!(
                declines = count,
                window_secs = self.window.as_secs(),
                "card declines reached the ceiling; payment attempts are refused until the window ends"
            );
        }
    }
}

/// The limits of the hosted page and the platform API besides payment
/// attempts: discount-code guesses per session and per client, failed
/// platform-API authentications per client, and the ceiling on declines.
#[derive(Debug)]
pub struct AbuseLimits {
    codes_per_session: KeyedLimiter<String>,
    codes_per_client: KeyedLimiter<ClientKey>,
    failed_auths: KeyedLimiter<ClientKey>,
    quantity_changes_per_session: KeyedLimiter<String>,
    quantity_changes_per_client: KeyedLimiter<ClientKey>,
    /// Card declines across all clients.
    pub declines: DeclineCeiling,
    clients: ClientAddresses,
}

/// The settings of [`AbuseLimits`].
#[derive(Debug, Clone)]
pub struct AbuseSettings {
    /// Discount codes tried per checkout session.
    pub codes_per_session: Rate,
    /// Discount codes tried per client address.
    pub codes_per_client: Rate,
    /// Failed platform-API authentications per client address.
    pub failed_auths_per_client: Rate,
    /// Card declines per minute across all clients (0: no ceiling).
    pub declines_per_minute: u32,
    /// Where the client address comes from (`--client-ip-header`).
    pub client_ip_header: Option<HeaderName>,
}

impl AbuseLimits {
    /// The window of [`DeclineCeiling`]: `--declines-per-minute` counts per minute.
    pub const DECLINE_WINDOW: Duration = Duration::from_secs(60);

    /// Limits with `settings`.
    pub fn new(settings: AbuseSettings) -> Self {
        Self {
            codes_per_session: KeyedLimiter::new(settings.codes_per_session),
            codes_per_client: KeyedLimiter::new(settings.codes_per_client),
            failed_auths: KeyedLimiter::new(settings.failed_auths_per_client),
            quantity_changes_per_session: KeyedLimiter::new(Self::QUANTITY_CHANGES_PER_SESSION),
            quantity_changes_per_client: KeyedLimiter::new(Self::QUANTITY_CHANGES_PER_CLIENT),
            declines: DeclineCeiling::new(settings.declines_per_minute, Self::DECLINE_WINDOW),
            clients: ClientAddresses::new(settings.client_ip_header),
        }
    }

    /// Quantity changes per checkout session on the hosted page: 60 per 10
    /// minutes, far above a customer stepping through a few values.
    pub const QUANTITY_CHANGES_PER_SESSION: Rate = Rate::per_minutes(60, 10);
    /// Quantity changes per client address: 200 per 10 minutes.
    pub const QUANTITY_CHANGES_PER_CLIENT: Rate = Rate::per_minutes(200, 10);

    /// Counts a quantity change of session `id` by the client of
    /// `headers`/`peer` (each is a write); a 429 `rate_limited` past either limit.
    pub fn check_quantity_change(
        &self,
        id: &str,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Result<(), ApiError> {
        let now = Instant::now();
        if let Some(key) = self.clients.key(headers, peer) {
            self.quantity_changes_per_client
                .check(&key, now)
                .map_err(|wait| refused("quantity changes from your network", wait))?;
        }
        self.quantity_changes_per_session
            .check(&id.to_owned(), now)
            .map_err(|wait| refused("quantity changes on this checkout", wait))
    }

    /// Counts a discount code tried on session `id` by the client of
    /// `headers`/`peer`; a 429 `rate_limited` past either limit. The
    /// per-session limit holds however many addresses the guesser uses; the
    /// per-client one however many sessions.
    pub fn check_discount_code(
        &self,
        id: &str,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Result<(), ApiError> {
        let now = Instant::now();
        if let Some(key) = self.clients.key(headers, peer) {
            self.codes_per_client
                .check(&key, now)
                .map_err(|wait| refused("discount codes tried from your network", wait))?;
        }
        self.codes_per_session
            .check(&id.to_owned(), now)
            .map_err(|wait| refused("discount codes tried on this checkout", wait))
    }

    /// A 429 if the client of `headers`/`peer` has used up its failed
    /// platform-API authentications (checked before the key is); else the
    /// client's key (`None`: exempt) for [`Self::record_failed_auth`].
    pub fn check_auth(
        &self,
        headers: &HeaderMap,
        peer: Option<SocketAddr>,
    ) -> Result<Option<ClientKey>, ApiError> {
        let Some(key) = self.clients.key(headers, peer) else {
            return Ok(None);
        };
        self.failed_auths
            .peek(&key, Instant::now())
            .map_err(|wait| refused("failed API key attempts from your network", wait))?;
        Ok(Some(key))
    }

    /// Counts a failed platform-API authentication by `client` (a success
    /// counts nothing).
    pub fn record_failed_auth(&self, client: ClientKey) {
        // The bucket only drains here; whether it was already empty does
        // not matter, the next call's check refuses.
        let _ = self.failed_auths.check(&client, Instant::now());
    }

    /// A 429 while the declines ceiling is reached.
    pub fn check_declines(&self) -> Result<(), ApiError> {
        self.declines
            .check(Instant::now())
            .map_err(|wait| refused("declined payments on this shop right now", wait))
    }
}

impl Default for AbuseLimits {
    /// The command-line defaults with the TCP peer as the client.
    fn default() -> Self {
        Self::new(AbuseSettings {
            codes_per_session: Rate::CODES_PER_SESSION_DEFAULT,
            codes_per_client: Rate::CODES_PER_CLIENT_DEFAULT,
            failed_auths_per_client: Rate::FAILED_AUTHS_DEFAULT,
            declines_per_minute: DEFAULT_DECLINES_PER_MINUTE,
            client_ip_header: None,
        })
    }
}

/// The default `--declines-per-minute`.
pub const DEFAULT_DECLINES_PER_MINUTE: u32 = 60;

impl Refused {
    /// Whole seconds until the next attempt may succeed (at least 1), for `Retry-After`.
    pub fn retry_after_secs(self) -> u64 {
        let wait = match self {
            Self::Session(d) | Self::Client(d) => d,
        };
        retry_secs(wait)
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
        assert_eq!(
            Rate::PER_SESSION_DEFAULT
                .parse::<Rate>()
                .unwrap()
                .to_string(),
            "10/10m"
        );
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
        assert_eq!(
            client_key(ip("::ffff:127.0.0.1")),
            client_key(ip("127.0.0.1"))
        );
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
    fn only_a_loopback_peer_without_the_header_flag_is_exempt() {
        let local: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let local6: SocketAddr = "[::1]:1".parse().unwrap();
        let public: SocketAddr = "203.0.113.5:1".parse().unwrap();
        let mut forwarded = HeaderMap::new();
        forwarded.insert("x-forwarded-for", "127.0.0.1".parse().unwrap());
        let direct = ClientAddresses::new(None);
        assert_eq!(direct.key(&HeaderMap::new(), Some(local)), None);
        assert_eq!(direct.key(&HeaderMap::new(), Some(local6)), None);
        // Without the flag the header is not read at all.
        assert_eq!(direct.key(&forwarded, Some(local)), None);
        assert_eq!(
            direct.key(&HeaderMap::new(), Some(public)),
            Some(client_key(public.ip()))
        );
        assert_eq!(direct.key(&HeaderMap::new(), None), None, "unknown");
        let proxied = ClientAddresses::new(Some(HeaderName::from_static("x-forwarded-for")));
        // A forwarded loopback address is an address like any other.
        assert_eq!(
            proxied.key(&forwarded, Some(local)),
            Some(client_key("127.0.0.1".parse().unwrap()))
        );
        // Behind a proxy, a request without the header is the proxy's.
        assert_eq!(
            proxied.key(&HeaderMap::new(), Some(local)),
            Some(client_key(local.ip()))
        );
    }

    #[test]
    fn a_public_url_without_the_header_flag_is_warned_about() {
        assert!(every_client_looks_alike("https://pay.example.com", false));
        assert!(every_client_looks_alike("http://10.0.0.5:8080", false));
        assert!(!every_client_looks_alike("https://pay.example.com", true));
        for local in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:80",
            "http://127.1.2.3",
        ] {
            assert!(!every_client_looks_alike(local, false), "{local}");
        }
    }

    #[test]
    fn peek_does_not_take_a_token() {
        let limiter = KeyedLimiter::new(Rate::new(2, Duration::from_secs(60)));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(limiter.peek(&"a", t0).is_ok());
        }
        assert!(limiter.check(&"a", t0).is_ok());
        assert!(limiter.check(&"a", t0).is_ok());
        let wait = limiter.peek(&"a", t0).unwrap_err();
        assert!((29.9..=30.0).contains(&wait.as_secs_f64()), "{wait:?}");
        assert!(limiter.peek(&"a", t0 + Duration::from_secs(30)).is_ok());
    }

    #[test]
    fn the_decline_ceiling_holds_until_its_window_ends() {
        let ceiling = DeclineCeiling::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(ceiling.check(t0).is_ok());
        for s in 0..3 {
            ceiling.record(t0 + Duration::from_secs(s));
        }
        let wait = ceiling.check(t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(ceiling.check(t0 + Duration::from_secs(60)).is_ok());
        // A decline after the window starts a new one.
        ceiling.record(t0 + Duration::from_secs(61));
        assert!(ceiling.check(t0 + Duration::from_secs(62)).is_ok());
        let off = DeclineCeiling::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            off.record(t0);
        }
        assert!(off.check(t0).is_ok());
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
        // A loopback peer is exempt only when no client IP header is in
        // force; behind a proxy it is the proxy and is limited.
        let local: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let direct = PaymentLimits::new(Rate::Off, Rate::new(2, Duration::from_secs(60)), None);
        for _ in 0..10 {
            assert!(direct.check_client(&HeaderMap::new(), Some(local)).is_ok());
        }
        assert!(limits.check_client(&HeaderMap::new(), Some(local)).is_ok());
        assert!(limits.check_client(&HeaderMap::new(), Some(local)).is_ok());
        assert!(limits.check_client(&HeaderMap::new(), Some(local)).is_err());
        assert_eq!(
            Refused::Client(Duration::from_millis(1)).retry_after_secs(),
            1
        );
        assert_eq!(Refused::Client(Duration::ZERO).retry_after_secs(), 1);
        assert_eq!(
            Refused::Client(Duration::from_secs(3)).retry_after_secs(),
            3
        );
    }
}
