//! Usage metering on the embedded platform: recording usage events in the
//! ledger and reading meter balances, for both the server route (the
//! signed-in customer) and the platform API (whoever owns the subscription).

use super::embedded::subscription_not_found;
use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::usage::{check_usage, experimental_view, usage_event_view};
use crate::domain::validation;
use crate::service::Billing;
use crate::store::{NewUsage, UsageOutcome};
use checkout_protocol::{ErrorCode, UsageEvent, UsageEventInput, UsageMeterBalance};

/// Records `input` on a subscription of `owner` (a customer id), or of
/// whoever owns it when `owner` is `None` (the platform API, whose caller is
/// the merchant). A repeated `transactionId` answers the first event.
pub async fn record(
    billing: &Billing,
    owner: Option<&str>,
    input: UsageEventInput,
) -> Result<UsageEvent, ApiError> {
    let checked = check_usage(input, &billing.catalog)?;
    let owner = match owner {
        Some(owner) => owner.to_owned(),
        None => billing
            .db
            .subscription_owner(checked.subscription_id.clone())
            .await?
            .ok_or_else(|| subscription_not_found(&checked.subscription_id))?,
    };
    let subscription_id = checked.subscription_id.clone();
    let usage = NewUsage {
        customer_id: owner,
        subscription_id: checked.subscription_id,
        usage_meter_id: checked.usage_meter_id,
        price_id: checked.price_id,
        amount: checked.amount,
        transaction_id: checked.transaction_id,
        usage_date: checked.usage_date,
        properties: checked.properties,
    };
    match billing.db.record_usage(usage, clock::now_ms()).await? {
        UsageOutcome::Recorded(event) => {
            tracing::info!(usage_event = %event.id, subscription = %event.subscription_id, amount = event.amount, "usage recorded");
            Ok(usage_event_view(&event, &billing.catalog))
        }
        UsageOutcome::Replayed(event) => Ok(usage_event_view(&event, &billing.catalog)),
        UsageOutcome::Conflict(first) => {
            let shown: String = first.transaction_id.chars().take(64).collect();
            Err(ApiError::new(
                ErrorCode::UsageTransactionConflict,
                format!(
                    "transactionId `{shown}` was already used for a different usage event (another subscription, meter or amount); nothing was recorded."
                ),
            ))
        }
        UsageOutcome::NoSuchSubscription => Err(subscription_not_found(&subscription_id)),
        UsageOutcome::NotCurrent => Err(not_current(&subscription_id)),
    }
}

/// 409 `subscription_not_current`: usage cannot go on an ended subscription.
pub fn not_current(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::new(
        ErrorCode::SubscriptionNotCurrent,
        format!("Subscription `{shown}` has ended; usage can no longer be recorded on it."),
    )
}

/// The usage meter balances of the customer with `customer_id`: of one of
/// their subscriptions (404 for anyone else's), or of every current one.
pub async fn balances(
    billing: &Billing,
    customer_id: &str,
    subscription_id: Option<&str>,
) -> Result<Vec<UsageMeterBalance>, ApiError> {
    validation::id_field("subscriptionId", subscription_id)?;
    let records = billing
        .db
        .customer_records(customer_id.to_owned(), clock::now_ms())
        .await?
        .ok_or_else(|| ApiError::not_found("No such customer."))?;
    let chosen: Vec<_> = match subscription_id {
        Some(id) => {
            let found: Vec<_> = records
                .subscriptions
                .iter()
                .filter(|s| s.id == id)
                .collect();
            if found.is_empty() {
                return Err(subscription_not_found(id));
            }
            found
        }
        None => records
            .subscriptions
            .iter()
            .filter(|s| s.status.is_current())
            .collect(),
    };
    Ok(chosen
        .into_iter()
        .flat_map(|s| experimental_view(s, &billing.catalog, &records.usage).usage_meter_balances)
        .collect())
}
