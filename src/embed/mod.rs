//! The script-tag embed: `<checkout-widget>`, `<checkout-pricing-table>` and
//! `<checkout-add-payment-method>` in open shadow roots, their DOM events, the
//! overlay and inline modes, and the JS API exported by `checkout-widget.js`.
//!
//! It uses no UI framework and no JSON library (the browser's `JSON` does the
//! parsing): the script-tag bundle built from it must stay small. Leptos apps
//! use the components in `crate::components` instead.

pub mod api;
pub mod config;
use crate::dom;
pub mod events;
pub mod frame;
mod host;
mod js;
pub mod net;
mod promise;
mod read;
mod slot;
mod small_map;
mod views;
mod words;

pub use host::{mounted_count, register};
