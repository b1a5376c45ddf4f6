//! The hosted checkout pages' own logic, apart from how they are drawn:
//! the pay form's fields and checks, the country list, the merchant's
//! appearance, and the messages a framed page posts to the embed.
//!
//! (Issue 17: these pages are being redrawn in plain DOM, like the embed, so
//! their bundle carries no UI framework; this folder is where they live.)

pub mod appearance;
pub mod context;
pub mod countries;
pub mod embedding;
pub mod form;
// The pay column (issue 17: plain DOM): the form, its fields, the tax ID
// section and the bank's 3-D Secure challenge.
pub mod authentication;
pub mod dom;
pub mod errors;
pub mod field_view;
pub mod payment_form;
pub mod tax_id;
