//! The embedded platform: this server's own store and catalog, called in
//! process. The platform API's handlers and the server
//! route of a server without `--platform-url` both go through it, so the two
//! create sessions and change subscriptions by the same rules.

use super::{BillingPlatform, CustomerIdentity, IdempotencyKey};
use crate::domain::error::ApiError;
use crate::domain::records::{customer_billing, customer_view, subscription_view};
use crate::domain::records::{CustomerChanges, StoredCustomer};
use crate::domain::saved_cards;
use crate::domain::session::session_not_found;
use crate::domain::subscription::{StoredSubscription, TransitionError};
use crate::domain::validation::non_blank;
use crate::service::checkout::{self, CardOptions};
use crate::service::idempotency::{self, KeyScope};
use crate::service::Billing;
use crate::store::{CardChange, IdempotencyClaim, SubscriptionChange};
use crate::{domain::clock, domain::validation};
use async_trait::async_trait;
use checkout_protocol::{
    CancellationTiming, CheckoutSessionType, CreateActivateSubscriptionCheckoutSessionParams,
    CreateAddPaymentMethodCheckoutSessionParams, CreateCheckoutSessionResponse, Customer,
    CustomerBilling, ErrorCode, PaymentMethod, PlatformCheckoutSessionInput,
    PlatformCreateCheckoutSession, PricingModel, Subscription,
};

/// What idempotency keys of platform creates are recorded under.
pub const CREATE_ACTION: &str = "POST /api/v1/checkout-sessions";

/// The platform inside this server; cheap to clone.
#[derive(Clone, Debug)]
pub struct EmbeddedPlatform {
    billing: Billing,
}

impl EmbeddedPlatform {
    /// The platform over this server's billing.
    pub fn new(billing: Billing) -> Self {
        Self { billing }
    }

