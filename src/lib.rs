//! checkout-widget: an embeddable checkout for Leptos apps and plain pages.
//!
//! In a Leptos app, wrap the billing panel in [`BillingProvider`] and call
//! [`use_billing`]; on any page, load the bundle and use `<checkout-widget>`.
//! Both speak Flowglad's server-route protocol to the merchant's backend.

pub mod app;
mod billing;
mod browser;
pub mod client;
pub mod components;
pub mod demo;
pub mod embed;
mod error;
pub mod format;
pub mod hosted;
mod intl;
pub mod money;
pub mod routes;
pub mod transport;

pub use billing::{
    use_billing, use_billing_with_options, use_locale, ActivateSubscriptionParams, AddPaymentMethodParams, BillingData,
    BillingProvider, BillingState, CheckoutSessionCreated, CheckoutSessionParams, LineItem, UseBillingOptions,
    UseBillingReturn,
};
pub use checkout_protocol as protocol;
pub use components::{CheckoutButton, CurrentSubscription, Invoices, PaymentMethods, PriceCard, PricingTable};
pub use error::BillingError;
