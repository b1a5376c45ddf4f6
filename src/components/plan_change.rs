//! `<PlanChangeDialog>`: the confirmation of a plan change — what changes,
//! what is charged now, when it takes effect — that on Confirm
//! sends the change as `use_billing().adjust_subscription` does (the same
//! checks, key and join), with `timing: auto`.

use super::plain::{plain_view, push_attr, push_escaped, Plain};
use super::request::Request;
use crate::billing::params::PlanMove;
use crate::billing::{use_billing, use_locale, UseBillingReturn};
use crate::browser;
use crate::i18n::Lang;
use crate::view_model::{PlanChangeInput, PlanChangeModel};
use checkout_protocol::{AdjustSubscriptionResponse, Price, Product, Subscription};
use leptos::prelude::*;

/// A modal dialog (`<dialog>` opened with `showModal`, so the page behind is
/// inert and focus stays inside; labelled by its title, described by its
/// summary) confirming the move of `subscription` from `from_price` to
/// `price`. Escape and Cancel call `on_close(None)` (not while the change is
/// being sent); a change that went through calls `on_close(Some(answer))`;
/// the server's refusal shows as an alert inside and the dialog stays open.
/// Whoever opened it puts focus back (the dialog cannot know where).
///
/// ```no_run
/// use checkout_widget::{use_billing, PlanChangeDialog};
/// use leptos::prelude::*;
///
/// #[component]
/// fn ToYearly() -> impl IntoView {
///     let billing = use_billing();
///     let open = RwSignal::new(false);
///     move || {
///         let subscription = billing.current_subscription()?;
///         let model = billing.pricing_model()?;
///         let (from_product, from_price) = model.price_by_id(&subscription.price_id)?;
///         let (product, price) = model.price_by_slug("pro-yearly")?;
///         let (from_product, from_price, product, price) =
///             (from_product.clone(), from_price.clone(), product.clone(), price.clone());
///         Some(view! {
///             <button on:click=move |_| open.set(true)>"Switch to yearly"</button>
///             <Show when=move || open.get()>
///                 <PlanChangeDialog subscription=subscription.clone() from_product=from_product.clone()
///                     from_price=from_price.clone() product=product.clone() price=price.clone()
///                     on_close=Callback::new(move |_| open.set(false))/>
///             </Show>
///         })
///     }
/// }
/// ```
#[component]
pub fn PlanChangeDialog(
    /// The current subscription that changes.
    subscription: Subscription,
    /// The current plan's product.
    from_product: Product,
    /// The current plan's price.
    from_price: Price,
    /// The new plan's product.
    product: Product,
    /// The new plan's price.
    price: Price,
    /// Units of the new price (default 1).
    #[prop(optional_no_strip)]
    quantity: Option<u32>,
    /// Told how it ended: `Some` with the server's answer after a change,
    /// `None` when cancelled.
    on_close: Callback<Option<AdjustSubscriptionResponse>>,
) -> impl IntoView {
    super::styles::uses(super::styles::chunk::PLAN_CHANGE);
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let plan = PlanChange::new(
        &subscription,
        (&from_product, &from_price),
        (&product, &price),
        quantity.unwrap_or(1),
        &locale,
    );
    let change = Request::new();
    let drawn = plan.clone();
    plain_view(Plain {
        tag: "div",
        class: "cw-plain",
        draw: Box::new(move || {
            let mut out = String::new();
            drawn.push(&mut out, change, lang);
            out
        }),
        on_event: Box::new(move |event, element| match plan.action(event, element) {
            Some(DialogAction::Confirm) if !change.pending_untracked() => {
                // Done: whoever opened the dialog closes it here, rather
                // than in an effect watching the answer.
                plan.send(billing, change, move |answer| on_close.run(Some(answer)));
            }
            Some(DialogAction::Cancel) if !change.pending_untracked() => on_close.run(None),
            _ => {}
        }),
        after_draw: None,
    })
}

/// A plan change being confirmed: the dialog's words and ids, and the
/// request Confirm sends. Made once when the dialog opens (the charge is
/// estimated for that moment), drawn by [`PlanChangeDialog`] and by the
/// pricing table inside its own string.
#[derive(Debug, Clone)]
pub(crate) struct PlanChange {
    model: PlanChangeModel,
    /// What Confirm sends.
    plan: PlanMove,
    title_id: String,
    summary_id: String,
    /// Also where focus goes back when Confirm is re-enabled.
    confirm_id: String,
}

