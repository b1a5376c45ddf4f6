//! Components drawn as one HTML string: a wrapper element whose inner HTML
//! is a component's markup, redrawn when the signals its drawing reads
//! change, with the events inside delegated to one handler.
//!
//! Why: Leptos's view code is generic per `view!` shape, so every element,
//! attribute closure and branch of a component is its own copy of tachys and
//! reactive code in the wasm. A component drawn as a string shares one
//! instantiation of everything here ([`plain_view`] is not generic), and the
//! strings compress well. On the server (`ssr`) the same string renders.
//!
//! The rules a component keeps:
//! - every text and attribute value goes through [`push_escaped`] /
//!   [`push_attr`] (server data is an attacker's);
//! - a redraw patches the elements that are still there (same tag, same
//!   id) and replaces the others; everything focusable that a redraw can
//!   replace has an `id`: focus follows the id to the new element;
//! - a `<dialog>` in the string is opened with `showModal` after the redraw
//!   that draws it;
//! - properties that are not attributes (an input's `value`, a radio's
//!   `checked`) are set in `after_draw`, which runs after every redraw.

use crate::billing::effect;
use leptos::__reexports::send_wrapper::SendWrapper;
use leptos::attr::{Attribute, NextAttribute};
use leptos::prelude::*;
use leptos::tachys::html::element::custom;
use std::cell::OnceCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

/// Appends `text` with `& < > " '` escaped, so it is text in an element or
/// inside a double-quoted attribute value, never markup.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    // By char, not by slicing at the matches: no slice bounds to check, so
    // no panic path (and its formatting code) in the wasm.
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Appends ` name="value"` with the value escaped.
pub(crate) fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_escaped(out, value);
    out.push('"');
}

/// A delegated event's handler: the event and its action element.
pub(crate) type EventHandler = Box<dyn Fn(&Event, &Element)>;

/// What runs with the wrapper after a redraw (properties that are not attributes).
pub(crate) type AfterDraw = Box<dyn Fn(&Element)>;

/// A component drawn as a string; see the module's rules.
pub(crate) struct Plain {
    /// The wrapper's tag.
    pub tag: &'static str,
    /// The wrapper's class; `cw-plain` is `display: contents`, for a
    /// wrapper that must not change the layout.
    pub class: &'static str,
    /// The inner HTML. Run in an effect: the signals it reads redraw it.
    pub draw: Box<dyn Fn() -> String>,
    /// Told of every delegated event (`event.type_()` says which) with the
    /// nearest action element around its target (see `js/plain.js`)
    /// inside the wrapper; events on nothing of the kind are not reported.
    pub on_event: EventHandler,
    /// Runs with the wrapper after the first draw and every redraw.
    pub after_draw: Option<AfterDraw>,
}

/// The view of `plain`: its wrapper with the first drawing inside (the
/// server renders that), redrawn in the browser.
pub(crate) fn plain_view(plain: Plain) -> impl IntoView {
    let Plain {
        tag,
        class,
        draw,
        on_event,
        after_draw,
    } = plain;
    // Untracked on purpose: the effect below is what tracks the drawing.
    let first = untrack(&draw);
    // The wrapper and its listener, shared by the attribute that sets them
    // (in the browser only: wasm-bindgen closures do not exist on the
    // server) and the effect that redraws; dropped when both are. One cell
    // rather than a `NodeRef` and a stored value: less reactive code.
    let mounted = Rc::new(OnceCell::<(Element, Closure<dyn Fn(Event, Element)>)>::new());
    let on_event = Rc::new(on_event);
    let mut last = first.clone();
    let drawn = mounted.clone();
    // Whether the last run found the wrapper: the first run that does opens
    // the dialogs and runs `after_draw` whatever changed.
    let mut attached = false;
    effect(Box::new(move || {
        let html = draw();
        let Some((wrapper, _)) = drawn.get() else {
            attached = false;
            return;
        };
        let first_run = !attached;
        attached = true;
        if first_run {
            js::open_dialogs(wrapper);
        }
        let changed = html != last;
        if changed {
            js::redraw(wrapper, &html);
            last = html;
        }
        if let Some(after_draw) = after_draw.as_ref().filter(|_| first_run || changed) {
            untrack(|| after_draw(wrapper));
        }
    }));
    // Listening from the moment the element is built (the attribute below
    // runs then, and not on the server), so no event is missed before the
    // effect.
    let attach = move |wrapper: Element| {
        if mounted.get().is_some() {
            return;
        }
        let on_event = on_event.clone();
        // Handlers read signals as they are now, without subscribing.
        let delegate = Closure::<dyn Fn(Event, Element)>::new(move |event, action| {
            untrack(|| on_event(&event, &action))
        });
        js::listen(&wrapper, delegate.as_ref().unchecked_ref());
        let _ = mounted.set((wrapper, delegate));
    };
    custom(tag)
        .class(class)
        .inner_html(first)
        .add_any_attr(Attach(
            cfg!(target_arch = "wasm32").then(|| SendWrapper::new(Rc::new(attach) as AttachFn)),
        ))
}

/// What a directive did for [`plain_view`], without tachys's directive:
/// calls its function with the wrapper when the element is built or
/// hydrated. `None` off wasm (a server render, where nothing is built), so
/// nothing thread-bound is made or dropped there; Leptos's directive
/// `expect`ed its value instead, and brought its 0.5 KB panic message.
#[derive(Clone)]
struct Attach(Option<SendWrapper<AttachFn>>);

/// What [`Attach`] calls with the wrapper.
type AttachFn = Rc<dyn Fn(Element)>;

impl Attach {
    fn run(&self, wrapper: &Element) {
        if let Some(attach) = &self.0 {
            attach(wrapper.clone());
        }
    }
}

