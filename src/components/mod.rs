//! Components for merchants' pages and billing panels, built on `use_billing()`.

mod checkout_button;
mod invoices;
mod payment_methods;
mod price_card;
mod pricing_table;
mod subscription;

pub use checkout_button::CheckoutButton;
pub use invoices::Invoices;
pub use payment_methods::PaymentMethods;
pub use price_card::PriceCard;
pub use pricing_table::PricingTable;
pub use subscription::CurrentSubscription;
