//! The platform API's resource claims, behind the secret key, at the paths
//! `@flowglad/node` 0.29's `resourceClaims` calls:
//! `POST /api/v1/resource-claims/{subscriptionId}/claim` (`{claims, usage}`),
//! `POST …/release` (`{releasedClaims, usage}`), `GET …/usages` (a list of
//! `{usage, claims}`), `GET …/usage` (`{usage, claims}`) and `GET …/claims`
//! (`{claims}`, which `@flowglad/server` calls). Whose subscription it is,
//! is the caller's business (a server route checks that before calling).

use crate::domain::error::ApiError;
use crate::domain::resource::{resource_by_id, resource_by_slug};
use crate::http::extract::{PathParam, RawBody};
use crate::http::platform_api::secret_key::require_secret_key;
use crate::http::state::AppState;
use crate::platform::EmbeddedPlatform;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use checkout_protocol::{
    ClaimResourceResponse, ReleaseResourceResponse, ResourceClaimInput, ResourceClaimsResponse,
    ResourceReleaseInput, ResourceUsageWithClaims,
};

/// The most values a list query parameter may hold.
const MAX_QUERY_VALUES: usize = 100;

/// The query's parameters, each a list (`qs`'s `arrayFormat: 'comma'`, as
/// `@flowglad/node` sends them, or repeated keys, with or without `[]`),
/// refusing any key not in `allowed`.
fn query_lists(
    query: Option<String>,
    allowed: &[&str],
) -> Result<Vec<(String, Vec<String>)>, ApiError> {
    let mut out: Vec<(String, Vec<String>)> = allowed
        .iter()
        .map(|k| ((*k).to_owned(), Vec::new()))
        .collect();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let key = key.trim_end_matches("[]");
        let Some((_, values)) = out.iter_mut().find(|(k, _)| k == key) else {
            let shown: String = key.chars().take(40).collect();
            return Err(ApiError::invalid_request(format!(
                "Unknown query parameter `{shown}`; this endpoint takes only {}.",
                allowed.join(", ")
            )));
        };
        values.extend(
            value
                .split(',')
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
        );
        if values.len() > MAX_QUERY_VALUES {
            return Err(ApiError::invalid_request(format!(
                "`{key}` may hold at most {MAX_QUERY_VALUES} values."
            )));
        }
    }
    Ok(out)
}

fn list<'a>(lists: &'a [(String, Vec<String>)], key: &str) -> &'a [String] {
    lists
        .iter()
        .find(|(k, _)| k == key)
        .map_or(&[], |(_, v)| v.as_slice())
}

