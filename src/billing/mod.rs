//! The Leptos billing API: `<BillingProvider>` and `use_billing()`, mirroring
//! Flowglad's React `FlowgladProvider` and `useBilling()`.

pub(crate) mod params;
mod provider;
mod use_billing;

pub use params::{CheckoutSessionCreated, CheckoutSessionParams};
pub use provider::BillingProvider;
pub use use_billing::{use_billing, BillingData, BillingState, UseBillingReturn};
