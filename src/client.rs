//! Typed calls to the merchant's server route and to the hosted-page API,
//! with every response read through one envelope parser.

use crate::error::BillingError;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse, SharedTransport, TransportError};
use checkout_protocol::{
    action, CancelSubscriptionParams, CreateActivateSubscriptionCheckoutSessionParams,
    CreateAddPaymentMethodCheckoutSessionParams, CreateCheckoutSessionResponse,
    CreateProductCheckoutSessionParams, CreateUsageEventParams, CustomerBilling, PaymentMethodList,
    PaymentMethodParams, PricingModelResponse, SubscriptionResponse, UncancelSubscriptionParams,
    UsageEventResponse, UsageMeterBalancesParams, UsageMeterBalancesResponse,
    IDEMPOTENCY_KEY_HEADER,
};
use checkout_protocol::{
    AdjustSubscriptionParams, AdjustSubscriptionResponse, ClaimResourceParams,
    ClaimResourceResponse, ListResourceClaimsParams, ReleaseResourceParams,
    ReleaseResourceResponse, ResourceClaimsResponse, ResourceUsagesParams, ResourceUsagesResponse,
};
use flight::Joined;
use futures::future::{FutureExt, LocalBoxFuture};
use json::{JsonObject, Writer};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

mod envelope;
mod flight;
mod hosted_client;
mod hosted_wire;
mod json;
mod pricing_wire;
mod records_wire;
mod requests;
mod resources_wire;
mod session_wire;

use crate::server_route::RetryKeys;
pub use crate::server_route::DEFAULT_SERVER_ROUTE;
// Only the hosted pages (feature `hosted-checkout`) use it.
#[cfg_attr(not(feature = "hosted-checkout"), allow(unused_imports))]
pub use hosted_client::HostedClient;

/// Any call's answer `data`: one future type for every action.
pub(crate) type Answer = LocalBoxFuture<'static, Result<Parsed, BillingError>>;

/// An answer's `data` as the browser parsed it, before an action's reader.
pub(crate) use json::Parsed;

/// A call in flight, shared by every identical caller.
type InFlight = Joined<dyn Future<Output = Result<Parsed, BillingError>>>;

/// A route call taken apart: what to send, and who is told the answer. Every
/// component's call runs as one future type ([`drive`]) over a boxed
/// `Call`, so each action's own code is these two plain functions instead
/// of a state machine of its own (three of those were 15 KB of a panel).
pub(crate) trait Call {
    /// Checks what to send and sends it: the answer to come, or why
    /// nothing was sent.
    fn send(&mut self) -> Result<Answer, BillingError>;
    /// Hands the answer's `data` (or why there is none) to whoever asked;
    /// `Ok` when the call went through.
    fn answered(self: Box<Self>, data: Result<Parsed, BillingError>) -> Result<(), BillingError>;
}

/// Runs `call`: sends at the first poll, then hands it the answer.
pub(crate) async fn drive(mut call: Box<dyn Call>) -> Result<(), BillingError> {
    let data = match call.send() {
        Ok(answer) => answer.await,
        Err(e) => Err(e),
    };
    call.answered(data)
}

/// Where a client's extra headers come from, asked at every call.
pub type HeaderSource = Rc<dyn Fn() -> Vec<(String, String)>>;

/// A client for one server route (`POST {route}/{action}`).
#[derive(Clone)]
pub struct BillingClient {
    route: String,
    headers: HeaderSource,
    transport: SharedTransport,
    /// The change calls in flight by fingerprint: a few at most, so a list
    /// (a hash map linked its hasher into every panel).
    in_flight: Rc<RefCell<Vec<(String, InFlight)>>>,
    retry_keys: Rc<RefCell<RetryKeys>>,
}

