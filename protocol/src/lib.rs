//! Wire types and shared rules for the checkout widget and its billing server.
//!
//! Everything here is plain data and pure functions with no web or server
//! dependencies, so the widget can use it without growing its wasm bundle and
//! the server can rely on the exact same shapes and rules.
#![deny(missing_docs)]

pub mod card;
pub mod checkout;
pub mod email;
pub mod envelope;
pub mod error_code;
pub mod hosted;
pub mod money;
pub mod pricing;
pub mod redirect;

pub use checkout::{
    CheckoutSession, CheckoutSessionStatus, CheckoutSessionType, CreateCheckoutSessionResponse,
    CreateProductCheckoutSessionParams, PriceRef,
};
pub use envelope::{ErrorBody, RouteResponse};
pub use error_code::ErrorCode;
pub use hosted::{
    CardDetails, ConfirmPaymentRequest, ConfirmPaymentResponse, HostedCheckoutSession,
    HostedLineItem,
};
pub use pricing::{IntervalUnit, Price, PriceType, PricingModel, PricingModelResponse, Product};

/// Server-route action keys, exactly as Flowglad's SDK posts them (`POST {prefix}/{action}`).
pub mod action {
    /// Read the pricing model; works without a customer.
    pub const PRICING_MODELS_RETRIEVE: &str = "pricing-models/retrieve";
    /// Read the signed-in customer's billing details.
    pub const CUSTOMERS_BILLING: &str = "customers/billing";
    /// Create a product checkout session.
    pub const CHECKOUT_SESSIONS_CREATE: &str = "checkout-sessions/create";
}

/// The token in a success or cancel URL that is replaced by the session id.
pub const CHECKOUT_SESSION_ID_PLACEHOLDER: &str = "{CHECKOUT_SESSION_ID}";
