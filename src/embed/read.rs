//! The pricing model and created sessions read from the browser's parsed
//! JSON into the protocol's structs (only what the embed shows), and request
//! bodies written the same way: no serializer in the script-tag bundle.

use super::net::{boolean, get, number, string};
use crate::billing::{AddPaymentMethodParams, CheckoutSessionParams};
use crate::browser;
use crate::error::BillingError;
use checkout_protocol::{
    CreateProductCheckoutSessionParams, IntervalUnit, Price, PriceType, PricingModel, Product,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `data.pricingModel` of `pricing-models/retrieve`.
pub fn pricing_model(data: &JsValue) -> Option<PricingModel> {
    let model = get(data, "pricingModel");
    if !model.is_object() {
        return None;
    }
    Some(PricingModel {
        id: string(&model, "id")?,
        name: string(&model, "name").unwrap_or_default(),
        is_default: boolean(&model, "isDefault").unwrap_or(false),
        products: list(&model, "products")
            .iter()
            .filter_map(product)
            .collect(),
        default_product: None,
        usage_meters: Vec::new(),
        organization_id: String::new(),
        livemode: false,
        created_at: 0,
        updated_at: 0,
    })
}

fn product(p: &JsValue) -> Option<Product> {
    let product_id = string(p, "id")?;
    Some(Product {
        prices: list(p, "prices")
            .iter()
            .filter_map(|price| read_price(price, &product_id))
            .collect(),
        id: product_id,
        slug: string(p, "slug"),
        name: string(p, "name").unwrap_or_default(),
        description: string(p, "description"),
        image_url: string(p, "imageURL"),
        default: boolean(p, "default").unwrap_or(false),
        active: boolean(p, "active").unwrap_or(true),
        default_price: None,
        singular_quantity_label: string(p, "singularQuantityLabel"),
        plural_quantity_label: string(p, "pluralQuantityLabel"),
        features: Vec::new(),
        pricing_model_id: String::new(),
        organization_id: String::new(),
        livemode: false,
        created_at: 0,
        updated_at: 0,
    })
}

fn read_price(p: &JsValue, product_id: &str) -> Option<Price> {
    let price_type = match string(p, "type")?.as_str() {
        "single_payment" => PriceType::SinglePayment,
        "subscription" => PriceType::Subscription,
        "usage" => PriceType::Usage,
        _ => return None,
    };
    let interval_unit = string(p, "intervalUnit").and_then(|u| match u.as_str() {
        "day" => Some(IntervalUnit::Day),
        "week" => Some(IntervalUnit::Week),
        "month" => Some(IntervalUnit::Month),
        "year" => Some(IntervalUnit::Year),
        _ => None,
    });
    let whole =
        |key: &str| number(p, key).filter(|n| n.is_finite() && *n >= 0.0 && n.fract() == 0.0);
    Some(Price {
        id: string(p, "id")?,
        slug: string(p, "slug"),
        price_type,
        name: string(p, "name"),
        unit_price: number(p, "unitPrice").filter(|n| n.is_finite() && n.fract() == 0.0)? as i64,
        currency: string(p, "currency")?,
        interval_unit,
        interval_count: whole("intervalCount").map(|n| n as u32),
        trial_period_days: whole("trialPeriodDays").map(|n| n as u32),
        is_default: boolean(p, "isDefault").unwrap_or(false),
        active: boolean(p, "active").unwrap_or(true),
        product_id: product_id.to_owned(),
        pricing_model_id: String::new(),
        livemode: false,
        created_at: 0,
        updated_at: 0,
        usage_meter_id: None,
        usage_events_per_unit: None,
    })
}

fn list(object: &JsValue, key: &str) -> Vec<JsValue> {
    let value = get(object, key);
    if Array::is_array(&value) {
        value.unchecked_into::<Array>().iter().collect()
    } else {
        Vec::new()
    }
}

/// A created session: `data` of a create call.
#[derive(Debug, Clone)]
pub struct Created {
    /// Session id.
    pub id: String,
    /// The hosted page.
    pub url: String,
    /// The whole `checkoutSession` object, handed to events and the JS API as is.
    pub session: JsValue,
}

/// Reads `{checkoutSession, url}`.
pub fn created(data: &JsValue) -> Option<Created> {
    let session = get(data, "checkoutSession");
    Some(Created {
        id: string(&session, "id")?,
        url: string(data, "url")?,
        session,
    })
}

/// A product checkout's request body: `params` checked (URLs resolved
/// against the page, price and quantity rules), then written with the
/// caller's `outputMetadata` object as given.
///
/// Takes the params and drops them itself, all but their `output_metadata`
/// (and the checked copy's): the embed never fills those (the caller's
/// object is `metadata`), so they are `None` and forgotten, which keeps
/// serde_json's map drop code out of the bundle. Were one ever `Some`,
/// that map would leak, nothing worse.
pub fn product_request(
    params: CheckoutSessionParams,
    metadata: Option<&JsValue>,
) -> Result<String, BillingError> {
    let wire = params.checked(browser::resolve_url);
    let CheckoutSessionParams {
        output_metadata, ..
    } = params;
    std::mem::forget(output_metadata);
    let wire = wire?;
    let body = product_body(&wire, metadata);
    let CreateProductCheckoutSessionParams {
        output_metadata, ..
    } = wire;
    std::mem::forget(output_metadata);
    Ok(body)
}

/// The product-checkout body as JSON text, in Flowglad's field names, with the
/// caller's `outputMetadata` object as given.
fn product_body(p: &CreateProductCheckoutSessionParams, metadata: Option<&JsValue>) -> String {
    let body = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&body, &JsValue::from_str(key), &value);
    };
    let text = |v: &Option<String>| v.as_deref().map(JsValue::from_str);
    for (key, value) in [
        ("priceId", text(&p.price_id)),
        ("priceSlug", text(&p.price_slug)),
        ("quantity", p.quantity.map(JsValue::from_f64)),
        ("successUrl", text(&p.success_url)),
        ("cancelUrl", text(&p.cancel_url)),
        ("outputMetadata", metadata.cloned()),
        ("outputName", text(&p.output_name)),
    ] {
        if let Some(value) = value {
            set(key, value);
        }
    }
    if let Some(items) = &p.line_items {
        let array = Array::new();
        for item in items {
            let line = Object::new();
            for (key, value) in [
                ("priceId", text(&item.price_id)),
                ("priceSlug", text(&item.price_slug)),
                ("quantity", item.quantity.map(JsValue::from_f64)),
            ] {
                if let Some(value) = value {
                    let _ = Reflect::set(&line, &JsValue::from_str(key), &value);
                }
            }
            array.push(&line);
        }
        set("lineItems", array.into());
    }
    stringify(&body)
}