impl Attribute for Attach {
    const MIN_LENGTH: usize = 0;
    /// The wrapper, for a rebuild in place (a new component on the same
    /// element), which attaches again as a directive did.
    type State = Element;
    type AsyncOutput = Self;
    type Cloneable = Self;
    type CloneableOwned = Self;

    fn html_len(&self) -> usize {
        0
    }

    fn to_html(self, _: &mut String, _: &mut String, _: &mut String, _: &mut String) {}

    fn hydrate<const FROM_SERVER: bool>(self, wrapper: &Element) -> Element {
        self.run(wrapper);
        wrapper.clone()
    }

    fn build(self, wrapper: &Element) -> Element {
        self.run(wrapper);
        wrapper.clone()
    }

    fn rebuild(self, wrapper: &mut Element) {
        self.run(wrapper);
    }

    fn into_cloneable(self) -> Self {
        self
    }

    fn into_cloneable_owned(self) -> Self {
        self
    }

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Self {
        self
    }
}

impl NextAttribute for Attach {
    type Output<NewAttr: Attribute> = (Self, NewAttr);

    fn add_any_attr<NewAttr: Attribute>(self, new_attr: NewAttr) -> Self::Output<NewAttr> {
        (self, new_attr)
    }
}

/// Sets the `value` property of the `<input>` with `id` inside `wrapper`
/// to `value` when it differs (a redraw keeps what a field holds; this
/// brings it to the model's text without moving the caret otherwise).
pub(crate) fn set_input_value(wrapper: &Element, id: &str, value: &str) {
    js::set_input_value(wrapper, id, value);
}

/// An `<input>`'s `value` property; `None` for any other element.
pub(crate) fn input_value(element: &Element) -> Option<String> {
    js::input_value(element)
}

/// Checks the radio at `index` (in document order) inside the first
/// element matching `group` in `wrapper`, and unchecks the others
/// (`None`: all of them). `checked` is a property, not an attribute.
pub(crate) fn check_radio(wrapper: &Element, group: &str, index: Option<usize>) {
    js::check_radio(wrapper, group, index.map_or(-1, |i| i as i32));
}

/// Where the radio `element` is among the radios of its nearest `group`
/// ancestor; `None` when it is no radio of such a group.
pub(crate) fn radio_index(element: &Element, group: &str) -> Option<usize> {
    usize::try_from(js::radio_index(element, group)).ok()
}

/// The DOM walk in `js/plain.js`: a few imports instead of a web-sys shim
/// (and its marshalling) per DOM call. Its comments are here: an app's
/// trunk build copies the snippet as it is (unminified) into every page.
mod js {
    use wasm_bindgen::prelude::*;
    use web_sys::Element;

    #[wasm_bindgen(module = "/js/plain.js")]
    extern "C" {
        /// Calls `handler(event, action)` for every click, change, input,
        /// keydown and cancel inside `wrapper` with an action element
        /// (`[data-action]`, a control, a link or a dialog) around its
        /// target, listening in the capture phase (`cancel` does not bubble).
        pub fn listen(wrapper: &Element, handler: &js_sys::Function);

        /// Brings the wrapper's children to `html`: elements that are still
        /// there (same tag, same id or none) are patched in place, so focus,
        /// a typed value and a live region's identity survive; what is new
        /// replaces what was there. Focus on an element that was replaced
        /// moves to the new element with its id; new dialogs are opened.
        /// `html` is parsed in a `<template>` (inert: no script runs,
        /// nothing loads), and a dialog's `open` attribute is left to
        /// `showModal`, never removed by a patch.
        pub fn redraw(wrapper: &Element, html: &str);

        /// Opens every dialog drawn in `wrapper` that is not open yet, as a modal.
        #[wasm_bindgen(js_name = openDialogs)]
        pub fn open_dialogs(wrapper: &Element);

        /// `wrapper`'s input with id `id` (compared, never put in a
        /// selector: ids carry server data such as price ids) gets `value`
        /// as its value property, unless it has it already.
        #[wasm_bindgen(js_name = setValue)]
        pub fn set_input_value(wrapper: &Element, id: &str, value: &str);

        /// `element.value` if it is an `<input>`, else `undefined`.
        #[wasm_bindgen(js_name = inputValue)]
        pub fn input_value(element: &Element) -> Option<String>;

        /// Sets `checked` on the radios of `wrapper.querySelector(group)`:
        /// true on the `index`-th, false on the others (-1: on all).
        #[wasm_bindgen(js_name = checkRadio)]
        pub fn check_radio(wrapper: &Element, group: &str, index: i32);

        /// The position of the radio `element` among the radios of
        /// `element.closest(group)`; -1 when it is none of them.
        #[wasm_bindgen(js_name = radioIndex)]
        pub fn radio_index(element: &Element, group: &str) -> i32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        push_escaped(&mut out, text);
        out
    }

    #[test]
    fn markup_in_text_and_attributes_is_escaped() {
        assert_eq!(escaped("Pro"), "Pro");
        assert_eq!(escaped(""), "");
        assert_eq!(
            escaped(r#"<img src=x onerror="alert('x')">"#),
            "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;"
        );
        assert_eq!(escaped("R&D · Café ✓ &amp;"), "R&amp;D · Café ✓ &amp;amp;");
        assert_eq!(escaped("\"'"), "&quot;&#39;");
    }

    #[test]
    fn an_attribute_cannot_be_closed_by_its_value() {
        let mut out = String::from("<h3");
        push_attr(&mut out, "id", r#"cw-price-x" onclick="steal()"#);
        out.push('>');
        assert_eq!(out, r#"<h3 id="cw-price-x&quot; onclick=&quot;steal()">"#);
    }
}
