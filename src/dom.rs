//! A few helpers to build DOM without a UI framework, for the script-tag
//! embed and the hosted pages: that is most of what keeps both bundles small.

use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, EventTarget};

/// The page's document.
pub fn document() -> Option<Document> {
    web_sys::window()?.document()
}

/// A new element with a class (and nothing else).
pub fn el(tag: &str, class: &str) -> Element {
    // Creating an element with a valid tag name cannot fail; fall back to a
    // span rather than abort if a browser ever disagrees.
    let doc = document();
    let element = doc
        .as_ref()
        .and_then(|d| d.create_element(tag).ok())
        .or_else(|| doc.as_ref().and_then(|d| d.create_element("span").ok()));
    let Some(element) = element else {
        return JsValue::NULL.unchecked_into();
    };
    if !class.is_empty() {
        element.set_class_name(class);
    }
    element
}

/// Sets attributes.
pub fn attrs(element: &Element, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        let _ = element.set_attribute(name, value);
    }
}

/// Sets the text.
pub fn text(element: &Element, text: &str) {
    element.set_text_content(Some(text));
}

/// Appends children.
pub fn append(parent: &Element, children: &[&Element]) {
    for child in children {
        let _ = parent.append_child(child);
    }
}

/// Event listeners that live exactly as long as the view that added them:
/// dropping the scope removes every one of them.
#[derive(Default)]
pub struct Scope {
    // A `Cell`, taken and put back: no borrow that could panic.
    listeners: Cell<Vec<Listener>>,
}

/// What `removeEventListener` needs back: the target, the event, the closure.
type Listener = (EventTarget, String, Closure<dyn FnMut(web_sys::Event)>);

impl Scope {
    /// Calls `handler` for `event` on `target` until the scope is dropped.
    pub fn listen(
        &self,
        target: &EventTarget,
        event: &str,
        handler: impl FnMut(web_sys::Event) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        let mut listeners = self.listeners.take();
        listeners.push((target.clone(), event.to_owned(), closure));
        self.listeners.set(listeners);
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        for (target, event, closure) in self.listeners.take() {
            let _ = target
                .remove_event_listener_with_callback(&event, closure.as_ref().unchecked_ref());
        }
    }
}
