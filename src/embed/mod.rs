//! The script-tag embed: `<checkout-widget>`, `<checkout-pricing-table>` and
//! `<checkout-add-payment-method>` in open shadow roots, their DOM events, the
//! overlay and inline modes, and the JS API exported by `checkout-widget.js`.

pub mod api;
pub mod config;
pub mod events;
pub mod frame;
mod host;
mod views;

pub use host::{mounted_count, register};
