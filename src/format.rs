//! Words around prices: intervals, trials, button labels, in the customer's
//! language (catalog text from `crate::i18n`, counts and plurals by `Intl`).

use crate::i18n::widget::Msg;
use crate::i18n::{plural, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{IntervalUnit, Price, PriceType};

/// "per month", "every 3 months" — "alle 3 Monate", "كل 3 أشهر".
pub fn interval_phrase(unit: IntervalUnit, count: u32, locale: &str) -> String {
    let (one, many) = match unit {
        IntervalUnit::Day => (Msg::PerDay, Msg::EveryDays),
        IntervalUnit::Week => (Msg::PerWeek, Msg::EveryWeeks),
        IntervalUnit::Month => (Msg::PerMonth, Msg::EveryMonths),
        IntervalUnit::Year => (Msg::PerYear, Msg::EveryYears),
    };
    if count <= 1 {
        one.text(Lang::of(locale)).to_owned()
    } else {
        plural(many, count, locale)
    }
}

/// "Monthly", "Yearly": the name of a one-unit interval, as a pricing table's
/// switch and card titles show it.
pub fn interval_label(unit: IntervalUnit, lang: Lang) -> &'static str {
    match unit {
        IntervalUnit::Day => Msg::Daily,
        IntervalUnit::Week => Msg::Weekly,
        IntervalUnit::Month => Msg::Monthly,
        IntervalUnit::Year => Msg::Yearly,
    }
    .text(lang)
}

/// The interval label of a price billed every single interval unit, if it is one.
pub fn interval_adjective(price: &Price, lang: Lang) -> Option<&'static str> {
    match (price.interval_unit?, price.interval_count.unwrap_or(1)) {
        (unit, 1) => Some(interval_label(unit, lang)),
        _ => None,
    }
}

/// The interval phrase of a recurring price, if it recurs.
pub fn price_interval(price: &Price, locale: &str) -> Option<String> {
    if price.price_type != PriceType::Subscription {
        return None;
    }
    Some(interval_phrase(
        price.interval_unit?,
        price.interval_count.unwrap_or(1),
        locale,
    ))
}

/// "$12.00 per month", "¥1,200".
pub fn price_label(price: &Price, locale: &str) -> String {
    let amount = format_money(price.unit_price, &price.currency, locale);
    match price_interval(price, locale) {
        Some(interval) => [amount, interval].join(" "),
        None => amount,
    }
}

/// A date as people read it in `locale`, e.g. "Dec 21, 2026".
pub fn format_date(epoch_ms: i64, locale: &str) -> String {
    if let Some(text) = crate::intl::medium_date(epoch_ms, locale) {
        return text;
    }
    let days = epoch_ms.div_euclid(86_400_000);
    ["day ", &crate::plain_text::signed(days), " since 1970"].concat()
}

/// "14-day free trial" for a price with a trial.
pub fn trial_phrase(days: u32, locale: &str) -> String {
    plural(Msg::TrialPhrase, days, locale)
}

/// The call to action for a price: trial, subscription or one-time purchase.
pub fn checkout_call_to_action(price: &Price, locale: &str) -> String {
    match (price.price_type, price.trial_period_days.filter(|d| *d > 0)) {
        (PriceType::Subscription, Some(days)) => plural(Msg::StartTrial, days, locale),
        (PriceType::Subscription, None) => Msg::Subscribe.text(Lang::of(locale)).to_owned(),
        _ => Msg::BuyNow.text(Lang::of(locale)).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(
        kind: PriceType,
        unit: Option<IntervalUnit>,
        count: Option<u32>,
        trial: Option<u32>,
    ) -> Price {
        serde_json::from_value(serde_json::json!({
            "id": "p", "type": kind, "unitPrice": 1200, "currency": "USD",
            "intervalUnit": unit, "intervalCount": count, "trialPeriodDays": trial
        }))
        .unwrap()
    }

    #[test]
    fn intervals_read_naturally() {
        assert_eq!(interval_phrase(IntervalUnit::Month, 1, "en"), "per month");
        assert_eq!(
            interval_phrase(IntervalUnit::Month, 3, "en-US"),
            "every 3 months"
        );
        assert_eq!(interval_phrase(IntervalUnit::Year, 0, ""), "per year");
        assert_eq!(
            interval_phrase(IntervalUnit::Month, 1, "de-DE"),
            "pro Monat"
        );
        assert_eq!(
            interval_phrase(IntervalUnit::Week, 2, "fr"),
            "toutes les 2 semaines"
        );
        assert_eq!(interval_phrase(IntervalUnit::Year, 5, "ja"), "5年ごと");
        assert_eq!(interval_label(IntervalUnit::Year, Lang::Es), "Anual");
    }

    #[test]
    fn calls_to_action_follow_the_price() {
        let trial = price(
            PriceType::Subscription,
            Some(IntervalUnit::Month),
            Some(1),
            Some(14),
        );
        assert_eq!(
            checkout_call_to_action(&trial, "en"),
            "Start 14-day free trial"
        );
        let sub = price(
            PriceType::Subscription,
            Some(IntervalUnit::Year),
            Some(1),
            None,
        );
        assert_eq!(checkout_call_to_action(&sub, "en"), "Subscribe");
        assert_eq!(price_interval(&sub, "en").as_deref(), Some("per year"));
        let once = price(PriceType::SinglePayment, None, None, None);
        assert_eq!(checkout_call_to_action(&once, "en"), "Buy now");
        assert_eq!(price_interval(&once, "en"), None);
    }
}
