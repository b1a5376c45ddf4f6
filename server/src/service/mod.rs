//! What the server does with the domain and the store: creates checkout
//! sessions (and replays them under an idempotency key), takes payments,
//! and keeps the abuse limits. [`Billing`] is what every operation needs.

pub mod checkout;
pub mod idempotency;
pub mod payment;
pub mod plan_change;
pub mod rate_limit;
// Signed success redirects (issue 16, item 4).
pub mod redirect;

use crate::domain::catalog::Catalog;
use crate::domain::payment::PaymentProcessor;
use crate::domain::redirect_hosts::RedirectRule;
use crate::store::Db;
use rate_limit::AbuseLimits;
use std::sync::Arc;
use std::time::Duration;

/// The store, the catalog, the payment processor and the rules a checkout
/// follows; cheap to clone. The HTTP layer's state holds one, and so does
/// the embedded platform.
#[derive(Clone)]
pub struct Billing {
    /// The SQLite store.
    pub db: Db,
    /// The merchant's catalog.
    pub catalog: Arc<Catalog>,
    /// Charges cards at confirmation.
    pub payments: Arc<dyn PaymentProcessor>,
    /// Absolute origin for hosted-page URLs, without a trailing slash.
    pub public_url: Arc<str>,
    /// Where success and cancel URLs may point (`--redirect-hosts`, and
    /// for an empty list, whether `--public-url` is loopback).
    pub redirect_rule: Arc<RedirectRule>,
    /// How long one charge may take (`--payment-timeout`).
    pub payment_timeout: Duration,
    /// Discount-code guesses, failed platform-API authentications and the
    /// ceiling on card declines (a decline is counted where it happens).
    pub abuse_limits: Arc<AbuseLimits>,
    /// The key success redirects are signed with: the platform secret key
    /// (`--secret-key`, or the one generated at start), so the merchant
    /// verifies with the key they already hold.
    pub redirect_signing_key: Arc<str>,
}

impl std::fmt::Debug for Billing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Billing")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}