/// `POST /api/v1/resource-claims/{subscriptionId}/claim` with
/// `{resourceSlug, metadata?, exactly one of quantity | externalId | externalIds}`.
#[utoipa::path(post, path = "/api/v1/resource-claims/{subscriptionId}/claim", tag = "platform API", operation_id = "platformResourceClaim",
    params(("subscriptionId" = String, Path, description = "The subscription whose capacity is claimed")),
    request_body = ResourceClaimInput,
    responses((status = 200, description = "`{claims, usage}`", body = ClaimResourceResponse), (status = "4XX", description = "A client error: the stable `code` says which (409 `resource_capacity_exceeded` past the capacity)", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn claim(
    State(state): State<AppState>,
    PathParam(subscription_id): PathParam,
    body: RawBody,
) -> Result<Json<ClaimResourceResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let input: ResourceClaimInput = body.json()?;
    Ok(Json(
        EmbeddedPlatform::new(state.billing)
            .claim_resource_for_owner(&subscription_id, input)
            .await?,
    ))
}

/// `POST /api/v1/resource-claims/{subscriptionId}/release` with
/// `{resourceSlug, exactly one of quantity | externalId | externalIds | claimIds}`.
#[utoipa::path(post, path = "/api/v1/resource-claims/{subscriptionId}/release", tag = "platform API", operation_id = "platformResourceRelease",
    params(("subscriptionId" = String, Path, description = "The subscription whose claims are released")),
    request_body = ResourceReleaseInput,
    responses((status = 200, description = "`{releasedClaims, usage}`", body = ReleaseResourceResponse), (status = "4XX", description = "A client error: the stable `code` says which (404 `resource_claim_not_found` when a claim is not held)", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn release(
    State(state): State<AppState>,
    PathParam(subscription_id): PathParam,
    body: RawBody,
) -> Result<Json<ReleaseResourceResponse>, ApiError> {
    require_secret_key(&body.headers, &state.secret_key)?;
    let input: ResourceReleaseInput = body.json()?;
    Ok(Json(
        EmbeddedPlatform::new(state.billing)
            .release_resource_for_owner(&subscription_id, input)
            .await?,
    ))
}

/// `GET /api/v1/resource-claims/{subscriptionId}/usages[?resourceSlugs=…&resourceIds=…]`:
/// every resource's usage and claims, or only those named.
#[utoipa::path(get, path = "/api/v1/resource-claims/{subscriptionId}/usages", tag = "platform API", operation_id = "platformResourceUsages",
    params(("subscriptionId" = String, Path, description = "The subscription"),
        ("resourceSlugs" = Option<String>, Query, description = "Only these resources (comma-separated slugs)"),
        ("resourceIds" = Option<String>, Query, description = "Only these resources (comma-separated ids)")),
    responses((status = 200, description = "A list of `{usage, claims}`", body = Vec<ResourceUsageWithClaims>), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn usages(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(subscription_id): PathParam,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<ResourceUsageWithClaims>>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let lists = query_lists(query, &["resourceSlugs", "resourceIds"])?;
    let mut wanted = Vec::new();
    for slug in list(&lists, "resourceSlugs") {
        wanted.push(resource_by_slug(&state.billing.catalog, slug)?.id.clone());
    }
    for id in list(&lists, "resourceIds") {
        wanted.push(resource_by_id(&state.billing.catalog, id)?.id.clone());
    }
    let all = EmbeddedPlatform::new(state.billing)
        .resource_usages_for_owner(&subscription_id)
        .await?;
    Ok(Json(
        all.into_iter()
            .filter(|u| wanted.is_empty() || wanted.contains(&u.usage.resource_id))
            .collect(),
    ))
}

/// `GET /api/v1/resource-claims/{subscriptionId}/usage?resourceSlug=…|resourceId=…`:
/// one resource's usage and claims.
#[utoipa::path(get, path = "/api/v1/resource-claims/{subscriptionId}/usage", tag = "platform API", operation_id = "platformResourceUsage",
    params(("subscriptionId" = String, Path, description = "The subscription"),
        ("resourceSlug" = Option<String>, Query, description = "The resource by slug"),
        ("resourceId" = Option<String>, Query, description = "The resource by id")),
    responses((status = 200, description = "`{usage, claims}`", body = ResourceUsageWithClaims), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn usage(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(subscription_id): PathParam,
    RawQuery(query): RawQuery,
) -> Result<Json<ResourceUsageWithClaims>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let lists = query_lists(query, &["resourceSlug", "resourceId"])?;
    let resource_id = match (list(&lists, "resourceSlug"), list(&lists, "resourceId")) {
        ([slug], []) => resource_by_slug(&state.billing.catalog, slug)?.id.clone(),
        ([], [id]) => resource_by_id(&state.billing.catalog, id)?.id.clone(),
        _ => {
            return Err(ApiError::invalid_request(
                "Exactly one of resourceSlug or resourceId must be provided.",
            ))
        }
    };
    EmbeddedPlatform::new(state.billing)
        .resource_usages_for_owner(&subscription_id)
        .await?
        .into_iter()
        .find(|u| u.usage.resource_id == resource_id)
        .map(Json)
        .ok_or_else(|| ApiError::internal("a catalog resource has no usage entry", &resource_id))
}

/// `GET /api/v1/resource-claims/{subscriptionId}/claims[?resourceSlug=…]`:
/// the claims held, of one resource or all.
#[utoipa::path(get, path = "/api/v1/resource-claims/{subscriptionId}/claims", tag = "platform API", operation_id = "platformResourceClaims",
    params(("subscriptionId" = String, Path, description = "The subscription"),
        ("resourceSlug" = Option<String>, Query, description = "Only this resource's claims")),
    responses((status = 200, description = "`{claims}`", body = ResourceClaimsResponse), (status = "4XX", description = "A client error: the stable `code` says which", body = crate::http::error::ErrorResponse)),
    security(("PlatformKey" = [])))]
pub async fn claims(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(subscription_id): PathParam,
    RawQuery(query): RawQuery,
) -> Result<Json<ResourceClaimsResponse>, ApiError> {
    require_secret_key(&headers, &state.secret_key)?;
    let lists = query_lists(query, &["resourceSlug"])?;
    let only = match list(&lists, "resourceSlug") {
        [] => None,
        [slug] => Some(resource_by_slug(&state.billing.catalog, slug)?.id.clone()),
        _ => return Err(ApiError::invalid_request("Name at most one resourceSlug.")),
    };
    let claims = EmbeddedPlatform::new(state.billing)
        .resource_usages_for_owner(&subscription_id)
        .await?
        .into_iter()
        .filter(|u| only.as_ref().is_none_or(|id| &u.usage.resource_id == id))
        .flat_map(|u| u.claims)
        .collect();
    Ok(Json(ResourceClaimsResponse { claims }))
}
