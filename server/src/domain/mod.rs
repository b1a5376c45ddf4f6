//! The rules of billing, with no HTTP server and no database: the catalog,
//! checkout sessions and their lifecycle, subscriptions, the records a
//! payment leaves, cards and payment processors, validation, and the one
//! error type every layer above returns.

pub mod authentication;
pub mod billing_address;
pub mod catalog;
pub mod clock;
pub mod cursor;
pub mod error;
pub mod ids;
pub mod lifecycle;
// Subscription create (issue 15).
pub mod new_subscription;
pub mod payment;
pub mod plan_change;
pub mod records;
pub mod redirect_hosts;
pub mod redirect_signing;
pub mod resource;
pub mod session;
pub mod subscription;
pub mod usage;
pub mod validation;
