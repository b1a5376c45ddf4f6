//! A price card: its title, amount, interval, trial, quantity field and
//! checkout button, in the customer's language.

use crate::format::{checkout_call_to_action, interval_adjective, price_interval, trial_phrase};
use crate::i18n::{fill, widget::Msg, Lang, Message};
use crate::money::format_money;
use crate::plain_text::decimal;
use checkout_protocol::quantity::MAX_QUANTITY;
use checkout_protocol::{money::line_amount, Price, Product, Quantity};

/// What a price card shows for one price of a product.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceCardModel {
    /// The language of its words.
    pub lang: Lang,
    /// The price's id (its controls act on it).
    pub price_id: String,
    /// The title's element id, which names the card (`aria-labelledby`).
    pub heading_id: String,
    /// The product's name, with the interval when a product is sold at
    /// several ("Pro · Monthly"): the interval tells its cards apart.
    pub title: String,
    /// The product's description.
    pub description: Option<String>,
    /// The unit price, formatted for the locale.
    pub amount: String,
    /// The text after the amount, with its leading space (" per month"),
    /// for a recurring price.
    pub interval: Option<String>,
    /// "14-day free trial", for a price with a trial.
    pub trial: Option<String>,
    /// The quantity field, for a product sold by the unit.
    pub quantity: Option<QuantityFieldModel>,
    /// The checkout button.
    pub button: CheckoutButtonModel,
}

/// A checkout button's words.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutButtonModel {
    /// The visible text: the merchant's label, else the price's call to action.
    pub label: String,
    /// The accessible name: the label and what it buys ("Subscribe: Pro").
    pub aria_label: String,
}

/// The field choosing how many units to buy, and the running total beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityFieldModel {
    /// The input's id, which its label points at.
    pub input_id: String,
    /// "Quantity (credit packs)".
    pub label: String,
    /// The input's `min`: the smallest [`Quantity`].
    pub min: String,
    /// The input's `max`: [`MAX_QUANTITY`].
    pub max: String,
    /// The value the field starts with.
    pub initial: String,
    unit_price: i64,
    currency: String,
    locale: String,
}

impl PriceCardModel {
    /// The card for `price` of `product` in `locale`, starting at `quantity`
    /// units, with `label` as the button's text when the merchant gives one.
    pub fn new(
        product: &Product,
        price: &Price,
        locale: &str,
        quantity: u32,
        label: Option<String>,
    ) -> Self {
        let lang = Lang::of(locale);
        let title = match interval_adjective(price, lang) {
            Some(interval) => [product.name.as_str(), " · ", interval].concat(),
            None => product.name.clone(),
        };
        let label = label.unwrap_or_else(|| checkout_call_to_action(price, locale));
        let aria_label = fill(Msg::ButtonFor.text(lang), &[&label, &title]);
        Self {
            lang,
            heading_id: ["cw-price-", price.id.as_str()].concat(),
            price_id: price.id.clone(),
            description: product.description.clone(),
            amount: format_money(price.unit_price, &price.currency, locale),
            interval: price_interval(price, locale).map(|i| [" ", &i].concat()),
            trial: price
                .trial_period_days
                .filter(|days| *days > 0)
                .map(|days| trial_phrase(days, locale)),
            quantity: product
                .has_adjustable_quantity()
                .then(|| QuantityFieldModel::new(product, price, locale, quantity)),
            button: CheckoutButtonModel { label, aria_label },
            title,
        }
    }
}

impl QuantityFieldModel {
    fn new(product: &Product, price: &Price, locale: &str, quantity: u32) -> Self {
        let lang = Lang::of(locale);
        let plural = product
            .plural_quantity_label
            .clone()
            .unwrap_or_else(|| Msg::Units.text(lang).to_owned());
        Self {
            input_id: ["cw-qty-", price.id.as_str()].concat(),
            label: fill(Msg::Quantity.text(lang), &[&plural]),
            min: decimal(u64::from(Quantity::ONE.get())),
            max: decimal(u64::from(MAX_QUANTITY)),
            initial: decimal(u64::from(quantity)),
            unit_price: price.unit_price,
            currency: price.currency.clone(),
            locale: locale.to_owned(),
        }
    }

