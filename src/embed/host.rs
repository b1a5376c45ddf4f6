//! Mounting an embedded view into an element's open shadow root, with the
//! widget's stylesheet adopted there, and freeing everything on unmount.
//! Used by the custom elements' lifecycle callbacks and by the JS `mount()`.

use super::config::{defaults, ElementConfig, ElementKind, OBSERVED_ATTRIBUTES};
use super::views::EmbedRoot;
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, EventTarget, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The stylesheet adopted by every shadow root.
const WIDGET_CSS: &str = include_str!("../../style/widget.css");

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

/// Registers `<checkout-widget>`, `<checkout-pricing-table>` and
/// `<checkout-add-payment-method>` (once; later calls do nothing).
pub fn register() -> Result<(), JsValue> {
    let connected = Closure::<dyn Fn(HtmlElement)>::new(connected);
    let disconnected = Closure::<dyn Fn(HtmlElement)>::new(|el: HtmlElement| unmount_element(&el));
    let changed = Closure::<dyn Fn(HtmlElement, String)>::new(|el: HtmlElement, _attr: String| changed(&el));
    let observed: js_sys::Array = OBSERVED_ATTRIBUTES.iter().map(|a| JsValue::from_str(a)).collect();
    let mut defined_any = false;
    for kind in [ElementKind::Checkout, ElementKind::PricingTable, ElementKind::AddPaymentMethod] {
        defined_any |= define_custom_element(
            kind.tag(),
            &observed,
            connected.as_ref().unchecked_ref(),
            disconnected.as_ref().unchecked_ref(),
            changed.as_ref().unchecked_ref(),
        )?;
    }
    if defined_any {
        // The element classes keep calling these for the page's lifetime.
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
    let Some(kind) = ElementKind::from_tag(&element.tag_name()) else { return };
    let config = read_attributes(&element);
    mount_element(&element, kind, config);
}

fn read_attributes(element: &HtmlElement) -> ElementConfig {
    ElementConfig::from_attributes(|name| element.get_attribute(name), &defaults())
}

/// Renders `kind` into `element`'s open shadow root (attached if missing);
/// returns the mount's id, or `None` when the element is already mounted or
/// cannot hold a shadow root.
pub fn mount_element(element: &HtmlElement, kind: ElementKind, config: ElementConfig) -> Option<u32> {
    if mount_id(element).is_some() {
        return None;
    }
    let shadow = element
        .shadow_root()
        .or_else(|| element.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).ok())?;
    adopt_stylesheet(&shadow);
    let config = ArcRwSignal::new(config);
    let view_config = config.clone();
    let target: EventTarget = element.clone().into();
    // The reactive part sits inside a real element: tachys re-inserts a
    // rebuilt view next to its old nodes, which fails at a shadow root's top level.
    let handle = mount_to(shadow.unchecked_into(), move || {
        let config = view_config.clone();
        let host = StoredValue::new_local(target);
        view! {
            <div class="cw-root" part="root">
                {move || view! { <EmbedRoot kind config=config.get() host/> }}
            </div>
        }
    });
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    let _ = js_sys::Reflect::set(element, &MOUNT_KEY.into(), &JsValue::from(id));
    MOUNTS.with(|m| m.borrow_mut().insert(id, Mounted { config, _handle: Box::new(handle) }));
    Some(id)
}

/// Unmounts whatever is mounted in `element` (nothing if nothing is).
pub fn unmount_element(element: &HtmlElement) {
    let Some(id) = mount_id(element) else { return };
    let _ = js_sys::Reflect::delete_property(element, &MOUNT_KEY.into());
    unmount(id);
}

/// Unmounts by id; unknown ids are ignored, so calling twice is harmless.
pub fn unmount(id: u32) {
    // Take it out first: dropping the handle runs cleanup that must not find the map borrowed.
    let mounted = MOUNTS.with(|m| m.borrow_mut().remove(&id));
    drop(mounted);
}

fn changed(element: &HtmlElement) {
    let Some(id) = mount_id(element) else { return };
    let config = MOUNTS.with(|m| m.borrow().get(&id).map(|mounted| mounted.config.clone()));
    if let Some(config) = config {
        config.set(read_attributes(element));
    }
}

/// Replaces a mount's configuration (the JS `mount()` handle's updates).
pub fn reconfigure(id: u32, config: ElementConfig) {
    let signal = MOUNTS.with(|m| m.borrow().get(&id).map(|mounted| mounted.config.clone()));
    if let Some(signal) = signal {
        signal.set(config);
    }
}

fn mount_id(element: &HtmlElement) -> Option<u32> {
    js_sys::Reflect::get(element, &MOUNT_KEY.into()).ok()?.as_f64().map(|id| id as u32)
}

/// Adopts the widget stylesheet into a shadow root (one shared sheet).
pub(super) fn adopt_stylesheet(shadow: &web_sys::ShadowRoot) {
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
