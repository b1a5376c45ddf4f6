//! Resource claims on the wire (seats and the like): claiming, releasing and
//! listing claims and reading usage, in `@flowglad/shared` 0.18's route
//! shapes (`claimResourceSchema`, `releaseResourceSchema`,
//! `listResourceClaimsSchema`, `getResourceUsageSchema`, `getResourcesSchema`)
//! and `@flowglad/node` 0.29's platform shapes (`resource-claims.ts`).

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The most claims one call may make or release by `quantity`. Capacities
/// are bounded by the catalog anyway; this bounds the work of one request.
pub const MAX_CLAIM_QUANTITY: u32 = 1000;
/// The most `externalIds` or `claimIds` one call may name.
pub const MAX_NAMED_CLAIMS: usize = 100;
/// The longest `externalId` (Flowglad's `z.string().max(255)`).
pub const MAX_EXTERNAL_ID_CHARS: usize = 255;
/// What a claim that is not exactly one form is told.
pub const CLAIM_ONE_FORM: &str =
    "Exactly one of quantity, externalId, or externalIds must be provided.";
/// What a release that is not exactly one form is told.
pub const RELEASE_ONE_FORM: &str =
    "Exactly one of quantity, externalId, externalIds, or claimIds must be provided.";
/// What a refused claim or release `quantity` is told.
pub const CLAIM_QUANTITY_MESSAGE: &str = "quantity must be a whole number from 1 to 1,000.";

/// `quantity` as a claim or release takes it: a whole number from 1 to
/// [`MAX_CLAIM_QUANTITY`] (a JSON number, so checked as `f64`).
pub fn claim_quantity(value: f64) -> Option<u32> {
    // The range check comes first, so the cast never saturates.
    (value.is_finite()
        && value.fract() == 0.0
        && (1.0..=f64::from(MAX_CLAIM_QUANTITY)).contains(&value))
    .then_some(value as u32)
}

/// What is wrong with the names `field` gives for named claims (none, too
/// many, blank, too long) with its code, in the words the caller reads;
/// `None` if fine. The hook and the server check with this one rule.
pub fn names_problem(field: &str, names: &[String]) -> Option<(ErrorCode, String)> {
    let invalid = |message: String| Some((ErrorCode::InvalidRequest, message));
    if names.is_empty() {
        return invalid(format!("{field} must name at least one."));
    }
    if names.len() > MAX_NAMED_CLAIMS {
        return invalid(format!(
            "{field} may name at most {MAX_NAMED_CLAIMS} claims."
        ));
    }
    if names.iter().any(|n| n.trim().is_empty()) {
        return invalid(format!("{field} must not hold a blank name."));
    }
    if names
        .iter()
        .any(|n| n.chars().count() > MAX_EXTERNAL_ID_CHARS)
    {
        return Some((
            ErrorCode::FieldTooLong,
            format!("{field} must be at most {MAX_EXTERNAL_ID_CHARS} characters."),
        ));
    }
    None
}

/// One claim on a resource (`ResourceClaimClaimResponse.Claim`): anonymous
/// (`externalId` null) or named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourceClaim {
    /// Platform id.
    pub id: String,
    /// When it was claimed, epoch milliseconds.
    pub claimed_at: i64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub created_at: i64,
    /// The merchant's name for a named claim; `null` for an anonymous one.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Live or test mode.
    #[serde(default)]
    pub livemode: bool,
    /// The merchant's organization.
    #[serde(default)]
    pub organization_id: String,
    /// The pricing model.
    #[serde(default)]
    pub pricing_model_id: String,
    /// Why it was released, once it was.
    #[serde(default)]
    pub release_reason: Option<String>,
    /// The resource claimed.
    pub resource_id: String,
    /// The subscription whose capacity it takes.
    pub subscription_id: String,
    /// The subscription's feature granting the capacity.
    #[serde(default)]
    pub subscription_item_feature_id: String,
    /// Epoch milliseconds.
    #[serde(default)]
    pub updated_at: i64,
    /// The caller's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// When it was released, epoch milliseconds; `null` while held.
    #[serde(default)]
    pub released_at: Option<i64>,
}

/// How much of one resource a subscription has (`ResourceClaim…Usage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourceUsage {
    /// `capacity − claimed`, never below 0.
    pub available: i64,
    /// What the subscription's features grant.
    pub capacity: i64,
    /// Claims held now.
    pub claimed: i64,
    /// The resource.
    pub resource_id: String,
    /// The resource's slug.
    pub resource_slug: String,
}

/// A resource's usage and the claims held on it: the answer of
/// `resources/usages/retrieve`, and one entry of the platform's
/// `GET /api/v1/resource-claims/{subscriptionId}/usages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourceUsageWithClaims {
    /// Claims held now, oldest first.
    pub claims: Vec<ResourceClaim>,
    /// Capacity, claimed, available.
    pub usage: ResourceUsage,
}