/// What a click or Escape in a plan change dialog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DialogAction {
    /// Confirm: send the change.
    Confirm,
    /// Cancel or Escape: close without a change.
    Cancel,
}

impl PlanChange {
    /// The move of `subscription` from `from` to `to` (product and price),
    /// `quantity` units, worded in `locale`.
    pub(crate) fn new(
        subscription: &Subscription,
        from: (&Product, &Price),
        to: (&Product, &Price),
        quantity: u32,
        locale: &str,
    ) -> Self {
        let model = PlanChangeModel::new(
            &PlanChangeInput {
                from_name: &from.0.name,
                from: from.1,
                to_name: &to.0.name,
                to: to.1,
                to_quantity: quantity,
                subscription,
                now_ms: js_sys::Date::now() as i64,
            },
            locale,
        );
        let id = |part: &str| ["cw-plan-change-", subscription.id.as_str(), part].concat();
        Self {
            model,
            plan: PlanMove {
                subscription_id: subscription.id.clone(),
                price_id: to.1.id.clone(),
                quantity,
            },
            title_id: id("-title"),
            summary_id: id("-summary"),
            confirm_id: id("-confirm"),
        }
    }

    /// Appends the dialog as `change` stands: busy while it is in flight,
    /// its last refusal in the alert (tracked: a redraw follows `change`).
    pub(crate) fn push(&self, out: &mut String, change: Request, lang: Lang) {
        let error = match change.outcome() {
            Some(Err(e)) => e.message_in(lang),
            _ => String::new(),
        };
        let ids = DialogIds {
            title: &self.title_id,
            summary: &self.summary_id,
            confirm: &self.confirm_id,
        };
        push_dialog(out, &self.model, &ids, change.pending(), &error);
    }

    /// What `event` on `element` (a delegated event's action element) asks
    /// of the dialog, if it is one of its own. Escape's `cancel` is
    /// prevented: the browser would close the dialog behind our back, and
    /// it stays open while a change is sent.
    pub(crate) fn action(
        &self,
        event: &web_sys::Event,
        element: &web_sys::Element,
    ) -> Option<DialogAction> {
        // Its own: inside a dialog (the table's cards are not).
        element.closest("dialog").ok()??;
        match event.type_().as_str() {
            "cancel" => {
                event.prevent_default();
                Some(DialogAction::Cancel)
            }
            "click" if element.id() == self.confirm_id => Some(DialogAction::Confirm),
            "click" if element.class_name().contains("cw-button-secondary") => {
                Some(DialogAction::Cancel)
            }
            _ => None,
        }
    }

    /// Sends the change through `change` (the caller has checked nothing
    /// is in flight); `done` gets the server's answer when it went
    /// through, before `change` records that it did. A refusal stays in
    /// `change`.
    pub(crate) fn send(
        &self,
        billing: UseBillingReturn,
        change: Request,
        done: impl FnOnce(AdjustSubscriptionResponse) + 'static,
    ) {
        let refocus = self.confirm_id.clone();
        change.call(billing.plan_move_call(
            self.plan.clone(),
            Box::new(move |result| {
                // The disabled Confirm lost focus; give it back if the dialog stays.
                browser::restore_focus_to(&refocus);
                result.map(done)
            }),
        ));
    }
}

/// The ids a plan change dialog's parts are named by.
struct DialogIds<'a> {
    title: &'a str,
    summary: &'a str,
    confirm: &'a str,
}

