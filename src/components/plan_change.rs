//! `<PlanChangeDialog>`: the confirmation of a plan change — what changes,
//! what is charged now, when it takes effect — that calls
//! `use_billing().adjust_subscription` with `timing: auto` on Confirm.

use super::request::Request;
use crate::billing::{use_billing, use_locale};
use crate::browser;
use crate::i18n::Lang;
use crate::view_model::{PlanChangeInput, PlanChangeModel};
use checkout_protocol::{
    AdjustSubscriptionParams, AdjustSubscriptionResponse, AdjustmentTiming, Price, Product,
    Subscription,
};
use leptos::html;
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
    let billing = use_billing();
    let locale = use_locale();
    let lang = Lang::of(&locale);
    let quantity = quantity.unwrap_or(1);
    let model = PlanChangeModel::new(
        &PlanChangeInput {
            from_name: &from_product.name,
            from: &from_price,
            to_name: &product.name,
            to: &price,
            to_quantity: quantity,
            subscription: &subscription,
            now_ms: js_sys::Date::now() as i64,
        },
        &locale,
    );
    let base = format!("cw-plan-change-{}", subscription.id);
    let (title_id, summary_id, confirm_id) = (
        format!("{base}-title"),
        format!("{base}-summary"),
        format!("{base}-confirm"),
    );
    // `auto`: an upgrade now, a downgrade at the period end, as the model
    // told the customer. One unit is Flowglad's default and left out.
    let params = AdjustSubscriptionParams {
        subscription_id: Some(subscription.id.clone()),
        timing: Some(AdjustmentTiming::Auto),
        price_id: Some(price.id.clone()),
        quantity: (quantity != 1).then_some(f64::from(quantity)),
        ..Default::default()
    };
    let refocus = confirm_id.clone();
    let change = Request::<AdjustSubscriptionResponse>::new();
    let send_change = move || {
        let (params, refocus) = (params.clone(), refocus.clone());
        change.send(async move {
            let result = billing.adjust_subscription(params).await;
            // The disabled Confirm lost focus; give it back if the dialog stays.
            browser::restore_focus_to(&refocus);
            // Done: whoever opened the dialog closes it here, rather than in
            // an effect watching the answer (the write after it is a no-op).
            if let Ok(answer) = &result {
                on_close.run(Some(answer.clone()));
            }
            result
        });
    };
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    let error = move || {
        change.with_value(|v| match v {
            Some(Err(e)) => e.message_in(lang),
            _ => String::new(),
        })
    };
    let cancel = move || {
        if !change.pending_untracked() {
            on_close.run(None);
        }
    };
    // Both buttons' `disabled`: one closure, one copy of Leptos's attribute code.
    let sending = move || change.pending();
    let (labelled_by, described_by) = (title_id.clone(), summary_id.clone());
    view! {
        <dialog node_ref=dialog class="cw-dialog" role="dialog" aria-modal="true"
            aria-labelledby=labelled_by aria-describedby=described_by
            on:cancel=move |ev: leptos::ev::Event| {
                // Escape: the browser would close it behind our back; we close it ourselves.
                ev.prevent_default();
                cancel();
            }>
            // dir="auto": each line reads in its own language's direction
            // even where the page itself is not mirrored.
            <h2 id=title_id class="cw-dialog-title" dir="auto">{model.title}</h2>
            <p id=summary_id dir="auto">{model.summary}</p>
            <p dir="auto">{model.charge}</p>
            <p dir="auto">{model.effective}</p>
            <p class="cw-error" role="alert" dir="auto">{error}</p>
            <div class="cw-actions">
                <button type="button" id=confirm_id class="cw-button"
                    aria-busy=move || change.pending().to_string()
                    disabled=sending
                    on:click=move |_| {
                        if !change.pending_untracked() {
                            send_change();
                        }
                    }>
                    {model.confirm}
                </button>
                // Focused first: the safe choice for a change that may charge.
                <button type="button" class="cw-button cw-button-secondary" autofocus
                    disabled=sending on:click=move |_| cancel()>
                    {model.cancel}
                </button>
            </div>
        </dialog>
    }
}
