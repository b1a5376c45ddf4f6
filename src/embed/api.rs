//! The JS API of `checkout-widget.js`: `configure`, `createCheckoutSession`,
//! `createAddPaymentMethodCheckoutSession`, `mount` and `open`. Promises
//! reject with an `Error` carrying a stable `code` and a human `message`.
//! Exported only with the `embed` feature (the script-tag bundle).

use super::config::{
    credentials_mode, defaults, option_to_attribute, set_defaults, ElementConfig, ElementKind,
    EmbedDefaults,
};
use super::dom;
use super::events;
use super::frame;
use super::host;
use super::net::{self, object, Client};
use super::promise::promise;
use super::read::{self, Created};
use super::slot::Slot;
use crate::billing::{AddPaymentMethodParams, CheckoutSessionParams, LineItem};
use crate::browser;
use crate::error::BillingError;
use crate::server_route::DEFAULT_SERVER_ROUTE;
use checkout_protocol::{action, ErrorCode};
use js_sys::{Array, Object};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

thread_local! {
    /// One client while the defaults stay the same, so identical calls in
    /// flight join (no double submit from a double click).
    static CLIENT: Slot<Option<Client>> = const { Slot::new(None) };
}

fn client() -> Client {
    CLIENT.with(|c| {
        c.with(|c| {
            c.get_or_insert_with(|| {
                let d = defaults();
                Client::new(
                    d.server_route.as_deref().unwrap_or(DEFAULT_SERVER_ROUTE),
                    d.headers,
                    d.timeout_ms,
                    d.credentials,
                )
            })
            .clone()
        })
    })
}

/// Sets page-wide defaults: `{serverRoute, headers, locale, timeoutMs,
/// credentials}`.
#[cfg_attr(feature = "embed", wasm_bindgen(js_name = configure))]
pub fn configure(options: JsValue) -> Result<(), JsValue> {
    let read = || -> Result<EmbedDefaults, BillingError> {
        allow_only(
            &options,
            &[
                "serverRoute",
                "headers",
                "locale",
                "timeoutMs",
                "credentials",
            ],
        )?;
        let credentials = match net::get(&options, "credentials") {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(
                v.as_string()
                    .as_deref()
                    .and_then(credentials_mode)
                    .ok_or_else(|| {
                        invalid(
                            "credentials must be \"include\", \"same-origin\" or \"omit\"."
                                .to_owned(),
                        )
                    })?,
            ),
        };
        let headers = net::get(&options, "headers");
        let mut pairs = Vec::new();
        if headers.is_object() {
            for key in Object::keys(headers.unchecked_ref::<Object>()).iter() {
                let name = key.as_string().unwrap_or_default();
                let value = net::string(&headers, &name).ok_or_else(|| {
                    invalid(["The header ", &name, " must be a string."].concat())
                })?;
                pairs.push((name, value));
            }
        }
        Ok(EmbedDefaults {
            server_route: net::string(&options, "serverRoute"),
            headers: pairs,
            locale: net::string(&options, "locale"),
            timeout_ms: timeout_ms(&net::get(&options, "timeoutMs"))?,
            credentials,
        })
    };
    let defaults = read().map_err(|e| rejection(&e))?;
    if let Some(locale) = &defaults.locale {
        super::words::prefetch(crate::i18n::Lang::of(locale));
    }
    set_defaults(defaults);
    CLIENT.with(Slot::take);
    Ok(())
}

/// `timeoutMs`: absent, or whole milliseconds from 1 to 10 minutes.
fn timeout_ms(value: &JsValue) -> Result<Option<u32>, BillingError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(ms) if ms.fract() == 0.0 && (1.0..=600_000.0).contains(&ms) => Ok(Some(ms as u32)),
        _ => Err(invalid(
            "timeoutMs must be a whole number of milliseconds from 1 to 600000.".to_owned(),
        )),
    }
}

const CHECKOUT_OPTIONS: [&str; 9] = [
    "priceId",
    "priceSlug",
    "quantity",
    "lineItems",
    "successUrl",
    "cancelUrl",
    "outputMetadata",
    "outputName",
    "autoRedirect",
];

