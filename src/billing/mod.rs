//! The Leptos billing API: `<BillingProvider>` and `use_billing()`, mirroring
//! Flowglad's React `FlowgladProvider` and `useBilling()`.

#[cfg(feature = "leptos")]
mod load;
pub(crate) mod params;
#[cfg(feature = "leptos")]
mod provider;
#[cfg(feature = "leptos")]
mod use_billing;
#[cfg(feature = "leptos")]
mod use_usage_meters;
// Resource capacity and claims (issue 15, part 5).
#[cfg(feature = "leptos")]
mod use_resources;

/// The crate's one effect type.
#[cfg(feature = "leptos")]
pub(crate) use load::effect;
pub use params::{
    ActivateSubscriptionParams, AddPaymentMethodParams, CheckoutSessionCreated,
    CheckoutSessionParams, LineItem, UsageEventParams, UsageTarget,
};
#[cfg(feature = "leptos")]
pub use provider::{use_locale, BillingProvider};
/// The current subscriptions of a customer's billing, borrowed.
#[cfg(feature = "leptos")]
pub(crate) use use_billing::current_in;
#[cfg(feature = "leptos")]
pub use use_billing::{
    use_billing, use_billing_with_options, BillingData, BillingState, RefinementParams,
    UseBillingOptions, UseBillingReturn,
};
#[cfg(feature = "leptos")]
pub use use_usage_meters::{
    use_usage_meter, use_usage_meter_with_options, use_usage_meters, use_usage_meters_with_options,
    UseUsageMeterReturn, UseUsageMetersOptions, UseUsageMetersReturn,
};
// Resource capacity and claims (issue 15, part 5).
#[cfg(feature = "leptos")]
pub use use_resources::{
    use_resource, use_resource_with_options, use_resources, use_resources_with_options,
    ClaimParams, ReleaseParams, UseResourceReturn, UseResourcesOptions, UseResourcesReturn,
};
