//! The JS API of `checkout-widget.js`: `configure`, `createCheckoutSession`,
//! `createAddPaymentMethodCheckoutSession`, `mount` and `open`. Promises
//! reject with an `Error` carrying a stable `code` and a human `message`.

use super::config::{defaults, option_to_attribute, set_defaults, ElementConfig, ElementKind, EmbedDefaults};
use super::events;
use super::frame::Overlay;
use super::host;
use crate::billing::{AddPaymentMethodParams, CheckoutSessionParams, LineItem};
use crate::browser;
use crate::client::{BillingClient, DEFAULT_SERVER_ROUTE};
use crate::error::BillingError;
use crate::transport::FetchTransport;
use checkout_protocol::{BillingAddressCollection, CreateCheckoutSessionResponse, ErrorCode};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, HtmlElement};

/// Sets page-wide defaults: `{serverRoute, headers, locale}`.
#[wasm_bindgen(js_name = configure)]
pub fn configure(options: JsValue) -> Result<(), JsValue> {
    let options: EmbedDefaults = from_js(&options).map_err(|e| rejection(&e))?;
    set_defaults(options);
    API_CLIENT.with(|c| c.borrow_mut().take());
    Ok(())
}

/// `createCheckoutSession` parameters, as Flowglad's `useBilling` takes them plus the superset.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsCheckoutParams {
    price_id: Option<String>,
    price_slug: Option<String>,
    quantity: Option<u32>,
    line_items: Option<Vec<JsLineItem>>,
    #[serde(default)]
    success_url: String,
    #[serde(default)]
    cancel_url: String,
    output_metadata: Option<Map<String, Value>>,
    output_name: Option<String>,
    request_id: Option<String>,
    customer_email: Option<String>,
    discount_code: Option<String>,
    allow_promotion_codes: Option<bool>,
    billing_address_collection: Option<BillingAddressCollection>,
    trial_days: Option<u32>,
    expires_at: Option<i64>,
    auto_redirect: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsLineItem {
    price_id: Option<String>,
    price_slug: Option<String>,
    quantity: Option<u32>,
}

impl JsCheckoutParams {
    fn into_params(self) -> CheckoutSessionParams {
        CheckoutSessionParams {
            price_id: self.price_id,
            price_slug: self.price_slug,
            quantity: self.quantity,
            line_items: self
                .line_items
                .unwrap_or_default()
                .into_iter()
                .map(|l| LineItem { price_id: l.price_id, price_slug: l.price_slug, quantity: l.quantity })
                .collect(),
            success_url: self.success_url,
            cancel_url: self.cancel_url,
            output_metadata: self.output_metadata,
            output_name: self.output_name,
            request_id: self.request_id,
            customer_email: self.customer_email,
            discount_code: self.discount_code,
            allow_promotion_codes: self.allow_promotion_codes.unwrap_or(false),
            billing_address_collection: self.billing_address_collection,
            trial_days: self.trial_days,
            expires_at: self.expires_at,
            auto_redirect: self.auto_redirect.unwrap_or(false),
        }
    }
}

/// `createAddPaymentMethodCheckoutSession` parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsAddPaymentMethodParams {
    #[serde(default)]
    success_url: String,
    #[serde(default)]
    cancel_url: String,
    target_subscription_id: Option<String>,
    output_metadata: Option<Map<String, Value>>,
    output_name: Option<String>,
    auto_redirect: Option<bool>,
}

/// Creates a product checkout session through the configured server route;
/// resolves to `{id, url, checkoutSession}`.
#[wasm_bindgen(js_name = createCheckoutSession)]
pub async fn create_checkout_session(params: JsValue) -> Result<JsValue, JsValue> {
    let result = async {
        let params = from_js::<JsCheckoutParams>(&params)?.into_params();
        let wire = params.to_wire(browser::resolve_url, js_sys::Date::now() as i64)?;
        let created = api_client().create_checkout_session(&wire).await?;
        finish(created, params.auto_redirect)
    }
    .await;
    result.map_err(|e| rejection(&e))
}

