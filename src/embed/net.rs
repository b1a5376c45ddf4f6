//! The embed's calls to the merchant's server route, over the browser's
//! `fetch` and `JSON.parse` (no serializer in the bundle): envelopes read,
//! every failure a `BillingError`, identical calls in flight joined, and an
//! `Idempotency-Key` on every create.

use super::promise::Joined;
use super::slot::Slot;
use super::small_map::SmallMap;
use crate::error::BillingError;
use crate::server_route::{fallback_code, RetryKeys, DEFAULT_TIMEOUT_MS};
use checkout_protocol::IDEMPOTENCY_KEY_HEADER;
use js_sys::Reflect;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

type Call = Joined<Result<JsValue, BillingError>>;

/// A client for one server route.
#[derive(Clone)]
pub struct Client {
    route: String,
    headers: Vec<(String, String)>,
    timeout_ms: u32,
    credentials: Option<&'static str>,
    in_flight: Rc<Slot<SmallMap<String, Call>>>,
    retry_keys: Rc<Slot<RetryKeys>>,
}

impl Client {
    /// A client for `route`, sending `headers` with every call, in `fetch`'s
    /// `credentials` mode (the browser's default when `None`), and giving
    /// each up after `timeout_ms` (the default when `None`).
    pub fn new(
        route: &str,
        headers: Vec<(String, String)>,
        timeout_ms: Option<u32>,
        credentials: Option<&'static str>,
    ) -> Self {
        let route = route.trim().trim_end_matches('/');
        let timeout_ms = timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        Self {
            route: route.to_owned(),
            headers,
            timeout_ms,
            credentials,
            in_flight: Rc::default(),
            retry_keys: Rc::default(),
        }
    }

    /// A read-only action; answers the envelope's `data`. Takes the answer
    /// the entry module requested early when there is one (only for calls
    /// without custom headers: it could not know those).
    pub async fn read(&self, action: &str) -> Result<JsValue, BillingError> {
        let url = self.url(action);
        // The early request knows no custom headers, timeout or credentials.
        if self.headers.is_empty()
            && self.timeout_ms == DEFAULT_TIMEOUT_MS
            && self.credentials.is_none()
        {
            if let Some(early) = take_early(&url) {
                match answer(early).await {
                    // It failed on the network: ask again below.
                    Err(BillingError::Network) => {}
                    settled => return settled,
                }
            }
        }
        post(
            &url,
            "{}",
            &self.headers,
            None,
            self.timeout_ms,
            self.credentials,
        )
        .await
    }

    /// An action that creates or changes something: an identical call in
    /// flight is joined, and an idempotency key goes with each request —
    /// fresh, or the failed attempt's when the server may have acted on it.
    pub async fn write(&self, action: &str, body: String) -> Result<JsValue, BillingError> {
        let fingerprint = [action, "\n", &body].concat();
        let existing = self.in_flight.with(|m| m.get(&fingerprint).cloned());
        let call = match existing {
            Some(call) => call,
            None => {
                let (url, headers, timeout_ms, credentials) = (
                    self.url(action),
                    self.headers.clone(),
                    self.timeout_ms,
                    self.credentials,
                );
                let key = self
                    .retry_keys
                    .with(|keys| keys.key_for(&fingerprint, super::js::random_token));
                let (retry_keys, settled) = (self.retry_keys.clone(), fingerprint.clone());
                let call = Joined::start(Box::pin(async move {
                    let result = post(
                        &url,
                        &body,
                        &headers,
                        Some(key.clone()),
                        timeout_ms,
                        credentials,
                    )
                    .await;
                    let unknown = result.as_ref().is_err_and(BillingError::is_retryable);
                    retry_keys.with(|keys| keys.settle(&settled, &key, unknown));
                    result
                }));
                self.in_flight
                    .with(|m| m.insert(fingerprint.clone(), call.clone()));
                call
            }
        };
        let result = call.output().await.unwrap_or(Err(BillingError::Network));
        let _settled = self.in_flight.with(|in_flight| {
            if in_flight.get(&fingerprint).is_some_and(|c| c.same(&call)) {
                in_flight.remove(&fingerprint)
            } else {
                None
            }
        });
        result
    }

    fn url(&self, action: &str) -> String {
        [&self.route, "/", action].concat()
    }
}

async fn post(
    url: &str,
    body: &str,
    headers: &[(String, String)],
    key: Option<String>,
    timeout_ms: u32,
    credentials: Option<&'static str>,
) -> Result<JsValue, BillingError> {
    let sent = js_sys::Array::new();
    sent.push(&"Content-Type".into());
    sent.push(&"application/json".into());
    if let Some(key) = key {
        sent.push(&IDEMPOTENCY_KEY_HEADER.into());
        sent.push(&key.into());
    }
    for (name, value) in headers {
        sent.push(&name.into());
        sent.push(&value.into());
    }
    answer(super::js::post(
        url,
        body,
        &sent,
        timeout_ms,
        credentials.unwrap_or_default(),
    ))
    .await
}

/// Reads a `{status, text}` / `{status: 0, error}` answer (the JS `post`'s,
/// or the entry's early request's): the envelope, or why none came.
async fn answer(request: js_sys::Promise) -> Result<JsValue, BillingError> {
    let answer = super::promise::settled(&request)
        .await
        .unwrap_or(JsValue::UNDEFINED);
    match number(&answer, "status").unwrap_or(0.0) as u16 {
        0 => Err(match string(&answer, "error").as_deref() {
            Some("TimeoutError") => BillingError::Timeout,
            Some("HeaderError") => BillingError::validation(
                checkout_protocol::ErrorCode::InvalidRequest,
                [
                    "The header ",
                    &string(&answer, "header").unwrap_or_default(),
                    " is not valid.",
                ]
                .concat(),
            ),
            _ => BillingError::Network,
        }),
        status => read_envelope(status, &string(&answer, "text").unwrap_or_default()),
    }
}