impl BillingClient {
    /// A client for `route` that asks `headers` for its extra headers at
    /// every call, so a token that changes after sign-in goes with the next one.
    pub fn with_header_source(
        route: &str,
        headers: HeaderSource,
        transport: SharedTransport,
    ) -> Self {
        let route = route.trim().trim_end_matches('/');
        let route = if route.is_empty() {
            DEFAULT_SERVER_ROUTE
        } else {
            route
        };
        Self {
            route: route.to_owned(),
            headers,
            transport,
            in_flight: Rc::default(),
            retry_keys: Rc::default(),
        }
    }

    /// A read-only call's `data`: one boxed future type for every action
    /// and answer type, so the send and the envelope are in the wasm once.
    fn post(&self, action: &str, body: String) -> Answer {
        Box::pin(
            self.transport
                .send(self.request(action, body, None))
                .map(read_answer),
        )
    }

    /// The `data` of an action that changes something. An identical call
    /// (same action and body) made while this one is in flight joins it
    /// instead of sending again, and every request carries an
    /// `Idempotency-Key`, so a double click can never create two sessions. A
    /// retry after a failure that may have reached the server sends the
    /// failed attempt's key again. Not generic, like [`Self::post`].
    fn post_once(&self, action: &str, body: String) -> Answer {
        let fingerprint = fingerprint(action, &body);
        let existing = self
            .in_flight
            .borrow()
            .iter()
            .find(|(f, _)| *f == fingerprint)
            .map(|(_, call)| call.clone());
        let call = existing.unwrap_or_else(|| {
            let key = self
                .retry_keys
                .borrow()
                .key_for(&fingerprint, crate::browser::random_token);
            let send = self
                .transport
                .send(self.request(action, body, Some(key.clone())));
            let (retry_keys, in_flight) = (self.retry_keys.clone(), self.in_flight.clone());
            let settled = fingerprint.clone();
            let call = InFlight::new(Box::pin(async move {
                let result = read_answer(send.await);
                let unknown = result.as_ref().is_err_and(BillingError::is_retryable);
                retry_keys.borrow_mut().settle(&settled, &key, unknown);
                // Settled: the next identical call is a new one. While this
                // one was listed no other call with its fingerprint could be
                // added, so the fingerprint names it alone.
                in_flight.borrow_mut().retain(|(f, _)| *f != settled);
                result
            }));
            self.in_flight
                .borrow_mut()
                .push((fingerprint, call.clone()));
            call
        });
        Box::pin(call)
    }

    fn request(&self, action: &str, body: String, idempotency_key: Option<String>) -> HttpRequest {
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some(key) = idempotency_key {
            headers.push((IDEMPOTENCY_KEY_HEADER.to_owned(), key));
        }
        headers.extend((self.headers)());
        HttpRequest {
            method: HttpMethod::Post,
            url: [self.route.as_str(), "/", action].concat(),
            headers,
            body: Some(body),
        }
    }

    /// `pricing-models/retrieve`.
    pub fn pricing_model(&self) -> Decode<PricingModelResponse> {
        Decode::new(
            self.post(
                action::PRICING_MODELS_RETRIEVE,
                requests::empty::<Writer>().finish(),
            ),
            pricing_wire::pricing_model_response,
        )
    }

    /// `customers/billing`, with its pricing model read a second time from the
    /// same answer: the provider's state holds it apart (an `Arc`) without
    /// cloning it.
    pub fn customer_billing(&self) -> Decode<(CustomerBilling, checkout_protocol::PricingModel)> {
        Decode::new(
            self.post(
                action::CUSTOMERS_BILLING,
                requests::empty::<Writer>().finish(),
            ),
            pricing_wire::customer_billing,
        )
    }

    /// `checkout-sessions/create`: the answer to come, read by [`session_created`].
    pub(crate) fn send_checkout_session(
        &self,
        params: &CreateProductCheckoutSessionParams,
    ) -> Answer {
        let body = requests::product_checkout::<Writer>(params).finish();
        self.post_once(action::CHECKOUT_SESSIONS_CREATE, body)
    }

    /// `checkout-sessions/create` of one price (`PriceCheckout`'s wire):
    /// only its price, quantity and URLs are written, all it has.
    pub(crate) fn send_price_checkout(
        &self,
        params: &CreateProductCheckoutSessionParams,
    ) -> Answer {
        let body = requests::price_checkout::<Writer>(params).finish();
        self.post_once(action::CHECKOUT_SESSIONS_CREATE, body)
    }

