//! Integration tests: the real server over HTTP on loopback, each test with
//! its own SQLite file in a temporary folder.

mod support;

mod billing;
mod create_options;
mod hosted;
mod idempotency;
mod lifecycle;
mod platform;
mod route;
mod static_files;
mod subscriptions;
