//! The running server: its configuration, start-up and background jobs.

pub mod config;
pub mod error;
pub mod expiry;
pub mod startup;
