//! The platform API (`/api/v1/…`), behind the secret key: checkout
//! sessions, customers, subscriptions and the webhook event log.

pub mod customers;
// Resource claims (issue 15).
pub mod resources;
pub mod secret_key;
pub mod sessions;
pub mod subscriptions;
pub mod usage;
pub mod webhook_events;
