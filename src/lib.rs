//! checkout-widget: an embeddable checkout for Leptos apps and plain pages.
//!
//! In a Leptos app, wrap the billing panel in [`BillingProvider`] and call
//! [`use_billing`]; on any page, load the bundle and use `<checkout-widget>`.
//! Both speak Flowglad's server-route protocol to the merchant's backend.
//!
//! # Features
//!
//! - `leptos` (default): the library an app uses — [`BillingProvider`], the
//!   hooks, the components, [`BILLING_CSS`]/[`BillingStyles`], [`transport`].
//!   It turns on none of Leptos's `csr`/`ssr`/`hydrate`: the app does.
//! - `ssr` / `csr`: forward to Leptos's. On the server the provider, hooks
//!   and components read nothing of the browser and render their loading
//!   state; the loads run in the browser. Give the provider a `locale` in an
//!   SSR app so both sides render the same words.
//! - `testing`: [`testing`], a mock billing route for your wasm tests.
//! - `catalogs-on-demand`: only English compiled in; [`BillingProvider`]
//!   fetches the words of other languages from its `catalogs_url` (the
//!   files are `locales/`, also `CATALOG_FILES` in native builds) and draws
//!   its children once they are in.
//!   For client-side rendering only (a compile error with `ssr`).
//! - `hosted-checkout`, `hosted-pages`, `embed`: this repository's own
//!   bundles (the hosted checkout pages in plain DOM; those with the demo
//!   store; the script-tag custom elements). An app never needs them.

// Helpers shared with the Leptos side go unused in the lean embed build.
#![cfg_attr(not(feature = "leptos"), allow(dead_code))]

#[cfg(feature = "hosted-pages")]
mod app;
mod billing;
// Shared with the bundles (`hosted-pages`, `embed`): the library alone uses a
// part of these page accessors, words and amounts.
#[cfg_attr(
    not(any(feature = "hosted-checkout", feature = "embed")),
    allow(dead_code)
)]
mod browser;
// Fetching the other languages' catalogs: the bundles, and the provider of
// a Leptos app built with `catalogs-on-demand`.
#[cfg(any(feature = "embed", feature = "hosted-checkout", feature = "leptos"))]
mod catalog_files;
// The provider waits in the browser for catalogs it fetches; a server
// rendering with English alone would draw other words than the browser.
#[cfg(all(feature = "ssr", feature = "catalogs-on-demand"))]
compile_error!(
    "checkout-widget: `catalogs-on-demand` is for client-side rendered apps; \
     leave it off the server (`ssr`) build, which renders every language compiled in"
);
#[cfg(feature = "leptos")]
mod client;
// Without Leptos the plain-DOM hosted pages build only their own client.
#[cfg(all(feature = "hosted-checkout", not(feature = "leptos")))]
#[path = "client/hosted_only.rs"]
mod client;
#[cfg(feature = "leptos")]
mod components;
// The hosted pages use its `config::Theme` only; the elements and the JS
// API are the `embed` build's.
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
#[cfg_attr(not(feature = "embed"), allow(dead_code))]
mod embed;
// Building DOM without a framework: the embed and the hosted pages.
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
mod dom;
mod error;
mod format;
// The hosted checkout pages, in plain DOM (no Leptos).
#[cfg(feature = "hosted-checkout")]
mod hosted;
// Posted by the hosted page in a frame, read by the embed: neither is in an app.
#[cfg(any(feature = "embed", feature = "hosted-checkout"))]
mod frame_message;
#[cfg_attr(
    not(any(feature = "hosted-checkout", feature = "embed")),
    allow(dead_code)
)]
mod i18n;
mod intl;
#[cfg_attr(
    not(any(feature = "hosted-checkout", feature = "embed")),
    allow(dead_code)
)]
mod money;
mod plain_text;
mod server_route;
#[cfg(feature = "testing")]
pub mod testing;
#[cfg(any(feature = "leptos", feature = "hosted-checkout"))]
pub mod transport;
mod view_model;

/// This repository's own bundles and tests reach the internals through here;
/// not part of the API, no semver promise.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "hosted-pages")]
    pub use crate::app::start;
    /// The hosted bundle's entry, and the hosted page for tests (mounted
    /// with a fake transport).
    #[cfg(feature = "hosted-checkout")]
    pub use crate::hosted::{
        entry::start as start_hosted,
        page::{mount as mount_hosted_page, HostedPage},
    };
    /// The custom elements (the script-tag bundle's entry, and tests).
    #[cfg(any(feature = "embed", feature = "hosted-checkout"))]
    pub mod embed {
        pub use crate::embed::{mounted_count, register};
    }
    pub use crate::format::{interval_phrase, trial_phrase};
    pub use crate::money::format_money;
}

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
/// The catalog files a `catalogs-on-demand` app fetches, for a server to serve.
#[cfg(not(target_arch = "wasm32"))]
pub use i18n::files::CATALOG_FILES;
#[cfg(feature = "leptos")]
pub use transport::Credentials;
