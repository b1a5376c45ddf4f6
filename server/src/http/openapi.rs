//! The OpenAPI 3.1 description of the server's JSON APIs — the merchant
//! server route, the hosted-page API and the platform API — generated from
//! the handlers' `#[utoipa::path]` annotations and the wire types' schemas
//! (`checkout-protocol`'s `openapi` feature), and served at
//! `GET /api/openapi.json`. The fuzzing tier feeds it to schemathesis.
//!
//! The route's paths are written under the default prefix and moved to the
//! configured one when the document is rendered at start.

use crate::http::route::prefix::DEFAULT_ROUTE_PREFIX;
use crate::http::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Where the document is served.
pub const PATH: &str = "/api/openapi.json";

/// The document as utoipa builds it.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "checkout-server",
        description = "The reference billing server of the checkout widget: the merchant server route (Flowglad's protocol), the hosted checkout page's API and the platform API. Errors answer `{error: {code, message, json: {message}}, message}` with a stable `code`."
    ),
    paths(
        crate::http::route::retrieve_pricing_model,
        crate::http::route::customers::billing,
        crate::http::route::customers::payment_methods,
        crate::http::route::customers::invoices,
        crate::http::route::customers::purchases,
        crate::http::route::checkout_sessions::create_product,
        crate::http::route::checkout_sessions::create_add_payment_method,
        crate::http::route::checkout_sessions::create_activate_subscription,
        crate::http::route::subscriptions::cancel,
        crate::http::route::subscriptions::uncancel,
        crate::http::hosted_page::get_session,
        crate::http::hosted_page::confirm,
        crate::http::hosted_page::discount::apply,
        crate::http::hosted_page::quantity::change,
        crate::http::platform_api::sessions::create_session,
        crate::http::platform_api::sessions::list_sessions,
        crate::http::platform_api::sessions::get_session,
        crate::http::platform_api::sessions::expire_session,
        crate::http::platform_api::customers::default_pricing_model,
        crate::http::platform_api::customers::create_customer,
        crate::http::platform_api::customers::get_customer,
        crate::http::platform_api::customers::get_customer_billing,
        crate::http::platform_api::subscriptions::cancel,
        crate::http::platform_api::subscriptions::uncancel,
        crate::http::platform_api::webhook_events::list_events,
        crate::http::platform_api::webhook_events::get_event,
        // Customers (issue 15).
        crate::http::route::customers::find_or_create,
        crate::http::route::customers::update,
        crate::http::platform_api::customers::update_customer,
        // Usage metering (issue 15).
        crate::http::route::usage::create,
        crate::http::route::usage::balances,
        crate::http::platform_api::usage::create_usage_event,
        crate::http::platform_api::usage::usage_balances,
        // Resource claims (issue 15).
        crate::http::route::resources::claim,
        crate::http::route::resources::release,
        crate::http::route::resources::claims,
        crate::http::route::resources::usages,
        crate::http::route::resources::usage,
        crate::http::platform_api::resources::claim,
        crate::http::platform_api::resources::release,
        crate::http::platform_api::resources::usages,
        crate::http::platform_api::resources::usage,
        crate::http::platform_api::resources::claims,
        // Subscription create (issue 15).
        crate::http::route::subscription_create::create,
        crate::http::platform_api::subscriptions::create,
        // Plan changes (issue 15).
        crate::http::route::subscriptions::adjust,
        crate::http::platform_api::subscriptions::adjust,
        // 3-D Secure in test mode (issue 16).
        crate::http::hosted_page::authenticate::authenticate,
        // Saved cards (issue 16).
        crate::http::route::customers::remove_payment_method,
        crate::http::route::customers::set_default_payment_method,
        crate::http::platform_api::customers::remove_payment_method,
        crate::http::platform_api::customers::set_default_payment_method,
    ),
    components(schemas(crate::http::error::ErrorResponse, checkout_protocol::ErrorCode)),
    modifiers(&Credentials),
    tags(
        (name = "server route", description = "`POST {prefix}/{action}` on the merchant's server; the customer comes from `Authorization: Bearer <token>` or the `session` cookie, never the body"),
        (name = "hosted page", description = "What the hosted checkout page reads and posts; anyone holding the unguessable session id may pay"),
        (name = "platform API", description = "What a merchant's backend calls with the secret key"),
    )
)]
pub struct ApiDoc;

/// The two kinds of credentials.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "PlatformKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "The platform secret key itself (no `Bearer`), as @flowglad/node sends it",
            ))),
        );
        components.add_security_scheme(
            "CustomerToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The merchant's signed customer JWT (`--customer-jwt-secret` / `--customer-jwks`; `sub` is the customer's id), or in the embedded demo a catalog sign-in token; the cookie named by `--customer-cookie` (default `session`) works too. A present but invalid or expired token is 401 `unauthorized`",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document with the route mounted at `route_prefix`.
pub fn document(route_prefix: &str) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let paths = std::mem::take(&mut doc.paths.paths);
    for (path, item) in paths {
        let path = match path.strip_prefix(DEFAULT_ROUTE_PREFIX) {
            Some(action) if action.starts_with('/') => format!("{route_prefix}{action}"),
            _ => path,
        };
        doc.paths.paths.insert(path, item);
    }
    doc
}

/// [`document`] as JSON bytes, made once at start.
pub fn render(route_prefix: &str) -> Result<Bytes, serde_json::Error> {
    serde_json::to_vec(&document(route_prefix)).map(Bytes::from)
}