/// What to claim: exactly one of `quantity`, `externalId`, `externalIds`
/// (the platform's `ResourceClaimClaimParams`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceClaimInput {
    /// The resource.
    pub resource_slug: String,
    /// Metadata kept on every claim made (values: string ≤ 500, number, boolean).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// N anonymous claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// One named claim (idempotent: held already, it is answered again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Several named claims (idempotent per id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ids: Option<Vec<String>>,
}

/// `resources/claim` as a browser posts it: [`ResourceClaimInput`] plus an
/// optional `subscriptionId` (default: the customer's one current subscription).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimResourceParams {
    /// The resource.
    pub resource_slug: String,
    /// One of the customer's current subscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Metadata kept on every claim made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// N anonymous claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// One named claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Several named claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ids: Option<Vec<String>>,
}

impl ClaimResourceParams {
    /// The platform's part of the request (everything but `subscriptionId`).
    pub fn into_input(self) -> (Option<String>, ResourceClaimInput) {
        (
            self.subscription_id,
            ResourceClaimInput {
                resource_slug: self.resource_slug,
                metadata: self.metadata,
                quantity: self.quantity,
                external_id: self.external_id,
                external_ids: self.external_ids,
            },
        )
    }
}

/// What to release: exactly one of `quantity` (anonymous claims, oldest
/// first), `externalId`, `externalIds`, `claimIds` (`ResourceClaimReleaseParams`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceReleaseInput {
    /// The resource.
    pub resource_slug: String,
    /// Release N anonymous claims, oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Release one named claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Release several named claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ids: Option<Vec<String>>,
    /// Release these claims (anonymous or named) by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_ids: Option<Vec<String>>,
}

/// `resources/release` as a browser posts it: [`ResourceReleaseInput`] plus
/// an optional `subscriptionId`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseResourceParams {
    /// The resource.
    pub resource_slug: String,
    /// One of the customer's current subscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Release N anonymous claims, oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Release one named claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Release several named claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ids: Option<Vec<String>>,
    /// Release these claims by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_ids: Option<Vec<String>>,
}

impl ReleaseResourceParams {
    /// The platform's part of the request (everything but `subscriptionId`).
    pub fn into_input(self) -> (Option<String>, ResourceReleaseInput) {
        (
            self.subscription_id,
            ResourceReleaseInput {
                resource_slug: self.resource_slug,
                quantity: self.quantity,
                external_id: self.external_id,
                external_ids: self.external_ids,
                claim_ids: self.claim_ids,
            },
        )
    }
}

/// `resources/claims`: the claims held, optionally on one resource only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListResourceClaimsParams {
    /// One of the customer's current subscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Only this resource's claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_slug: Option<String>,
}

/// `resources/usages`: every resource's usage on a subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceUsagesParams {
    /// One of the customer's current subscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
}

/// `resources/usages/retrieve`: one resource's usage and claims, by exactly
/// one of `resourceSlug` / `resourceId`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceUsageParams {
    /// One of the customer's current subscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// The resource by slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_slug: Option<String>,
    /// The resource by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// The answer to a claim: the claims made (or, for a named claim already
/// held, that claim) and the resource's usage after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClaimResourceResponse {
    /// The claims.
    pub claims: Vec<ResourceClaim>,
    /// Usage after the claim.
    pub usage: ResourceUsage,
}

/// The answer to a release: the claims released and the usage after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseResourceResponse {
    /// The claims released.
    pub released_claims: Vec<ResourceClaim>,
    /// Usage after the release.
    pub usage: ResourceUsage,
}

/// The answer to `resources/claims` (and the platform's `…/claims`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourceClaimsResponse {
    /// Claims held now, oldest first.
    pub claims: Vec<ResourceClaim>,
}

/// The answer to `resources/usages`: every resource's usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResourceUsagesResponse {
    /// One entry per resource of the pricing model.
    pub resources: Vec<ResourceUsage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_quantities_and_names_follow_one_rule() {
        assert_eq!(claim_quantity(1.0), Some(1));
        assert_eq!(claim_quantity(1000.0), Some(1000));
        for bad in [0.0, 1.5, 1001.0, -1.0, f64::NAN, f64::INFINITY, 1e12] {
            assert_eq!(claim_quantity(bad), None, "{bad}");
        }
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(names_problem("externalIds", &names(&["a", "b"])), None);
        let problem = |field, v: &[String]| names_problem(field, v).unwrap();
        assert!(problem("externalIds", &[]).1.contains("at least one"));
        assert!(problem("externalId", &names(&[" "])).1.contains("blank"));
        assert_eq!(
            problem("externalId", &["x".repeat(256)]),
            (
                ErrorCode::FieldTooLong,
                "externalId must be at most 255 characters.".into()
            )
        );
        let many = vec!["c".to_string(); 101];
        assert_eq!(problem("claimIds", &many).0, ErrorCode::InvalidRequest);
    }
}
