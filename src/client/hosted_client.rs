//! The hosted checkout page's client for its own API on the page's origin
//! (`/api/checkout-sessions/{id}…`), apart from the route client: the
//! plain-DOM hosted pages build it without Leptos.

use super::hosted_wire;
use crate::error::BillingError;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse, SharedTransport, TransportError};
use checkout_protocol::{
    AuthenticateRequest, ConfirmPaymentRequest, ConfirmPaymentResponse, HostedCheckoutSession,
};

/// A client for the hosted checkout page's own API on the page's origin.
// Only the hosted pages (feature `hosted-checkout`) call it.
#[cfg_attr(not(feature = "hosted-checkout"), allow(dead_code))]
#[derive(Clone)]
pub struct HostedClient {
    transport: SharedTransport,
}

#[cfg_attr(not(feature = "hosted-checkout"), allow(dead_code))]
impl HostedClient {
    /// A client sending through `transport`.
    pub fn new(transport: SharedTransport) -> Self {
        Self { transport }
    }

    /// Reads a session for display.
    pub async fn session(&self, id: &str) -> Result<HostedCheckoutSession, BillingError> {
        let request = HttpRequest {
            method: HttpMethod::Get,
            url: format!("/api/checkout-sessions/{id}"),
            headers: vec![],
            body: None,
        };
        read_hosted(self.transport.send(request).await, hosted_wire::session)
    }

    /// Applies a discount code to an open session (`None` removes it) and
    /// returns the session with its new totals.
    pub async fn apply_discount(
        &self,
        id: &str,
        code: Option<&str>,
    ) -> Result<HostedCheckoutSession, BillingError> {
        let body = hosted_wire::body(hosted_wire::discount_request(code))
            .ok_or(BillingError::InvalidResponse)?;
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("/api/checkout-sessions/{id}/discount"),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(body),
        };
        read_hosted(self.transport.send(request).await, hosted_wire::session)
    }

    /// Reports how the bank's 3-D Secure challenge `request.authentication_id`
    /// ended; answers like a paid [`Self::confirm`], or with the failure
    /// (`authentication_failed`, a decline, `authentication_expired`).
    pub async fn authenticate(
        &self,
        id: &str,
        request: &AuthenticateRequest,
    ) -> Result<ConfirmPaymentResponse, BillingError> {
        let body = hosted_wire::body(hosted_wire::authenticate_request(request))
            .ok_or(BillingError::InvalidResponse)?;
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("/api/checkout-sessions/{id}/authenticate"),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(body),
        };
        read_hosted(
            self.transport.send(request).await,
            hosted_wire::confirm_response,
        )
    }

    /// Changes the quantity of an open session whose merchant allows it
    /// and returns the session with its new totals.
    pub async fn change_quantity(
        &self,
        id: &str,
        quantity: u32,
    ) -> Result<HostedCheckoutSession, BillingError> {
        let body = hosted_wire::body(hosted_wire::quantity_request(quantity))
            .ok_or(BillingError::InvalidResponse)?;
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("/api/checkout-sessions/{id}/quantity"),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(body),
        };
        read_hosted(self.transport.send(request).await, hosted_wire::session)
    }

    /// Pays a session with a test card; a card whose issuer asks for 3-D
    /// Secure answers with `nextAction` and the session's `authentication`.
    pub async fn confirm(
        &self,
        id: &str,
        payment: &ConfirmPaymentRequest,
    ) -> Result<ConfirmPaymentResponse, BillingError> {
        let body = hosted_wire::body(hosted_wire::confirm_request(payment))
            .ok_or(BillingError::InvalidResponse)?;
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("/api/checkout-sessions/{id}/confirm"),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: Some(body),
        };
        read_hosted(
            self.transport.send(request).await,
            hosted_wire::confirm_response,
        )
    }
}

/// A hosted-page answer, read by hand (`hosted_wire`) rather than by serde.
fn read_hosted<T>(
    result: Result<HttpResponse, TransportError>,
    decode: fn(&wasm_bindgen::JsValue) -> Option<T>,
) -> Result<T, BillingError> {
    match result {
        Ok(response) => hosted_wire::read(response.status, &response.body, decode),
        Err(TransportError::Network) => Err(BillingError::Network),
        Err(TransportError::Timeout) => Err(BillingError::Timeout),
    }
}
