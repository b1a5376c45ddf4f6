//! The remote platform: a Flowglad-compatible REST API (Flowglad itself, or
//! another checkout-server's platform API) called over HTTP with a secret
//! key, as `@flowglad/node` calls it.
//!
//! Each attempt has a timeout. Connection failures, 408, 429 and 5xx
//! answers are retried a few times with a growing pause, unless the
//! platform says `x-should-retry: false`; every POST carries an
//! `Idempotency-Key` (the caller's or a fresh one), the same on each retry,
//! so a retried create never makes two sessions. A slow platform is not
//! retried: the customer is waiting. The platform's error answers keep
//! their status, code and message; a platform that cannot be reached, is
//! too slow or answers nonsense is a 502/504 with a `platform_*` code.

use super::{BillingPlatform, CustomerIdentity, IdempotencyKey};
use crate::domain::error::ApiError;
use crate::domain::records::CustomerChanges;
use crate::domain::redirect_hosts::RedirectRule;
use crate::platform::embedded::subscription_not_found;
use async_trait::async_trait;
use checkout_protocol::{
    Cancellation, CancellationTiming, CreateCheckoutSessionResponse, CreateCustomerInput,
    CreateCustomerParams, CreateCustomerResponse, Customer, CustomerBilling, CustomerResponse,
    ErrorBody, ErrorCode, PaymentMethod, PlatformCancelSubscriptionParams,
    PlatformCheckoutSessionInput, PlatformCreateCheckoutSession, PricingModel,
    PricingModelResponse, Subscription, SubscriptionResponse, IDEMPOTENCY_KEY_HEADER,
};
use checkout_protocol::{
    PlatformCreateUsageEvent, UsageEvent, UsageEventInput, UsageEventResponse, UsageMeterBalance,
    UsageMeterBalancesResponse,
};
use checkout_protocol::{UpdateCustomerInput, UpdateCustomerParams};
// Resource claims (issue 15).
use checkout_protocol::{
    ClaimResourceResponse, ReleaseResourceResponse, ResourceClaim, ResourceClaimInput,
    ResourceReleaseInput, ResourceUsageWithClaims,
};
use http::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The default time one attempt may take (the widget gives up at 15 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default number of retries after a failed first attempt.
pub const DEFAULT_RETRIES: u32 = 2;

/// The largest answer read from the platform.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// The longest `Retry-After` honoured; a longer one ends the retries.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);

/// The message of a platform that cannot be reached.
pub const UNAVAILABLE_MESSAGE: &str =
    "The billing service cannot be reached right now. Please try again in a moment.";

/// The message of a platform that answered too slowly.
pub const TIMEOUT_MESSAGE: &str =
    "The billing service is taking too long to answer. Please try again in a moment.";

/// The message of a platform that answered something unreadable.
pub const INVALID_RESPONSE_MESSAGE: &str =
    "The billing service sent an answer this server could not read. Please try again in a moment.";

/// Where the platform is and how patiently to call it.
#[derive(Clone, PartialEq, Eq)]
pub struct RemotePlatformOptions {
    /// The platform's origin (and path prefix, if any), e.g. `https://app.flowglad.com`.
    pub base_url: String,
    /// The secret API key, sent as `Authorization: <key>`.
    pub secret_key: String,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Retries after a failed first attempt (connection failures, 408, 429, 5xx).
    pub retries: u32,
    /// The pause before the first retry; each further one doubles it.
    pub retry_backoff: Duration,
}

// Hand-written so a stray `{:?}` never logs the key.
impl std::fmt::Debug for RemotePlatformOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemotePlatformOptions")
            .field("base_url", &self.base_url)
            .field("secret_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("retry_backoff", &self.retry_backoff)
            .finish()
    }
}

impl RemotePlatformOptions {
    /// The platform at `base_url` with `secret_key`, and the default
    /// timeout (10 s), retries (2) and backoff (200 ms).
    pub fn new(base_url: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            secret_key: secret_key.into(),
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            retry_backoff: Duration::from_millis(200),
        }
    }
}

