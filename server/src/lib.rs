//! `checkout-server`: the reference billing server for the checkout widget.
//!
//! It serves the merchant server route (`POST {prefix}/{action}`, Flowglad's
//! protocol), the hosted-page API (`/api/checkout-sessions/…`), the platform
//! API behind a secret key (`/api/v1/…`) and the built widget, over one
//! SQLite file, and sends signed webhooks from an outbox in that file. Wire
//! shapes come from `checkout-protocol`.
#![deny(missing_docs)]

mod app;
mod background;
mod domain;
mod http;
mod platform;
mod service;
mod store;
mod webhook;

pub use app::config;
pub use app::config::Config;
pub use app::error::ServerError;
pub use async_trait::async_trait;
pub use domain::catalog::CatalogError;
pub use domain::catalog::DEMO_CATALOG;
pub use domain::error::ApiError;
pub use domain::payment;
/// What `BillingPlatform::update_customer` changes (issue 15).
pub use domain::records::CustomerChanges;
pub use http::route::policy::refuse_browser_options;
/// What `subscriptions/create` may start without a checkout (issue 15).
pub use http::route::SubscriptionsWithoutCheckout;
pub use http::route::{
    server_route, BrowserDecidesNothing, CheckoutPolicy, CheckoutRequest, CustomerResolver,
    RouteState,
};
pub use http::static_files::bundle::BundleError;
pub use http::static_files::Bundle;
pub use platform::jwt::{JwtConfigError, JwtCustomers};
pub use platform::IdempotencyKey;
pub use platform::{
    BillingPlatform, CustomerIdentity, EmbeddedPlatform, InvalidPlatform, RemotePlatform,
    RemotePlatformOptions,
};
// Plan changes (issue 15): the request of BillingPlatform::adjust_subscription.
pub use platform::AdjustRequest;
pub use service::rate_limit::Rate;
pub use store::DbError;
pub use webhook::dispatcher::DispatcherError;

pub use app::startup::{serve, spawn, spawn_with_processor, RunningServer};
