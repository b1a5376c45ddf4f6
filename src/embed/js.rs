//! The embed's few hand-written JS helpers (`js/custom-element.js`): one
//! function there stands in for a dozen web-sys imports here, each of which
//! costs the bundle glue in JS and marshalling in the wasm.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/custom-element.js")]
extern "C" {
    /// Defines a custom element whose lifecycle callbacks call these
    /// (wasm-bindgen cannot subclass `HTMLElement`); `false` if the name
    /// was taken already.
    #[wasm_bindgen(js_name = defineCustomElement, catch)]
    pub fn define_custom_element(
        name: &str,
        observed: &js_sys::Array,
        connected: &js_sys::Function,
        disconnected: &js_sys::Function,
        changed: &js_sys::Function,
    ) -> Result<bool, JsValue>;

    /// `fetch` POSTing `body` with `headers` (`[name, value, …]`), aborted
    /// after `timeout_ms`, in `credentials` mode (the browser's default when
    /// empty): a Promise of `{status, text}` or `{status: 0, error}`.
    pub fn post(
        url: &str,
        body: &str,
        headers: &js_sys::Array,
        timeout_ms: u32,
        credentials: &str,
    ) -> js_sys::Promise;

    /// The answer the entry module requested early for `url`, taken out of
    /// its map (see `net::take_early`).
    #[wasm_bindgen(js_name = takeEarly)]
    pub fn take_early(url: &str) -> Option<js_sys::Promise>;

    /// Fires a bubbling, composed `CustomEvent`; `false` when a listener
    /// prevented a cancelable one.
    pub fn emit(
        target: &web_sys::EventTarget,
        name: &str,
        detail: &JsValue,
        cancelable: bool,
    ) -> bool;

    /// `element`'s open shadow root (attached if missing) with `css`
    /// adopted; `None` when the element cannot hold one.
    #[wasm_bindgen(js_name = widgetShadow)]
    pub fn widget_shadow(element: &web_sys::Element, css: &str) -> Option<web_sys::ShadowRoot>;

    /// Opens the overlay's modal dialog in `parent`, framing `src`, with
    /// its words; `cancel(redirect)` when the customer asks to leave. Its
    /// `control` function (`frame::Overlay` lists what it answers), with
    /// the frame as `control.frame`.
    #[wasm_bindgen(js_name = openOverlay)]
    #[allow(clippy::too_many_arguments)]
    pub fn open_overlay(
        parent: &web_sys::Element,
        src: &str,
        label: &str,
        close_label: &str,
        why: &str,
        lang: &str,
        dir: &str,
        cancel: &js_sys::Function,
    ) -> js_sys::Function;

    /// 128 random bits as 32 hex digits, from the browser's CSPRNG (as
    /// `browser::random_token`, in one import instead of four).
    #[wasm_bindgen(js_name = randomToken)]
    pub fn random_token() -> String;

    /// Sets an element's height in whole pixels (rounded up) through the
    /// CSSOM. (`catch` routes it through wasm-bindgen's glue like the others:
    /// `xtask/js/minify-wasm-names.mjs` expects one import module.)
    #[wasm_bindgen(js_name = setHeight, catch)]
    pub fn set_height(element: &web_sys::Element, px: f64) -> Result<(), JsValue>;

    /// A `message` event's data when `frame`'s window posted it from
    /// `origin`; `undefined` otherwise.
    #[wasm_bindgen(js_name = frameData)]
    pub fn frame_data(event: &web_sys::Event, frame: &web_sys::Element, origin: &str) -> JsValue;
}