/// `GET /api/openapi.json`.
pub async fn serve(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        state.openapi.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_is_described_under_the_configured_prefix() {
        let doc = document("/billing");
        let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
        for path in [
            "/billing/checkout-sessions/create",
            "/billing/customers/billing",
            "/billing/subscriptions/cancel",
            "/api/checkout-sessions/{id}/confirm",
            "/api/v1/checkout-sessions",
            "/api/v1/checkout-sessions/{id}/expire",
            "/api/v1/webhook-events/{id}",
            "/api/v1/pricing-models/default",
            "/api/v1/customers",
            "/api/v1/customers/{externalId}",
            "/api/v1/customers/{externalId}/billing",
            "/api/v1/subscriptions/{id}/cancel",
            "/api/v1/subscriptions/{id}/uncancel",
            // Customers (issue 15).
            "/billing/customers/find-or-create",
            "/billing/customers/update",
            // Usage metering (issue 15).
            "/billing/usage-events/create",
            "/billing/usage-meters/balances",
            "/api/v1/usage-events",
            "/api/v1/customers/{externalId}/usage-balances",
            // Resource claims (issue 15).
            "/billing/resources/claim",
            "/billing/resources/release",
            "/billing/resources/claims",
            "/billing/resources/usages",
            "/billing/resources/usages/retrieve",
            "/api/v1/resource-claims/{subscriptionId}/claim",
            "/api/v1/resource-claims/{subscriptionId}/release",
            "/api/v1/resource-claims/{subscriptionId}/usages",
            "/api/v1/resource-claims/{subscriptionId}/usage",
            "/api/v1/resource-claims/{subscriptionId}/claims",
            // Subscription create (issue 15).
            "/billing/subscriptions/create",
            "/api/v1/subscriptions",
            // Plan changes (issue 15).
            "/billing/subscriptions/adjust",
            "/api/v1/subscriptions/{id}/adjust",
            // 3-D Secure in test mode (issue 16).
            "/api/checkout-sessions/{id}/authenticate",
            // Saved cards (issue 16).
            "/billing/payment-methods/remove",
            "/billing/payment-methods/set-default",
            "/api/v1/payment-methods/{id}/remove",
            "/api/v1/payment-methods/{id}/set-default",
        ] {
            assert!(paths.contains(&path), "{path} missing from {paths:?}");
        }
        assert!(
            !paths.iter().any(|p| p.starts_with("/api/billing")),
            "{paths:?}"
        );
        // 24, customers/find-or-create and customers/update, and the four
        // usage metering paths, the ten resource claim paths,
        // subscriptions/create with POST /api/v1/subscriptions, and the two
        // plan change paths (issue 15), authenticate (issue 16, 3-D Secure),
        // the four saved-card paths and the quantity change (issue 16).
        assert_eq!(paths.len(), 50, "{paths:?}");
        let json = serde_json::to_value(&doc).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3."));
        let schemas = &json["components"]["schemas"];
        for name in [
            "CreateProductCheckoutSessionParams",
            "BrowserCheckoutSessionParams",
            "CheckoutSession",
            "ErrorResponse",
            "ConfirmPaymentRequest",
            // 3-D Secure in test mode (issue 16).
            "AuthenticateRequest",
            "PendingAuthentication",
            "UsageEventResponse",
            "UsageMeterBalancesResponse",
            "ClaimResourceResponse",
            "ResourceUsageWithClaims",
            // Subscription create (issue 15).
            "CreateSubscriptionParams",
            "CreateSubscriptionResponse",
            // Session fields and modes (issue 16).
            "PaymentStatus",
            "CheckoutMode",
            // Receipts and branding (issue 16, items 3 and 6).
            "HostedCheckoutSession",
            "Branding",
            // Saved cards (issue 16).
            "SavedPaymentMethod",
            "PaymentMethodParams",
        ] {
            assert!(schemas.get(name).is_some(), "{name} missing");
        }
        let hosted = &schemas["HostedCheckoutSession"]["properties"];
        for field in ["paidAt", "purchaseId", "subscriptionId", "branding"] {
            assert!(hosted.get(field).is_some(), "HostedCheckoutSession.{field}");
        }
        // Session fields and modes (issue 16): the session names its payment
        // status and what it made; the platform create takes a mode.
        let session = &schemas["CheckoutSession"]["properties"];
        for field in ["paymentStatus", "subscriptionId", "purchaseId"] {
            assert!(
                session.get(field).is_some(),
                "CheckoutSession.{field} missing"
            );
        }
        // The input flattens the product params, so its own fields sit in
        // one of the `allOf` parts.
        let input = &schemas["PlatformCheckoutSessionInput"];
        let parts = input["allOf"].as_array().cloned().unwrap_or_default();
        assert!(
            std::iter::once(input)
                .chain(parts.iter())
                .any(|part| part["properties"].get("mode").is_some()),
            "PlatformCheckoutSessionInput.mode missing: {input}"
        );
        assert!(
            schemas["BrowserCheckoutSessionParams"]["properties"]
                .get("mode")
                .is_none(),
            "a browser may not send a mode"
        );
        assert_eq!(
            json["components"]["securitySchemes"]["PlatformKey"]["name"],
            "Authorization"
        );
        assert_eq!(
            json["paths"]["/api/v1/checkout-sessions"]["post"]["security"][0]["PlatformKey"],
            serde_json::json!([])
        );
    }
}
