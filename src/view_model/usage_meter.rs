//! A usage meter: the balance left against the credits granted, as a bar
//! fraction, the numbers a `role="meter"` announces, and its words.

use crate::i18n::{fill, panel::Msg, Lang, Message};
use crate::intl::format_count;
use checkout_protocol::{FeatureType, Subscription, UsageMeterBalance};

/// What a usage meter shows for one balance.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageMeterModel {
    /// The meter's name, which labels it.
    pub name: String,
    /// The balance left (`availableBalance`); negative when usage ran past the credits.
    pub available: i64,
    /// The top of the scale (`aria-valuemax`): the credits granted, or the
    /// balance itself when it is larger (credits that never lapse) or the
    /// grant is unknown.
    pub max: u32,
    /// Where the bar stands (`aria-valuenow`): the balance, kept within 0..=max.
    pub value: u32,
    /// How full the bar is, 0.0 to 1.0.
    pub fraction: f64,
}

/// Clamps a count into what a meter and `Intl` format take.
fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

impl UsageMeterModel {
    /// The model of `balance`, out of `granted` credits when known.
    pub fn new(balance: &UsageMeterBalance, granted: Option<i64>) -> Self {
        let available = balance.available_balance;
        let max = count(granted.unwrap_or(0).max(available));
        let value = count(available).min(max);
        let fraction = if max == 0 {
            0.0
        } else {
            f64::from(value) / f64::from(max)
        };
        Self {
            name: balance.name.clone(),
            available,
            max,
            value,
            fraction,
        }
    }

    /// "750 of 1,000 left", or how far usage ran past the credits.
    pub fn text(&self, lang: Lang, locale: &str) -> String {
        if self.available < 0 {
            let over = count(self.available.saturating_neg());
            return fill(Msg::UsageOverrun.text(lang), &[&format_count(locale, over)]);
        }
        fill(
            Msg::UsageLeft.text(lang),
            &[
                &format_count(locale, self.value),
                &format_count(locale, self.max),
            ],
        )
    }
}

/// The credits `subscription` grants on the usage meter `usage_meter_id`
/// each period: the sum of its usage-credit-grant features for that meter;
/// `None` when it grants none.
pub fn granted_credits(subscription: &Subscription, usage_meter_id: &str) -> Option<i64> {
    let grants = subscription
        .experimental
        .as_ref()?
        .feature_items
        .iter()
        .filter(|f| {
            f.feature_type == FeatureType::UsageCreditGrant
                && f.usage_meter_id.as_deref() == Some(usage_meter_id)
        })
        .filter_map(|f| f.amount);
    grants.reduce(i64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balance(available: i64) -> UsageMeterBalance {
        serde_json::from_value(serde_json::json!({
            "id": "um_build", "slug": "build-minutes", "name": "Build minutes",
            "availableBalance": available, "subscriptionId": "sub_1"
        }))
        .unwrap()
    }

    #[test]
    fn the_bar_is_the_balance_over_the_grant() {
        let m = UsageMeterModel::new(&balance(750), Some(1000));
        assert_eq!((m.value, m.max), (750, 1000));
        assert!((m.fraction - 0.75).abs() < 1e-9);
        assert_eq!(m.text(Lang::En, "en"), "750 of 1000 left");
        assert_eq!(m.name, "Build minutes");
    }

    #[test]
    fn an_overrun_shows_an_empty_bar_and_says_by_how_much() {
        let m = UsageMeterModel::new(&balance(-20), Some(1000));
        assert_eq!((m.value, m.max), (0, 1000));
        assert_eq!(m.fraction, 0.0);
        assert_eq!(m.text(Lang::En, "en"), "20 over your included amount");
    }

    #[test]
    fn without_a_known_grant_or_above_it_the_balance_is_the_scale() {
        let m = UsageMeterModel::new(&balance(300), None);
        assert_eq!((m.value, m.max, m.fraction), (300, 300, 1.0));
        let m = UsageMeterModel::new(&balance(1500), Some(1000));
        assert_eq!((m.value, m.max), (1500, 1500));
        let m = UsageMeterModel::new(&balance(0), None);
        assert_eq!((m.value, m.max, m.fraction), (0, 0, 0.0));
    }

    #[test]
    fn grants_add_up_per_meter() {
        let sub: Subscription = serde_json::from_value(serde_json::json!({
            "id": "sub_1", "status": "active",
            "experimental": {"featureItems": [
                {"id": "f1", "type": "usage_credit_grant", "usageMeterId": "um_build", "amount": 1000},
                {"id": "f2", "type": "usage_credit_grant", "usageMeterId": "um_build", "amount": 50},
                {"id": "f3", "type": "usage_credit_grant", "usageMeterId": "um_other", "amount": 7},
                {"id": "f4", "type": "toggle", "slug": "priority-builds"}
            ], "usageMeterBalances": []}
        }))
        .unwrap();
        assert_eq!(granted_credits(&sub, "um_build"), Some(1050));
        assert_eq!(granted_credits(&sub, "um_none"), None);
    }
}
