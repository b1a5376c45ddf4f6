//! checkout-widget: an embeddable checkout for Leptos apps and plain pages.
//!
//! In a Leptos app, wrap the billing panel in [`BillingProvider`] and call
//! [`use_billing`]; on any page, load the bundle and use `<checkout-widget>`.
//! Both speak Flowglad's server-route protocol to the merchant's backend.
//!
//! The `leptos` feature (default) brings the Leptos API, the hosted pages and
//! the demo; without it only the framework-free script-tag embed remains,
//! which is how its small bundle is built.

// Helpers shared with the Leptos side go unused in the lean embed build.
#![cfg_attr(not(feature = "leptos"), allow(dead_code))]

#[cfg(feature = "leptos")]
pub mod app;
mod billing;
mod browser;
mod catalog_files;
#[cfg(feature = "leptos")]
pub mod client;
#[cfg(feature = "leptos")]
pub mod components;
pub mod embed;
mod error;
pub mod format;
pub mod frame_message;
pub mod i18n;
mod intl;
pub mod money;
mod plain_text;
pub mod server_route;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(feature = "leptos")]
pub mod transport;
pub mod view_model;

#[cfg(feature = "leptos")]
pub use billing::{
    use_billing, use_billing_with_options, use_locale, use_usage_meter,
    use_usage_meter_with_options, use_usage_meters, use_usage_meters_with_options, BillingData,
    BillingProvider, BillingState, RefinementParams, UseBillingOptions, UseBillingReturn,
    UseUsageMeterReturn, UseUsageMetersOptions, UseUsageMetersReturn,
};
pub use billing::{
    ActivateSubscriptionParams, AddPaymentMethodParams, CheckoutSessionCreated,
    CheckoutSessionParams, LineItem, UsageEventParams, UsageTarget,
};
// Resource capacity and claims, plan changes (issue 15, part 5).
#[cfg(feature = "leptos")]
pub use billing::{
    use_resource, use_resource_with_options, use_resources, use_resources_with_options,
    ClaimParams, ReleaseParams, UseResourceReturn, UseResourcesOptions, UseResourcesReturn,
};
pub use checkout_protocol as protocol;
#[cfg(feature = "leptos")]
pub use components::BILLING_CSS;
#[cfg(feature = "leptos")]
pub use components::{
    BillingStyles, CheckoutButton, CurrentSubscription, FeatureGate, Invoices, PaymentMethods,
    PriceCard, PricingTable, UsageMeter,
};
#[cfg(feature = "leptos")]
pub use components::{PlanChangeDialog, ResourceSeats};
pub use error::BillingError;
#[cfg(feature = "leptos")]
pub use transport::Credentials;
