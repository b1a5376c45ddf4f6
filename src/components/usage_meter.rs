//! `<UsageMeter>`: one usage meter's balance as words and an accessible bar.

use crate::billing::{use_billing, use_locale, use_usage_meter};
use crate::i18n::{panel::Msg, Lang, Message};
use crate::view_model::{granted_credits, UsageMeterModel};
use leptos::prelude::*;

/// The signed-in customer's balance on the usage meter `slug`: its name, a
/// bar (`role="meter"` with `aria-valuenow/min/max` and the words as
/// `aria-valuetext`) and "750 of 1,000 left". It follows
/// `usage-meters/balances`, so it updates after `create_usage_event`.
///
/// ```no_run
/// use checkout_widget::UsageMeter;
/// use leptos::prelude::*;
///
/// #[component]
/// fn Usage() -> impl IntoView {
///     view! { <UsageMeter slug="build-minutes"/> }
/// }
/// ```
#[component]
pub fn UsageMeter(
    /// The usage meter's slug, e.g. `build-minutes`.
    #[prop(into)]
    slug: String,
) -> impl IntoView {
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let meter = use_usage_meter(slug);
    move || {
        if let Some(balance) = meter.usage_meter.get() {
            // The grant is the scale; it comes with the billing data of the
            // same subscription.
            let granted = billing
                .current_subscriptions()
                .iter()
                .find(|s| s.id == balance.subscription_id)
                .and_then(|s| granted_credits(s, &balance.id));
            let model = UsageMeterModel::new(&balance, granted);
            return meter_view(&model, model.text(lang, &locale)).into_any();
        }
        match meter.error.get() {
            Some(error) => {
                view! { <p class="cw-error" role="alert">{error.message_in(lang)}</p> }.into_any()
            }
            None if meter.is_loading.get() => {
                view! { <p class="cw-muted">{Msg::LoadingUsage.text(lang)}</p> }.into_any()
            }
            None => view! { <p class="cw-muted">{Msg::UsageNotIncluded.text(lang)}</p> }.into_any(),
        }
    }
}

fn meter_view(model: &UsageMeterModel, text: String) -> impl IntoView {
    // The fill is set through the CSSOM (`style:`), which a strict
    // `style-src 'self'` allows, unlike a `style` attribute.
    let width = format!("{:.1}%", model.fraction * 100.0);
    view! {
        <div class="cw-usage-meter">
            <span class="cw-usage-meter-name">{model.name.clone()}</span>
            <div class="cw-usage-meter-bar" role="meter" aria-label=model.name.clone()
                aria-valuemin="0" aria-valuemax=model.max.to_string() aria-valuenow=model.value.to_string()
                aria-valuetext=text.clone()>
                <div class="cw-usage-meter-fill" style:width=width></div>
            </div>
            <span class="cw-usage-meter-text">{text}</span>
        </div>
    }
}
