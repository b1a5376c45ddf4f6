//! The billing platform as the server route sees it: one trait,
//! [`BillingPlatform`], with everything the route needs (the pricing model,
//! customers and their billing details, checkout sessions, subscription
//! cancel/uncancel), and its two implementations — [`EmbeddedPlatform`]
//! (this server's own SQLite store) and [`RemotePlatform`] (a
//! Flowglad-compatible REST API over HTTP, called with a secret key).

pub mod credentials;
pub mod customer_source;
pub mod embedded;
pub mod jwt;
pub mod remote;
pub mod resolver;
mod usage;
// Resource claims (issue 15).
mod resources;
// Subscription create (issue 15).
mod subscription_create;

pub use embedded::EmbeddedPlatform;
pub use remote::{InvalidPlatform, RemotePlatform, RemotePlatformOptions};
pub use usage::not_current as usage_not_current;

use crate::domain::error::ApiError;
use crate::domain::records::CustomerChanges;
use async_trait::async_trait;
use checkout_protocol::{
    CancellationTiming, CreateCheckoutSessionResponse, Customer, CustomerBilling, Invoice,
    PaymentMethod, PlatformCheckoutSessionInput, PricingModel, Purchase, Subscription,
};
use checkout_protocol::{UsageEvent, UsageEventInput, UsageMeterBalance};
// Resource claims (issue 15).
use checkout_protocol::{
    ClaimResourceResponse, ReleaseResourceResponse, ResourceClaim, ResourceClaimInput,
    ResourceReleaseInput, ResourceUsageWithClaims,
};

// Plan changes (issue 15).
pub use crate::service::plan_change::AdjustRequest;
use checkout_protocol::AdjustSubscriptionResponse;

/// Checks the ids and slugs a plan change names for size and shape (the
/// route's and the platform API's bodies alike), before any lookup.
pub fn adjust_items_checked(
    items: &[checkout_protocol::TerseSubscriptionItem],
) -> Result<(), ApiError> {
    // More than one is refused by the plan-change rule with its own code;
    // a huge list is refused here without looking at each.
    if items.len() > 20 {
        return Err(ApiError::new(
            checkout_protocol::ErrorCode::MultipleSubscriptionItems,
            "A subscription here holds one price: give exactly one subscription item.",
        ));
    }
    for item in items {
        crate::domain::validation::id_field("priceId", item.price_id.as_deref())?;
        crate::domain::validation::id_field("priceSlug", item.price_slug.as_deref())?;
    }
    Ok(())
}

/// Who the merchant says the signed-in customer is: their own id for the
/// customer (the platform's `externalId`), a name and an email for when the
/// platform has not seen them yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerIdentity {
    /// The merchant's own, stable id for the customer.
    pub external_id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// The `Idempotency-Key` of a create and whose key space it belongs to
/// (`customer:cus_…`, `anonymous`, or `platform` for a merchant's own
/// backend), so two callers' keys never collide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The key space, as [`crate::service::idempotency::KeyScope::as_string`] writes it.
    pub scope: String,
    /// The key as the caller sent it.
    pub key: String,
}

impl IdempotencyKey {
    /// The one key standing for this pair on a platform with a single key
    /// space: the key itself for the platform's own space, else a hash of
    /// scope and key (64 hex characters after `route_`).
    pub fn flattened(&self) -> String {
        if self.scope == crate::service::idempotency::KeyScope::Platform.as_string() {
            return self.key.clone();
        }
        let pair = serde_json::json!([self.scope, self.key]);
        format!("route_{}", crate::service::idempotency::body_hash(&pair))
    }
}

