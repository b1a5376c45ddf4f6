//! Plan changes in a pricing table: which action each card offers a
//! customer, and what the confirmation says about a change (what changes,
//! what is charged now, when it takes effect).

use crate::format::{format_date, price_label};
use crate::i18n::{fill, panel::Msg, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{Price, PriceType, Subscription};

/// What a price card in a pricing table offers the customer looking at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardAction {
    /// Buy it: nobody is signed in, the customer has no current
    /// subscription, or the price is not a subscription (one-off purchases
    /// are bought beside a plan, not instead of it).
    Checkout,
    /// The customer is on this price already: marked, not offered again.
    CurrentPlan,
    /// Move the customer's subscription to this price (no second checkout).
    SwitchPlan {
        /// The current subscription that changes.
        subscription_id: String,
    },
}

/// The action of the card selling `price` to a customer whose current
/// subscriptions are `current` (empty when signed out). A switch changes the
/// first current subscription, the one Flowglad's `currentSubscription` names.
pub fn card_action<S: std::borrow::Borrow<Subscription>>(
    price: &Price,
    current: &[S],
) -> CardAction {
    if current.iter().any(|s| s.borrow().price_id == price.id) {
        return CardAction::CurrentPlan;
    }
    match current.first() {
        Some(subscription) if price.price_type == PriceType::Subscription => {
            CardAction::SwitchPlan {
                subscription_id: subscription.borrow().id.clone(),
            }
        }
        _ => CardAction::Checkout,
    }
}

/// Whether a change moves up or down, as Flowglad's `auto` timing decides:
/// an upgrade when the new plan's total is greater than the old one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeDirection {
    /// Costs more: applied now, the prorated difference charged now.
    Upgrade,
    /// Costs the same or less: applied when the current period ends.
    Downgrade,
}

/// The direction from a plan totalling `from_total` to one totalling
/// `to_total` (minor units, unit price times quantity).
pub fn change_direction(from_total: i64, to_total: i64) -> ChangeDirection {
    if to_total > from_total {
        ChangeDirection::Upgrade
    } else {
        ChangeDirection::Downgrade
    }
}

/// An *estimate* of what an upgrade charges now: the difference between the
/// two totals for the part of the period still to run (rounded to the minor
/// unit). `None` when it cannot be estimated honestly: the prices recur at
/// different intervals or in different currencies (the server's proration
/// then is not a simple fraction), the period is unknown, or it is not an
/// upgrade. The server decides the real amount.
pub fn prorated_estimate(
    from: &Price,
    to: &Price,
    to_quantity: u32,
    period: (Option<i64>, Option<i64>),
    now_ms: i64,
) -> Option<i64> {
    let same_interval = from.interval_unit == to.interval_unit
        && from.interval_count.unwrap_or(1) == to.interval_count.unwrap_or(1);
    if !same_interval || from.currency != to.currency {
        return None;
    }
    let (Some(start), Some(end)) = period else {
        return None;
    };
    if end <= start {
        return None;
    }
    let difference = to
        .unit_price
        .checked_mul(i64::from(to_quantity))?
        .checked_sub(from.unit_price)?;
    if difference <= 0 {
        return None;
    }
    let remaining = (end - now_ms.clamp(start, end)) as f64 / (end - start) as f64;
    Some((difference as f64 * remaining).round() as i64)
}

/// What the confirmation of a plan change is about.
#[derive(Debug, Clone, Copy)]
pub struct PlanChangeInput<'a> {
    /// The current plan's product name.
    pub from_name: &'a str,
    /// The current plan's price.
    pub from: &'a Price,
    /// The new plan's product name.
    pub to_name: &'a str,
    /// The new plan's price.
    pub to: &'a Price,
    /// Units of the new price.
    pub to_quantity: u32,
    /// The subscription that changes.
    pub subscription: &'a Subscription,
    /// Now, epoch milliseconds.
    pub now_ms: i64,
}

