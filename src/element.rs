//! `<checkout-widget>`: the script-tag embed. Each element renders a price and
//! its checkout button in its own open shadow root with an adopted stylesheet,
//! so the host page's CSS cannot reach it; removing the element unmounts it.

use crate::billing::params::parse_quantity;
use crate::billing::{use_billing, BillingProvider, BillingState};
use crate::browser;
use crate::client::DEFAULT_SERVER_ROUTE;
use crate::components::PriceCard;
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The element's tag name.
pub const TAG: &str = "checkout-widget";

/// Attributes the element reacts to.
pub const OBSERVED_ATTRIBUTES: [&str; 7] =
    ["server-route", "price-slug", "price-id", "quantity", "success-url", "cancel-url", "label"];

/// The stylesheet adopted by every shadow root.
const WIDGET_CSS: &str = include_str!("../style/widget.css");

/// The JS property that links an element to its mount.
const MOUNT_KEY: &str = "__checkoutWidgetMount";

#[wasm_bindgen(module = "/js/custom-element.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineCustomElement, catch)]
    fn define_custom_element(
        name: &str,
        observed: &js_sys::Array,
        connected: &js_sys::Function,
        disconnected: &js_sys::Function,
        changed: &js_sys::Function,
    ) -> Result<bool, JsValue>;
}

/// The element's configuration, read from its attributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ElementConfig {
    /// `server-route`.
    pub server_route: String,
    /// `price-slug`.
    pub price_slug: Option<String>,
    /// `price-id`.
    pub price_id: Option<String>,
    /// `quantity`, as written.
    pub quantity: String,
    /// `success-url`.
    pub success_url: String,
    /// `cancel-url`.
    pub cancel_url: String,
    /// `label`: the button text.
    pub label: Option<String>,
}

impl ElementConfig {
    /// Reads the configuration from attribute values.
    pub fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Self {
            server_route: non_empty("server-route").unwrap_or_else(|| DEFAULT_SERVER_ROUTE.to_owned()),
            price_slug: non_empty("price-slug"),
            price_id: non_empty("price-id"),
            quantity: non_empty("quantity").unwrap_or_default(),
            success_url: non_empty("success-url").unwrap_or_default(),
            cancel_url: non_empty("cancel-url").unwrap_or_default(),
            label: non_empty("label"),
        }
    }

    fn read(element: &HtmlElement) -> Self {
        Self::from_attributes(|name| element.get_attribute(name))
    }
}

struct Mounted {
    config: ArcRwSignal<ElementConfig>,
    // Dropping the handle unmounts the view and disposes its reactive owner.
    _handle: Box<dyn Any>,
}

thread_local! {
    static MOUNTS: RefCell<HashMap<u32, Mounted>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

/// Registers `<checkout-widget>` (once; later calls do nothing).
pub fn register() -> Result<(), JsValue> {
    let connected = Closure::<dyn Fn(HtmlElement)>::new(connected);
    let disconnected = Closure::<dyn Fn(HtmlElement)>::new(disconnected);
    let changed = Closure::<dyn Fn(HtmlElement, String)>::new(|el: HtmlElement, _attr: String| changed(&el));
    let observed: js_sys::Array = OBSERVED_ATTRIBUTES.iter().map(|a| JsValue::from_str(a)).collect();
    let defined = define_custom_element(
        TAG,
        &observed,
        connected.as_ref().unchecked_ref(),
        disconnected.as_ref().unchecked_ref(),
        changed.as_ref().unchecked_ref(),
    )?;
    if defined {
        // The element class keeps calling these for the page's lifetime.
        connected.forget();
        disconnected.forget();
        changed.forget();
    }
    Ok(())
}

/// How many elements are mounted right now (for tests and leak checks).
pub fn mounted_count() -> usize {
    MOUNTS.with(|m| m.borrow().len())
}

fn connected(element: HtmlElement) {
    if mount_id(&element).is_some() {
        return;
    }
    let Some(shadow) = element
        .shadow_root()
        .or_else(|| element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).ok())
    else {
        return;
    };
    adopt_stylesheet(&shadow);
    let config = ArcRwSignal::new(ElementConfig::read(&element));
    let view_config = config.clone();
    // The reactive part sits inside a real element: tachys re-inserts a
    // rebuilt view next to its old nodes, which fails at a shadow root's top level.
    let handle = mount_to(shadow.unchecked_into(), move || {
        let config = view_config.clone();
        view! {
            <div class="cw-root" part="root">
                {move || {
                    let cfg = config.get();
                    view! {
                        <BillingProvider server_route=cfg.server_route.clone() load_billing=false>
                            <WidgetBody config=cfg.clone()/>
                        </BillingProvider>
                    }
                }}
            </div>
        }
    });
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    let _ = js_sys::Reflect::set(&element, &MOUNT_KEY.into(), &JsValue::from(id));
    MOUNTS.with(|m| m.borrow_mut().insert(id, Mounted { config, _handle: Box::new(handle) }));
}

