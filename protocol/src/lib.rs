//! Wire types and shared rules for the checkout widget and its billing server.
//!
//! Everything here is plain data and pure functions with no web or server
//! dependencies, so the widget can use it without growing its wasm bundle and
//! the server can rely on the exact same shapes and rules.
#![deny(missing_docs)]

pub mod billing;
// Merchant branding on the hosted page (issue 16, item 6).
pub mod branding;
pub mod card;
pub mod checkout;
pub mod customer;
pub mod email;
pub mod envelope;
pub mod error_code;
pub mod hosted;
pub mod money;
// Plan changes and server-created subscriptions (issue 15).
pub mod plan_change;
pub mod pricing;
pub mod quantity;
pub mod redirect;
// Signed success-redirect parameters (issue 16, item 4).
pub mod redirect_signature;
pub mod subscription;
// Tax IDs on the hosted page (issue 16, item 8).
pub mod tax_id;
pub mod usage;
// Resource claims (issue 15).
pub mod resource;
pub mod webhook;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;

pub use billing::{
    CreateActivateSubscriptionCheckoutSessionParams, CreateAddPaymentMethodCheckoutSessionParams,
    CustomerBilling, Invoice, InvoiceLineItem, InvoiceList, InvoiceWithLineItems, PaymentMethod,
    PaymentMethodList, PaymentMethodParams, Purchase, PurchaseList, RecordList,
};
pub use checkout::{
    BillingAddressCollection, BrowserCheckoutSessionParams, CheckoutSession, CheckoutSessionList,
    CheckoutSessionStatus, CheckoutSessionType, CreateCheckoutSessionResponse,
    CreateProductCheckoutSessionParams, LineItemParams, MerchantCheckoutOptions,
    PlatformCheckoutSessionInput, PlatformCreateCheckoutSession, PriceRef, MERCHANT_ONLY_FIELDS,
};
// Session fields and modes (issue 16).
pub use branding::Branding;
pub use checkout::{CheckoutMode, PaymentStatus};
pub use customer::{
    CreateCustomerInput, CreateCustomerParams, CreateCustomerResponse, Customer, CustomerResponse,
    UpdateCustomerInput, UpdateCustomerParams,
};
pub use envelope::{ErrorBody, RouteResponse};
pub use error_code::ErrorCode;
pub use hosted::{
    ApplyDiscountRequest, BillingAddress, CardDetails, ConfirmPaymentRequest,
    ConfirmPaymentResponse, HostedCheckoutSession, HostedLineItem,
};
// 3-D Secure in test mode (issue 16).
pub use hosted::{AuthenticateRequest, AuthenticationOutcome, NextAction, PendingAuthentication};
// Saved cards (issue 16).
pub use hosted::{
    is_payment_method_id, PaymentSource, SavedPaymentMethod, MAX_PAYMENT_METHOD_ID_LEN,
    PAYMENT_METHOD_NOT_FOUND_MESSAGE,
};
pub use pricing::{IntervalUnit, Price, PriceType, PricingModel, PricingModelResponse, Product};
pub use subscription::{
    CancelSubscriptionParams, Cancellation, CancellationTiming, PlatformCancelSubscriptionParams,
    Subscription, SubscriptionExperimental, SubscriptionFeatureItem, SubscriptionResponse,
    SubscriptionStatus, UncancelSubscriptionParams, UsageMeterBalance,
};
// Features and usage meters (issue 15).
pub use pricing::{AggregationType, Feature, FeatureType, RenewalFrequency, UsageMeter};
pub use quantity::{Quantity, QuantityError};
// Adjustable quantity and tax IDs (issue 16, item 8).
pub use hosted::ChangeQuantityRequest;
pub use quantity::{
    AdjustableQuantity, AdjustableQuantityError, QuantityBounds, DEFAULT_ADJUSTABLE_MAXIMUM,
};
pub use redirect::{RedirectUrl, RedirectUrlError, UrlRole};
pub use tax_id::{TaxId, TaxIdError, TaxIdType};
pub use usage::{
    is_valid_usage_amount, CreateUsageEventParams, PlatformCreateUsageEvent, UsageEvent,
    UsageEventInput, UsageEventResponse, UsageMeterBalancesParams, UsageMeterBalancesResponse,
    MAX_USAGE_AMOUNT, USAGE_AMOUNT_MESSAGE,
};
// Resource claims (issue 15).
pub use resource::{
    ClaimResourceParams, ClaimResourceResponse, ListResourceClaimsParams, ReleaseResourceParams,
    ReleaseResourceResponse, ResourceClaim, ResourceClaimInput, ResourceClaimsResponse,
    ResourceReleaseInput, ResourceUsage, ResourceUsageParams, ResourceUsageWithClaims,
    ResourceUsagesParams, ResourceUsagesResponse,
};
// Plan changes and server-created subscriptions (issue 15).
pub use plan_change::{
    AdjustParamsError, AdjustSubscriptionParams, AdjustSubscriptionResponse, AdjustmentTiming,
    CreateSubscriptionParams, CreateSubscriptionResponse, PlatformAdjustSubscription,
    ResolvedAdjustmentTiming, SubscriptionAdjustment, SubscriptionItem, TerseSubscriptionItem,
};
pub use webhook::{
    CheckoutSessionCompletedData, CheckoutSessionExpiredData, CheckoutSessionPaymentFailedData,
    WebhookEvent, WebhookEventType,
};

