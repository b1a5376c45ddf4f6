//! `<BillingStyles/>`: the components' stylesheet, shipped inside the crate.

use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::CssStyleSheet;

/// The components' CSS (`style/widget.css` and `style/panel.css`,
/// minified), inside `@layer checkout-widget` so any unlayered rule of the
/// app wins. It reads only the `--cw-*` tokens. For apps that bundle their
/// own CSS instead of using [`BillingStyles`].
pub const BILLING_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/billing.min.css"));

thread_local! {
    /// The one sheet every `<BillingStyles/>` of the page shares.
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

/// Puts [`BILLING_CSS`] into the document once, as an adopted stylesheet
/// (no `<style>` element, so a strict `style-src` CSP allows it). Renders
/// nothing; on the server it does nothing, and it runs once mounted.
///
/// ```no_run
/// use checkout_widget::{BillingProvider, BillingStyles, PricingTable};
/// use leptos::prelude::*;
///
/// #[component]
/// fn Billing() -> impl IntoView {
///     view! {
///         <BillingStyles/>
///         <BillingProvider server_route="/api/billing">
///             <PricingTable success_url="/welcome" cancel_url="/pricing"/>
///         </BillingProvider>
///     }
/// }
/// ```
#[component]
pub fn BillingStyles() -> impl IntoView {
    crate::billing::effect(Box::new(adopt));
}

/// Appends the shared sheet to `document.adoptedStyleSheets` unless it is
/// there already (several `<BillingStyles/>`, or a remount).
fn adopt() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(sheet) = SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let sheet = CssStyleSheet::new().ok()?;
            sheet.replace_sync(BILLING_CSS).ok()?;
            *cell = Some(sheet);
        }
        cell.clone()
    }) else {
        return;
    };
    let key = JsValue::from_str("adoptedStyleSheets");
    let adopted: js_sys::Array = js_sys::Reflect::get(&document, &key)
        .ok()
        .map(Into::into)
        .unwrap_or_default();
    if adopted.includes(&sheet, 0) {
        return;
    }
    // A new array rather than `push`: older engines expose a frozen array.
    let next = adopted.concat(&js_sys::Array::of1(&sheet));
    let _ = js_sys::Reflect::set(&document, &key, &next);
}
