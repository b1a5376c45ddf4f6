//! Resource claims (seats and the like): what a claim or release asks for,
//! checked against the catalog, how much of a resource a subscription has,
//! and a claim in Flowglad's shape.
//!
//! A subscription's capacity of a resource is the sum of its product's
//! active `resource` features on that resource, times the subscription's
//! quantity (Flowglad grants a feature per unit of a subscription item), and
//! is zero once the subscription has ended. Claims are held until released;
//! the store makes every claim in one transaction that counts the held
//! claims first, so the held count never passes the capacity.

use crate::domain::catalog::{Catalog, CatalogResource};
use crate::domain::error::ApiError;
use crate::domain::subscription::StoredSubscription;
use crate::domain::validation;
use checkout_protocol::resource::{self, CLAIM_ONE_FORM, CLAIM_QUANTITY_MESSAGE, RELEASE_ONE_FORM};
use checkout_protocol::{
    ErrorCode, FeatureType, ResourceClaim, ResourceClaimInput, ResourceReleaseInput, ResourceUsage,
};
use serde_json::{Map, Value};

/// The longest string value in a claim's metadata (Flowglad's `max(500)`).
pub const MAX_METADATA_STRING_CHARS: usize = 500;
/// The most keys a claim's metadata may have.
pub const MAX_METADATA_KEYS: usize = 50;
/// The most bytes a claim's metadata may take as JSON.
pub const MAX_METADATA_BYTES: usize = 4096;
/// `releaseReason` of a claim released by a call.
pub const RELEASED_BY_CALL: &str = "released";

/// What a claim call asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRequest {
    /// N anonymous claims.
    Anonymous(i64),
    /// Named claims, each held once (duplicates removed, order kept).
    Named(Vec<String>),
}

/// What a release call asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseRequest {
    /// The N oldest anonymous claims.
    Anonymous(i64),
    /// Named claims by `externalId`.
    Named(Vec<String>),
    /// Claims by id.
    Ids(Vec<String>),
}

/// A claim call, checked: the resource exists and the request is well formed.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedClaim {
    /// The resource.
    pub resource: CatalogResource,
    /// What to claim.
    pub request: ClaimRequest,
    /// Metadata for every claim made.
    pub metadata: Option<Map<String, Value>>,
}

/// A release call, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRelease {
    /// The resource.
    pub resource: CatalogResource,
    /// What to release.
    pub request: ReleaseRequest,
}

/// A claim as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredClaim {
    /// `rc_…` id.
    pub id: String,
    /// The subscription's owner.
    pub customer_id: String,
    /// The subscription whose capacity it takes.
    pub subscription_id: String,
    /// The resource.
    pub resource_id: String,
    /// The name of a named claim.
    pub external_id: Option<String>,
    /// The caller's metadata.
    pub metadata: Option<Map<String, Value>>,
    /// Epoch ms.
    pub claimed_at: i64,
    /// Epoch ms, once released.
    pub released_at: Option<i64>,
    /// Why it was released.
    pub release_reason: Option<String>,
    /// Epoch ms.
    pub updated_at: i64,
}

/// The catalog's resource with `slug` (404 `resource_not_found` otherwise).
pub fn resource_by_slug<'a>(
    catalog: &'a Catalog,
    slug: &str,
) -> Result<&'a CatalogResource, ApiError> {
    validation::id_field("resourceSlug", Some(slug))?;
    catalog
        .resources
        .iter()
        .find(|r| r.slug == slug)
        .ok_or_else(|| resource_not_found(slug))
}

/// The catalog's resource with `id` (404 `resource_not_found` otherwise).
pub fn resource_by_id<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a CatalogResource, ApiError> {
    validation::id_field("resourceId", Some(id))?;
    catalog
        .resources
        .iter()
        .find(|r| r.id == id)
        .ok_or_else(|| resource_not_found(id))
}

fn resource_not_found(name: &str) -> ApiError {
    let shown: String = name.chars().take(64).collect();
    ApiError::new(
        ErrorCode::ResourceNotFound,
        format!("There is no resource `{shown}`."),
    )
}

/// A `quantity` as the protocol's rule takes it (1 to 1,000).
fn claim_quantity(value: f64) -> Result<i64, ApiError> {
    resource::claim_quantity(value)
        .map(i64::from)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidQuantity, CLAIM_QUANTITY_MESSAGE))
}