/// Server-route action keys, exactly as Flowglad's SDK posts them (`POST {prefix}/{action}`).
pub mod action {
    /// Read the pricing model; works without a customer.
    pub const PRICING_MODELS_RETRIEVE: &str = "pricing-models/retrieve";
    /// Read the signed-in customer's billing details.
    pub const CUSTOMERS_BILLING: &str = "customers/billing";
    /// Create a product checkout session.
    pub const CHECKOUT_SESSIONS_CREATE: &str = "checkout-sessions/create";
    /// Create a session that saves a payment method.
    pub const CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD: &str =
        "checkout-sessions/create-add-payment-method";
    /// Create a session that starts billing an existing subscription.
    pub const CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION: &str =
        "checkout-sessions/create-activate-subscription";
    /// Cancel a subscription (now or at period end).
    pub const SUBSCRIPTIONS_CANCEL: &str = "subscriptions/cancel";
    /// Undo a scheduled cancellation.
    pub const SUBSCRIPTIONS_UNCANCEL: &str = "subscriptions/uncancel";
    /// List the customer's payment methods.
    pub const PAYMENT_METHODS_LIST: &str = "payment-methods/list";
    /// List the customer's invoices.
    pub const INVOICES_LIST: &str = "invoices/list";
    /// List the customer's purchases.
    pub const PURCHASES_LIST: &str = "purchases/list";

    // Customers (issue 15).
    /// Find the signed-in customer, creating them on the platform if new.
    pub const CUSTOMERS_FIND_OR_CREATE: &str = "customers/find-or-create";
    /// Change the signed-in customer's name or email.
    pub const CUSTOMERS_UPDATE: &str = "customers/update";
    // Usage metering (issue 15).
    /// Record a usage event on one of the customer's current subscriptions.
    pub const USAGE_EVENTS_CREATE: &str = "usage-events/create";
    /// The customer's usage meter balances.
    pub const USAGE_METERS_BALANCES: &str = "usage-meters/balances";

    // Resource claims (issue 15).
    /// Claim a resource (anonymous by quantity, or named by `externalId`).
    pub const RESOURCES_CLAIM: &str = "resources/claim";
    /// Release claims (anonymous oldest first, or by id / `externalId`).
    pub const RESOURCES_RELEASE: &str = "resources/release";
    /// The claims held on a subscription.
    pub const RESOURCES_CLAIMS: &str = "resources/claims";
    /// Every resource's capacity, claimed and available.
    pub const RESOURCES_USAGES: &str = "resources/usages";
    /// One resource's usage and claims.
    pub const RESOURCES_USAGES_RETRIEVE: &str = "resources/usages/retrieve";