/// Creates a session that saves a payment method for the signed-in customer;
/// resolves to `{id, url, checkoutSession}`.
#[wasm_bindgen(js_name = createAddPaymentMethodCheckoutSession)]
pub async fn create_add_payment_method_checkout_session(params: JsValue) -> Result<JsValue, JsValue> {
    let result = async {
        let p: JsAddPaymentMethodParams = from_js(&params)?;
        let auto_redirect = p.auto_redirect.unwrap_or(false);
        let params = AddPaymentMethodParams {
            success_url: p.success_url,
            cancel_url: p.cancel_url,
            target_subscription_id: p.target_subscription_id,
            output_metadata: p.output_metadata,
            output_name: p.output_name,
            auto_redirect,
        };
        let wire = params.to_wire(browser::resolve_url)?;
        let created = api_client().create_add_payment_method_checkout_session(&wire).await?;
        finish(created, auto_redirect)
    }
    .await;
    result.map_err(|e| rejection(&e))
}

/// A mounted widget; `destroy()` may be called any number of times.
#[wasm_bindgen]
pub struct MountHandle {
    id: Cell<Option<u32>>,
    element: HtmlElement,
    kind: ElementKind,
}

#[wasm_bindgen]
impl MountHandle {
    /// Unmounts the widget and frees everything it held.
    pub fn destroy(&self) {
        if let Some(id) = self.id.take() {
            host::unmount(id);
            let _ = js_sys::Reflect::delete_property(&self.element, &"__checkoutWidgetMount".into());
        }
    }

    /// Replaces the options (re-renders).
    pub fn update(&self, options: JsValue) -> Result<(), JsValue> {
        let (_, config) = mount_options(self.kind_name(), &options).map_err(|e| rejection(&e))?;
        if let Some(id) = self.id.get() {
            host::reconfigure(id, config);
        }
        Ok(())
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            ElementKind::Checkout => "checkout",
            ElementKind::PricingTable => "pricing-table",
            ElementKind::AddPaymentMethod => "add-payment-method",
        }
    }
}

/// Renders a widget into `element` (its open shadow root). `options` are the
/// element attributes in camelCase (`priceSlug`, `successUrl`, `display`, …)
/// plus `kind`: `"checkout"` (default), `"pricing-table"` or `"add-payment-method"`.
#[wasm_bindgen(js_name = mount)]
pub fn mount(element: HtmlElement, options: JsValue) -> Result<MountHandle, JsValue> {
    let kind_name = js_sys::Reflect::get(&options, &"kind".into()).ok().and_then(|k| k.as_string());
    let (kind, config) = mount_options(kind_name.as_deref().unwrap_or("checkout"), &options).map_err(|e| rejection(&e))?;
    if !config.theme.is_empty() {
        // The stylesheet themes through the host's `theme` attribute.
        let _ = element.set_attribute("theme", &config.theme);
    }
    let id = host::mount_element(&element, kind, config).ok_or_else(|| {
        rejection(&BillingError::validation(
            ErrorCode::InvalidRequest,
            "This element already holds a checkout widget; destroy that one first.",
        ))
    })?;
    Ok(MountHandle { id: Cell::new(Some(id)), element, kind })
}

fn mount_options(kind: &str, options: &JsValue) -> Result<(ElementKind, ElementConfig), BillingError> {
    let kind = match kind {
        "checkout" => ElementKind::Checkout,
        "pricing-table" => ElementKind::PricingTable,
        "add-payment-method" => ElementKind::AddPaymentMethod,
        other => {
            return Err(invalid(format!(
                "kind \u{201c}{other}\u{201d} is not one of checkout, pricing-table, add-payment-method."
            )))
        }
    };
    let object: Map<String, Value> = if options.is_undefined() || options.is_null() { Map::new() } else { from_js(options)? };
    let mut attributes: HashMap<&'static str, String> = HashMap::new();
    for (key, value) in object {
        if key == "kind" {
            continue;
        }
        let attribute = option_to_attribute(&key)
            .ok_or_else(|| invalid(format!("Unknown option \u{201c}{key}\u{201d}.")))?;
        let text = match value {
            Value::String(s) => s,
            Value::Null => continue,
            other => other.to_string(),
        };
        attributes.insert(attribute, text);
    }
    Ok((kind, ElementConfig::from_attributes(|name| attributes.get(name).cloned(), &defaults())))
}

/// Creates a product checkout and opens it in a modal dialog over the page.
/// Resolves to `{status: "success" | "cancel", sessionId}` once it closes;
/// `checkout-*` events fire on `document`, as from an element.
#[wasm_bindgen(js_name = open)]
pub fn open(params: JsValue) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let params = params.clone();
        leptos::task::spawn_local(async move {
            match open_overlay(params, resolve.clone()).await {
                Ok(()) => {}
                Err(e) => {
                    let _ = reject.call1(&JsValue::NULL, &rejection(&e));
                }
            }
        });
    })
}

