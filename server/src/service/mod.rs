//! What the server does with the domain and the store: creates checkout
//! sessions (and replays them under an idempotency key), takes payments,
//! and keeps the abuse limits.

pub mod checkout;
pub mod idempotency;
pub mod rate_limit;
