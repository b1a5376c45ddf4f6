//! How requests leave the widget: a small trait so components can be tested
//! with a fake server, and the real implementation over the browser's `fetch`.

use futures::future::LocalBoxFuture;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
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

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `fetch` (a window's or a worker's).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
    /// The global `setTimeout`, calling `handler` once after `ms`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: u32) -> wasm_bindgen::JsValue;
    /// The global `clearTimeout`.
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &wasm_bindgen::JsValue);
}

/// One request through the browser's `fetch` straight from `web_sys` (a
/// wrapper crate brought `http` and streams code an app never ran), aborted
/// by the page's own timer after `timeout_ms`: a failure once aborted is a
/// timeout, any other failure to build, send or read it a network failure.
/// (No Rust timer raced against it: that brought a select and a second
/// future into every call.)
async fn fetch(
    request: HttpRequest,
    credentials: Credentials,
    timeout_ms: u32,
) -> Result<HttpResponse, TransportError> {
    let controller = web_sys::AbortController::new().map_err(|_| TransportError::Network)?;
    // `controller.abort()` from the timer, with no Rust closure to keep.
    let abort = js_sys::Reflect::get(&controller, &"abort".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(TransportError::Network)?
        .bind0(&controller);
    let timer = set_timeout(&abort, timeout_ms);
    let signal = controller.signal();
    let result = send(request, credentials, &signal).await;
    clear_timeout(&timer);
    result.map_err(|_| {
        if signal.aborted() {
            TransportError::Timeout
        } else {
            TransportError::Network
        }
    })
}

/// The request sent and its whole body read; `Err` for any failure.
async fn send(
    request: HttpRequest,
    credentials: Credentials,
    signal: &web_sys::AbortSignal,
) -> Result<HttpResponse, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method(match request.method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
    });
    init.set_credentials(match credentials {
        Credentials::SameOrigin => web_sys::RequestCredentials::SameOrigin,
        Credentials::Include => web_sys::RequestCredentials::Include,
        Credentials::Omit => web_sys::RequestCredentials::Omit,
    });
    init.set_signal(Some(signal));
    let headers = web_sys::Headers::new()?;
    for (name, value) in &request.headers {
        headers.set(name, value)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let built = web_sys::Request::new_with_str_and_init(&request.url, &init)?;
    let response: web_sys::Response = JsFuture::from(global_fetch(&built)).await?.dyn_into()?;
    let text = JsFuture::from(response.text()?).await?;
    Ok(HttpResponse {
        status: response.status(),
        body: text.as_string().ok_or(JsValue::NULL)?,
    })
}
