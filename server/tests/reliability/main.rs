//! Reliability tests against the real `checkout-server` binary as a child
//! process on a real SQLite file: a SIGKILL in the middle of a load and the
//! restart after it, and card data kept out of the database and the logs.
//!
//! They are `#[ignore]`d in a plain `cargo test` (the integration tier): the
//! `reliability` tier of `cargo xtask test` runs them against the release
//! build (`CHECKOUT_SERVER_BIN`) and collects their figures
//! (`RELIABILITY_REPORT`). By hand:
//! `cargo test -p checkout-server --test reliability -- --ignored --test-threads=1`.

mod binary;
mod card_data;
mod crash;
mod receiver;
mod report;
