//! Components for merchants' pages and billing panels, built on `use_billing()`
//! and `use_usage_meter()`.

mod checkout_button;
mod feature_gate;
mod invoices;
mod payment_methods;
mod plain;
mod price_card;
mod pricing_table;
mod request;
mod state;
mod styles;
mod subscription;
mod usage_meter;
// Plan changes and seats (issue 15, part 5).
mod plan_change;
mod resource_seats;

pub use checkout_button::CheckoutButton;
pub use feature_gate::FeatureGate;
pub use invoices::Invoices;
pub use payment_methods::PaymentMethods;
pub use price_card::PriceCard;
pub use pricing_table::PricingTable;
pub use styles::{BillingStyles, BILLING_CSS};
pub use subscription::CurrentSubscription;
pub use usage_meter::UsageMeter;
// Plan changes and seats (issue 15, part 5).
pub use plan_change::PlanChangeDialog;
pub use resource_seats::ResourceSeats;
