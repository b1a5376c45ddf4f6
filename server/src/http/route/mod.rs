//! The merchant's server route (`POST {prefix}/{action}`), answering in
//! Flowglad's `{data}` / `{error}` envelope. The customer comes from the
//! merchant's [`CustomerResolver`], never from the body; every action but
//! `pricing-models/retrieve` (the customer's model when signed in, else the
//! default) and `checkout-sessions/create` needs one
//! (401 `customer_required` without). What the route reads and creates
//! lives on a [`BillingPlatform`].

pub(crate) mod checkout_sessions;
pub(crate) mod customers;
pub mod policy;
pub mod prefix;
pub(crate) mod subscriptions;
// Subscription create (issue 15).
pub(crate) mod subscription_create;
pub(crate) mod usage;
// Resource claims (issue 15).
pub(crate) mod resources;

pub use crate::platform::resolver::CustomerResolver;
pub use policy::{BrowserDecidesNothing, CheckoutPolicy, CheckoutRequest};
// Subscription create (issue 15).
pub use policy::SubscriptionsWithoutCheckout;

use crate::domain::error::ApiError;
use crate::http::extract::{ClientPeer, PathParam, RawBody, MAX_BODY_BYTES};
use crate::platform::customer_source::CUSTOMER_REQUIRED_MESSAGE;
use crate::platform::BillingPlatform;
use crate::service::rate_limit::CreateLimits;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use checkout_protocol::{action, Customer, ErrorCode, PricingModelResponse, RouteResponse};
use serde::Serialize;
use std::sync::Arc;

/// What the route needs: a platform to forward to, a way to know the
/// signed-in customer and the merchant's checkout policy; cheap to clone.
#[derive(Clone)]
pub struct RouteState {
    /// Where pricing, customers, sessions and subscriptions live.
    pub platform: Arc<dyn BillingPlatform>,
    /// Who is signed in.
    pub customers: Arc<dyn CustomerResolver>,
    /// Which merchant-only options a create gets (none by default).
    pub policy: Arc<dyn CheckoutPolicy>,
    /// How many checkouts a client address (anonymous) or a customer may
    /// start; [`CreateLimits::default`] unless the server's flags say otherwise.
    pub create_limits: Arc<CreateLimits>,
}

impl std::fmt::Debug for RouteState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RouteState")
    }
}

impl RouteState {
    /// A route over `platform` and `customers` with the default policy
    /// ([`BrowserDecidesNothing`]).
    pub fn new(platform: Arc<dyn BillingPlatform>, customers: Arc<dyn CustomerResolver>) -> Self {
        Self {
            platform,
            customers,
            policy: Arc::new(BrowserDecidesNothing),
            create_limits: Arc::new(CreateLimits::default()),
        }
    }

    /// The same route limiting creates by `limits`.
    pub fn with_create_limits(self, limits: Arc<CreateLimits>) -> Self {
        Self {
            create_limits: limits,
            ..self
        }
    }

    /// The same route deciding merchant-only options with `policy`.
    pub fn with_policy(self, policy: Arc<dyn CheckoutPolicy>) -> Self {
        Self { policy, ..self }
    }

    /// The route as an axum [`Router`] answering `POST /{*action}` (see
    /// [`server_route`]).
    pub fn into_router(self) -> Router {
        Router::new()
            .route("/{*action}", post(dispatch))
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .with_state(self)
    }

    /// The customer a request is signed in as, found or created on the
    /// platform; 401 `customer_required` for an anonymous request.
    async fn require_customer(&self, headers: &HeaderMap) -> Result<Customer, ApiError> {
        let who =
            self.customers.resolve(headers).await?.ok_or_else(|| {
                ApiError::new(ErrorCode::CustomerRequired, CUSTOMER_REQUIRED_MESSAGE)
            })?;
        self.platform.find_or_create_customer(&who).await
    }

    /// [`Self::require_customer`] for a create: the customer's creates are
    /// counted first (by the external id the resolver returned).
    async fn require_customer_to_create(
        &self,
        headers: &HeaderMap,
        peer: Option<std::net::SocketAddr>,
    ) -> Result<Customer, ApiError> {
        let who =
            self.customers.resolve(headers).await?.ok_or_else(|| {
                ApiError::new(ErrorCode::CustomerRequired, CUSTOMER_REQUIRED_MESSAGE)
            })?;
        self.create_limits
            .check_customer(&who.external_id, headers, peer)?;
        self.platform.find_or_create_customer(&who).await
    }
}

/// The server route as an axum [`Router`] answering `POST /{*action}`:
/// nest it where the widget posts (`.nest("/api/billing", …)`). Bodies are
/// limited to 256 KiB. A browser may set no merchant-only option; give a
/// [`CheckoutPolicy`] with [`RouteState::with_policy`] to decide them.
/// Creates are limited as [`CreateLimits::default`] says; anonymous creates
/// per client address only when the app is served with connect info
/// (`into_make_service_with_connect_info::<SocketAddr>()`), since without it
/// the route cannot tell clients apart.
pub fn server_route(
    platform: Arc<dyn BillingPlatform>,
    customers: Arc<dyn CustomerResolver>,
) -> Router {
    RouteState::new(platform, customers).into_router()
}