/// Names for named claims or releases, checked by the protocol's rule (the
/// hook's too), duplicates dropped.
fn names(field: &str, values: Vec<String>) -> Result<Vec<String>, ApiError> {
    if let Some((code, message)) = resource::names_problem(field, &values) {
        return Err(ApiError::new(code, message));
    }
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

/// Claim metadata as Flowglad's schema allows it (string values of at most
/// [`MAX_METADATA_STRING_CHARS`], numbers, booleans), within our size bounds.
fn claim_metadata(
    value: Option<Map<String, Value>>,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let Some(map) = value else { return Ok(None) };
    let bad = |why: String| ApiError::new(ErrorCode::InvalidMetadata, why);
    if map.len() > MAX_METADATA_KEYS {
        return Err(bad(format!(
            "metadata must have at most {MAX_METADATA_KEYS} keys."
        )));
    }
    for v in map.values() {
        match v {
            Value::String(s) if s.chars().count() > MAX_METADATA_STRING_CHARS => {
                return Err(bad(format!(
                    "metadata strings must be at most {MAX_METADATA_STRING_CHARS} characters."
                )))
            }
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {}
            _ => {
                return Err(bad(
                    "metadata values must be strings, numbers or booleans.".to_owned()
                ))
            }
        }
    }
    let size = serde_json::to_vec(&map).map_or(usize::MAX, |v| v.len());
    if size > MAX_METADATA_BYTES {
        return Err(bad(format!(
            "metadata must be at most {MAX_METADATA_BYTES} bytes as JSON."
        )));
    }
    Ok(Some(map))
}

/// Checks a claim the way `claimResourceSchema` shapes it: a known
/// `resourceSlug` and exactly one of `quantity`, `externalId`, `externalIds`.
pub fn check_claim(input: ResourceClaimInput, catalog: &Catalog) -> Result<CheckedClaim, ApiError> {
    let resource = resource_by_slug(catalog, &input.resource_slug)?.clone();
    let given = [
        input.quantity.is_some(),
        input.external_id.is_some(),
        input.external_ids.is_some(),
    ]
    .into_iter()
    .filter(|g| *g)
    .count();
    if given != 1 {
        return Err(ApiError::invalid_request(CLAIM_ONE_FORM));
    }
    let request = match (input.quantity, input.external_id, input.external_ids) {
        (Some(q), ..) => ClaimRequest::Anonymous(claim_quantity(q)?),
        (_, Some(id), _) => ClaimRequest::Named(names("externalId", vec![id])?),
        (_, _, Some(ids)) => ClaimRequest::Named(names("externalIds", ids)?),
        (None, None, None) => return Err(ApiError::invalid_request(CLAIM_ONE_FORM)),
    };
    Ok(CheckedClaim {
        resource,
        request,
        metadata: claim_metadata(input.metadata)?,
    })
}

/// Checks a release the way `releaseResourceSchema` shapes it: a known
/// `resourceSlug` and exactly one of `quantity`, `externalId`,
/// `externalIds`, `claimIds`.
pub fn check_release(
    input: ResourceReleaseInput,
    catalog: &Catalog,
) -> Result<CheckedRelease, ApiError> {
    let resource = resource_by_slug(catalog, &input.resource_slug)?.clone();
    let given = [
        input.quantity.is_some(),
        input.external_id.is_some(),
        input.external_ids.is_some(),
        input.claim_ids.is_some(),
    ]
    .into_iter()
    .filter(|g| *g)
    .count();
    let one = RELEASE_ONE_FORM;
    if given != 1 {
        return Err(ApiError::invalid_request(one));
    }
    let request = match (
        input.quantity,
        input.external_id,
        input.external_ids,
        input.claim_ids,
    ) {
        (Some(q), ..) => ReleaseRequest::Anonymous(claim_quantity(q)?),
        (_, Some(id), ..) => ReleaseRequest::Named(names("externalId", vec![id])?),
        (_, _, Some(ids), _) => ReleaseRequest::Named(names("externalIds", ids)?),
        (_, _, _, Some(ids)) => ReleaseRequest::Ids(names("claimIds", ids)?),
        (None, None, None, None) => return Err(ApiError::invalid_request(one)),
    };
    Ok(CheckedRelease { resource, request })
}

/// The resource features of `s`'s product on `resource_id` (active ones).
fn resource_features<'a>(
    s: &StoredSubscription,
    catalog: &'a Catalog,
    resource_id: &'a str,
) -> impl Iterator<Item = &'a checkout_protocol::Feature> + 'a {
    catalog
        .any_price_by_id(&s.price_id)
        .map(|(product, _)| product.features.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(move |f| {
            f.active
                && f.feature_type == FeatureType::Resource
                && f.resource_id.as_deref() == Some(resource_id)
        })
}

/// How many claims on `resource_id` `s` may hold now: its resource features'
/// amounts times its quantity while it is current, else 0.
pub fn capacity(s: &StoredSubscription, catalog: &Catalog, resource_id: &str) -> i64 {
    if !s.status.is_current() {
        return 0;
    }
    resource_features(s, catalog, resource_id)
        .filter_map(|f| f.amount)
        .fold(0_i64, i64::saturating_add)
        .saturating_mul(i64::from(s.quantity))
}

/// `ResourceUsage` of `resource` on `s` with `claimed` claims held.
pub fn usage_view(
    s: &StoredSubscription,
    catalog: &Catalog,
    resource: &CatalogResource,
    claimed: i64,
) -> ResourceUsage {
    let capacity = capacity(s, catalog, &resource.id);
    ResourceUsage {
        available: capacity.saturating_sub(claimed).max(0),
        capacity,
        claimed,
        resource_id: resource.id.clone(),
        resource_slug: resource.slug.clone(),
    }
}

/// A claim in `@flowglad/node`'s shape. `subscriptionItemFeatureId` names
/// the feature item as `experimental.featureItems` does.
pub fn claim_view(c: &StoredClaim, s: &StoredSubscription, catalog: &Catalog) -> ResourceClaim {
    let feature = resource_features(s, catalog, &c.resource_id)
        .next()
        .map(|f| f.id.clone())
        .unwrap_or_default();
    ResourceClaim {
        id: c.id.clone(),
        claimed_at: c.claimed_at,
        created_at: c.claimed_at,
        external_id: c.external_id.clone(),
        livemode: false,
        organization_id: catalog.organization_id.clone(),
        pricing_model_id: catalog.pricing_model.id.clone(),
        release_reason: c.release_reason.clone(),
        resource_id: c.resource_id.clone(),
        subscription_id: c.subscription_id.clone(),
        subscription_item_feature_id: format!(
            "sif_{}_{feature}",
            c.subscription_id.trim_start_matches("sub_")
        ),
        updated_at: c.updated_at,
        metadata: c.metadata.clone(),
        released_at: c.released_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(v: serde_json::Value) -> ResourceClaimInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_claim_names_exactly_one_of_quantity_or_names() {
        let c = Catalog::demo().unwrap();
        let e = check_claim(input(serde_json::json!({"resourceSlug": "seats"})), &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        let e = check_claim(
            input(serde_json::json!({"resourceSlug": "seats", "quantity": 1, "externalId": "a"})),
            &c,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        for q in [0.0, -1.0, 1.5, 1001.0, f64::NAN] {
            let e = check_claim(
                ResourceClaimInput {
                    resource_slug: "seats".into(),
                    quantity: Some(q),
                    ..Default::default()
                },
                &c,
            )
            .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidQuantity, "{q}");
        }
        let ok = check_claim(
            input(serde_json::json!({"resourceSlug": "seats", "externalIds": ["a", "b", "a"]})),
            &c,
        )
        .unwrap();
        assert_eq!(
            ok.request,
            ClaimRequest::Named(vec!["a".into(), "b".into()])
        );
        let e = check_claim(
            input(serde_json::json!({"resourceSlug": "desks", "quantity": 1})),
            &c,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::ResourceNotFound);
    }

    #[test]
    fn metadata_takes_only_flat_bounded_values() {
        let c = Catalog::demo().unwrap();
        let e = check_claim(
            input(serde_json::json!({"resourceSlug": "seats", "quantity": 1, "metadata": {"a": {"b": 1}}})),
            &c,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidMetadata);
        let e = check_claim(
            input(serde_json::json!({"resourceSlug": "seats", "quantity": 1, "metadata": {"a": "x".repeat(501)}})),
            &c,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidMetadata);
    }
}