/// A Flowglad-compatible platform over HTTP; cheap to clone.
#[derive(Clone)]
pub struct RemotePlatform {
    base: Url,
    key: HeaderValue,
    client: reqwest::Client,
    retries: u32,
    retry_backoff: Duration,
    /// Checked before a create is forwarded (see [`Self::with_redirect_rule`]).
    redirect_rule: Option<Arc<RedirectRule>>,
}

impl std::fmt::Debug for RemotePlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemotePlatform")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// One request to the platform.
struct Call<'a> {
    method: Method,
    segments: &'a [&'a str],
    body: Option<Vec<u8>>,
    idempotency_key: Option<String>,
}

/// What one attempt ended in.
enum Attempt {
    /// A final answer (success or an error not worth retrying).
    Done(Result<Vec<u8>, ApiError>),
    /// Worth another try after at least this long.
    Retry(ApiError, Option<Duration>),
}

/// Why a [`RemotePlatform`] cannot be made from its options: the base URL
/// or the key is unusable, or no HTTP client could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidPlatform(pub String);

impl RemotePlatform {
    /// A client for the platform; fails on a base URL that is not an
    /// absolute http(s) URL, a blank key, or a key that cannot be a header.
    pub fn new(options: RemotePlatformOptions) -> Result<Self, InvalidPlatform> {
        let invalid = InvalidPlatform;
        let base = Url::parse(options.base_url.trim()).map_err(|e| {
            invalid(format!(
                "`{}` is not an absolute URL: {e}",
                options.base_url
            ))
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(invalid(format!(
                "`{}` must be an http(s) URL with a host",
                options.base_url
            )));
        }
        if base.cannot_be_a_base() || base.query().is_some() || base.fragment().is_some() {
            return Err(invalid(format!(
                "`{}` must not have a query or fragment",
                options.base_url
            )));
        }
        let key = options.secret_key.trim();
        if key.is_empty() {
            return Err(invalid("the platform key is blank".into()));
        }
        let mut key = HeaderValue::from_str(key)
            .map_err(|_| invalid("the platform key has characters a header cannot carry".into()))?;
        key.set_sensitive(true);
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("checkout-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| invalid(format!("cannot make an HTTP client: {e}")))?;
        Ok(Self {
            base,
            key,
            client,
            retries: options.retries,
            retry_backoff: options.retry_backoff,
            redirect_rule: None,
        })
    }

    /// Refuses (400 `redirect_host_not_allowed`) a create whose success or
    /// cancel URL `rule` does not allow, before it is forwarded: the route
    /// server knows where its own deployment may send customers, and a
    /// refused URL never reaches the platform signed with the merchant's key.
    pub fn with_redirect_rule(mut self, rule: Arc<RedirectRule>) -> Self {
        self.redirect_rule = Some(rule);
        self
    }

    /// The platform URL of `segments` (each percent-encoded as one segment).
    fn url(&self, segments: &[&str]) -> Result<Url, ApiError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ApiError::internal("platform URL", "cannot be a base"))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    async fn get<T: DeserializeOwned>(&self, segments: &[&str]) -> Result<T, ApiError> {
        self.call(Call {
            method: Method::GET,
            segments,
            body: None,
            idempotency_key: None,
        })
        .await
    }

    async fn post<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        body: Option<&impl Serialize>,
        idempotency_key: Option<String>,
    ) -> Result<T, ApiError> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ApiError::internal("cannot write a platform request", e))?;
        self.call(Call {
            method: Method::POST,
            segments,
            body,
            idempotency_key,
        })
        .await
    }

    /// `PUT` of a JSON body; no idempotency key, since a PUT sets the same
    /// state however often it is sent.
    async fn put<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_vec(body)
            .map_err(|e| ApiError::internal("cannot write a platform request", e))?;
        self.call(Call {
            method: Method::PUT,
            segments,
            body: Some(body),
            idempotency_key: None,
        })
        .await
    }

    /// Sends `call`, retrying what is worth retrying, and reads the answer.
    async fn call<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ApiError> {
        let url = self.url(call.segments)?;
        let key = match (&call.method, call.idempotency_key) {
            (&Method::POST, None) => Some(
                crate::domain::ids::new_id("idem_")
                    .map_err(|e| ApiError::internal("no randomness for an idempotency key", e))?,
            ),
            (_, key) => key,
        };
        let mut attempt = 0;
        let bytes = loop {
            match self
                .attempt(&call.method, &url, call.body.as_deref(), key.as_deref())
                .await
            {
                Attempt::Done(result) => break result?,
                Attempt::Retry(error, wait) => {
                    if attempt >= self.retries || wait.is_some_and(|w| w > MAX_RETRY_AFTER) {
                        return Err(error);
                    }
                    let backoff = self.retry_backoff.saturating_mul(1 << attempt.min(8));
                    tokio::time::sleep(wait.unwrap_or(backoff).max(backoff)).await;
                    attempt += 1;
                    tracing::info!(method = %call.method, path = url.path(), attempt, "retrying a platform call");
                }
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| {
            tracing::warn!(method = %call.method, path = url.path(), error = %e, "unreadable platform answer");
            ApiError::new(ErrorCode::PlatformInvalidResponse, INVALID_RESPONSE_MESSAGE)
        })
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Attempt {
        let mut request = self
            .client
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, self.key.clone());
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        if let Some(key) = idempotency_key {
            request = request.header(IDEMPOTENCY_KEY_HEADER, key);
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return transport_failure(method, url, &e),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() <= MAX_RESPONSE_BYTES => {
                    bytes.extend_from_slice(&chunk);
                }
                Ok(Some(_)) => {
                    tracing::warn!(path = url.path(), "platform answer too large");
                    return Attempt::Done(Err(ApiError::new(
                        ErrorCode::PlatformInvalidResponse,
                        INVALID_RESPONSE_MESSAGE,
                    )));
                }
                Ok(None) => break,
                Err(e) => return transport_failure(method, url, &e),
            }
        }
        if status.is_success() {
            return Attempt::Done(Ok(bytes));
        }
        let error = upstream_error(status, &headers, &bytes);
        tracing::warn!(%method, path = url.path(), status = status.as_u16(), code = ?error.upstream.as_ref().map(|u| &u.code), "platform answered an error");
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if should_retry(status, &headers) {
            Attempt::Retry(error, retry_after)
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// A request that got no complete answer: too slow, or not reached.
fn transport_failure(method: &Method, url: &Url, e: &reqwest::Error) -> Attempt {
    if e.is_timeout() {
        tracing::warn!(%method, path = url.path(), "the platform did not answer in time");
        return Attempt::Done(Err(ApiError::new(
            ErrorCode::PlatformTimeout,
            TIMEOUT_MESSAGE,
        )));
    }
    tracing::warn!(%method, path = url.path(), error = %e, "the platform cannot be reached");
    Attempt::Retry(
        ApiError::new(ErrorCode::PlatformUnavailable, UNAVAILABLE_MESSAGE),
        None,
    )
}

/// Whether an error answer is worth another try: the platform's
/// `x-should-retry` when it says, else 408, 429 and 5xx (but 501).
fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers
        .get(crate::domain::error::SHOULD_RETRY_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 429) || (status.is_server_error() && status.as_u16() != 501)
}

/// The platform's error answer as the route's: status, code and message
/// kept. A 401 or 403 means this server's key is wrong, which is not the
/// customer's doing: that is a 502 `platform_unavailable`.
pub fn upstream_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
    if matches!(status.as_u16(), 401 | 403) {
        tracing::error!(
            status = status.as_u16(),
            "the billing platform refused this server's key; check --platform-key"
        );
        return ApiError::new(ErrorCode::PlatformUnavailable, UNAVAILABLE_MESSAGE);
    }
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error = value.get("error");
    // `{error: {code, message, json}}` (ours), `{error: "text"}`, or a
    // top-level `{code, message}` (Flowglad's API errors).
    let body: Option<ErrorBody> = error.and_then(|e| serde_json::from_value(e.clone()).ok());
    let code = body
        .as_ref()
        .and_then(|b| b.code.clone())
        .or_else(|| value.get("code").and_then(Value::as_str).map(str::to_owned))
        .filter(|c| !c.trim().is_empty() && c.len() <= 100);
    let message = body
        .as_ref()
        .and_then(|b| b.human_message().map(str::to_owned))
        .or_else(|| error.and_then(Value::as_str).map(str::to_owned))
        .or_else(|| value.get("message").and_then(Value::as_str).map(str::to_owned))
        .filter(|m| !m.trim().is_empty())
        .map(|m| m.chars().take(500).collect::<String>())
        .unwrap_or_else(|| {
            format!(
                "The billing service answered with an error (HTTP {}). Please try again in a moment.",
                status.as_u16()
            )
        });
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    ApiError::upstream(status, code.as_deref(), message, retry_after)
}