    /// `checkout-sessions/create-activate-subscription` of a component's
    /// activation (`Activation`'s wire): only its URLs and subscription are
    /// written, all it has.
    pub(crate) fn send_activation(
        &self,
        params: &CreateActivateSubscriptionCheckoutSessionParams,
    ) -> Answer {
        self.post_once(
            action::CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION,
            requests::activation_checkout::<Writer>(params).finish(),
        )
    }

    /// `checkout-sessions/create-add-payment-method`, read by [`session_created`].
    pub(crate) fn send_add_payment_method_checkout_session(
        &self,
        params: &CreateAddPaymentMethodCheckoutSessionParams,
    ) -> Answer {
        self.post_once(
            action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD,
            requests::add_payment_method_checkout::<Writer>(params).finish(),
        )
    }

    /// `checkout-sessions/create-activate-subscription`, read by [`session_created`].
    pub(crate) fn send_activate_subscription_checkout_session(
        &self,
        params: &CreateActivateSubscriptionCheckoutSessionParams,
    ) -> Answer {
        self.post_once(
            action::CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION,
            requests::activate_subscription_checkout::<Writer>(params).finish(),
        )
    }

    /// `subscriptions/cancel`, read by [`subscription_changed`].
    pub(crate) fn send_cancel_subscription(&self, params: &CancelSubscriptionParams) -> Answer {
        let body = requests::cancel::<Writer>(params).finish();
        self.post_once(action::SUBSCRIPTIONS_CANCEL, body)
    }

    // Saved cards (issue 16): our extensions beyond Flowglad's protocol.
    /// `payment-methods/remove`: the cards left.
    pub fn remove_payment_method(&self, params: &PaymentMethodParams) -> Decode<PaymentMethodList> {
        Decode::new(
            self.post_once(
                action::PAYMENT_METHODS_REMOVE,
                requests::payment_method::<Writer>(params).finish(),
            ),
            records_wire::payment_method_list,
        )
    }

    /// `payment-methods/set-default`: the cards after the change.
    pub fn set_default_payment_method(
        &self,
        params: &PaymentMethodParams,
    ) -> Decode<PaymentMethodList> {
        Decode::new(
            self.post_once(
                action::PAYMENT_METHODS_SET_DEFAULT,
                requests::payment_method::<Writer>(params).finish(),
            ),
            records_wire::payment_method_list,
        )
    }

    /// `subscriptions/uncancel`, read by [`subscription_changed`].
    pub(crate) fn send_uncancel_subscription(&self, params: &UncancelSubscriptionParams) -> Answer {
        let body = requests::uncancel::<Writer>(params).finish();
        self.post_once(action::SUBSCRIPTIONS_UNCANCEL, body)
    }

    /// `usage-events/create`. Without a `transactionId` it makes one, so the
    /// server can count the event once: a fresh one per call, except that a
    /// retry of an identical call whose outcome was unknown sends the failed
    /// attempt's one again (the same rule as the `Idempotency-Key`).
    pub async fn create_usage_event(
        &self,
        params: &CreateUsageEventParams,
    ) -> Result<UsageEventResponse, BillingError> {
        if params.transaction_id.is_some() {
            return self.send_usage_event(params).await;
        }
        let body = requests::usage_event::<Writer>(params).finish();
        let fingerprint = fingerprint(action::USAGE_EVENTS_CREATE, &body);
        let transaction_id = self
            .retry_keys
            .borrow()
            .key_for(&fingerprint, crate::browser::random_token);
        let with_id = CreateUsageEventParams {
            transaction_id: Some(transaction_id.clone()),
            ..params.clone()
        };
        let result = self.send_usage_event(&with_id).await;
        let unknown = result.as_ref().is_err_and(BillingError::is_retryable);
        self.retry_keys
            .borrow_mut()
            .settle(&fingerprint, &transaction_id, unknown);
        result
    }