/// The words of a plan change confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChangeModel {
    /// Up or down.
    pub direction: ChangeDirection,
    /// The dialog's title.
    pub title: &'static str,
    /// "From Pro · $12.00 per month to Team · $49.00 per month."
    pub summary: String,
    /// What is charged now (an estimate says so).
    pub charge: String,
    /// When the change takes effect.
    pub effective: String,
    /// The confirm button.
    pub confirm: &'static str,
    /// The cancel button.
    pub cancel: &'static str,
}

impl PlanChangeModel {
    /// The confirmation for `input` in `locale` (dates and amounts by `Intl`).
    pub fn new(input: &PlanChangeInput<'_>, locale: &str) -> Self {
        let lang = Lang::of(locale);
        let plan = |name: &str, price: &Price| [name, " · ", &price_label(price, locale)].concat();
        let direction = change_direction(
            input.from.unit_price,
            input
                .to
                .unit_price
                .saturating_mul(i64::from(input.to_quantity)),
        );
        let subscription = input.subscription;
        let (charge, effective) = match direction {
            ChangeDirection::Upgrade => {
                let estimate = prorated_estimate(
                    input.from,
                    input.to,
                    input.to_quantity,
                    (
                        subscription.current_billing_period_start,
                        subscription.current_billing_period_end,
                    ),
                    input.now_ms,
                );
                let charge = match estimate {
                    Some(amount) => fill(
                        Msg::ChargeEstimate.text(lang),
                        &[&format_money(amount, &input.to.currency, locale)],
                    ),
                    None => Msg::ChargeProrated.text(lang).to_owned(),
                };
                (charge, Msg::StartsNow.text(lang).to_owned())
            }
            ChangeDirection::Downgrade => {
                let effective = match subscription.current_billing_period_end {
                    Some(end) => fill(Msg::StartsOn.text(lang), &[&format_date(end, locale)]),
                    None => Msg::StartsAtPeriodEnd.text(lang).to_owned(),
                };
                (Msg::NothingChargedNow.text(lang).to_owned(), effective)
            }
        };
        Self {
            direction,
            title: Msg::ChangePlanTitle.text(lang),
            summary: fill(
                Msg::ChangeFromTo.text(lang),
                &[
                    &plan(input.from_name, input.from),
                    &plan(input.to_name, input.to),
                ],
            ),
            charge,
            effective,
            confirm: Msg::ConfirmChange.text(lang),
            cancel: Msg::CancelAction.text(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn price(id: &str, kind: &str, amount: i64, unit: Option<&str>) -> Price {
        let mut value = json!({"id": id, "type": kind, "unitPrice": amount, "currency": "USD"});
        if let Some(unit) = unit {
            value["intervalUnit"] = json!(unit);
            value["intervalCount"] = json!(1);
        }
        serde_json::from_value(value).unwrap()
    }

    fn subscription(id: &str, price_id: &str) -> Subscription {
        serde_json::from_value(json!({"id": id, "priceId": price_id, "status": "active",
            "currentBillingPeriodStart": 1_000_000, "currentBillingPeriodEnd": 2_000_000}))
        .unwrap()
    }

    #[test]
    fn cards_offer_checkout_current_or_switch() {
        let pro = price("pro_m", "subscription", 1200, Some("month"));
        let team = price("team_m", "subscription", 4900, Some("month"));
        let setup = price("setup", "single_payment", 4900, None);
        assert_eq!(
            card_action::<Subscription>(&team, &[]),
            CardAction::Checkout,
            "signed out"
        );
        let on_pro = [subscription("sub_1", "pro_m")];
        assert_eq!(card_action(&pro, &on_pro), CardAction::CurrentPlan);
        assert_eq!(
            card_action(&team, &on_pro),
            CardAction::SwitchPlan {
                subscription_id: "sub_1".into()
            }
        );
        assert_eq!(
            card_action(&setup, &on_pro),
            CardAction::Checkout,
            "a one-off purchase is bought beside the plan"
        );
        let two = [subscription("sub_2", "x"), subscription("sub_1", "pro_m")];
        assert_eq!(card_action(&pro, &two), CardAction::CurrentPlan);
        assert_eq!(
            card_action(&team, &two),
            CardAction::SwitchPlan {
                subscription_id: "sub_2".into()
            },
            "the first current subscription changes"
        );
    }

    #[test]
    fn only_a_dearer_plan_is_an_upgrade() {
        assert_eq!(change_direction(1200, 4900), ChangeDirection::Upgrade);
        assert_eq!(change_direction(4900, 1200), ChangeDirection::Downgrade);
        assert_eq!(
            change_direction(1200, 1200),
            ChangeDirection::Downgrade,
            "a lateral move waits for the period end, as Flowglad's auto"
        );
    }

    #[test]
    fn the_estimate_is_the_difference_for_the_rest_of_the_period() {
        let pro = price("pro_m", "subscription", 1200, Some("month"));
        let team = price("team_m", "subscription", 4900, Some("month"));
        let period = (Some(1_000_000), Some(2_000_000));
        assert_eq!(
            prorated_estimate(&pro, &team, 1, period, 1_500_000),
            Some(1850)
        );
        assert_eq!(
            prorated_estimate(&pro, &team, 1, period, 1_000_000),
            Some(3700)
        );
        assert_eq!(
            prorated_estimate(&pro, &team, 1, period, 2_500_000),
            Some(0),
            "after the end nothing is left"
        );
        assert_eq!(
            prorated_estimate(&pro, &team, 2, period, 1_000_000),
            Some(8600)
        );
        assert_eq!(prorated_estimate(&team, &pro, 1, period, 1_500_000), None);
        let yearly = price("pro_y", "subscription", 12000, Some("year"));
        assert_eq!(
            prorated_estimate(&pro, &yearly, 1, period, 1_500_000),
            None,
            "different intervals: no honest simple estimate"
        );
        assert_eq!(
            prorated_estimate(&pro, &team, 1, (None, Some(2_000_000)), 1_500_000),
            None
        );
        let mut euro = team.clone();
        euro.currency = "EUR".into();
        assert_eq!(prorated_estimate(&pro, &euro, 1, period, 1_500_000), None);
    }

    #[test]
    fn the_confirmation_says_what_changes_what_is_charged_and_when() {
        let pro = price("pro_m", "subscription", 1200, Some("month"));
        let team = price("team_m", "subscription", 4900, Some("month"));
        let yearly = price("pro_y", "subscription", 12000, Some("year"));
        let sub = subscription("sub_1", "pro_m");
        let input = PlanChangeInput {
            from_name: "Pro",
            from: &pro,
            to_name: "Team",
            to: &team,
            to_quantity: 1,
            subscription: &sub,
            now_ms: 1_500_000,
        };
        let up = PlanChangeModel::new(&input, "en-US");
        assert_eq!(up.direction, ChangeDirection::Upgrade);
        assert_eq!(up.title, "Change your plan");
        assert!(up.summary.starts_with("From Pro · "), "{}", up.summary);
        assert!(up.summary.contains(" to Team · "), "{}", up.summary);
        assert!(up.charge.contains("about 1850 USD"), "{}", up.charge);
        assert!(up.charge.contains("estimate"), "an estimate says so");
        assert_eq!(up.effective, "The new plan starts now.");

        let to_yearly = PlanChangeModel::new(
            &PlanChangeInput {
                to: &yearly,
                to_name: "Pro",
                ..input
            },
            "en-US",
        );
        assert_eq!(
            to_yearly.charge,
            Msg::ChargeProrated.text(Lang::En),
            "no estimate across intervals"
        );

        let down = PlanChangeModel::new(
            &PlanChangeInput {
                from: &team,
                from_name: "Team",
                to: &pro,
                to_name: "Pro",
                ..input
            },
            "de-DE",
        );
        assert_eq!(down.direction, ChangeDirection::Downgrade);
        assert_eq!(down.charge, "Jetzt wird nichts berechnet.");
        assert!(
            down.effective.starts_with("Der neue Tarif gilt ab "),
            "{}",
            down.effective
        );
        assert_eq!(down.confirm, "Änderung bestätigen");
    }
}