    /// Creates a session from a platform create input whose idempotency
    /// `claim` (if any) was already made and found unused; see
    /// `POST /api/v1/checkout-sessions` for the rules.
    pub async fn create_claimed(
        &self,
        input: PlatformCheckoutSessionInput,
        claim: Option<IdempotencyClaim>,
    ) -> Result<CreateCheckoutSessionResponse, ApiError> {
        let billing = &self.billing;
        for (field, value) in [
            ("customerExternalId", input.customer_external_id.as_deref()),
            (
                "targetSubscriptionId",
                input.target_subscription_id.as_deref(),
            ),
            ("invoiceId", input.invoice_id.as_deref()),
        ] {
            validation::id_field(field, value)?;
        }
        let customer = match non_blank(input.customer_external_id.as_deref()) {
            Some(external_id) => Some(
                billing
                    .db
                    .customer_by_external_id(external_id.to_owned())
                    .await?
                    .ok_or_else(|| customer_not_found(external_id))?,
            ),
            None => None,
        };
        let now = clock::now_ms();
        let mode = input.mode;
        let adjustable = input.product.adjustable_quantity;
        let tax_ids = input.product.tax_id_collection == Some(true);
        let mut session = match input.session_type {
            CheckoutSessionType::Product => {
                let anonymous = input.anonymous == Some(true);
                match (&customer, anonymous) {
                    (Some(_), true) => {
                        return Err(ApiError::invalid_request(
                            "Give customerExternalId or anonymous: true, not both.",
                        ))
                    }
                    (None, false) => {
                        return Err(ApiError::invalid_request(
                            "A product checkout needs customerExternalId, or anonymous: true for a checkout without a customer.",
                        ))
                    }
                    _ => {}
                }
                let mut s = checkout::product_session(
                    input.product,
                    customer.as_ref(),
                    &billing.catalog,
                    now,
                )?;
                s.options.preserve_billing_cycle_anchor =
                    input.preserve_billing_cycle_anchor.unwrap_or(false);
                s
            }
            CheckoutSessionType::AddPaymentMethod => {
                let customer = needs_customer(customer, "add_payment_method")?;
                let target = match non_blank(input.target_subscription_id.as_deref()) {
                    Some(id) => Some(self.subscription_of(&customer, id).await?),
                    None => None,
                };
                let params = CreateAddPaymentMethodCheckoutSessionParams {
                    success_url: input.product.success_url,
                    cancel_url: input.product.cancel_url,
                    target_subscription_id: input.target_subscription_id,
                    output_metadata: input.product.output_metadata,
                    output_name: input.product.output_name,
                };
                let card = CardOptions {
                    automatically_update_subscriptions: input.automatically_update_subscriptions,
                };
                checkout::add_payment_method_session(params, &customer, target.as_ref(), card, now)?
            }
            CheckoutSessionType::ActivateSubscription => {
                let customer = needs_customer(customer, "activate_subscription")?;
                let id = non_blank(input.target_subscription_id.as_deref()).ok_or_else(|| {
                    ApiError::invalid_request(
                        "targetSubscriptionId is required for an activate_subscription session.",
                    )
                })?;
                let target = self.subscription_of(&customer, id).await?;
                let preserve = input.preserve_billing_cycle_anchor.unwrap_or(false);
                let params = activation_params(input);
                checkout::activate_subscription_session(
                    params,
                    &customer,
                    &target,
                    &billing.catalog,
                    preserve,
                    now,
                )?
            }
            CheckoutSessionType::Invoice => {
                let customer = needs_customer(customer, "invoice")?;
                let invoice_id = non_blank(input.invoice_id.as_deref()).ok_or_else(|| {
                    ApiError::invalid_request("invoiceId is required for an invoice session.")
                })?;
                let invoice = billing
                    .db
                    .customer_invoice(customer.id.clone(), invoice_id.to_owned())
                    .await?
                    .ok_or_else(|| invoice_not_found(invoice_id))?;
                if invoice.status != "open" {
                    return Err(ApiError::new(
                        ErrorCode::InvoiceNotOpen,
                        format!(
                            "Invoice {} is {}; only open invoices can be paid.",
                            invoice.invoice_number, invoice.status
                        ),
                    ));
                }
                checkout::invoice_session(input.product, &customer, &invoice, now)?
            }
            CheckoutSessionType::Purchase => {
                return Err(ApiError::invalid_request(
                    "type must be product, add_payment_method, activate_subscription or invoice.",
                ))
            }
        };
        if session.session_type != CheckoutSessionType::Product {
            // A product session took both options when it was built.
            session.options.adjustable_quantity =
                checkout::adjustable_quantity(adjustable, &session)?;
            if tax_ids && session.session_type == CheckoutSessionType::AddPaymentMethod {
                return Err(ApiError::invalid_request(
                    "taxIdCollection does not apply to add_payment_method sessions: nothing is bought.",
                ));
            }
            session.options.tax_id_collection = tax_ids;
        }
        checkout::check_mode(mode, &session)?;
        let stored = checkout::store(billing, session, claim).await?;
        Ok(checkout::response(billing, &stored))
    }

    /// Cancels or uncancels a subscription, of `owner` only when given.
    pub async fn change_subscription(
        &self,
        owner: Option<&str>,
        id: &str,
        what: SubscriptionChange,
    ) -> Result<Subscription, ApiError> {
        validation::id_field("id", Some(id))?;
        let db = &self.billing.db;
        let owner = match owner {
            Some(owner) => owner.to_owned(),
            None => db
                .subscription_owner(id.to_owned())
                .await?
                .ok_or_else(|| subscription_not_found(id))?,
        };
        let outcome = db
            .change_subscription(owner, id.to_owned(), what, clock::now_ms())
            .await?
            .ok_or_else(|| subscription_not_found(id))?;
        match outcome {
            Ok(s) => {
                tracing::info!(subscription = %s.id, change = ?what, status = ?s.status, "subscription changed");
                Ok(subscription_view(&s, &self.billing.catalog))
            }
            Err(TransitionError::AlreadyEnded) => Err(ApiError::new(
                ErrorCode::SubscriptionNotCancelable,
                "This subscription has already ended; there is nothing to cancel.",
            )),
            Err(TransitionError::ChangeInProgress) => Err(ApiError::new(
                ErrorCode::SubscriptionChangeInProgress,
                "A plan change of this subscription is being made; try again in a moment.",
            )),
            Err(TransitionError::NotScheduled) => Err(ApiError::new(
                ErrorCode::SubscriptionCancellationNotScheduled,
                "This subscription has already ended, so there is no cancellation to undo.",
            )),
        }
    }

