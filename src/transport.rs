//! How requests leave the widget: a small trait so components can be tested
//! with a fake server, and the real implementation over the browser's `fetch`.

use futures::future::LocalBoxFuture;
use std::rc::Rc;

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
        let (timeout_ms, credentials) = (self.timeout_ms, self.credentials);
        Box::pin(async move {
            use futures::future::{select, Either};

            let controller =
                web_sys::AbortController::new().map_err(|_| TransportError::Network)?;
            let fetch = Box::pin(fetch(request, credentials, controller.signal()));
            let timer = gloo_timers::future::TimeoutFuture::new(timeout_ms);
            match select(fetch, timer).await {
                Either::Left((result, _)) => result,
                Either::Right(_) => {
                    controller.abort();
                    Err(TransportError::Timeout)
                }
            }
        })
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `fetch` (a window's or a worker's).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// One request through the browser's `fetch` straight from `web_sys` (a
/// wrapper crate brought `http` and streams code an app never ran): any
/// failure to build, send or read it is a network failure.
async fn fetch(
    request: HttpRequest,
    credentials: Credentials,
    signal: web_sys::AbortSignal,
) -> Result<HttpResponse, TransportError> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    let network = |_: JsValue| TransportError::Network;
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
    init.set_signal(Some(&signal));
    let headers = web_sys::Headers::new().map_err(network)?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(network)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let built = web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(network)?;
    let response: web_sys::Response = JsFuture::from(global_fetch(&built))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?;
    Ok(HttpResponse {
        status: response.status(),
        body: text.as_string().ok_or(TransportError::Network)?,
    })
}
