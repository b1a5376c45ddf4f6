//! A pricing table: which products it offers at an interval, and the switch
//! between intervals when a product is sold at more than one.

use crate::format::interval_label;
use crate::i18n::{widget::Msg, Lang, Message};
use checkout_protocol::{IntervalUnit, Price, PricingModel, Product};

/// What a pricing table shows for a pricing model.
#[derive(Debug, Clone, Copy)]
pub struct PricingTableModel<'a> {
    pricing: &'a PricingModel,
    lang: Lang,
}

/// The radio group choosing an interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalSwitchModel {
    /// The group's (visually hidden) legend.
    pub legend: &'static str,
    /// One radio per interval, in order.
    pub options: Vec<IntervalOption>,
}

/// One radio of the interval switch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalOption {
    /// The interval it shows.
    pub unit: IntervalUnit,
    /// "Monthly".
    pub label: &'static str,
}

impl<'a> PricingTableModel<'a> {
    /// The table for `pricing`, in `lang`.
    pub fn new(pricing: &'a PricingModel, lang: Lang) -> Self {
        Self { pricing, lang }
    }

    /// The interval switch, when some product is sold at two intervals.
    pub fn switch(&self) -> Option<IntervalSwitchModel> {
        let intervals = self.pricing.switchable_intervals();
        (intervals.len() > 1).then(|| IntervalSwitchModel {
            legend: Msg::BillingInterval.text(self.lang),
            options: intervals
                .into_iter()
                .map(|unit| IntervalOption {
                    unit,
                    label: interval_label(unit, self.lang),
                })
                .collect(),
        })
    }

    /// The cards at `interval`: every active product a customer can buy
    /// (the free default plan is not sold), with its price at that interval.
    pub fn offers(
        &self,
        interval: IntervalUnit,
    ) -> impl Iterator<Item = (&'a Product, &'a Price)> + 'a {
        self.pricing
            .products
            .iter()
            .filter(|p| p.active && !p.default)
            .filter_map(move |p| p.price_for_interval(interval).map(|price| (p, price)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pricing() -> PricingModel {
        serde_json::from_value(serde_json::json!({
            "id": "pm", "name": "Plans", "products": [
                {"id": "free", "slug": "free", "name": "Free", "default": true, "prices": [
                    {"id": "price_free", "type": "subscription", "unitPrice": 0, "currency": "USD", "intervalUnit": "month", "intervalCount": 1}]},
                {"id": "pro", "slug": "pro", "name": "Pro", "prices": [
                    {"id": "pro_m", "type": "subscription", "unitPrice": 1200, "currency": "USD", "intervalUnit": "month", "intervalCount": 1},
                    {"id": "pro_y", "type": "subscription", "unitPrice": 12000, "currency": "USD", "intervalUnit": "year", "intervalCount": 1}]},
                {"id": "setup", "slug": "setup", "name": "Setup", "prices": [
                    {"id": "setup_once", "type": "single_payment", "unitPrice": 4900, "currency": "USD"}]},
                {"id": "old", "slug": "old", "name": "Old", "active": false, "prices": [
                    {"id": "old_once", "type": "single_payment", "unitPrice": 100, "currency": "USD"}]}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn offers_skip_the_default_plan_and_inactive_products() {
        let pricing = pricing();
        let table = PricingTableModel::new(&pricing, Lang::En);
        let ids = |unit| {
            table
                .offers(unit)
                .map(|(_, price)| price.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(IntervalUnit::Month), ["pro_m", "setup_once"]);
        assert_eq!(ids(IntervalUnit::Year), ["pro_y", "setup_once"]);
    }

    #[test]
    fn the_switch_offers_each_interval_a_product_is_sold_at() {
        let pricing = pricing();
        let switch = PricingTableModel::new(&pricing, Lang::Es)
            .switch()
            .expect("Pro is sold monthly and yearly");
        assert_eq!(switch.legend, "Periodo de facturación");
        let labels: Vec<_> = switch.options.iter().map(|o| (o.unit, o.label)).collect();
        assert_eq!(
            labels,
            [
                (IntervalUnit::Month, "Mensual"),
                (IntervalUnit::Year, "Anual")
            ]
        );
        let mut single = pricing.clone();
        single.products.retain(|p| p.id != "pro");
        assert_eq!(PricingTableModel::new(&single, Lang::En).switch(), None);
    }
}