    /// `usage-events/create` as it is.
    fn send_usage_event(&self, params: &CreateUsageEventParams) -> Decode<UsageEventResponse> {
        Decode::new(
            self.post_once(
                action::USAGE_EVENTS_CREATE,
                requests::usage_event::<Writer>(params).finish(),
            ),
            resources_wire::usage_event_response,
        )
    }

    /// `usage-meters/balances`.
    pub fn usage_meter_balances(
        &self,
        params: &UsageMeterBalancesParams,
    ) -> Decode<UsageMeterBalancesResponse> {
        Decode::new(
            self.post(
                action::USAGE_METERS_BALANCES,
                requests::usage_meter_balances::<Writer>(params).finish(),
            ),
            records_wire::usage_meter_balances,
        )
    }
}

// ---- plan changes and resource claims (issue 15, part 5) ----

impl BillingClient {
    /// `subscriptions/adjust`, read by [`adjusted`]. Joins an identical
    /// call in flight and carries an `Idempotency-Key`, like every other change.
    pub(crate) fn send_adjust_subscription(&self, params: &AdjustSubscriptionParams) -> Answer {
        self.post_once(action::SUBSCRIPTIONS_ADJUST, Self::adjust_body(params))
    }

    /// The JSON text `subscriptions/adjust` sends for `params`; the hook
    /// compares it to tell a repeated plan change from a different one.
    pub(crate) fn adjust_body(params: &AdjustSubscriptionParams) -> String {
        requests::adjust::<Writer>(params).finish()
    }

    /// `resources/usages`: capacity, claimed and available per resource.
    pub fn resource_usages(&self, params: &ResourceUsagesParams) -> Decode<ResourceUsagesResponse> {
        Decode::new(
            self.post(
                action::RESOURCES_USAGES,
                requests::resource_usages::<Writer>(params).finish(),
            ),
            resources_wire::usages,
        )
    }

    /// `resources/claims`: the active claims.
    pub fn resource_claims(
        &self,
        params: &ListResourceClaimsParams,
    ) -> Decode<ResourceClaimsResponse> {
        Decode::new(
            self.post(
                action::RESOURCES_CLAIMS,
                requests::list_claims::<Writer>(params).finish(),
            ),
            resources_wire::claims,
        )
    }

    /// `resources/claim`.
    pub fn claim_resource(&self, params: &ClaimResourceParams) -> Decode<ClaimResourceResponse> {
        Decode::new(
            self.post_once(
                action::RESOURCES_CLAIM,
                requests::claim::<Writer>(params).finish(),
            ),
            resources_wire::claimed,
        )
    }

    /// `resources/release`.
    pub fn release_resource(
        &self,
        params: &ReleaseResourceParams,
    ) -> Decode<ReleaseResourceResponse> {
        Decode::new(
            self.post_once(
                action::RESOURCES_RELEASE,
                requests::release::<Writer>(params).finish(),
            ),
            resources_wire::released,
        )
    }
}

/// A route answer's `data` through the one envelope reader.
fn read_answer(result: Result<HttpResponse, TransportError>) -> Result<Parsed, BillingError> {
    match result {
        Ok(response) => envelope::read(response.status, json::parse(&response.body), |data| {
            Some(data.clone())
        }),
        Err(TransportError::Network) => Err(BillingError::Network),
        Err(TransportError::Timeout) => Err(BillingError::Timeout),
    }
}

/// An answer's `data` read by an action's reader (`None`: unreadable): the
/// only step generated once per answer type.
fn decode<T>(
    data: Result<Parsed, BillingError>,
    read: fn(&Parsed) -> Option<T>,
) -> Result<T, BillingError> {
    read(&data?).ok_or(BillingError::InvalidResponse)
}

/// The answer of the three "create a checkout session" actions.
pub(crate) fn session_created(
    data: Result<Parsed, BillingError>,
) -> Result<CreateCheckoutSessionResponse, BillingError> {
    decode(data, session_wire::created)
}