fn disconnected(element: HtmlElement) {
    let Some(id) = mount_id(&element) else { return };
    let _ = js_sys::Reflect::delete_property(&element, &MOUNT_KEY.into());
    // Take it out first: dropping the handle runs cleanup that must not find the map borrowed.
    let mounted = MOUNTS.with(|m| m.borrow_mut().remove(&id));
    drop(mounted);
}

fn changed(element: &HtmlElement) {
    let Some(id) = mount_id(element) else { return };
    let config = MOUNTS.with(|m| m.borrow().get(&id).map(|mounted| mounted.config.clone()));
    if let Some(config) = config {
        config.set(ElementConfig::read(element));
    }
}

fn mount_id(element: &HtmlElement) -> Option<u32> {
    js_sys::Reflect::get(element, &MOUNT_KEY.into()).ok()?.as_f64().map(|id| id as u32)
}

fn adopt_stylesheet(shadow: &web_sys::ShadowRoot) {
    let sheet = SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            if let Ok(sheet) = CssStyleSheet::new() {
                sheet.replace_sync(WIDGET_CSS).ok();
                *cell = Some(sheet);
            }
        }
        cell.clone()
    });
    if let Some(sheet) = sheet {
        let _ = js_sys::Reflect::set(shadow, &"adoptedStyleSheets".into(), &js_sys::Array::of1(&sheet));
    }
}

/// What the element shows: the price with its button, or why it cannot.
#[component]
fn WidgetBody(config: ElementConfig) -> impl IntoView {
    let billing = use_billing();
    let locale = browser::browser_locale();
    move || {
        let problem = |message: String| view! { <p class="cw-error" role="alert">{message}</p> }.into_any();
        if config.price_slug.is_some() == config.price_id.is_some() {
            return problem("Set exactly one of the price-slug and price-id attributes.".into());
        }
        let quantity = match parse_quantity(&config.quantity) {
            Ok(q) => q,
            Err(e) => return problem(e.message()),
        };
        match billing.state.get() {
            BillingState::Loading => view! { <div class="cw-card cw-card-skeleton" aria-busy="true" aria-label="Loading price"></div> }.into_any(),
            BillingState::Error(errors) => problem(errors.first().map(|e| e.message()).unwrap_or_default()),
            BillingState::Loaded(data) | BillingState::Unauthenticated(data) => {
                let model = &data.pricing_model;
                let found = match (&config.price_slug, &config.price_id) {
                    (Some(slug), _) => model.price_by_slug(slug),
                    (_, Some(id)) => model.price_by_id(id),
                    _ => None,
                };
                let Some((product, price)) = found else {
                    let which = config.price_slug.clone().or(config.price_id.clone()).unwrap_or_default();
                    return problem(format!("The price \u{201c}{which}\u{201d} is not available."));
                };
                view! {
                    <PriceCard
                        product=product.clone()
                        price=price.clone()
                        success_url=config.success_url.clone()
                        cancel_url=config.cancel_url.clone()
                        locale=locale.clone()
                        quantity=Some(quantity)
                        label=config.label.clone()
                    />
                }
                .into_any()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_trimmed_and_defaulted() {
        let attrs = |name: &str| match name {
            "price-slug" => Some(" pro ".to_owned()),
            "price-id" => Some("".to_owned()),
            "success-url" => Some("/ok".to_owned()),
            _ => None,
        };
        let cfg = ElementConfig::from_attributes(attrs);
        assert_eq!(cfg.server_route, "/api/billing");
        assert_eq!(cfg.price_slug.as_deref(), Some("pro"));
        assert_eq!(cfg.price_id, None);
        assert_eq!(cfg.success_url, "/ok");
        assert_eq!(cfg.quantity, "");
    }
}
