//! The whole router: the merchant's server route, the hosted-page API, the
//! platform API and the widget's files, with every layer (body limits, CORS
//! on the server route, compression, security headers, request tracing).

use crate::http::route::{CustomerResolver, RouteState};
use crate::http::state::AppState;
use crate::http::{
    auth_throttle, body_limit, compression, cors, embed_info, extract, hosted_page, openapi,
    platform_api, route, static_files,
};
use crate::platform::EmbeddedPlatform;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// All routes, with the body limits, CORS on the server route, compression,
/// the security headers and request tracing (which logs method, path and
/// status — never bodies or headers). The server route knows customers by
/// `customers`.
pub fn router(state: AppState, customers: Arc<dyn CustomerResolver>) -> Router {
    let route_state = RouteState::new(
        Arc::new(EmbeddedPlatform::new(state.billing.clone())),
        customers,
    )
    .with_create_limits(Arc::clone(&state.create_limits));
    // Every route behind the secret key, with failed keys throttled per client.
    let platform_api = Router::new()
        .route(
            "/api/v1/checkout-sessions",
            get(platform_api::sessions::list_sessions).post(platform_api::sessions::create_session),
        )
        .route(
            "/api/v1/checkout-sessions/{id}",
            get(platform_api::sessions::get_session),
        )
        .route(
            "/api/v1/checkout-sessions/{id}/expire",
            post(platform_api::sessions::expire_session),
        )
        .route(
            "/api/v1/pricing-models/default",
            get(platform_api::customers::default_pricing_model),
        )
        .route(
            "/api/v1/customers",
            post(platform_api::customers::create_customer),
        )
        .route(
            "/api/v1/customers/{id}",
            get(platform_api::customers::get_customer)
                // Customers (issue 15).
                .put(platform_api::customers::update_customer),
        )
        .route(
            "/api/v1/customers/{id}/billing",
            get(platform_api::customers::get_customer_billing),
        )
        // Saved cards (issue 16).
        .route(
            "/api/v1/payment-methods/{id}/remove",
            post(platform_api::customers::remove_payment_method),
        )
        .route(
            "/api/v1/payment-methods/{id}/set-default",
            post(platform_api::customers::set_default_payment_method),
        )
        .route(
            "/api/v1/subscriptions/{id}/cancel",
            post(platform_api::subscriptions::cancel),
        )
        .route(
            "/api/v1/subscriptions/{id}/uncancel",
            post(platform_api::subscriptions::uncancel),
        )
        // Subscription create (issue 15).
        .route(
            "/api/v1/subscriptions",
            post(platform_api::subscriptions::create),
        )
        // Plan changes (issue 15).
        .route(
            "/api/v1/subscriptions/{id}/adjust",
            post(platform_api::subscriptions::adjust),
        )
        // Usage metering (issue 15).
        .route(
            "/api/v1/usage-events",
            post(platform_api::usage::create_usage_event),
        )
        .route(
            "/api/v1/customers/{id}/usage-balances",
            get(platform_api::usage::usage_balances),
        )
        // Resource claims (issue 15).
        .route(
            "/api/v1/resource-claims/{id}/claim",
            post(platform_api::resources::claim),
        )
        .route(
            "/api/v1/resource-claims/{id}/release",
            post(platform_api::resources::release),
        )
        .route(
            "/api/v1/resource-claims/{id}/usages",
            get(platform_api::resources::usages),
        )
        .route(
            "/api/v1/resource-claims/{id}/usage",
            get(platform_api::resources::usage),
        )
        .route(
            "/api/v1/resource-claims/{id}/claims",
            get(platform_api::resources::claims),
        )
        .route(
            "/api/v1/webhook-events",
            get(platform_api::webhook_events::list_events),
        )
        .route(
            "/api/v1/webhook-events/{id}",
            get(platform_api::webhook_events::get_event),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth_throttle::guard,
        ));
    let embedded = Router::new()
        .route("/api/checkout-sessions/{id}", get(hosted_page::get_session))
        .route(
            "/api/checkout-sessions/{id}/confirm",
            post(hosted_page::confirm),
        )
        .route(
            "/api/checkout-sessions/{id}/discount",
            post(hosted_page::discount::apply),
        )
        .route(
            "/api/checkout-sessions/{id}/authenticate",
            post(hosted_page::authenticate::authenticate),
        )
        .route(
            "/api/checkout-sessions/{id}/quantity",
            post(hosted_page::quantity::change),
        )
        .merge(platform_api)
        .route(openapi::PATH, get(openapi::serve))
        .route("/checkout/{id}", get(static_files::hosted))
        .route("/add-payment-method/{id}", get(static_files::hosted));
    assemble(state, route_state, embedded)
}

/// The routes of a server forwarding to a remote platform: the server route
/// (over `route_state`) and the widget's files and pages only — no hosted
/// checkout, platform API or webhooks, which the platform has.
pub fn route_only_router(state: AppState, route_state: RouteState) -> Router {
    assemble(state, route_state, Router::new())
}

/// `extra` with the server route, the widget's files and every layer.
fn assemble(state: AppState, route_state: RouteState, extra: Router<AppState>) -> Router {
    let prefix = state.route_prefix.to_string();
    let security_headers = state.security_headers.clone();
    let server_route = post(route::dispatch)
        .with_state(route_state)
        .options(cors::preflight)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cors::headers,
        ));
    let app_pages = static_files::APP_PATHS
        .iter()
        .fold(Router::new(), |r, path| {
            r.route(path, get(static_files::index))
        });
    let routes = app_pages
        .merge(extra)
        .route(&format!("{prefix}/{{*action}}"), server_route)
        .route("/api/embed", get(embed_info::info))
        .route(static_files::VERSIONED_ROUTE, get(static_files::versioned))
        .route("/healthz", get(static_files::healthz))
        .fallback(static_files::fallback)
        .method_not_allowed_fallback(static_files::method_not_allowed)
        .layer(axum::middleware::from_fn(body_limit::refuse_oversized));
    security_headers
        .apply(compression::apply(routes))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                .on_failure(DefaultOnFailure::new().level(Level::WARN)),
        )
        .with_state(state)
}