    /// Changes the plan of a subscription, whoever owns it (the platform
    /// API's `POST /api/v1/subscriptions/{id}/adjust`; its caller is the
    /// merchant).
    pub async fn adjust_for_owner(
        &self,
        subscription_id: &str,
        request: super::AdjustRequest,
    ) -> Result<checkout_protocol::AdjustSubscriptionResponse, ApiError> {
        validation::id_field("id", Some(subscription_id))?;
        let owner = self
            .billing
            .db
            .subscription_owner(subscription_id.to_owned())
            .await?
            .ok_or_else(|| subscription_not_found(subscription_id))?;
        crate::service::plan_change::adjust(&self.billing, &owner, Some(subscription_id), &request)
            .await
    }

    /// Records a usage event on whoever owns its subscription (the platform
    /// API's `POST /api/v1/usage-events`; its caller is the merchant).
    pub async fn record_usage_for_owner(
        &self,
        event: checkout_protocol::UsageEventInput,
    ) -> Result<checkout_protocol::UsageEvent, ApiError> {
        super::usage::record(&self.billing, None, event).await
    }

    /// Claims a resource on whoever owns the subscription (the platform
    /// API's `POST /api/v1/resource-claims/{subscriptionId}/claim`).
    pub async fn claim_resource_for_owner(
        &self,
        subscription_id: &str,
        input: checkout_protocol::ResourceClaimInput,
    ) -> Result<checkout_protocol::ClaimResourceResponse, ApiError> {
        super::resources::claim(&self.billing, None, subscription_id, input).await
    }

    /// Releases claims on whoever owns the subscription (`…/release`).
    pub async fn release_resource_for_owner(
        &self,
        subscription_id: &str,
        input: checkout_protocol::ResourceReleaseInput,
    ) -> Result<checkout_protocol::ReleaseResourceResponse, ApiError> {
        super::resources::release(&self.billing, None, subscription_id, input).await
    }

    /// Every resource's usage and claims on a subscription, whoever owns it
    /// (`…/usages`, `…/usage`, `…/claims`).
    pub async fn resource_usages_for_owner(
        &self,
        subscription_id: &str,
    ) -> Result<Vec<checkout_protocol::ResourceUsageWithClaims>, ApiError> {
        super::resources::usages(&self.billing, None, subscription_id).await
    }

    // Subscription create (issue 15).
    /// Starts a subscription for whichever customer `params` names (the
    /// platform API's `POST /api/v1/subscriptions`; its caller is the
    /// merchant).
    pub async fn create_subscription_for(
        &self,
        params: checkout_protocol::CreateSubscriptionParams,
    ) -> Result<Subscription, ApiError> {
        super::subscription_create::create(&self.billing, params).await
    }

    // Saved cards (issue 16).
    /// Removes a saved card or makes it the default, of `owner` only when
    /// given (the route), else of whoever has it (the platform API, whose
    /// caller is the merchant); answers the owner's cards after the change.
    pub async fn change_card(
        &self,
        owner: Option<&str>,
        id: &str,
        change: CardChange,
    ) -> Result<Vec<PaymentMethod>, ApiError> {
        if !checkout_protocol::is_payment_method_id(id) {
            return Err(saved_cards::not_found());
        }
        let db = &self.billing.db;
        let owner = match owner {
            Some(owner) => owner.to_owned(),
            None => db
                .card_owner(id.to_owned())
                .await?
                .ok_or_else(saved_cards::not_found)?,
        };
        db.change_card(owner.clone(), id.to_owned(), change, clock::now_ms())
            .await??;
        tracing::info!(card = %id, ?change, "saved card changed");
        Ok(self.billing_by_id(&owner).await?.payment_methods)
    }

    /// The customer with `external_id`, in the platform's shape.
    pub async fn customer(&self, external_id: &str) -> Result<Customer, ApiError> {
        validation::id_field("externalId", Some(external_id))?;
        let stored = self
            .billing
            .db
            .customer_by_external_id(external_id.to_owned())
            .await?
            .ok_or_else(|| customer_not_found(external_id))?;
        Ok(customer_view(&stored, &self.billing.catalog))
    }

    /// Billing details of the customer with `customer_id`.
    async fn billing_by_id(&self, customer_id: &str) -> Result<CustomerBilling, ApiError> {
        let records = self
            .billing
            .db
            .customer_records(customer_id.to_owned(), clock::now_ms())
            .await?
            .ok_or_else(|| customer_not_found(customer_id))?;
        Ok(customer_billing(&records, &self.billing.catalog))
    }

