//! Components for merchants' pages, built on `use_billing()`.

mod checkout_button;
mod price_card;

pub use checkout_button::CheckoutButton;
pub use price_card::PriceCard;
