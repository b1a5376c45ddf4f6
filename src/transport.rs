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
            use gloo_net::http::{Method, RequestBuilder};

            let controller =
                web_sys::AbortController::new().map_err(|_| TransportError::Network)?;
            let method = match request.method {
                HttpMethod::Get => Method::GET,
                HttpMethod::Post => Method::POST,
            };
            let mut builder = RequestBuilder::new(&request.url)
                .method(method)
                .abort_signal(Some(&controller.signal()))
                .credentials(match credentials {
                    Credentials::SameOrigin => web_sys::RequestCredentials::SameOrigin,
                    Credentials::Include => web_sys::RequestCredentials::Include,
                    Credentials::Omit => web_sys::RequestCredentials::Omit,
                });
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            let built = match request.body {
                Some(body) => builder.body(body),
                None => builder.build(),
            }
            .map_err(|_| TransportError::Network)?;

            let fetch = Box::pin(async move {
                let response = built.send().await.map_err(|_| TransportError::Network)?;
                let status = response.status();
                let body = response.text().await.map_err(|_| TransportError::Network)?;
                Ok(HttpResponse { status, body })
            });
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