/// The answer of `subscriptions/cancel` and `subscriptions/uncancel`.
pub(crate) fn subscription_changed(
    data: Result<Parsed, BillingError>,
) -> Result<SubscriptionResponse, BillingError> {
    decode(data, records_wire::subscription_response)
}

/// The answer of `subscriptions/adjust`.
pub(crate) fn adjusted(
    data: Result<Parsed, BillingError>,
) -> Result<AdjustSubscriptionResponse, BillingError> {
    decode(data, records_wire::adjust_response)
}

/// An action's answer: the call's `data`, then the action's reader. The
/// action's request is built and handed to the transport when it is made.
pub struct Decode<T> {
    answer: Answer,
    read: fn(&Parsed) -> Option<T>,
}

impl<T> Decode<T> {
    fn new(answer: Answer, read: fn(&Parsed) -> Option<T>) -> Self {
        Self { answer, read }
    }
}

impl<T> Future for Decode<T> {
    type Output = Result<T, BillingError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let read = self.read;
        self.answer.as_mut().poll(cx).map(|data| decode(data, read))
    }
}

/// What identifies a call for the in-flight join and the retry keys: its
/// action and body (no `format!`: its machinery stays out of the path).
fn fingerprint(action: &str, body: &str) -> String {
    [action, "\n", body].concat()
}

#[cfg(test)]
mod tests {
    use super::json::Json;
    use super::*;
    use serde::de::DeserializeOwned;

    /// A route answer read as the client reads one, `data` by serde.
    fn read_envelope<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, BillingError> {
        envelope::read(status, json::parse(body), |data| {
            serde_json::from_value(data.value()).ok()
        })
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Thing {
        n: u32,
    }

    #[test]
    fn reads_data() {
        assert_eq!(
            read_envelope::<Thing>(200, r#"{"data":{"n":3}}"#),
            Ok(Thing { n: 3 })
        );
    }

    #[test]
    fn reads_code_json_error() {
        let e = read_envelope::<Thing>(
            404,
            r#"{"error":{"code":"price_not_found","json":{"message":"No such price"}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            BillingError::Api {
                status: 404,
                code: "price_not_found".into(),
                message: "No such price".into()
            }
        );
    }

    #[test]
    fn reads_message_error_even_with_200() {
        let e = read_envelope::<Thing>(
            200,
            r#"{"data":null,"error":{"message":"Customer not found"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "server_error");
        assert_eq!(e.message(), "Customer not found");
        let e = read_envelope::<Thing>(401, r#"{"error":{"message":"Unauthorized"}}"#).unwrap_err();
        assert_eq!(e.code(), "unauthorized");
    }

    #[test]
    fn html_and_empty_error_bodies_become_http_errors() {
        assert_eq!(
            read_envelope::<Thing>(502, "<html>Bad gateway</html>"),
            Err(BillingError::Http { status: 502 })
        );
        assert_eq!(
            read_envelope::<Thing>(500, ""),
            Err(BillingError::Http { status: 500 })
        );
        assert_eq!(
            read_envelope::<Thing>(503, r#"{"oops":1}"#),
            Err(BillingError::Http { status: 503 })
        );
    }

    #[test]
    fn malformed_success_bodies_are_invalid_responses() {
        assert_eq!(
            read_envelope::<Thing>(200, "not json"),
            Err(BillingError::InvalidResponse)
        );
        assert_eq!(
            read_envelope::<Thing>(200, r#"{"data":{"n":"three"}}"#),
            Err(BillingError::InvalidResponse)
        );
        assert_eq!(
            read_envelope::<Thing>(200, r#"{"nothing":true}"#),
            Err(BillingError::InvalidResponse)
        );
    }

    #[test]
    fn error_with_blank_message_gets_a_human_one() {
        let e =
            read_envelope::<Thing>(500, r#"{"error":{"code":"boom","message":""}}"#).unwrap_err();
        assert_eq!(e.code(), "boom");
        assert!(e.message().contains("HTTP 500"));
    }
}
