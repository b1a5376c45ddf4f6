//! `<UsageMeter>`: one usage meter's balance as words and an accessible bar.
//! Drawn as one HTML string ([`super::plain`]); the bar's fill is set
//! through the CSSOM after each draw.

use super::plain::{plain_view, push_attr, push_escaped, Plain};
use crate::billing::{current_in, use_billing, use_locale, use_usage_meter};
use crate::i18n::{panel::Msg, Lang, Message};
use crate::plain_text::decimal;
use crate::view_model::{granted_credits, UsageMeterModel};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;

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
    super::styles::uses(super::styles::chunk::USAGE_METER);
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let meter = use_usage_meter(slug);
    // The fill's width in the last draw (empty: no bar drawn).
    let width = Rc::new(RefCell::new(String::new()));
    let drawn_width = width.clone();
    let draw = move || {
        let mut out = String::new();
        let mut fill = String::new();
        if let Some(balance) = meter.usage_meter.get() {
            // The grant is the scale; it comes with the billing data of the
            // same subscription.
            let customer = billing.customer_billing();
            let granted = customer
                .as_deref()
                .map(current_in)
                .unwrap_or_default()
                .into_iter()
                .find(|s| s.id == balance.subscription_id)
                .and_then(|s| granted_credits(s, &balance.id));
            let model = UsageMeterModel::new(&balance, granted);
            push_meter(&mut out, &model, &model.text(lang, &locale));
            fill = percent(model.fraction);
        } else {
            let (open, text) = match meter.error.get() {
                Some(error) => (
                    "<p class=\"cw-error\" role=\"alert\">",
                    error.message_in(lang),
                ),
                None if meter.is_loading.get() => (
                    "<p class=\"cw-muted\">",
                    Msg::LoadingUsage.text(lang).to_owned(),
                ),
                None => (
                    "<p class=\"cw-muted\">",
                    Msg::UsageNotIncluded.text(lang).to_owned(),
                ),
            };
            out.push_str(open);
            push_escaped(&mut out, &text);
            out.push_str("</p>");
        }
        *drawn_width.borrow_mut() = fill;
        out
    };
    plain_view(Plain {
        tag: "div",
        class: "cw-plain",
        draw: Box::new(draw),
        on_event: Box::new(|_, _| {}),
        after_draw: Some(Box::new(move |wrapper| {
            // Through the CSSOM, which a strict `style-src 'self'` allows,
            // unlike a `style` attribute in the markup.
            let width = width.borrow();
            if let Some(fill) = wrapper
                .query_selector(".cw-usage-meter-fill")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = fill.style().set_property("width", &width);
            }
        })),
    })
}

/// The meter: its name, the bar and the words.
fn push_meter(out: &mut String, model: &UsageMeterModel, text: &str) {
    out.push_str("<div class=\"cw-usage-meter\"><span class=\"cw-usage-meter-name\">");
    push_escaped(out, &model.name);
    out.push_str("</span><div class=\"cw-usage-meter-bar\" role=\"meter\"");
    push_attr(out, "aria-label", &model.name);
    out.push_str(" aria-valuemin=\"0\"");
    push_attr(out, "aria-valuemax", &decimal(u64::from(model.max)));
    push_attr(out, "aria-valuenow", &decimal(u64::from(model.value)));
    push_attr(out, "aria-valuetext", text);
    out.push_str(
        "><div class=\"cw-usage-meter-fill\"></div></div><span class=\"cw-usage-meter-text\">",
    );
    push_escaped(out, text);
    out.push_str("</span></div>");
}

/// `fraction` (0.0 to 1.0) as a CSS percentage with one decimal: `0.75` →
/// `"75.0%"` (no `core::fmt`).
fn percent(fraction: f64) -> String {
    // NaN and out-of-range values clamp; `as` saturates.
    let tenths = (fraction.clamp(0.0, 1.0) * 1000.0).round() as u64;
    [
        decimal(tenths / 10).as_str(),
        ".",
        decimal(tenths % 10).as_str(),
        "%",
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fill_is_a_percentage_with_one_decimal() {
        assert_eq!(percent(0.75), "75.0%");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(2.0 / 3.0), "66.7%");
        assert_eq!(percent(f64::NAN), "0.0%");
        assert_eq!(percent(-1.0), "0.0%");
    }

    #[test]
    fn the_meter_is_labelled_and_its_words_are_text() {
        let model = UsageMeterModel {
            name: "<b>Build</b> \"minutes\"".into(),
            available: 750,
            max: 1000,
            value: 750,
            fraction: 0.75,
        };
        let mut out = String::new();
        push_meter(&mut out, &model, "750 of 1,000 left");
        assert_eq!(
            out,
            concat!(
                r#"<div class="cw-usage-meter"><span class="cw-usage-meter-name">&lt;b&gt;Build&lt;/b&gt; &quot;minutes&quot;</span>"#,
                r#"<div class="cw-usage-meter-bar" role="meter" aria-label="&lt;b&gt;Build&lt;/b&gt; &quot;minutes&quot;" "#,
                r#"aria-valuemin="0" aria-valuemax="1000" aria-valuenow="750" aria-valuetext="750 of 1,000 left">"#,
                r#"<div class="cw-usage-meter-fill"></div></div><span class="cw-usage-meter-text">750 of 1,000 left</span></div>"#
            )
        );
    }
}