/// The dialog confirming `model`, its buttons disabled while `sending`,
/// with `error` in its alert.
fn push_dialog(
    out: &mut String,
    model: &PlanChangeModel,
    ids: &DialogIds<'_>,
    sending: bool,
    error: &str,
) {
    out.push_str("<dialog class=\"cw-dialog\" role=\"dialog\" aria-modal=\"true\"");
    push_attr(out, "aria-labelledby", ids.title);
    push_attr(out, "aria-describedby", ids.summary);
    // dir="auto": each line reads in its own language's direction even
    // where the page itself is not mirrored.
    out.push_str("><h2");
    push_attr(out, "id", ids.title);
    out.push_str(" class=\"cw-dialog-title\" dir=\"auto\">");
    push_escaped(out, model.title);
    out.push_str("</h2><p");
    push_attr(out, "id", ids.summary);
    out.push_str(" dir=\"auto\">");
    push_escaped(out, &model.summary);
    out.push_str("</p><p dir=\"auto\">");
    push_escaped(out, &model.charge);
    out.push_str("</p><p dir=\"auto\">");
    push_escaped(out, &model.effective);
    out.push_str("</p><p class=\"cw-error\" role=\"alert\" dir=\"auto\">");
    push_escaped(out, error);
    let disabled = if sending { " disabled" } else { "" };
    out.push_str("</p><div class=\"cw-actions\"><button type=\"button\"");
    push_attr(out, "id", ids.confirm);
    out.push_str(" class=\"cw-button\"");
    push_attr(out, "aria-busy", if sending { "true" } else { "false" });
    out.push_str(disabled);
    out.push('>');
    push_escaped(out, model.confirm);
    // Cancel is focused first: the safe choice for a change that may charge.
    out.push_str(
        "</button><button type=\"button\" class=\"cw-button cw-button-secondary\" autofocus",
    );
    out.push_str(disabled);
    out.push('>');
    push_escaped(out, model.cancel);
    out.push_str("</button></div></dialog>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An upgrade from Pro to `to_name` (natively, amounts read "1200 USD").
    fn model(to_name: &str) -> PlanChangeModel {
        let price = |id: &str, amount: i64| -> Price {
            serde_json::from_value(
                json!({"id": id, "type": "subscription", "unitPrice": amount,
                "currency": "USD", "intervalUnit": "month", "intervalCount": 1}),
            )
            .unwrap()
        };
        let subscription: Subscription = serde_json::from_value(json!({"id": "sub_1",
            "priceId": "pro", "status": "active", "currentBillingPeriodStart": 1_000_000,
            "currentBillingPeriodEnd": 2_000_000}))
        .unwrap();
        let input = PlanChangeInput {
            from_name: "Pro",
            from: &price("pro", 1200),
            to_name,
            to: &price("team", 4900),
            to_quantity: 1,
            subscription: &subscription,
            now_ms: 1_500_000,
        };
        PlanChangeModel::new(&input, "en-US")
    }

    const IDS: DialogIds<'static> = DialogIds {
        title: "t",
        summary: "s",
        confirm: "c",
    };

    #[test]
    fn the_dialog_is_labelled_described_and_offers_cancel_first() {
        let model = model("Team");
        let mut out = String::new();
        push_dialog(&mut out, &model, &IDS, false, "");
        assert_eq!(
            out,
            format!(
                concat!(
                    r#"<dialog class="cw-dialog" role="dialog" aria-modal="true" aria-labelledby="t" aria-describedby="s">"#,
                    r#"<h2 id="t" class="cw-dialog-title" dir="auto">Change your plan</h2>"#,
                    r#"<p id="s" dir="auto">{}</p><p dir="auto">{}</p><p dir="auto">The new plan starts now.</p>"#,
                    r#"<p class="cw-error" role="alert" dir="auto"></p>"#,
                    r#"<div class="cw-actions"><button type="button" id="c" class="cw-button" aria-busy="false">Confirm change</button>"#,
                    r#"<button type="button" class="cw-button cw-button-secondary" autofocus>Cancel</button></div></dialog>"#
                ),
                model.summary, model.charge
            )
        );
    }

    #[test]
    fn while_sending_both_buttons_are_disabled_and_a_refusal_shows_escaped() {
        let mut out = String::new();
        push_dialog(
            &mut out,
            &model("<b>Team</b>"),
            &IDS,
            true,
            "Card \"declined\"",
        );
        assert!(
            out.contains(r#"aria-busy="true" disabled>Confirm change"#),
            "{out}"
        );
        assert!(out.contains(r#"autofocus disabled>Cancel"#), "{out}");
        assert!(out.contains(" to &lt;b&gt;Team&lt;/b&gt; · "), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(
            out.contains(r#"role="alert" dir="auto">Card &quot;declined&quot;</p>"#),
            "{out}"
        );
    }
}
