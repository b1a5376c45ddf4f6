//! What every handler shares: the billing service and the HTTP server's
//! own settings.

use crate::http::cors::AllowedOrigins;
use crate::http::security_headers::SecurityHeaders;
use crate::http::static_files::Bundle;
use crate::service::rate_limit::{CreateLimits, PaymentLimits};
use crate::service::Billing;
use axum::body::Bytes;
use axum::extract::FromRef;
use std::path::PathBuf;
use std::sync::Arc;

/// Shared handler state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The store, catalog, processor and checkout rules.
    pub billing: Billing,
    /// The platform API secret key.
    pub secret_key: Arc<str>,
    /// Where the merchant route is mounted, e.g. `/api/billing`.
    pub route_prefix: Arc<str>,
    /// The built widget's folder.
    pub dist: Arc<PathBuf>,
    /// The build as it was at start, served under `/v/{build_id}/`.
    pub bundle: Arc<Bundle>,
    /// The security headers in force (`--frame-ancestors` is in the CSP).
    pub security_headers: SecurityHeaders,
    /// Who may call the server route cross-origin (`--allowed-origins`).
    pub allowed_origins: Arc<AllowedOrigins>,
    /// Payment-attempt limits per session and per client address.
    pub payment_limits: Arc<PaymentLimits>,
    /// The OpenAPI document, rendered once at start for this route prefix.
    pub openapi: Bytes,
    /// Creates on the server route per client address and per customer
    /// (shared with the route's [`crate::RouteState`]).
    pub create_limits: Arc<CreateLimits>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("public_url", &self.billing.public_url)
            .field("route_prefix", &self.route_prefix)
            .field("dist", &self.dist)
            .field("build_id", &self.bundle.id())
            .finish_non_exhaustive()
    }
}

// Handlers and middleware take the part of the state they use.
impl FromRef<AppState> for Billing {
    fn from_ref(state: &AppState) -> Self {
        state.billing.clone()
    }
}

impl FromRef<AppState> for Arc<AllowedOrigins> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.allowed_origins)
    }
}