/// Reads `createCheckoutSession`'s parameters (unknown names are refused).
fn checkout_params(p: &JsValue) -> Result<CheckoutSessionParams, BillingError> {
    refuse_merchant_only(p)?;
    allow_only(p, &CHECKOUT_OPTIONS)?;
    let whole = |key: &str| -> Result<Option<u32>, BillingError> {
        match net::get(p, key) {
            v if v.is_undefined() || v.is_null() => Ok(None),
            v => v
                .as_f64()
                .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                // Saturates: an absurd value then fails its own range check with its own code.
                .map(|n| Some(n.min(f64::from(u32::MAX)) as u32))
                .ok_or_else(|| invalid([key, " must be a whole number."].concat())),
        }
    };
    let line_items = net::get(p, "lineItems");
    let line_items = if Array::is_array(&line_items) {
        line_items
            .unchecked_into::<Array>()
            .iter()
            .map(|item| {
                allow_only(&item, &["priceId", "priceSlug", "quantity"])?;
                let quantity = match net::get(&item, "quantity") {
                    v if v.is_undefined() => None,
                    v => Some(
                        v.as_f64()
                            .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                            .ok_or_else(|| invalid("quantity must be a whole number.".into()))?
                            as u32,
                    ),
                };
                Ok(LineItem {
                    price_id: net::string(&item, "priceId"),
                    price_slug: net::string(&item, "priceSlug"),
                    quantity,
                })
            })
            .collect::<Result<Vec<_>, BillingError>>()?
    } else {
        Vec::new()
    };
    Ok(CheckoutSessionParams {
        price_id: net::string(p, "priceId"),
        price_slug: net::string(p, "priceSlug"),
        quantity: whole("quantity")?,
        line_items,
        success_url: net::string(p, "successUrl").unwrap_or_default(),
        cancel_url: net::string(p, "cancelUrl").unwrap_or_default(),
        // Metadata goes into the body as the caller's own object (see `metadata`).
        output_metadata: None,
        output_name: net::string(p, "outputName"),
        auto_redirect: net::boolean(p, "autoRedirect").unwrap_or(false),
    })
}

/// Creates a product checkout session through the configured server route;
/// resolves to `{id, url, checkoutSession}`.
#[cfg_attr(feature = "embed", wasm_bindgen(js_name = createCheckoutSession))]
pub fn create_checkout_session(params: JsValue) -> js_sys::Promise {
    promise(Box::pin(async move {
        async {
            let (body, auto_redirect, _) = product_call(&params)?;
            finish(create_product(body).await?, auto_redirect)
        }
        .await
        .map_err(|e| rejection(&e))
    }))
}

/// `createCheckoutSession`'s and `open`'s parameters read and checked: the
/// request body, `autoRedirect` and the cancel URL. One function for both
/// (not inlined into either): the bundle holds the reading once.
#[inline(never)]
fn product_call(params: &JsValue) -> Result<(String, bool, String), BillingError> {
    let metadata = metadata(params)?;
    let params = checkout_params(params)?;
    // A copy: the cancel URL is checked with the rest.
    let (auto_redirect, cancel_url) = (params.auto_redirect, params.cancel_url.clone());
    let body = read::product_request(params, metadata.as_ref())?;
    Ok((body, auto_redirect, cancel_url))
}

/// Creates a product checkout from its request body (`read::product_request`).
async fn create_product(body: String) -> Result<Created, BillingError> {
    let data = client()
        .write(action::CHECKOUT_SESSIONS_CREATE, body)
        .await?;
    read::created(&data)
        .map(localized)
        .ok_or(BillingError::InvalidResponse)
}

/// The session with `configure({locale})`'s locale on its hosted-page URL,
/// so the page the customer is sent to speaks the merchant's chosen language.
fn localized(mut created: Created) -> Created {
    created.url = browser::with_locale(&created.url, defaults().locale.as_deref());
    created
}

/// `outputMetadata` as given: a plain object (the server checks its contents).
fn metadata(options: &JsValue) -> Result<Option<JsValue>, BillingError> {
    let value = net::get(options, "outputMetadata");
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else if value.is_object() && !Array::is_array(&value) {
        Ok(Some(value))
    } else {
        Err(invalid("outputMetadata must be an object.".into()))
    }
}

/// Creates a session that saves a payment method for the signed-in customer;
/// resolves to `{id, url, checkoutSession}`.
#[cfg_attr(feature = "embed", wasm_bindgen(js_name = createAddPaymentMethodCheckoutSession))]
pub fn create_add_payment_method_checkout_session(params: JsValue) -> js_sys::Promise {
    promise(Box::pin(async move {
        add_payment_method(&params).await.map_err(|e| rejection(&e))
    }))
}