/// The request `js/checkout-widget.js` started for `url` while the wasm was
/// downloading, taken out of its map so it is used once: a Promise of
/// `{status, text}` (or `{status: 0, error}` with the failure's name), in a
/// `Map` at `globalThis[Symbol.for("checkout-widget.early")]`.
fn take_early(url: &str) -> Option<js_sys::Promise> {
    super::js::take_early(url)
}

/// Reads `{data}` / `{error: {code, json | message}}` from a response,
/// whatever the server sent (HTML error pages, empty bodies, bad JSON).
pub fn read_envelope(status: u16, body: &str) -> Result<JsValue, BillingError> {
    let ok = (200..300).contains(&status);
    let Ok(json) = js_sys::JSON::parse(body) else {
        return Err(if ok {
            BillingError::InvalidResponse
        } else {
            BillingError::Http { status }
        });
    };
    let error = get(&json, "error");
    if error.is_object() {
        let code = string(&error, "code")
            .filter(|c| !c.trim().is_empty())
            .unwrap_or_else(|| fallback_code(status).to_owned());
        let details = get(&error, "json");
        let message = string(&error, "message")
            .or_else(|| details.as_string())
            .or_else(|| {
                ["message", "error", "detail"]
                    .iter()
                    .find_map(|k| string(&details, k))
            })
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| BillingError::Http { status }.message());
        return Err(BillingError::Api {
            status,
            code,
            message,
        });
    }
    if !ok {
        return Err(BillingError::Http { status });
    }
    let data = get(&json, "data");
    if data.is_object() {
        Ok(data)
    } else {
        Err(BillingError::InvalidResponse)
    }
}

/// `object[key]`, or `undefined`.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `object[key]` when it is a string.
pub fn string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

/// `object[key]` when it is a number.
pub fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64()
}

/// `object[key]` when it is a boolean.
pub fn boolean(object: &JsValue, key: &str) -> Option<bool> {
    get(object, key).as_bool()
}

/// A plain object built from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn settled(answer: JsValue) -> js_sys::Promise {
        js_sys::Promise::resolve(&answer)
    }

    #[wasm_bindgen_test]
    async fn answers_become_envelopes_or_errors() {
        let ok = object(&[
            ("status", JsValue::from_f64(200.0)),
            ("text", r#"{"data":{"id":"cs_1"}}"#.into()),
        ]);
        let data = answer(settled(ok)).await.unwrap();
        assert_eq!(string(&data, "id").as_deref(), Some("cs_1"));
        let timeout = object(&[
            ("status", JsValue::from_f64(0.0)),
            ("error", "TimeoutError".into()),
        ]);
        assert_eq!(
            answer(settled(timeout)).await.unwrap_err(),
            BillingError::Timeout
        );
        let offline = object(&[
            ("status", JsValue::from_f64(0.0)),
            ("error", "TypeError".into()),
        ]);
        assert_eq!(
            answer(settled(offline)).await.unwrap_err(),
            BillingError::Network
        );
        // Whatever else a promise settles with is no answer at all.
        assert_eq!(
            answer(settled(JsValue::NULL)).await.unwrap_err(),
            BillingError::Network
        );
        let refused = answer(settled(object(&[
            ("status", JsValue::from_f64(503.0)),
            ("text", "<html>busy</html>".into()),
        ])))
        .await
        .unwrap_err();
        assert_eq!(refused, BillingError::Http { status: 503 });
    }

    #[wasm_bindgen_test]
    fn idempotency_keys_are_fresh_lowercase_hex() {
        let (a, b) = (
            super::super::js::random_token(),
            super::super::js::random_token(),
        );
        for key in [&a, &b] {
            assert_eq!(key.len(), 32, "{key}");
            assert!(
                key.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')),
                "{key}"
            );
        }
        assert_ne!(a, b);
    }

    #[wasm_bindgen_test]
    async fn a_header_fetch_refuses_is_named_before_anything_is_sent() {
        let headers = vec![
            ("X-Shop".to_owned(), "7".to_owned()),
            ("Bad Name".to_owned(), "x".to_owned()),
        ];
        let error = post(
            "/never-requested",
            "{}",
            &headers,
            Some("key-1".into()),
            1000,
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(error.code(), "invalid_request");
        assert_eq!(error.message(), "The header Bad Name is not valid.");
    }

    #[wasm_bindgen_test]
    async fn an_early_answer_is_taken_once() {
        let early = js_sys::Map::new();
        let url = "/early-test/pricing-models/retrieve";
        early.set(
            &url.into(),
            &settled(object(&[
                ("status", JsValue::from_f64(200.0)),
                ("text", r#"{"data":{"pricingModel":{}}}"#.into()),
            ]))
            .into(),
        );
        // Not a Promise: never taken as one.
        early.set(&"/other".into(), &JsValue::from_f64(1.0));
        let key = js_sys::Symbol::for_("checkout-widget.early");
        Reflect::set(&js_sys::global(), &key, &early).unwrap();
        let taken = take_early(url).expect("the early answer");
        assert!(answer(taken).await.is_ok());
        assert!(take_early(url).is_none(), "used once");
        assert!(take_early("/other").is_none());
        assert!(take_early("/unknown").is_none());
        Reflect::delete_property(&js_sys::global(), &key).unwrap();
        assert!(take_early(url).is_none(), "no map at all");
    }
}