#[async_trait]
impl BillingPlatform for RemotePlatform {
    async fn default_pricing_model(&self) -> Result<PricingModel, ApiError> {
        let answer: PricingModelResponse = self
            .get(&["api", "v1", "pricing-models", "default"])
            .await?;
        Ok(answer.pricing_model)
    }

    async fn find_or_create_customer(&self, who: &CustomerIdentity) -> Result<Customer, ApiError> {
        let found: Result<CustomerResponse, ApiError> = self
            .get(&["api", "v1", "customers", &who.external_id])
            .await;
        match found {
            Ok(answer) => return Ok(answer.customer),
            Err(e) if e.status() == StatusCode::NOT_FOUND => {}
            Err(e) => return Err(e),
        }
        let params = CreateCustomerParams {
            customer: CreateCustomerInput {
                external_id: who.external_id.clone(),
                name: who.name.clone(),
                email: who.email.clone(),
            },
        };
        // Keyed by the external id: two first requests make one customer.
        let key = format!(
            "customer_{}",
            crate::service::idempotency::body_hash(&Value::String(who.external_id.clone()))
        );
        let created: CreateCustomerResponse = self
            .post(&["api", "v1", "customers"], Some(&params), Some(key))
            .await?;
        Ok(created.data.customer)
    }

    async fn customer_billing(&self, customer: &Customer) -> Result<CustomerBilling, ApiError> {
        self.get(&["api", "v1", "customers", &customer.external_id, "billing"])
            .await
    }