async fn add_payment_method(params: &JsValue) -> Result<JsValue, BillingError> {
    allow_only(
        params,
        &[
            "successUrl",
            "cancelUrl",
            "targetSubscriptionId",
            "outputMetadata",
            "outputName",
            "autoRedirect",
        ],
    )?;
    let metadata = metadata(params)?;
    let auto_redirect = net::boolean(params, "autoRedirect").unwrap_or(false);
    let p = AddPaymentMethodParams {
        success_url: net::string(params, "successUrl").unwrap_or_default(),
        cancel_url: net::string(params, "cancelUrl").unwrap_or_default(),
        target_subscription_id: net::string(params, "targetSubscriptionId"),
        output_metadata: None,
        output_name: net::string(params, "outputName"),
        auto_redirect,
    };
    let body = read::add_payment_method_request(p, metadata.as_ref())?;
    let data = client()
        .write(action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD, body)
        .await?;
    finish(
        read::created(&data)
            .map(localized)
            .ok_or(BillingError::InvalidResponse)?,
        auto_redirect,
    )
}

fn finish(created: Created, auto_redirect: bool) -> Result<JsValue, BillingError> {
    if auto_redirect {
        browser::navigate(&created.url)?;
    }
    Ok(object(&[
        ("id", created.id.as_str().into()),
        ("url", created.url.as_str().into()),
        ("checkoutSession", created.session),
    ]))
}

/// A mounted widget; `destroy()` may be called any number of times.
#[cfg_attr(feature = "embed", wasm_bindgen)]
pub struct MountHandle {
    id: Cell<Option<u32>>,
    element: HtmlElement,
}

#[cfg_attr(feature = "embed", wasm_bindgen)]
impl MountHandle {
    /// Unmounts the widget and frees everything it held.
    pub fn destroy(&self) {
        if let Some(id) = self.id.take() {
            host::unmount(id);
            let _ = js_sys::Reflect::delete_property(&self.element, &host::MOUNT_KEY.into());
        }
    }

    /// Closes the checkout this widget opened (its overlay, or its inline
    /// frame) as if the customer left: fires `checkout-cancel` without going
    /// to the cancel URL. `false`, changing nothing, when none is open or a
    /// payment is processing in it (the charge may land anyway), as Escape
    /// and × are refused then.
    pub fn close(&self) -> bool {
        self.id.get().is_some_and(host::close)
    }

    /// Replaces the options (re-renders).
    pub fn update(&self, options: JsValue) -> Result<(), JsValue> {
        let config = mount_config(&options).map_err(|e| rejection(&e))?;
        if let Some(id) = self.id.get() {
            host::reconfigure(id, config);
        }
        Ok(())
    }
}

/// Renders a widget into `element` (its open shadow root). `options` are the
/// element attributes in camelCase (`priceSlug`, `successUrl`, `display`, …)
/// plus `kind`: `"checkout"` (default), `"pricing-table"` or `"add-payment-method"`.
#[cfg_attr(feature = "embed", wasm_bindgen(js_name = mount))]
pub fn mount(element: HtmlElement, options: JsValue) -> Result<MountHandle, JsValue> {
    let setup = || -> Result<(ElementKind, ElementConfig), BillingError> {
        let kind = match net::string(&options, "kind")
            .as_deref()
            .unwrap_or("checkout")
        {
            "checkout" => ElementKind::Checkout,
            "pricing-table" => ElementKind::PricingTable,
            "add-payment-method" => ElementKind::AddPaymentMethod,
            other => {
                return Err(invalid(
                    [
                        "kind \u{201c}",
                        other,
                        "\u{201d} is not one of checkout, pricing-table, add-payment-method.",
                    ]
                    .concat(),
                ))
            }
        };
        Ok((kind, mount_config(&options)?))
    };
    let (kind, config) = setup().map_err(|e| rejection(&e))?;
    if !config.theme.is_empty() {
        // The stylesheet themes through the host's `theme` attribute.
        let _ = element.set_attribute("theme", &config.theme);
    }
    let id = host::mount_element(&element, kind, config).ok_or_else(|| {
        rejection(&invalid(
            "This element already holds a checkout widget; destroy that one first.".into(),
        ))
    })?;
    Ok(MountHandle {
        id: Cell::new(Some(id)),
        element,
    })
}