async fn open_overlay(params: JsValue, resolve: js_sys::Function) -> Result<(), BillingError> {
    let params = from_js::<JsCheckoutParams>(&params)?.into_params();
    let wire = params.to_wire(browser::resolve_url, js_sys::Date::now() as i64)?;
    let created = api_client().create_checkout_session(&wire).await?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or(BillingError::Network)?;
    let container: HtmlElement = document
        .create_element("div")
        .map_err(|_| BillingError::Network)?
        .unchecked_into();
    let _ = container.set_attribute("data-checkout-overlay", "");
    document.body().ok_or(BillingError::Network)?.append_child(&container).map_err(|_| BillingError::Network)?;
    let target: EventTarget = container.clone().into();
    events::emit(
        &target,
        events::SESSION_CREATED,
        &json!({ "url": created.url, "checkoutSession": serde_json::to_value(&created.checkout_session).unwrap_or_default() }),
        false,
    );
    let cancel_url = wire
        .cancel_url
        .as_deref()
        .map(|u| checkout_protocol::redirect::fill_session_id(u, &created.checkout_session.id));
    let session_id = created.checkout_session.id.clone();
    let url = created.url.clone();
    let shadow = container
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .map_err(|_| BillingError::Network)?;
    host::adopt_stylesheet(&shadow);
    let overlay_id = NEXT_OVERLAY.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    let handle = leptos::mount::mount_to(shadow.unchecked_into(), move || {
        let host = StoredValue::new_local(target);
        let resolve = StoredValue::new_local(resolve);
        let on_closed = Callback::new(move |outcome: super::frame::Outcome| {
            let result = json!({ "status": outcome.status(), "sessionId": outcome.session_id() });
            if let Some(resolve) = resolve.try_get_value() {
                let _ = resolve.call1(&JsValue::NULL, &events::to_js(&result));
            }
            close_overlay(overlay_id);
        });
        view! { <Overlay url session_id cancel_url host on_closed/> }
    });
    OVERLAYS.with(|o| o.borrow_mut().insert(overlay_id, (container, Box::new(handle) as Box<dyn std::any::Any>)));
    Ok(())
}

/// An overlay opened by `open()`: its container and its mount (dropping it unmounts).
type OpenOverlay = (HtmlElement, Box<dyn std::any::Any>);

thread_local! {
    static API_CLIENT: RefCell<Option<BillingClient>> = const { RefCell::new(None) };
    static OVERLAYS: RefCell<HashMap<u32, OpenOverlay>> = RefCell::new(HashMap::new());
    static NEXT_OVERLAY: Cell<u32> = const { Cell::new(1) };
}

/// Removes an `open()` overlay after the current task, so its own callbacks
/// never run while it is being torn down.
fn close_overlay(id: u32) {
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        if let Some((container, handle)) = OVERLAYS.with(|o| o.borrow_mut().remove(&id)) {
            drop(handle);
            container.remove();
        }
    });
}

/// One client for the API while the defaults stay the same, so identical
/// calls in flight join (no double submit from a double click).
fn api_client() -> BillingClient {
    API_CLIENT.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| {
                let d = defaults();
                let route = d.server_route.unwrap_or_else(|| DEFAULT_SERVER_ROUTE.to_owned());
                BillingClient::new(&route, d.headers.into_iter().collect(), Rc::new(FetchTransport::default()))
            })
            .clone()
    })
}

fn finish(created: CreateCheckoutSessionResponse, auto_redirect: bool) -> Result<JsValue, BillingError> {
    if auto_redirect {
        browser::navigate(&created.url)?;
    }
    let body = json!({
        "id": created.checkout_session.id,
        "url": created.url,
        "checkoutSession": serde_json::to_value(&created.checkout_session).unwrap_or_default(),
    });
    Ok(events::to_js(&body))
}

/// Reads a JS object through the browser's JSON (no extra wasm for a second serializer).
fn from_js<T: DeserializeOwned + Default>(value: &JsValue) -> Result<T, BillingError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid("The options must be a plain object.".into()))?;
    serde_json::from_str(&text).map_err(|e| invalid(format!("The options are not valid: {e}.")))
}

fn invalid(message: String) -> BillingError {
    BillingError::validation(ErrorCode::InvalidRequest, message)
}

/// An `Error` with the failure's `code` and `message`.
fn rejection(error: &BillingError) -> JsValue {
    let e = js_sys::Error::new(&error.message());
    let _ = js_sys::Reflect::set(&e, &"code".into(), &error.code().into());
    e.into()
}