    async fn update_customer(
        &self,
        customer: &Customer,
        changes: CustomerChanges,
    ) -> Result<Customer, ApiError> {
        let body = UpdateCustomerParams {
            customer: UpdateCustomerInput {
                name: changes.name,
                email: changes.email,
                ..UpdateCustomerInput::default()
            },
            external_id: None,
        };
        let answer: CustomerResponse = self
            .put(&["api", "v1", "customers", &customer.external_id], &body)
            .await?;
        Ok(answer.customer)
    }

    async fn create_checkout_session(
        &self,
        input: PlatformCheckoutSessionInput,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<CreateCheckoutSessionResponse, ApiError> {
        if let Some(rule) = &self.redirect_rule {
            crate::service::checkout::check_redirect_urls(
                rule,
                input.product.success_url.as_deref(),
                input.product.cancel_url.as_deref(),
            )?;
        }
        let body = PlatformCreateCheckoutSession {
            checkout_session: input,
        };
        let key = idempotency_key.as_ref().map(IdempotencyKey::flattened);
        self.post(&["api", "v1", "checkout-sessions"], Some(&body), key)
            .await
    }

    async fn retrieve_checkout_session(
        &self,
        id: &str,
    ) -> Result<CreateCheckoutSessionResponse, ApiError> {
        self.get(&["api", "v1", "checkout-sessions", id]).await
    }

    // Usage metering (issue 15): `@flowglad/node`'s endpoints.
    async fn create_usage_event(
        &self,
        customer: &Customer,
        event: UsageEventInput,
    ) -> Result<UsageEvent, ApiError> {
        // A retry of the same event is the same request: keyed by the
        // customer and transactionId, so the platform sees one create.
        let key = format!(
            "usage_{}",
            crate::service::idempotency::body_hash(&serde_json::json!([
                customer.external_id,
                event.transaction_id
            ]))
        );
        let body = PlatformCreateUsageEvent { usage_event: event };
        let answer: UsageEventResponse = self
            .post(&["api", "v1", "usage-events"], Some(&body), Some(key))
            .await?;
        Ok(answer.usage_event)
    }

    async fn usage_meter_balances(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
    ) -> Result<Vec<UsageMeterBalance>, ApiError> {
        let answer: UsageMeterBalancesResponse = self
            .get(&[
                "api",
                "v1",
                "customers",
                &customer.external_id,
                "usage-balances",
            ])
            .await?;
        // Narrowed here rather than by query, so the request has no query to encode.
        Ok(answer
            .usage_meter_balances
            .into_iter()
            .filter(|b| subscription_id.is_none_or(|id| b.subscription_id == id))
            .collect())
    }

    // Resource claims (issue 15): `@flowglad/node`'s `resourceClaims`. The
    // subscription is checked to be the customer's first, as
    // `@flowglad/server` does before each call.
    async fn claim_resource(
        &self,
        customer: &Customer,
        subscription_id: &str,
        input: ResourceClaimInput,
    ) -> Result<ClaimResourceResponse, ApiError> {
        self.check_owner(customer, subscription_id).await?;
        self.post(
            &["api", "v1", "resource-claims", subscription_id, "claim"],
            Some(&input),
            None,
        )
        .await
    }

    async fn release_resource(
        &self,
        customer: &Customer,
        subscription_id: &str,
        input: ResourceReleaseInput,
    ) -> Result<ReleaseResourceResponse, ApiError> {
        self.check_owner(customer, subscription_id).await?;
        self.post(
            &["api", "v1", "resource-claims", subscription_id, "release"],
            Some(&input),
            None,
        )
        .await
    }

    async fn resource_usages(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<Vec<ResourceUsageWithClaims>, ApiError> {
        self.check_owner(customer, subscription_id).await?;
        self.get(&["api", "v1", "resource-claims", subscription_id, "usages"])
            .await
    }

    async fn resource_claims(
        &self,
        customer: &Customer,
        subscription_id: &str,
        resource_slug: Option<&str>,
    ) -> Result<Vec<ResourceClaim>, ApiError> {
        // Narrowed here from `…/usages` (whose entries name the resource's
        // slug) rather than by query, so the request has no query to encode.
        Ok(self
            .resource_usages(customer, subscription_id)
            .await?
            .into_iter()
            .filter(|u| resource_slug.is_none_or(|slug| u.usage.resource_slug == slug))
            .flat_map(|u| u.claims)
            .collect())
    }

    // Subscription create (issue 15): `@flowglad/node`'s
    // `subscriptions.create`, for `customer` whatever the params name, the
    // quantity defaulting to 1 as `@flowglad/server` sends it.
    async fn create_subscription(
        &self,
        customer: &Customer,
        params: checkout_protocol::CreateSubscriptionParams,
    ) -> Result<Subscription, ApiError> {
        let body = checkout_protocol::CreateSubscriptionParams {
            customer_id: Some(customer.id.clone()),
            customer_external_id: None,
            quantity: Some(params.quantity.unwrap_or(1.0)),
            ..params
        };
        let answer: checkout_protocol::CreateSubscriptionResponse = self
            .post(&["api", "v1", "subscriptions"], Some(&body), None)
            .await?;
        Ok(answer.subscription)
    }

    async fn cancel_subscription(
        &self,
        customer: &Customer,
        subscription_id: &str,
        timing: CancellationTiming,
    ) -> Result<Subscription, ApiError> {
        self.check_owner(customer, subscription_id).await?;
        let body = PlatformCancelSubscriptionParams {
            cancellation: Cancellation { timing },
        };
        let answer: SubscriptionResponse = self
            .post(
                &["api", "v1", "subscriptions", subscription_id, "cancel"],
                Some(&body),
                None,
            )
            .await?;
        Ok(answer.subscription)
    }

    // Plan changes (issue 15).
    async fn adjust_subscription(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
        request: super::AdjustRequest,
    ) -> Result<checkout_protocol::AdjustSubscriptionResponse, ApiError> {
        let id = self
            .current_subscription_id(customer, subscription_id)
            .await?;
        let body = checkout_protocol::PlatformAdjustSubscription {
            adjustment: checkout_protocol::SubscriptionAdjustment {
                timing: request.timing,
                // Flowglad's server SDK sends every quantity (absent = 1).
                new_subscription_items: request
                    .items
                    .into_iter()
                    .map(|item| checkout_protocol::TerseSubscriptionItem {
                        quantity: Some(item.quantity.unwrap_or(1.0)),
                        ..item
                    })
                    .collect(),
                // Only immediate and auto changes carry proration.
                prorate_current_billing_period: (request.timing
                    != checkout_protocol::AdjustmentTiming::AtEndOfCurrentBillingPeriod)
                    .then_some(request.prorate),
            },
        };
        self.post(
            &["api", "v1", "subscriptions", &id, "adjust"],
            Some(&body),
            None,
        )
        .await
    }

    // Saved cards (issue 16).
    async fn remove_payment_method(
        &self,
        customer: &Customer,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError> {
        self.change_card(customer, payment_method_id, "remove")
            .await
    }

    async fn set_default_payment_method(
        &self,
        customer: &Customer,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError> {
        self.change_card(customer, payment_method_id, "set-default")
            .await
    }

    async fn uncancel_subscription(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<Subscription, ApiError> {
        self.check_owner(customer, subscription_id).await?;
        let answer: SubscriptionResponse = self
            .post(
                &["api", "v1", "subscriptions", subscription_id, "uncancel"],
                None::<&Value>,
                None,
            )
            .await?;
        Ok(answer.subscription)
    }
}

impl RemotePlatform {
    // Saved cards (issue 16).
    /// Posts `…/payment-methods/{id}/{verb}` once `customer` is known to
    /// have the card (the platform acts on any card the key can see), and
    /// answers the cards after the change.
    async fn change_card(
        &self,
        customer: &Customer,
        id: &str,
        verb: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError> {
        if !checkout_protocol::is_payment_method_id(id) {
            return Err(crate::domain::saved_cards::not_found());
        }
        let billing = self.customer_billing(customer).await?;
        if !billing.payment_methods.iter().any(|m| m.id == id) {
            return Err(crate::domain::saved_cards::not_found());
        }
        let answer: checkout_protocol::PaymentMethodList = self
            .post(
                &["api", "v1", "payment-methods", id, verb],
                None::<&Value>,
                None,
            )
            .await?;
        Ok(answer.data)
    }

    /// 404 `subscription_not_found` unless `customer` has the subscription:
    /// the platform's cancel and uncancel take any id the key can see.
    /// `subscription_id`, or the customer's one current subscription, as
    /// `@flowglad/server`'s `adjustSubscription` resolves it.
    async fn current_subscription_id(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
    ) -> Result<String, ApiError> {
        if let Some(id) = subscription_id {
            self.check_owner(customer, id).await?;
            return Ok(id.to_owned());
        }
        let billing = self.customer_billing(customer).await?;
        let current: Vec<_> = billing
            .current_subscriptions
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.id)
            .collect();
        match current.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(ApiError::new(
                checkout_protocol::ErrorCode::SubscriptionRequired,
                "You have no current subscription to change.",
            )),
            _ => Err(ApiError::new(
                checkout_protocol::ErrorCode::SubscriptionAmbiguous,
                "You have several current subscriptions; give subscriptionId to say which one to change.",
            )),
        }
    }

    async fn check_owner(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<(), ApiError> {
        let billing = self.customer_billing(customer).await?;
        if billing
            .subscriptions
            .iter()
            .any(|s| s.id == subscription_id)
        {
            Ok(())
        } else {
            Err(subscription_not_found(subscription_id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(base: &str) -> Result<RemotePlatform, InvalidPlatform> {
        RemotePlatform::new(RemotePlatformOptions::new(base, "sk_test_x"))
    }

    #[test]
    fn base_urls_are_checked_and_paths_encoded() {
        for bad in [
            "",
            "flowglad.com",
            "ftp://x.test",
            "https://x.test/?a=1",
            "mailto:a@b.c",
        ] {
            assert!(platform(bad).is_err(), "{bad}");
        }
        assert!(RemotePlatform::new(RemotePlatformOptions::new("https://x.test", " ")).is_err());
        let p = platform("https://api.example.com/flowglad/").unwrap();
        assert_eq!(
            p.url(&["api", "v1", "customers", "a b/c?"])
                .unwrap()
                .as_str(),
            "https://api.example.com/flowglad/api/v1/customers/a%20b%2Fc%3F"
        );
        let p = platform("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            p.url(&["api", "v1", "pricing-models", "default"])
                .unwrap()
                .as_str(),
            "http://127.0.0.1:9000/api/v1/pricing-models/default"
        );
        assert!(!format!(
            "{:?}",
            RemotePlatformOptions::new("https://x.test", "sk_live_secret")
        )
        .contains("sk_live"));
    }

    #[test]
    fn error_answers_keep_status_code_and_message() {
        let none = HeaderMap::new();
        let ours = br#"{"error":{"code":"price_not_found","message":"No price with slug `x` is on sale.","json":{"message":"No price with slug `x` is on sale."}},"message":"No price with slug `x` is on sale."}"#;
        let e = upstream_error(StatusCode::NOT_FOUND, &none, ours);
        assert_eq!(
            (e.code, e.status().as_u16()),
            (ErrorCode::PriceNotFound, 404)
        );
        assert_eq!(e.message, "No price with slug `x` is on sale.");
        let flowglad = br#"{"code":"BAD_REQUEST","message":"Invalid price"}"#;
        let e = upstream_error(StatusCode::BAD_REQUEST, &none, flowglad);
        assert_eq!(
            e.upstream.as_ref().map(|u| u.code.as_str()),
            Some("BAD_REQUEST")
        );
        assert_eq!(e.message, "Invalid price");
        let html = b"<html>502 Bad Gateway</html>";
        let e = upstream_error(StatusCode::BAD_GATEWAY, &none, html);
        assert_eq!(e.status().as_u16(), 502);
        assert!(e.message.contains("HTTP 502"), "{}", e.message);
        let e = upstream_error(StatusCode::UNAUTHORIZED, &none, ours);
        assert_eq!(
            (e.code, e.status().as_u16()),
            (ErrorCode::PlatformUnavailable, 502)
        );
    }

    #[test]
    fn what_is_retried() {
        let none = HeaderMap::new();
        assert!(should_retry(StatusCode::INTERNAL_SERVER_ERROR, &none));
        assert!(should_retry(StatusCode::TOO_MANY_REQUESTS, &none));
        assert!(should_retry(StatusCode::SERVICE_UNAVAILABLE, &none));
        assert!(!should_retry(StatusCode::NOT_IMPLEMENTED, &none));
        assert!(!should_retry(StatusCode::CONFLICT, &none));
        let mut no = HeaderMap::new();
        no.insert(
            crate::domain::error::SHOULD_RETRY_HEADER,
            HeaderValue::from_static("false"),
        );
        assert!(!should_retry(StatusCode::SERVICE_UNAVAILABLE, &no));
    }
}