/// `mount()` options as attribute values.
fn mount_config(options: &JsValue) -> Result<ElementConfig, BillingError> {
    let mut attributes: Vec<(&'static str, String)> = Vec::new();
    if options.is_object() {
        for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if key == "kind" {
                continue;
            }
            let attribute = option_to_attribute(&key)
                .ok_or_else(|| invalid(["Unknown option \u{201c}", &key, "\u{201d}."].concat()))?;
            let value = net::get(options, &key);
            // Numbers (a quantity) as the browser writes them: no float formatter in the bundle.
            let text = value.as_string().or_else(|| {
                value.as_f64()?;
                value
                    .unchecked_ref::<js_sys::Number>()
                    .to_string_with_radix(10)
                    .ok()
                    .map(String::from)
            });
            if let Some(text) = text {
                attributes.push((attribute, text));
            }
        }
    }
    Ok(ElementConfig::from_attributes(
        &|name| {
            attributes
                .iter()
                .find(|(a, _)| *a == name)
                .map(|(_, v)| v.clone())
        },
        &defaults(),
    ))
}

/// Creates a product checkout and opens it in a modal dialog over the page.
/// Resolves to `{status: "success" | "cancel", sessionId}` once it closes;
/// `checkout-*` events fire on `document`, as from an element.
#[cfg_attr(feature = "embed", wasm_bindgen(js_name = open))]
pub fn open(params: JsValue) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let params = params.clone();
        super::promise::spawn(Box::pin(async move {
            if let Err(e) = open_overlay(params, resolve).await {
                let _ = reject.call1(&JsValue::NULL, &rejection(&e));
            }
        }));
    })
}

async fn open_overlay(params: JsValue, resolve: js_sys::Function) -> Result<(), BillingError> {
    let (body, _, cancel_url) = product_call(&params)?;
    let created = create_product(body).await?;
    // Checked like a redirect before it is framed: http(s) only.
    frame::checked_frame_url(&created.url)?;
    let document = dom::document().ok_or(BillingError::Network)?;
    let container: HtmlElement = dom::el("div", "").unchecked_into();
    let _ = container.set_attribute("data-checkout-overlay", "");
    document
        .body()
        .ok_or(BillingError::Network)?
        .append_child(&container)
        .map_err(|_| BillingError::Network)?;
    let shadow = host::widget_shadow(&container).ok_or(BillingError::Network)?;
    let root = dom::el("div", "cw-root");
    let _ = shadow.append_child(&root);
    let detail = object(&[
        ("url", created.url.as_str().into()),
        ("checkoutSession", created.session.clone()),
    ]);
    events::emit(&container, events::SESSION_CREATED, &detail, false);
    let cancel_url = browser::resolve_url(&cancel_url, checkout_protocol::UrlRole::Cancel)
        .ok()
        .map(|u| browser::fill_session_id(&u, &created.id));
    let closing = container.clone();
    // `open()` answers with a Promise, not a handle: nothing keeps the closer.
    let _ = frame::open_overlay(
        &root,
        container.into(),
        &created.url,
        &created.id,
        cancel_url,
        Box::new(move |outcome| {
            let result = object(&[
                ("status", outcome.status().into()),
                ("sessionId", outcome.session_id.as_str().into()),
            ]);
            let _ = resolve.call1(&JsValue::NULL, &result);
            closing.remove();
        }),
    );
    Ok(())
}

/// Refuses option names this API does not know (a typo would otherwise be ignored).
fn allow_only(options: &JsValue, allowed: &[&str]) -> Result<(), BillingError> {
    if options.is_undefined() || options.is_null() {
        return Ok(());
    }
    if !options.is_object() {
        return Err(invalid("The options must be a plain object.".into()));
    }
    for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(invalid(
                ["Unknown option \u{201c}", &key, "\u{201d}."].concat(),
            ));
        }
    }
    Ok(())
}

/// A merchant-only option (`trialDays`, …) named by a page: the server would
/// refuse it, so say why before sending anything.
fn refuse_merchant_only(options: &JsValue) -> Result<(), BillingError> {
    for name in checkout_protocol::MERCHANT_ONLY_FIELDS {
        let value = net::get(options, name);
        if !value.is_undefined() {
            return Err(BillingError::validation(
                ErrorCode::FieldNotAllowed,
                [
                    "\u{201c}",
                    name,
                    "\u{201d} is set by your server (its checkout policy), not by the page.",
                ]
                .concat(),
            ));
        }
    }
    Ok(())
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