    /// What the field's text means: a quantity, or `None` when it is not one
    /// (the total then goes blank and a checkout is refused with its message).
    pub fn parse(text: &str) -> Option<Quantity> {
        Quantity::parse(text).ok()
    }

    /// "Total $36.00" for `quantity` units; blank for no valid quantity.
    pub fn total(&self, quantity: Option<Quantity>) -> String {
        quantity
            .and_then(|q| line_amount(self.unit_price, q.get()))
            .map(|amount| {
                fill(
                    Msg::Total.text(Lang::of(&self.locale)),
                    &[&format_money(amount, &self.currency, &self.locale)],
                )
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(json: serde_json::Value) -> Product {
        serde_json::from_value(json).unwrap()
    }

    fn pro() -> (Product, Price) {
        let p = product(serde_json::json!({
            "id": "prod_pro", "slug": "pro", "name": "Pro", "prices": [
                {"id": "price_pro_monthly", "type": "subscription", "unitPrice": 1200, "currency": "USD",
                 "intervalUnit": "month", "intervalCount": 1, "trialPeriodDays": 14}]
        }));
        let price = p.prices[0].clone();
        (p, price)
    }

    fn credits() -> (Product, Price) {
        let p = product(serde_json::json!({
            "id": "prod_credits", "slug": "credits", "name": "Credits", "description": "Prepaid.",
            "singularQuantityLabel": "credit pack", "pluralQuantityLabel": "credit packs",
            "prices": [{"id": "price_credits", "type": "single_payment", "unitPrice": 1200, "currency": "JPY"}]
        }));
        let price = p.prices[0].clone();
        (p, price)
    }

    #[test]
    fn a_subscription_card_names_its_interval_trial_and_action() {
        let (product, price) = pro();
        let card = PriceCardModel::new(&product, &price, "en-US", 1, None);
        assert_eq!(card.heading_id, "cw-price-price_pro_monthly");
        assert_eq!(card.title, "Pro · Monthly");
        assert_eq!(card.interval.as_deref(), Some(" per month"));
        assert_eq!(card.trial.as_deref(), Some("14-day free trial"));
        assert_eq!(card.button.label, "Start 14-day free trial");
        assert_eq!(
            card.button.aria_label,
            "Start 14-day free trial: Pro · Monthly"
        );
        assert_eq!(card.quantity, None, "Pro is not sold by the unit");
        assert_eq!(card.description, None);
    }

    #[test]
    fn the_merchants_label_replaces_the_call_to_action_in_both_names() {
        let (product, price) = pro();
        let card = PriceCardModel::new(&product, &price, "de-DE", 1, Some("Los".into()));
        assert_eq!(card.lang, Lang::De);
        assert_eq!(card.title, "Pro · Monatlich");
        assert_eq!(card.button.label, "Los");
        assert_eq!(card.button.aria_label, "Los: Pro · Monatlich");
    }

    #[test]
    fn a_product_sold_by_the_unit_gets_a_bounded_quantity_field() {
        let (product, price) = credits();
        let card = PriceCardModel::new(&product, &price, "en", 3, None);
        assert_eq!(card.title, "Credits");
        assert_eq!(card.description.as_deref(), Some("Prepaid."));
        assert_eq!(card.interval, None);
        assert_eq!(card.button.label, "Buy now");
        let field = card.quantity.expect("a quantity field");
        assert_eq!(field.input_id, "cw-qty-price_credits");
        assert_eq!(field.label, "Quantity (credit packs)");
        assert_eq!((field.min.as_str(), field.max.as_str()), ("1", "1000000"));
        assert_eq!(field.initial, "3");
        // Natively money is "minor units + currency"; the browser formats it.
        assert_eq!(field.total(Quantity::new(3).ok()), "Total 3600 JPY");
        assert_eq!(field.total(QuantityFieldModel::parse("0")), "");
        assert_eq!(QuantityFieldModel::parse(""), Some(Quantity::ONE));
    }
}