/// `POST {prefix}/{*action}`: runs the named action.
pub async fn dispatch(
    State(route): State<RouteState>,
    PathParam(action): PathParam,
    ClientPeer(peer): ClientPeer,
    body: RawBody,
) -> Result<Response, ApiError> {
    let body = body.empty_as_object();
    let s = &route;
    let b = &body;
    match action.as_str() {
        action::PRICING_MODELS_RETRIEVE => data(retrieve_pricing_model(s, b).await?),
        action::CUSTOMERS_BILLING => data(customers::billing(s, b).await?),
        action::CHECKOUT_SESSIONS_CREATE => {
            data(checkout_sessions::create_product(s, b, peer).await?)
        }
        action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD => {
            data(checkout_sessions::create_add_payment_method(s, b, peer).await?)
        }
        action::CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION => {
            data(checkout_sessions::create_activate_subscription(s, b, peer).await?)
        }
        action::SUBSCRIPTIONS_CANCEL => data(subscriptions::cancel(s, b).await?),
        action::SUBSCRIPTIONS_UNCANCEL => data(subscriptions::uncancel(s, b).await?),
        action::PAYMENT_METHODS_LIST => data(customers::payment_methods(s, b).await?),
        action::INVOICES_LIST => data(customers::invoices(s, b).await?),
        action::PURCHASES_LIST => data(customers::purchases(s, b).await?),
        // Customers (issue 15).
        action::CUSTOMERS_FIND_OR_CREATE => data(customers::find_or_create(s, b).await?),
        action::CUSTOMERS_UPDATE => data(customers::update(s, b).await?),
        // Usage metering (issue 15).
        action::USAGE_EVENTS_CREATE => data(usage::create(s, b).await?),
        action::USAGE_METERS_BALANCES => data(usage::balances(s, b).await?),
        // Resource claims (issue 15).
        action::RESOURCES_CLAIM => data(resources::claim(s, b).await?),
        action::RESOURCES_RELEASE => data(resources::release(s, b).await?),
        action::RESOURCES_CLAIMS => data(resources::claims(s, b).await?),
        action::RESOURCES_USAGES => data(resources::usages(s, b).await?),
        action::RESOURCES_USAGES_RETRIEVE => data(resources::usage(s, b).await?),
        // Subscription create (issue 15).
        action::SUBSCRIPTIONS_CREATE => data(subscription_create::create(s, b, peer).await?),
        // Plan changes (issue 15).
        action::SUBSCRIPTIONS_ADJUST => data(subscriptions::adjust(s, b).await?),
        // Saved cards (issue 16): our extensions.
        action::PAYMENT_METHODS_REMOVE => data(customers::remove_payment_method(s, b).await?),
        action::PAYMENT_METHODS_SET_DEFAULT => {
            data(customers::set_default_payment_method(s, b).await?)
        }
        other => {
            let shown: String = other.chars().take(80).collect();
            Err(ApiError::not_found(format!(
                "This server route has no action `{shown}`."
            )))
        }
    }
}

/// A 200 `{data}` envelope.
fn data<T: Serialize>(value: T) -> Result<Response, ApiError> {
    Ok(Json(RouteResponse::data(value)).into_response())
}

/// `pricing-models/retrieve`, a hybrid action as on Flowglad: for a
/// signed-in customer their own pricing model (from their billing details,
/// the customer found or created first, as `@flowglad/server`'s
/// `getBilling` does), `source: "customer"`; anonymously the platform's
/// default, `source: "default"`. The body is ignored, and a stale sign-in
/// falls back to anonymous.
#[utoipa::path(post, path = "/api/billing/pricing-models/retrieve", tag = "server route", operation_id = "pricingModelsRetrieve",
    responses((status = 200, description = "`{data}`", body = checkout_protocol::RouteResponse<checkout_protocol::PricingModelResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security((), ("CustomerToken" = [])))]
pub(crate) async fn retrieve_pricing_model(
    route: &RouteState,
    body: &RawBody,
) -> Result<PricingModelResponse, ApiError> {
    let who = match route.customers.resolve(&body.headers).await {
        Ok(who) => who,
        Err(e) if e.code == ErrorCode::Unauthorized => None,
        Err(e) => return Err(e),
    };
    let (pricing_model, source) = match who {
        Some(who) => {
            let customer = route.platform.find_or_create_customer(&who).await?;
            let billing = route.platform.customer_billing(&customer).await?;
            (billing.pricing_model, "customer")
        }
        None => (route.platform.default_pricing_model().await?, "default"),
    };
    Ok(PricingModelResponse {
        pricing_model,
        source: Some(source.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    /// The README's Production section shows the compiled example as it is.
    #[test]
    fn the_readme_shows_the_production_example() {
        let readme = include_str!("../../../../README.md");
        let example = include_str!("../../../examples/production.rs");
        let code = example.find("use axum").map_or("", |at| &example[at..]);
        assert!(!code.is_empty());
        assert!(
            readme.contains(&format!("```rust,ignore\n{code}```")),
            "README.md must show server/examples/production.rs from its first `use`"
        );
    }
}
