//! `resources/claim`, `resources/release`, `resources/claims`,
//! `resources/usages` and `resources/usages/retrieve`: the signed-in
//! customer claims and releases their own subscription's resources (seats)
//! and reads their usage, in `@flowglad/server` 0.18's request and response
//! shapes. As there, `subscriptionId` defaults to the customer's one current
//! subscription; a subscription that is not theirs is not found.

use super::RouteState;
use crate::domain::error::ApiError;
use crate::domain::validation;
use crate::http::extract::RawBody;
use checkout_protocol::{
    ClaimResourceParams, ClaimResourceResponse, Customer, ErrorCode, ListResourceClaimsParams,
    ReleaseResourceParams, ReleaseResourceResponse, ResourceClaimsResponse, ResourceUsageParams,
    ResourceUsageWithClaims, ResourceUsagesParams, ResourceUsagesResponse,
};

/// The subscription the call acts on: `given` (checked for size; the
/// platform checks it is the customer's), or their one current subscription.
async fn subscription_of(
    route: &RouteState,
    customer: &Customer,
    given: Option<String>,
) -> Result<String, ApiError> {
    if let Some(id) = given {
        validation::id_field("subscriptionId", Some(&id))?;
        return Ok(id);
    }
    let billing = route.platform.customer_billing(customer).await?;
    let current = billing.current_subscriptions.unwrap_or_default();
    match current.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(ApiError::new(
            ErrorCode::SubscriptionRequired,
            "You have no current subscription, so there are no resources to claim.",
        )),
        _ => Err(ApiError::new(
            ErrorCode::SubscriptionRequired,
            "You have several current subscriptions; name one with subscriptionId.",
        )),
    }
}

/// Claims seats: `quantity` anonymous claims, or named ones by
/// `externalId` / `externalIds` (idempotent per name).
#[utoipa::path(post, path = "/api/billing/resources/claim", tag = "server route", operation_id = "resourcesClaim",
    request_body = ClaimResourceParams,
    responses((status = 200, description = "`{data: {claims, usage}}`", body = checkout_protocol::RouteResponse<ClaimResourceResponse>), (status = "4XX", description = "A client error: the stable `code` says which (409 `resource_capacity_exceeded` past the capacity)", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn claim(route: &RouteState, body: &RawBody) -> Result<ClaimResourceResponse, ApiError> {
    // Who is asking comes first: nobody signed in learns nothing, not even
    // whether their body was well formed.
    let customer = route.require_customer(&body.headers).await?;
    let params: ClaimResourceParams = body.json()?;
    let (subscription_id, input) = params.into_input();
    let subscription_id = subscription_of(route, &customer, subscription_id).await?;
    route
        .platform
        .claim_resource(&customer, &subscription_id, input)
        .await
}

/// Releases claims: the oldest `quantity` anonymous ones, or by
/// `externalId` / `externalIds` / `claimIds`; all or nothing.
#[utoipa::path(post, path = "/api/billing/resources/release", tag = "server route", operation_id = "resourcesRelease",
    request_body = ReleaseResourceParams,
    responses((status = 200, description = "`{data: {releasedClaims, usage}}`", body = checkout_protocol::RouteResponse<ReleaseResourceResponse>), (status = "4XX", description = "A client error: the stable `code` says which (404 `resource_claim_not_found` when a claim is not held)", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn release(
    route: &RouteState,
    body: &RawBody,
) -> Result<ReleaseResourceResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: ReleaseResourceParams = body.json()?;
    let (subscription_id, input) = params.into_input();
    let subscription_id = subscription_of(route, &customer, subscription_id).await?;
    route
        .platform
        .release_resource(&customer, &subscription_id, input)
        .await
}

/// The claims held, of one resource (`resourceSlug`) or all.
#[utoipa::path(post, path = "/api/billing/resources/claims", tag = "server route", operation_id = "resourcesClaims",
    request_body = ListResourceClaimsParams,
    responses((status = 200, description = "`{data: {claims}}`", body = checkout_protocol::RouteResponse<ResourceClaimsResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn claims(
    route: &RouteState,
    body: &RawBody,
) -> Result<ResourceClaimsResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: ListResourceClaimsParams = body.json()?;
    if let Some(slug) = &params.resource_slug {
        validation::id_field("resourceSlug", Some(slug))?;
    }
    let subscription_id = subscription_of(route, &customer, params.subscription_id).await?;
    let claims = route
        .platform
        .resource_claims(&customer, &subscription_id, params.resource_slug.as_deref())
        .await?;
    Ok(ResourceClaimsResponse { claims })
}

/// Every resource's capacity, claimed and available.
#[utoipa::path(post, path = "/api/billing/resources/usages", tag = "server route", operation_id = "resourcesUsages",
    request_body = ResourceUsagesParams,
    responses((status = 200, description = "`{data: {resources}}`", body = checkout_protocol::RouteResponse<ResourceUsagesResponse>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn usages(
    route: &RouteState,
    body: &RawBody,
) -> Result<ResourceUsagesResponse, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: ResourceUsagesParams = body.json()?;
    let subscription_id = subscription_of(route, &customer, params.subscription_id).await?;
    let resources = route
        .platform
        .resource_usages(&customer, &subscription_id)
        .await?
        .into_iter()
        .map(|u| u.usage)
        .collect();
    Ok(ResourceUsagesResponse { resources })
}

/// One resource's usage and the claims held on it, by `resourceSlug` or
/// `resourceId` (both given, they must name the same resource).
#[utoipa::path(post, path = "/api/billing/resources/usages/retrieve", tag = "server route", operation_id = "resourcesUsagesRetrieve",
    request_body = ResourceUsageParams,
    responses((status = 200, description = "`{data: {usage, claims}}`", body = checkout_protocol::RouteResponse<ResourceUsageWithClaims>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("CustomerToken" = [])))]
pub async fn usage(
    route: &RouteState,
    body: &RawBody,
) -> Result<ResourceUsageWithClaims, ApiError> {
    let customer = route.require_customer(&body.headers).await?;
    let params: ResourceUsageParams = body.json()?;
    // Matched on the platform's answer (not our catalog), so it works the
    // same against a remote platform.
    let wanted = match (&params.resource_slug, &params.resource_id) {
        (None, None) => {
            return Err(ApiError::invalid_request(
                "Name the resource with resourceSlug or resourceId.",
            ))
        }
        (slug, id) => {
            validation::id_field("resourceSlug", slug.as_deref())?;
            validation::id_field("resourceId", id.as_deref())?;
            (slug.clone(), id.clone())
        }
    };
    let subscription_id = subscription_of(route, &customer, params.subscription_id).await?;
    let found = route
        .platform
        .resource_usages(&customer, &subscription_id)
        .await?
        .into_iter()
        .find(|u| {
            wanted
                .0
                .as_ref()
                .is_none_or(|s| &u.usage.resource_slug == s)
                && wanted.1.as_ref().is_none_or(|i| &u.usage.resource_id == i)
        });
    found.ok_or_else(|| {
        let name = wanted.0.or(wanted.1).unwrap_or_default();
        let shown: String = name.chars().take(64).collect();
        ApiError::new(
            ErrorCode::ResourceNotFound,
            format!("There is no resource `{shown}`."),
        )
    })
}
