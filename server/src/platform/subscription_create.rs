//! Subscriptions started without a checkout on the embedded platform
//! (issue 15): the route's `subscriptions/create` (for the signed-in
//! customer, already held to the route's trust rules) and the platform API's
//! `POST /api/v1/subscriptions` (the merchant names the customer) both come
//! here, so both start subscriptions by the same rules.

use super::embedded::customer_not_found;
use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::ids;
use crate::domain::new_subscription::{self, already_subscribed};
use crate::domain::records::subscription_view;
use crate::domain::validation;
use crate::service::Billing;
use crate::store::SubscriptionCreated;
use checkout_protocol::{CreateSubscriptionParams, Subscription};

/// Starts the subscription `params` describes for the customer they name
/// (`customerId`, the platform's id, or `customerExternalId`; one is
/// required). Flowglad's `startDate`, `interval`, `intervalCount`,
/// `defaultPaymentMethodId` and `backupPaymentMethodId` are refused
/// (subscriptions start now on the price's interval, billed to the
/// customer's default card); `trialEnd` sets the trial; `doNotCharge` is
/// accepted and changes nothing here, since this platform charges no
/// renewals. 409 `already_subscribed` when the customer has a current
/// subscription to the price.
pub async fn create(
    billing: &Billing,
    params: CreateSubscriptionParams,
) -> Result<Subscription, ApiError> {
    validation::id_field("customerId", params.customer_id.as_deref())?;
    validation::id_field("customerExternalId", params.customer_external_id.as_deref())?;
    for (field, set) in [
        ("startDate", params.start_date.is_some()),
        ("interval", params.interval.is_some()),
        ("intervalCount", params.interval_count.is_some()),
        (
            "defaultPaymentMethodId",
            params.default_payment_method_id.is_some(),
        ),
        (
            "backupPaymentMethodId",
            params.backup_payment_method_id.is_some(),
        ),
    ] {
        if set {
            return Err(ApiError::invalid_request(format!(
                "{field} is not supported by this platform: a subscription starts now, on its \
                 price's interval, billed to the customer's default card."
            )));
        }
    }
    let db = &billing.db;
    let customer =
        match (
            validation::non_blank(params.customer_id.as_deref()),
            validation::non_blank(params.customer_external_id.as_deref()),
        ) {
            (Some(id), None) => db
                .customer_by_id(id.to_owned())
                .await?
                .ok_or_else(|| customer_not_found(id))?,
            (None, Some(external_id)) => db
                .customer_by_external_id(external_id.to_owned())
                .await?
                .ok_or_else(|| customer_not_found(external_id))?,
            _ => return Err(ApiError::invalid_request(
                "Give the customer to subscribe as customerId or customerExternalId, one of them.",
            )),
        };
    let now = clock::now_ms();
    let request = new_subscription::request(&billing.catalog.pricing_model, &params)?;
    let trial_end = new_subscription::trial_end(params.trial_end, now)?;
    let id = ids::new_id(ids::SUBSCRIPTION)
        .map_err(|e| ApiError::internal("no randomness for an id", e))?;
    let row = new_subscription::start(id, &customer.id, &request, trial_end, now);
    match db.create_subscription(row, now).await? {
        SubscriptionCreated::Created(s) => {
            tracing::info!(subscription = %s.id, customer = %s.customer_id, price = %s.price_id, "subscription created");
            Ok(subscription_view(&s, &billing.catalog))
        }
        SubscriptionCreated::AlreadySubscribed(existing) => Err(already_subscribed(&existing.id)),
    }
}
