//! Mounting an embedded element into its open shadow root (with the widget's
//! stylesheet adopted there) and freeing everything on unmount. Used by the
//! custom elements' lifecycle callbacks and by the JS `mount()`.

use super::config::{defaults, ElementConfig, ElementKind, OBSERVED_ATTRIBUTES};
use super::dom;
use super::slot::Slot;
use super::small_map::SmallMap;
use super::views::{self, View};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// The stylesheet adopted by every shadow root (style/widget.css, minified by build.rs).
const WIDGET_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

/// The JS property that links an element to its mount.
pub(super) const MOUNT_KEY: &str = "__checkoutWidgetMount";

struct Mounted {
    kind: ElementKind,
    view: Rc<View>,
}

thread_local! {
    static MOUNTS: Slot<SmallMap<u32, Mounted>> = const { Slot::new(SmallMap::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Registers `<checkout-widget>`, `<checkout-pricing-table>` and
/// `<checkout-add-payment-method>` (once; later calls do nothing).
pub fn register() -> Result<(), JsValue> {
    // The page's own language, for an overlay the JS API opens before any
    // element has loaded its words.
    super::words::prefetch(crate::i18n::Lang::of(&crate::browser::browser_locale()));
    let connected = Closure::<dyn Fn(HtmlElement)>::new(connected);
    let disconnected = Closure::<dyn Fn(HtmlElement)>::new(|el: HtmlElement| unmount_element(&el));
    let changed =
        Closure::<dyn Fn(HtmlElement, String)>::new(|el: HtmlElement, _attr: String| changed(&el));
    let observed: js_sys::Array = OBSERVED_ATTRIBUTES
        .iter()
        .map(|a| JsValue::from_str(a))
        .collect();
    let mut defined_any = false;
    for kind in [
        ElementKind::Checkout,
        ElementKind::PricingTable,
        ElementKind::AddPaymentMethod,
    ] {
        defined_any |= super::js::define_custom_element(
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
    MOUNTS.with(|m| m.with(|m| m.len()))
}

fn connected(element: HtmlElement) {
    let Some(kind) = ElementKind::from_tag(&element.tag_name()) else {
        return;
    };
    mount_element(&element, kind, read_attributes(&element));
}

fn read_attributes(element: &HtmlElement) -> ElementConfig {
    ElementConfig::from_attributes(&|name| element.get_attribute(name), &defaults())
}

/// Renders `kind` into `element`'s open shadow root (attached if missing);
/// the mount's id, or `None` when the element is already mounted or cannot
/// hold a shadow root.
pub fn mount_element(
    element: &HtmlElement,
    kind: ElementKind,
    config: ElementConfig,
) -> Option<u32> {
    if mount_id(element).is_some() {
        return None;
    }
    let shadow = widget_shadow(element)?;
    let root = dom::el("div", "cw-root");
    dom::attrs(&root, &[("part", "root")]);
    shadow.set_text_content(None);
    let _ = shadow.append_child(&root);
    let view = views::render(root, element.clone().into(), kind, config);
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    let _ = js_sys::Reflect::set(element, &MOUNT_KEY.into(), &JsValue::from(id));
    MOUNTS.with(|m| m.with(|m| m.insert(id, Mounted { kind, view })));
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
    // Take it out first: the view's drop must not find the map borrowed.
    let mounted = MOUNTS.with(|m| m.with(|m| m.remove(&id)));
    if let Some(mounted) = mounted {
        mounted.view.retire();
        if let Some(shadow) = mounted.view.root.parent_node() {
            shadow.set_text_content(None);
        }
    }
}

/// Closes the checkout a mount opened (its overlay or inline frame);
/// `false` when none is open or a payment is processing in it.
pub fn close(id: u32) -> bool {
    // The view is taken out of the map first: listeners of the events the
    // close fires may unmount or re-render it.
    let view = MOUNTS.with(|m| m.with(|m| m.get(&id).map(|mounted| mounted.view.clone())));
    view.is_some_and(|view| view.close_frame())
}

fn changed(element: &HtmlElement) {
    let Some(id) = mount_id(element) else { return };
    reconfigure(id, read_attributes(element));
}

/// Renders a mount again with a new configuration.
pub fn reconfigure(id: u32, config: ElementConfig) {
    let Some((kind, view)) = MOUNTS.with(|m| {
        m.with(|m| {
            m.get(&id)
                .map(|mounted| (mounted.kind, mounted.view.clone()))
        })
    }) else {
        return;
    };
    // The old view goes first (its listeners and pending work stop), then the new one renders.
    view.retire();
    let (root, host) = (view.root.clone(), view.host());
    drop(view);
    let fresh = dom::el("div", "cw-root");
    dom::attrs(&fresh, &[("part", "root")]);
    if let Some(shadow) = root.parent_node() {
        let _ = shadow.replace_child(&fresh, &root);
    }
    let view = views::render(fresh, host, kind, config);
    // The old view is dropped after the map is put back.
    let _old = MOUNTS.with(|m| {
        m.with(|m| {
            m.get_mut(&id)
                .map(|mounted| std::mem::replace(&mut mounted.view, view))
        })
    });
}

fn mount_id(element: &HtmlElement) -> Option<u32> {
    js_sys::Reflect::get(element, &MOUNT_KEY.into())
        .ok()?
        .as_f64()
        .map(|id| id as u32)
}

/// `element`'s open shadow root (attached if missing) with the widget
/// stylesheet adopted (one shared sheet); `None` when it cannot hold one.
pub(super) fn widget_shadow(element: &web_sys::Element) -> Option<web_sys::ShadowRoot> {
    super::js::widget_shadow(element, WIDGET_CSS)
}