    /// Billing details of the customer with `external_id`.
    pub async fn billing_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<CustomerBilling, ApiError> {
        let customer = self.customer(external_id).await?;
        self.billing_by_id(&customer.id).await
    }

    /// Applies `changes` to the customer with `customer_id` (404
    /// `customer_not_found` naming `shown_id` when there is none).
    pub async fn update_customer_by_id(
        &self,
        customer_id: &str,
        shown_id: &str,
        changes: CustomerChanges,
    ) -> Result<Customer, ApiError> {
        let stored = self
            .billing
            .db
            .update_customer(customer_id.to_owned(), changes, clock::now_ms())
            .await?
            .ok_or_else(|| customer_not_found(shown_id))?;
        Ok(customer_view(&stored, &self.billing.catalog))
    }

    async fn subscription_of(
        &self,
        customer: &StoredCustomer,
        id: &str,
    ) -> Result<StoredSubscription, ApiError> {
        self.billing
            .db
            .customer_subscription(customer.id.clone(), id.to_owned(), clock::now_ms())
            .await?
            .ok_or_else(|| subscription_not_found(id))
    }
}

#[async_trait]
impl BillingPlatform for EmbeddedPlatform {
    async fn default_pricing_model(&self) -> Result<PricingModel, ApiError> {
        Ok(self.billing.catalog.pricing_model.clone())
    }

    async fn find_or_create_customer(&self, who: &CustomerIdentity) -> Result<Customer, ApiError> {
        validation::id_field("externalId", Some(&who.external_id))?;
        let stored = self
            .billing
            .db
            .find_or_create_customer(
                who.external_id.clone(),
                who.name.clone(),
                who.email.clone(),
                clock::now_ms(),
            )
            .await?;
        Ok(customer_view(&stored, &self.billing.catalog))
    }

    async fn customer_billing(&self, customer: &Customer) -> Result<CustomerBilling, ApiError> {
        self.billing_by_id(&customer.id).await
    }

    async fn update_customer(
        &self,
        customer: &Customer,
        changes: CustomerChanges,
    ) -> Result<Customer, ApiError> {
        self.update_customer_by_id(&customer.id, &customer.external_id, changes)
            .await
    }

    // Resource claims (issue 15): in `super::resources`.
    async fn claim_resource(
        &self,
        customer: &Customer,
        subscription_id: &str,
        input: checkout_protocol::ResourceClaimInput,
    ) -> Result<checkout_protocol::ClaimResourceResponse, ApiError> {
        super::resources::claim(&self.billing, Some(&customer.id), subscription_id, input).await
    }

    async fn release_resource(
        &self,
        customer: &Customer,
        subscription_id: &str,
        input: checkout_protocol::ResourceReleaseInput,
    ) -> Result<checkout_protocol::ReleaseResourceResponse, ApiError> {
        super::resources::release(&self.billing, Some(&customer.id), subscription_id, input).await
    }

