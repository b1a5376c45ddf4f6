//! The hosted checkout pages (`/checkout/{id}`, `/add-payment-method/{id}`),
//! drawn in plain DOM like the embed, so their bundle carries no UI
//! framework (issue 17): the page and its screens, the summary, the pay
//! column, and their logic apart from how they are drawn (the pay form's
//! fields and checks, the country list, the merchant's appearance, the
//! messages a framed page posts to the embed).

pub mod appearance;
// The bank's 3-D Secure challenge.
pub mod authentication;
pub mod context;
pub mod countries;
pub mod dom;
pub mod embedding;
pub mod entry;
pub mod errors;
pub mod field_view;
pub mod form;
pub mod page;
pub mod pages;
// The pay column: the form, its fields, saved cards, the address.
pub mod payment_form;
pub mod status;
pub mod summary;
pub mod tax_id;
