//! How requests leave the widget: a small trait so components can be tested
//! with a fake server, and the real implementation over the browser's `fetch`.

use futures::future::LocalBoxFuture;
use std::rc::Rc;
use wasm_bindgen_futures::JsFuture;

pub use crate::server_route::DEFAULT_TIMEOUT_MS;

/// HTTP methods the widget uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// A request to send.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: HttpMethod,
    /// Absolute or page-relative URL.
    pub url: String,
    /// Extra headers (the merchant's, plus content type).
    pub headers: Vec<(String, String)>,
    /// JSON body for POST.
    pub body: Option<String>,
}

/// A response as received: status and body text.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Body text (may be empty or HTML on errors).
    pub body: String,
}

/// Why a request got no HTTP response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportError {
    /// Offline, DNS, CORS, reset connection.
    Network,
    /// No answer in time; the request was aborted.
    Timeout,
}

/// Sends requests. Implemented by [`FetchTransport`]; tests supply their own.
pub trait Transport {
    /// Sends one request and waits for the whole response body.
    fn send(
        &self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>>;
}

/// A shared transport handle.
pub type SharedTransport = Rc<dyn Transport>;

/// Whether `fetch` sends cookies (its `credentials` mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credentials {
    /// Cookies go only to the page's own origin (`fetch`'s default).
    #[default]
    SameOrigin,
    /// Cookies go to another origin too (`credentials: "include"`): for a
    /// cookie sign-in when the server route is on another origin, which must
    /// then allow this page's origin with credentials (`--allowed-origins`).
    Include,
    /// No cookies at all.
    Omit,
}

/// The browser's `fetch`, with a timeout that aborts the request.
#[derive(Debug, Clone, Copy)]
pub struct FetchTransport {
    /// Milliseconds before the request is aborted.
    pub timeout_ms: u32,
    /// Whether cookies go with the request.
    pub credentials: Credentials,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            credentials: Credentials::default(),
        }
    }
}

impl Transport for FetchTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
        Box::pin(fetch(request, self.credentials, self.timeout_ms))
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/plain.js")]
extern "C" {
    /// `fetch` with its headers as `[name, value, …]`, aborted after
    /// `timeout_ms`: a Promise of `[status, body text]`, rejected with
    /// `"timeout"` once aborted, else `"network"`. (A pair read with
    /// `Reflect.get`, which the JSON reader imports anyway, rather than an
    /// object with two getters: each getter was an import of its own.)
    #[wasm_bindgen(js_name = send)]
    fn js_send(
        method: &str,
        url: &str,
        body: Option<String>,
        headers: &js_sys::Array,
        credentials: &str,
        timeout_ms: u32,
    ) -> js_sys::Promise;
}

/// One request through the browser's `fetch`, by one small JS function
/// (`js/plain.js`: each web-sys import it replaced cost JS glue and wasm
/// marshalling), aborted by the page's own timer after `timeout_ms`: a failure
/// once aborted is a timeout, any other failure to build, send or read it a
/// network failure. (No Rust timer raced against it: that brought a select
/// and a second future into every call.)
async fn fetch(
    request: HttpRequest,
    credentials: Credentials,
    timeout_ms: u32,
) -> Result<HttpResponse, TransportError> {
    let headers = js_sys::Array::new();
    for (name, value) in &request.headers {
        headers.push(&name.into());
        headers.push(&value.into());
    }
    let sent = js_send(
        match request.method {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        },
        &request.url,
        request.body,
        &headers,
        match credentials {
            Credentials::SameOrigin => "same-origin",
            Credentials::Include => "include",
            Credentials::Omit => "omit",
        },
        timeout_ms,
    );
    match JsFuture::from(sent).await {
        Ok(answer) => {
            let part = |i: u32| js_sys::Reflect::get(&answer, &i.into()).unwrap_or_default();
            Ok(HttpResponse {
                status: part(0).as_f64().unwrap_or_default() as u16,
                body: part(1).as_string().unwrap_or_default(),
            })
        }
        Err(tag) if tag.as_string().as_deref() == Some("timeout") => Err(TransportError::Timeout),
        Err(_) => Err(TransportError::Network),
    }
}