/// Everything the server route asks of a billing platform.
///
/// Errors are [`ApiError`]s as the route answers them: the platform's own
/// (status and code kept) or `platform_unavailable` / `platform_timeout` /
/// `platform_invalid_response` when it cannot be asked.
#[async_trait]
pub trait BillingPlatform: Send + Sync + 'static {
    /// The pricing model sold to anyone (`GET /api/v1/pricing-models/default`).
    async fn default_pricing_model(&self) -> Result<PricingModel, ApiError>;

    /// The customer with `who.external_id`, created from `who` if new.
    async fn find_or_create_customer(&self, who: &CustomerIdentity) -> Result<Customer, ApiError>;

    // Customers (issue 15).
    /// Changes `customer`'s name or email (already checked by
    /// [`crate::domain::validation::customer_changes`]); the platform reports
    /// `customer.updated` when something changed
    /// (`PUT /api/v1/customers/{externalId}`).
    async fn update_customer(
        &self,
        customer: &Customer,
        changes: CustomerChanges,
    ) -> Result<Customer, ApiError>;

    /// Everything a billing panel shows about `customer`.
    async fn customer_billing(&self, customer: &Customer) -> Result<CustomerBilling, ApiError>;

    /// Creates a checkout session; a repeated `idempotency_key` with the same
    /// input answers the first session again (409 `idempotency_key_reused`
    /// with another input).
    async fn create_checkout_session(
        &self,
        input: PlatformCheckoutSessionInput,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<CreateCheckoutSessionResponse, ApiError>;

    /// One checkout session and its hosted page.
    async fn retrieve_checkout_session(
        &self,
        id: &str,
    ) -> Result<CreateCheckoutSessionResponse, ApiError>;

    /// Cancels one of `customer`'s subscriptions (404 `subscription_not_found`
    /// for anyone else's).
    async fn cancel_subscription(
        &self,
        customer: &Customer,
        subscription_id: &str,
        timing: CancellationTiming,
    ) -> Result<Subscription, ApiError>;

    /// Undoes a scheduled cancellation of one of `customer`'s subscriptions.
    async fn uncancel_subscription(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<Subscription, ApiError>;

    /// `customer`'s saved payment methods, default first.
    async fn payment_methods(&self, customer: &Customer) -> Result<Vec<PaymentMethod>, ApiError> {
        Ok(self.customer_billing(customer).await?.payment_methods)
    }

    /// `customer`'s invoices, newest first, without their lines.
    async fn invoices(&self, customer: &Customer) -> Result<Vec<Invoice>, ApiError> {
        let billing = self.customer_billing(customer).await?;
        Ok(billing.invoices.into_iter().map(|i| i.invoice).collect())
    }

    /// `customer`'s purchases, newest first.
    async fn purchases(&self, customer: &Customer) -> Result<Vec<Purchase>, ApiError> {
        Ok(self.customer_billing(customer).await?.purchases)
    }

    // Usage metering (issue 15).

    /// Records a usage event on one of `customer`'s subscriptions
    /// (`POST /api/v1/usage-events`). The same `transactionId` again with the
    /// same usage answers the first event and records nothing; with other
    /// usage it is a 409 `usage_transaction_conflict`.
    async fn create_usage_event(
        &self,
        customer: &Customer,
        event: UsageEventInput,
    ) -> Result<UsageEvent, ApiError>;

    /// `customer`'s usage meter balances: of `subscription_id`, or of every
    /// current subscription (`GET /api/v1/customers/{externalId}/usage-balances`).
    async fn usage_meter_balances(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
    ) -> Result<Vec<UsageMeterBalance>, ApiError>;

    // Resource claims (issue 15). Each acts on one subscription of
    // `customer` (404 `subscription_not_found` for anyone else's).

    /// Claims a resource: `quantity` anonymous claims, or named ones by
    /// `externalId(s)` (a name held already is answered, not claimed twice);
    /// all or nothing, 409 `resource_capacity_exceeded` past the capacity
    /// (`POST /api/v1/resource-claims/{subscriptionId}/claim`).
    async fn claim_resource(
        &self,
        customer: &Customer,
        subscription_id: &str,
        input: ResourceClaimInput,
    ) -> Result<ClaimResourceResponse, ApiError>;

    /// Releases claims: the oldest `quantity` anonymous ones, or by
    /// `externalId(s)` or `claimIds`; all or nothing, 404
    /// `resource_claim_not_found` when one is not held
    /// (`POST /api/v1/resource-claims/{subscriptionId}/release`).
    async fn release_resource(
        &self,
        customer: &Customer,
        subscription_id: &str,
        input: ResourceReleaseInput,
    ) -> Result<ReleaseResourceResponse, ApiError>;

    /// Every resource's capacity, claimed and available on the
    /// subscription, with the claims held
    /// (`GET /api/v1/resource-claims/{subscriptionId}/usages`).
    async fn resource_usages(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<Vec<ResourceUsageWithClaims>, ApiError>;

    /// The claims held on the subscription, of the resource with
    /// `resource_slug` or of all (`GET /api/v1/resource-claims/{subscriptionId}/claims`).
    async fn resource_claims(
        &self,
        customer: &Customer,
        subscription_id: &str,
        resource_slug: Option<&str>,
    ) -> Result<Vec<ResourceClaim>, ApiError>;

    // Subscription create (issue 15).
    /// Starts a subscription for `customer` without a checkout
    /// (`POST /api/v1/subscriptions`, `@flowglad/node`'s
    /// `subscriptions.create`). `params` were checked by the caller (the
    /// route sends only the price by id, quantity, name and metadata, with
    /// `customerId` set to `customer`'s); 409 `already_subscribed` when the
    /// customer has a current subscription to the price.
    async fn create_subscription(
        &self,
        customer: &Customer,
        params: checkout_protocol::CreateSubscriptionParams,
    ) -> Result<Subscription, ApiError>;
    // Plan changes (issue 15).

    /// Changes the plan of one of `customer`'s subscriptions
    /// (`subscription_id`, else their one current subscription: 400
    /// `subscription_required` with none, `subscription_ambiguous` with
    /// several; 404 `subscription_not_found` for anyone else's): now
    /// (charging the saved card what proration says) or at the period end
    /// (`POST /api/v1/subscriptions/{id}/adjust`).
    async fn adjust_subscription(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
        request: AdjustRequest,
    ) -> Result<AdjustSubscriptionResponse, ApiError>;

    // Saved cards (issue 16): our extensions beyond Flowglad's protocol.

    /// Removes one of `customer`'s saved cards (404 `payment_method_not_found`
    /// for anyone else's, as for a missing one; 409 `payment_method_in_use`
    /// for the only card of a current subscription); a removed default is
    /// replaced by the newest other card. Answers the cards left, default
    /// first (`POST /api/v1/payment-methods/{id}/remove`).
    async fn remove_payment_method(
        &self,
        customer: &Customer,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError>;

    /// Makes one of `customer`'s saved cards their default (404 as above;
    /// 400 `card_invalid_expiry` for an expired one). Answers the cards,
    /// default first (`POST /api/v1/payment-methods/{id}/set-default`).
    async fn set_default_payment_method(
        &self,
        customer: &Customer,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError>;
}
