//! What every handler shares: the store, the catalog, the payment processor
//! and the server's settings.

use crate::domain::catalog::Catalog;
use crate::domain::payment::PaymentProcessor;
use crate::domain::redirect_hosts::RedirectRule;
use crate::http::cors::AllowedOrigins;
use crate::http::security_headers::SecurityHeaders;
use crate::http::static_files::Bundle;
use crate::service::rate_limit::{AbuseLimits, CreateLimits, PaymentLimits};
use crate::store::Db;
use axum::body::Bytes;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Shared handler state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The SQLite store.
    pub db: Db,
    /// The merchant's catalog.
    pub catalog: Arc<Catalog>,
    /// Charges cards at confirmation.
    pub payments: Arc<dyn PaymentProcessor>,
    /// The platform API secret key.
    pub secret_key: Arc<str>,
    /// Absolute origin for hosted-page URLs, without a trailing slash.
    pub public_url: Arc<str>,
    /// Where the merchant route is mounted, e.g. `/api/billing`.
    pub route_prefix: Arc<str>,
    /// The built widget's folder.
    pub dist: Arc<PathBuf>,
    /// The build as it was at start, served under `/v/{build_id}/`.
    pub bundle: Arc<Bundle>,
    /// The security headers in force (`--frame-ancestors` is in the CSP).
    pub security_headers: SecurityHeaders,
    /// Where success and cancel URLs may point (`--redirect-hosts`, and
    /// for an empty list, whether `--public-url` is loopback).
    pub redirect_rule: Arc<RedirectRule>,
    /// Who may call the server route cross-origin (`--allowed-origins`).
    pub allowed_origins: Arc<AllowedOrigins>,
    /// Payment-attempt limits per session and per client address.
    pub payment_limits: Arc<PaymentLimits>,
    /// How long one charge may take (`--payment-timeout`).
    pub payment_timeout: Duration,
    /// The OpenAPI document, rendered once at start for this route prefix.
    pub openapi: Bytes,
    /// Discount-code guesses, failed platform-API authentications and the
    /// ceiling on card declines.
    pub abuse_limits: Arc<AbuseLimits>,
    /// Creates on the server route per client address and per customer
    /// (shared with the route's [`crate::RouteState`]).
    pub create_limits: Arc<CreateLimits>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("public_url", &self.public_url)
            .field("route_prefix", &self.route_prefix)
            .field("dist", &self.dist)
            .field("build_id", &self.bundle.id())
            .finish_non_exhaustive()
    }
}