/// An add-payment-method request body: `params` checked, then written
/// with the caller's `outputMetadata` object. Both `output_metadata`s are
/// forgotten, as in [`product_request`].
pub fn add_payment_method_request(
    params: AddPaymentMethodParams,
    metadata: Option<&JsValue>,
) -> Result<String, BillingError> {
    let wire = params.checked(browser::resolve_url);
    let AddPaymentMethodParams {
        output_metadata, ..
    } = params;
    std::mem::forget(output_metadata);
    let wire = wire?;
    let body = add_payment_method_body(&wire, metadata);
    let checkout_protocol::CreateAddPaymentMethodCheckoutSessionParams {
        output_metadata, ..
    } = wire;
    std::mem::forget(output_metadata);
    Ok(body)
}

/// The add-payment-method body as JSON text, with the caller's `outputMetadata`.
fn add_payment_method_body(
    p: &checkout_protocol::CreateAddPaymentMethodCheckoutSessionParams,
    metadata: Option<&JsValue>,
) -> String {
    let body = Object::new();
    let text = |v: &Option<String>| v.as_deref().map(JsValue::from_str);
    for (key, value) in [
        ("successUrl", text(&p.success_url)),
        ("cancelUrl", text(&p.cancel_url)),
        ("targetSubscriptionId", text(&p.target_subscription_id)),
        ("outputMetadata", metadata.cloned()),
        ("outputName", text(&p.output_name)),
    ] {
        if let Some(value) = value {
            let _ = Reflect::set(&body, &JsValue::from_str(key), &value);
        }
    }
    stringify(&body)
}

/// JSON text of a JS value.
pub fn stringify(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "{}".to_owned())
}
