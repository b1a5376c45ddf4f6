//! Words around prices: intervals, trials, button labels. English for now;
//! the localization work moves these into message catalogs.

use crate::money::format_money;
use checkout_protocol::{IntervalUnit, Price, PriceType};

/// "per month", "every 3 months".
pub fn interval_phrase(unit: IntervalUnit, count: u32) -> String {
    let (one, many) = match unit {
        IntervalUnit::Day => ("day", "days"),
        IntervalUnit::Week => ("week", "weeks"),
        IntervalUnit::Month => ("month", "months"),
        IntervalUnit::Year => ("year", "years"),
    };
    if count <= 1 {
        format!("per {one}")
    } else {
        format!("every {count} {many}")
    }
}

/// "Monthly", "Yearly": the name of a one-unit interval, as a pricing table's
/// switch and card titles show it.
pub fn interval_label(unit: IntervalUnit) -> &'static str {
    match unit {
        IntervalUnit::Day => "Daily",
        IntervalUnit::Week => "Weekly",
        IntervalUnit::Month => "Monthly",
        IntervalUnit::Year => "Yearly",
    }
}

/// The interval label of a price billed every single interval unit, if it is one.
pub fn interval_adjective(price: &Price) -> Option<&'static str> {
    match (price.interval_unit?, price.interval_count.unwrap_or(1)) {
        (unit, 1) => Some(interval_label(unit)),
        _ => None,
    }
}

/// The interval phrase of a recurring price, if it recurs.
pub fn price_interval(price: &Price) -> Option<String> {
    if price.price_type != PriceType::Subscription {
        return None;
    }
    Some(interval_phrase(price.interval_unit?, price.interval_count.unwrap_or(1)))
}

/// "$12.00 per month", "¥1,200".
pub fn price_label(price: &Price, locale: &str) -> String {
    let amount = format_money(price.unit_price, &price.currency, locale);
    match price_interval(price) {
        Some(interval) => format!("{amount} {interval}"),
        None => amount,
    }
}

/// A date as people read it in `locale`, e.g. "Dec 21, 2026".
pub fn format_date(epoch_ms: i64, locale: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        if let Some(text) = crate::intl::DateTimeFormat::medium_date(locale).and_then(|f| f.format_epoch_ms(epoch_ms)) {
            return text;
        }
    }
    let _ = locale;
    let days = epoch_ms.div_euclid(86_400_000);
    format!("day {days} since 1970")
}

/// "14-day free trial" for a price with a trial.
pub fn trial_phrase(days: u32) -> String {
    if days == 1 { "1-day free trial".to_owned() } else { format!("{days}-day free trial") }
}

/// The call to action for a price: trial, subscription or one-time purchase.
pub fn checkout_call_to_action(price: &Price) -> String {
    match (price.price_type, price.trial_period_days.filter(|d| *d > 0)) {
        (PriceType::Subscription, Some(days)) => format!("Start {}", trial_phrase(days)),
        (PriceType::Subscription, None) => "Subscribe".to_owned(),
        _ => "Buy now".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(kind: PriceType, unit: Option<IntervalUnit>, count: Option<u32>, trial: Option<u32>) -> Price {
        serde_json::from_value(serde_json::json!({
            "id": "p", "type": kind, "unitPrice": 1200, "currency": "USD",
            "intervalUnit": unit, "intervalCount": count, "trialPeriodDays": trial
        }))
        .unwrap()
    }

    #[test]
    fn intervals_read_naturally() {
        assert_eq!(interval_phrase(IntervalUnit::Month, 1), "per month");
        assert_eq!(interval_phrase(IntervalUnit::Month, 3), "every 3 months");
        assert_eq!(interval_phrase(IntervalUnit::Year, 0), "per year");
    }

    #[test]
    fn calls_to_action_follow_the_price() {
        let trial = price(PriceType::Subscription, Some(IntervalUnit::Month), Some(1), Some(14));
        assert_eq!(checkout_call_to_action(&trial), "Start 14-day free trial");
        let sub = price(PriceType::Subscription, Some(IntervalUnit::Year), Some(1), None);
        assert_eq!(checkout_call_to_action(&sub), "Subscribe");
        assert_eq!(price_interval(&sub).as_deref(), Some("per year"));
        let once = price(PriceType::SinglePayment, None, None, None);
        assert_eq!(checkout_call_to_action(&once), "Buy now");
        assert_eq!(price_interval(&once), None);
    }
}
