//! The Leptos billing API: `<BillingProvider>` and `use_billing()`, mirroring
//! Flowglad's React `FlowgladProvider` and `useBilling()`.

pub(crate) mod params;
#[cfg(feature = "leptos")]
mod provider;
#[cfg(feature = "leptos")]
mod use_billing;

pub use params::{
    ActivateSubscriptionParams, AddPaymentMethodParams, CheckoutSessionCreated,
    CheckoutSessionParams, LineItem,
};
#[cfg(feature = "leptos")]
pub use provider::{use_locale, BillingProvider};
#[cfg(feature = "leptos")]
pub use use_billing::{
    use_billing, use_billing_with_options, BillingData, BillingState, UseBillingOptions,
    UseBillingReturn,
};
