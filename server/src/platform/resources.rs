//! Resource claims on the embedded platform: claiming and releasing a
//! subscription's resources (seats) and reading their usage, for both the
//! server route (the signed-in customer) and the platform API (whoever owns
//! the subscription).

use super::embedded::subscription_not_found;
use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::resource::{
    check_claim, check_release, claim_view, resource_by_slug, usage_view, StoredClaim,
};
use crate::domain::subscription::StoredSubscription;
use crate::domain::validation;
use crate::service::Billing;
use crate::store::{ClaimOutcome, ReleaseOutcome};
use checkout_protocol::{
    ClaimResourceResponse, ErrorCode, ReleaseResourceResponse, ResourceClaim, ResourceClaimInput,
    ResourceReleaseInput, ResourceUsageWithClaims,
};
use std::sync::Arc;

/// The customer whose subscription it is: `owner` when the caller is a
/// customer (anyone else's subscription is then not found), else whoever
/// owns it (the platform API, whose caller is the merchant).
async fn owner_of(
    billing: &Billing,
    owner: Option<&str>,
    subscription_id: &str,
) -> Result<String, ApiError> {
    validation::id_field("subscriptionId", Some(subscription_id))?;
    match owner {
        Some(owner) => Ok(owner.to_owned()),
        None => billing
            .db
            .subscription_owner(subscription_id.to_owned())
            .await?
            .ok_or_else(|| subscription_not_found(subscription_id)),
    }
}

/// Claims `input` on `subscription_id`: anonymous claims by quantity, or
/// named ones (a name held already is answered again, not claimed twice).
/// All or nothing; 409 `resource_capacity_exceeded` past the capacity.
pub async fn claim(
    billing: &Billing,
    owner: Option<&str>,
    subscription_id: &str,
    input: ResourceClaimInput,
) -> Result<ClaimResourceResponse, ApiError> {
    let checked = check_claim(input, &billing.catalog)?;
    let owner = owner_of(billing, owner, subscription_id).await?;
    let resource = checked.resource.clone();
    let outcome = billing
        .db
        .claim_resource(
            owner,
            subscription_id.to_owned(),
            checked,
            Arc::clone(&billing.catalog),
            clock::now_ms(),
        )
        .await?;
    match outcome {
        ClaimOutcome::Claimed {
            subscription,
            claims,
            held,
        } => {
            tracing::info!(subscription = %subscription.id, resource = %resource.slug, held, "resource claimed");
            Ok(ClaimResourceResponse {
                claims: views(&claims, &subscription, billing),
                usage: usage_view(&subscription, &billing.catalog, &resource, held),
            })
        }
        ClaimOutcome::OverCapacity {
            capacity,
            held,
            requested,
        } => Err(ApiError::new(
            ErrorCode::ResourceCapacityExceeded,
            format!(
                "Cannot claim {requested} more `{}`: {held} of {capacity} are claimed, {} available. Release some or upgrade the plan.",
                resource.slug,
                capacity.saturating_sub(held).max(0)
            ),
        )),
        ClaimOutcome::NoSuchSubscription => Err(subscription_not_found(subscription_id)),
        ClaimOutcome::NotCurrent => {
            let shown: String = subscription_id.chars().take(64).collect();
            Err(ApiError::new(
                ErrorCode::SubscriptionNotCurrent,
                format!("Subscription `{shown}` has ended; its resources can no longer be claimed."),
            ))
        }
    }
}

/// Releases `input`'s claims on `subscription_id`, all or none: 404
/// `resource_claim_not_found` naming the first claim that is not held.
pub async fn release(
    billing: &Billing,
    owner: Option<&str>,
    subscription_id: &str,
    input: ResourceReleaseInput,
) -> Result<ReleaseResourceResponse, ApiError> {
    let checked = check_release(input, &billing.catalog)?;
    let owner = owner_of(billing, owner, subscription_id).await?;
    let resource = checked.resource.clone();
    let outcome = billing
        .db
        .release_resource(owner, subscription_id.to_owned(), checked, clock::now_ms())
        .await?;
    match outcome {
        ReleaseOutcome::Released {
            subscription,
            claims,
            held,
        } => Ok(ReleaseResourceResponse {
            released_claims: views(&claims, &subscription, billing),
            usage: usage_view(&subscription, &billing.catalog, &resource, held),
        }),
        ReleaseOutcome::Missing(what) => Err(ApiError::new(
            ErrorCode::ResourceClaimNotFound,
            format!("Nothing was released: {what} on `{}`.", resource.slug),
        )),
        ReleaseOutcome::NoSuchSubscription => Err(subscription_not_found(subscription_id)),
    }
}

/// Every resource of the catalog with its usage on `subscription_id` and
/// the claims held on it (the platform's `…/usages`).
pub async fn usages(
    billing: &Billing,
    owner: Option<&str>,
    subscription_id: &str,
) -> Result<Vec<ResourceUsageWithClaims>, ApiError> {
    let owner = owner_of(billing, owner, subscription_id).await?;
    let (subscription, claims) = billing
        .db
        .resource_claims(owner, subscription_id.to_owned(), clock::now_ms())
        .await?
        .ok_or_else(|| subscription_not_found(subscription_id))?;
    Ok(billing
        .catalog
        .resources
        .iter()
        .map(|resource| {
            let held: Vec<StoredClaim> = claims
                .iter()
                .filter(|c| c.resource_id == resource.id)
                .cloned()
                .collect();
            let count = i64::try_from(held.len()).unwrap_or(i64::MAX);
            ResourceUsageWithClaims {
                claims: views(&held, &subscription, billing),
                usage: usage_view(&subscription, &billing.catalog, resource, count),
            }
        })
        .collect())
}

/// The claims held on `subscription_id`, of one resource (by slug) or all.
pub async fn claims(
    billing: &Billing,
    owner: Option<&str>,
    subscription_id: &str,
    resource_slug: Option<&str>,
) -> Result<Vec<ResourceClaim>, ApiError> {
    let only = resource_slug
        .map(|slug| resource_by_slug(&billing.catalog, slug).map(|r| r.id.clone()))
        .transpose()?;
    Ok(usages(billing, owner, subscription_id)
        .await?
        .into_iter()
        .filter(|u| only.as_ref().is_none_or(|id| &u.usage.resource_id == id))
        .flat_map(|u| u.claims)
        .collect())
}

fn views(claims: &[StoredClaim], s: &StoredSubscription, billing: &Billing) -> Vec<ResourceClaim> {
    claims
        .iter()
        .map(|c| claim_view(c, s, &billing.catalog))
        .collect()
}
