//! What the widget's price cards and pricing tables show, computed once for
//! both renderers: the Leptos components and the script-tag embed's views
//! draw these models and decide nothing themselves. Free of Leptos and serde, so the lean embed bundle uses it too.

mod price_card;
mod pricing_table;
// The billing panels' meter speaks the panels' words, which only the Leptos build carries.
#[cfg(feature = "leptos")]
mod usage_meter;

pub use price_card::{PriceCardModel, QuantityFieldModel};
pub use pricing_table::{IntervalOption, PricingTableModel};
// Named only by the Leptos twin; the embed takes it from a method.
#[cfg(feature = "leptos")]
pub use pricing_table::IntervalSwitchModel;
#[cfg(feature = "leptos")]
pub use usage_meter::{granted_credits, UsageMeterModel};
// Plan changes in the pricing table speak the panels' words too (issue 15, part 5).
#[cfg(feature = "leptos")]
mod plan_change;
#[cfg(feature = "leptos")]
pub use plan_change::{card_action, CardAction, PlanChangeInput, PlanChangeModel};