    // Plan changes and server-created subscriptions (issue 15).
    /// Change a subscription's plan (now, at period end, or `auto`).
    pub const SUBSCRIPTIONS_ADJUST: &str = "subscriptions/adjust";
    /// Create a subscription without a checkout (prices that need no payment,
    /// unless the merchant's policy allows more).
    pub const SUBSCRIPTIONS_CREATE: &str = "subscriptions/create";

    // Saved cards (issue 16): our extensions beyond Flowglad's protocol.
    /// Remove one of the signed-in customer's saved cards.
    pub const PAYMENT_METHODS_REMOVE: &str = "payment-methods/remove";
    /// Make one of the signed-in customer's saved cards their default.
    pub const PAYMENT_METHODS_SET_DEFAULT: &str = "payment-methods/set-default";

    /// Every action above, the ones the server route's `dispatch`
    /// (`server/src/http/route/mod.rs`) answers (its test
    /// `malformed_requests_and_unknown_actions` holds it to that): a test
    /// double walks it to answer them all.
    pub const ALL: &[&str] = &[
        PRICING_MODELS_RETRIEVE,
        CUSTOMERS_BILLING,
        CHECKOUT_SESSIONS_CREATE,
        CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD,
        CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION,
        SUBSCRIPTIONS_CANCEL,
        SUBSCRIPTIONS_UNCANCEL,
        PAYMENT_METHODS_LIST,
        INVOICES_LIST,
        PURCHASES_LIST,
        CUSTOMERS_FIND_OR_CREATE,
        CUSTOMERS_UPDATE,
        USAGE_EVENTS_CREATE,
        USAGE_METERS_BALANCES,
        RESOURCES_CLAIM,
        RESOURCES_RELEASE,
        RESOURCES_CLAIMS,
        RESOURCES_USAGES,
        RESOURCES_USAGES_RETRIEVE,
        SUBSCRIPTIONS_ADJUST,
        SUBSCRIPTIONS_CREATE,
        PAYMENT_METHODS_REMOVE,
        PAYMENT_METHODS_SET_DEFAULT,
    ];

    /// The action a request to `url` (`{prefix}/{action}`, a query or
    /// fragment ignored) names, if any.
    pub fn from_url(url: &str) -> Option<&'static str> {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        ALL.iter()
            .copied()
            .filter(|a| {
                path.strip_suffix(a)
                    .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
            })
            .max_by_key(|a| a.len())
    }
}

/// The header carrying a create call's idempotency key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// The token in a success or cancel URL that is replaced by the session id.
pub const CHECKOUT_SESSION_ID_PLACEHOLDER: &str = "{CHECKOUT_SESSION_ID}";

#[cfg(test)]
mod tests {
    use super::action;

    #[test]
    fn every_action_is_listed_once_and_read_back_from_its_url() {
        let mut seen = std::collections::HashSet::new();
        for a in action::ALL {
            assert!(seen.insert(a), "{a} twice");
            assert_eq!(action::from_url(&format!("/api/billing/{a}")), Some(*a));
            assert_eq!(
                action::from_url(&format!("https://x.example/b/{a}?x=1")),
                Some(*a)
            );
        }
        assert_eq!(action::ALL.len(), 23);
        assert_eq!(
            action::from_url("/api/billing/resources/usages/retrieve"),
            Some(action::RESOURCES_USAGES_RETRIEVE)
        );
        // Only whole path segments name an action.
        assert_eq!(action::from_url("/api/billing/my-invoices/list"), None);
        assert_eq!(action::from_url("/api/billing/invoices/list/x"), None);
    }
}