    async fn resource_usages(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<Vec<checkout_protocol::ResourceUsageWithClaims>, ApiError> {
        super::resources::usages(&self.billing, Some(&customer.id), subscription_id).await
    }

    async fn resource_claims(
        &self,
        customer: &Customer,
        subscription_id: &str,
        resource_slug: Option<&str>,
    ) -> Result<Vec<checkout_protocol::ResourceClaim>, ApiError> {
        super::resources::claims(
            &self.billing,
            Some(&customer.id),
            subscription_id,
            resource_slug,
        )
        .await
    }

    // Subscription create (issue 15): in `super::subscription_create`, for
    // `customer` whatever the params name.
    async fn create_subscription(
        &self,
        customer: &Customer,
        params: checkout_protocol::CreateSubscriptionParams,
    ) -> Result<Subscription, ApiError> {
        let params = checkout_protocol::CreateSubscriptionParams {
            customer_id: Some(customer.id.clone()),
            customer_external_id: None,
            ..params
        };
        super::subscription_create::create(&self.billing, params).await
    }

    // Usage metering (issue 15): the ledger in `super::usage`.
    async fn create_usage_event(
        &self,
        customer: &Customer,
        event: checkout_protocol::UsageEventInput,
    ) -> Result<checkout_protocol::UsageEvent, ApiError> {
        super::usage::record(&self.billing, Some(&customer.id), event).await
    }

    async fn usage_meter_balances(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
    ) -> Result<Vec<checkout_protocol::UsageMeterBalance>, ApiError> {
        super::usage::balances(&self.billing, &customer.id, subscription_id).await
    }

    async fn create_checkout_session(
        &self,
        input: PlatformCheckoutSessionInput,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<CreateCheckoutSessionResponse, ApiError> {
        let claim = match idempotency_key {
            Some(IdempotencyKey { scope, key }) => {
                // The same fingerprint the platform API takes of a body.
                let body = serde_json::to_value(PlatformCreateCheckoutSession {
                    checkout_session: input.clone(),
                })
                .map_err(|e| ApiError::internal("cannot fingerprint a create", e))?;
                let mut claim = idempotency::claim(key, KeyScope::Platform, CREATE_ACTION, &body);
                claim.scope = scope;
                Some(claim)
            }
            None => None,
        };
        if let Some(session) = checkout::replay(&self.billing, claim.as_ref()).await? {
            return Ok(checkout::response(&self.billing, &session));
        }
        self.create_claimed(input, claim).await
    }

    async fn retrieve_checkout_session(
        &self,
        id: &str,
    ) -> Result<CreateCheckoutSessionResponse, ApiError> {
        let session = self
            .billing
            .db
            .load_session(id.to_owned(), clock::now_ms())
            .await?
            .ok_or_else(session_not_found)?;
        Ok(checkout::response(&self.billing, &session))
    }

    async fn cancel_subscription(
        &self,
        customer: &Customer,
        subscription_id: &str,
        timing: CancellationTiming,
    ) -> Result<Subscription, ApiError> {
        self.change_subscription(
            Some(&customer.id),
            subscription_id,
            SubscriptionChange::Cancel(timing),
        )
        .await
    }

    async fn uncancel_subscription(
        &self,
        customer: &Customer,
        subscription_id: &str,
    ) -> Result<Subscription, ApiError> {
        self.change_subscription(
            Some(&customer.id),
            subscription_id,
            SubscriptionChange::Uncancel,
        )
        .await
    }

    // Saved cards (issue 16).
    async fn remove_payment_method(
        &self,
        customer: &Customer,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError> {
        self.change_card(Some(&customer.id), payment_method_id, CardChange::Remove)
            .await
    }

    async fn set_default_payment_method(
        &self,
        customer: &Customer,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, ApiError> {
        self.change_card(
            Some(&customer.id),
            payment_method_id,
            CardChange::MakeDefault,
        )
        .await
    }

    // Plan changes (issue 15).
    async fn adjust_subscription(
        &self,
        customer: &Customer,
        subscription_id: Option<&str>,
        request: super::AdjustRequest,
    ) -> Result<checkout_protocol::AdjustSubscriptionResponse, ApiError> {
        validation::id_field("subscriptionId", subscription_id)?;
        crate::service::plan_change::adjust(&self.billing, &customer.id, subscription_id, &request)
            .await
    }
}

fn activation_params(
    input: PlatformCheckoutSessionInput,
) -> CreateActivateSubscriptionCheckoutSessionParams {
    CreateActivateSubscriptionCheckoutSessionParams {
        success_url: input.product.success_url,
        cancel_url: input.product.cancel_url,
        target_subscription_id: input.target_subscription_id,
        price_id: input.product.price_id,
        output_metadata: input.product.output_metadata,
        output_name: input.product.output_name,
    }
}

fn needs_customer(
    customer: Option<StoredCustomer>,
    kind: &str,
) -> Result<StoredCustomer, ApiError> {
    customer.ok_or_else(|| {
        ApiError::invalid_request(format!(
            "customerExternalId is required for a {kind} session."
        ))
    })
}

fn invoice_not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::new(
        ErrorCode::InvoiceNotFound,
        format!("The customer has no invoice with id `{shown}`."),
    )
}

/// The 404 for an external id no customer has.
pub fn customer_not_found(external_id: &str) -> ApiError {
    let shown: String = external_id.chars().take(64).collect();
    ApiError::new(
        ErrorCode::CustomerNotFound,
        format!("No customer has externalId `{shown}`."),
    )
}

/// The 404 for a subscription that does not exist or is someone else's.
pub fn subscription_not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::new(
        ErrorCode::SubscriptionNotFound,
        format!("You have no subscription with id `{shown}`."),
    )
}
