//! The mock's resource (seat) actions, with the reference server's rules
//! (`server/src/domain/resource.rs`, `platform/resources.rs`): a
//! subscription's capacity of a resource is the amounts of its product's
//! active resource features on it, times its quantity, and none once it has
//! ended; claims are all or nothing within it; a named claim held already is
//! answered again; releases are all or nothing.
//!
//! The wire pricing model lists no resources, so the mock knows one by its
//! resource features: `resourceSlug` is the feature's `slug` and
//! `resourceId` its `resourceId` (as [`fixtures::resource_feature`] makes
//! them).
//!
//! [`fixtures::resource_feature`]: super::fixtures::resource_feature

use super::plans::{params, pick_subscription, quantity_of};
use super::{error, js_now, ok, signed_out, State};
use crate::transport::HttpResponse;
use checkout_protocol::resource::{
    claim_quantity, names_problem, CLAIM_ONE_FORM, CLAIM_QUANTITY_MESSAGE, RELEASE_ONE_FORM,
};
use checkout_protocol::{
    action, ClaimResourceParams, CustomerBilling, ErrorCode, FeatureType, ListResourceClaimsParams,
    PricingModel, ReleaseResourceParams, ResourceClaim, ResourceUsage, ResourceUsageParams,
    ResourceUsagesParams, Subscription,
};
use serde_json::{json, Value};

/// A resource the pricing model's features name.
struct Resource {
    id: String,
    slug: String,
}

/// Every resource some product's resource feature gives capacity of, once.
fn resources(model: &PricingModel) -> Vec<Resource> {
    let mut found: Vec<Resource> = Vec::new();
    for feature in model.products.iter().flat_map(|p| &p.features) {
        if let (FeatureType::Resource, Some(id)) = (feature.feature_type, &feature.resource_id) {
            if !found.iter().any(|r| &r.id == id) {
                found.push(Resource {
                    id: id.clone(),
                    slug: feature.slug.clone(),
                });
            }
        }
    }
    found
}

fn resource_not_found(name: &str) -> HttpResponse {
    error(
        ErrorCode::ResourceNotFound,
        format!("There is no resource `{name}`."),
    )
}

/// How many claims on `resource_id` `sub` may hold now.
fn capacity(model: &PricingModel, sub: &Subscription, resource_id: &str) -> i64 {
    if !sub.status.is_current() {
        return 0;
    }
    let product = model
        .products
        .iter()
        .find(|p| p.prices.iter().any(|price| price.id == sub.price_id));
    product
        .map(|p| p.features.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|f| {
            f.active
                && f.feature_type == FeatureType::Resource
                && f.resource_id.as_deref() == Some(resource_id)
        })
        .filter_map(|f| f.amount)
        .fold(0_i64, i64::saturating_add)
        .saturating_mul(i64::from(quantity_of(sub)))
}

/// The claims held on `resource_id` of `sub`, oldest first.
fn held<'c>(
    claims: &'c [ResourceClaim],
    sub: &'c str,
    resource_id: &'c str,
) -> impl Iterator<Item = &'c ResourceClaim> {
    claims.iter().filter(move |c| {
        c.released_at.is_none() && c.subscription_id == sub && c.resource_id == resource_id
    })
}

fn usage(state: &State, sub: &Subscription, resource: &Resource) -> ResourceUsage {
    let capacity = capacity(&state.pricing_model, sub, &resource.id);
    let claimed =
        i64::try_from(held(&state.claims, &sub.id, &resource.id).count()).unwrap_or(i64::MAX);
    ResourceUsage {
        available: capacity.saturating_sub(claimed).max(0),
        capacity,
        claimed,
        resource_id: resource.id.clone(),
        resource_slug: resource.slug.clone(),
    }
}

/// Answers a resource `action` from the state.
pub(super) fn respond(state: &mut State, action: &str, body: &Value) -> HttpResponse {
    let Some(billing) = state.billing.as_ref() else {
        return signed_out();
    };
    let billing = billing.clone();
    let answer = match action {
        action::RESOURCES_CLAIM => claim(state, &billing, body),
        action::RESOURCES_RELEASE => release(state, &billing, body),
        action::RESOURCES_CLAIMS => list_claims(state, &billing, body),
        action::RESOURCES_USAGES => usages(state, &billing, body),
        _ => usage_with_claims(state, &billing, body),
    };
    match answer {
        Ok(answer) | Err(answer) => answer,
    }
}

fn subscription(
    billing: &CustomerBilling,
    given: Option<&str>,
) -> Result<Subscription, HttpResponse> {
    pick_subscription(
        billing,
        given,
        ErrorCode::SubscriptionRequired,
        "You have no current subscription, so there are no resources to claim.",
    )
}

fn by_slug(state: &State, slug: &str) -> Result<Resource, HttpResponse> {
    resources(&state.pricing_model)
        .into_iter()
        .find(|r| r.slug == slug)
        .ok_or_else(|| resource_not_found(slug))
}

/// Names as the protocol's rule takes them, duplicates dropped.
fn names(field: &str, values: Vec<String>) -> Result<Vec<String>, HttpResponse> {
    if let Some((code, message)) = names_problem(field, &values) {
        return Err(error(code, message));
    }
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Ok(out)
}

fn quantity(value: f64) -> Result<usize, HttpResponse> {
    claim_quantity(value).map(|q| q as usize).ok_or_else(|| {
        error(
            ErrorCode::InvalidQuantity,
            CLAIM_QUANTITY_MESSAGE.to_owned(),
        )
    })
}

fn claim(
    state: &mut State,
    billing: &CustomerBilling,
    body: &Value,
) -> Result<HttpResponse, HttpResponse> {
    let p: ClaimResourceParams = params(body, action::RESOURCES_CLAIM)?;
    let (given, input) = p.into_input();
    let resource = by_slug(state, &input.resource_slug)?;
    let forms = [
        input.quantity.is_some(),
        input.external_id.is_some(),
        input.external_ids.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        return Err(error(ErrorCode::InvalidRequest, CLAIM_ONE_FORM.to_owned()));
    }
    // Anonymous claims are `None` names.
    let wanted: Vec<Option<String>> = match (input.quantity, input.external_id, input.external_ids)
    {
        (Some(q), ..) => vec![None; quantity(q)?],
        (_, Some(id), _) => names("externalId", vec![id])?
            .into_iter()
            .map(Some)
            .collect(),
        (_, _, Some(ids)) => names("externalIds", ids)?.into_iter().map(Some).collect(),
        (None, None, None) => {
            return Err(error(ErrorCode::InvalidRequest, CLAIM_ONE_FORM.to_owned()))
        }
    };
    let sub = subscription(billing, given.as_deref())?;
    if !sub.status.is_current() {
        return Err(error(
            ErrorCode::SubscriptionNotCurrent,
            format!(
                "Subscription `{}` has ended; its resources can no longer be claimed.",
                sub.id
            ),
        ));
    }
    let already: Vec<ResourceClaim> = held(&state.claims, &sub.id, &resource.id)
        .cloned()
        .collect();
    let held_as = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| already.iter().find(|c| c.external_id.as_ref() == Some(n)))
            .cloned()
    };
    let requested = wanted.iter().filter(|name| held_as(name).is_none()).count();
    let requested = i64::try_from(requested).unwrap_or(i64::MAX);
    let before = usage(state, &sub, &resource);
    if before.claimed.saturating_add(requested) > before.capacity {
        return Err(error(
            ErrorCode::ResourceCapacityExceeded,
            format!(
                "Cannot claim {requested} more `{}`: {} of {} are claimed, {} available. Release some or upgrade the plan.",
                resource.slug, before.claimed, before.capacity, before.available
            ),
        ));
    }
    let now = state.clock.unwrap_or_else(js_now);
    let mut answered = Vec::new();
    for name in wanted {
        // A named claim held already is answered again, not made twice.
        if let Some(existing) = held_as(&name) {
            answered.push(existing);
            continue;
        }
        state.claim_count += 1;
        let claim: ResourceClaim = serde_json::from_value(json!({
            "id": format!("rc_mock_{}", state.claim_count),
            "claimedAt": now, "createdAt": now, "updatedAt": now,
            "externalId": name, "livemode": false,
            "pricingModelId": state.pricing_model.id,
            "resourceId": resource.id, "subscriptionId": sub.id,
            "subscriptionItemFeatureId": format!("sif_{}_{}", sub.id.trim_start_matches("sub_"), resource.slug),
            "metadata": input.metadata,
        }))
        .map_err(|e| error(ErrorCode::InvalidMetadata, format!("metadata: {e}.")))?;
        state.claims.push(claim.clone());
        answered.push(claim);
    }
    Ok(ok(
        json!({ "claims": answered, "usage": usage(state, &sub, &resource) }),
    ))
}

fn release(
    state: &mut State,
    billing: &CustomerBilling,
    body: &Value,
) -> Result<HttpResponse, HttpResponse> {
    let p: ReleaseResourceParams = params(body, action::RESOURCES_RELEASE)?;
    let (given, input) = p.into_input();
    let resource = by_slug(state, &input.resource_slug)?;
    let forms = [
        input.quantity.is_some(),
        input.external_id.is_some(),
        input.external_ids.is_some(),
        input.claim_ids.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        return Err(error(
            ErrorCode::InvalidRequest,
            RELEASE_ONE_FORM.to_owned(),
        ));
    }
    let sub = subscription(billing, given.as_deref())?;
    let held: Vec<ResourceClaim> = held(&state.claims, &sub.id, &resource.id)
        .cloned()
        .collect();
    let missing = |what: String| {
        error(
            ErrorCode::ResourceClaimNotFound,
            format!("Nothing was released: {what} on `{}`.", resource.slug),
        )
    };
    let mut chosen: Vec<String> = Vec::new();
    match (
        input.quantity,
        input.external_id,
        input.external_ids,
        input.claim_ids,
    ) {
        (Some(q), ..) => {
            let n = quantity(q)?;
            let anonymous: Vec<&ResourceClaim> =
                held.iter().filter(|c| c.external_id.is_none()).collect();
            if anonymous.len() < n {
                return Err(missing(format!(
                    "only {} anonymous claims are held",
                    anonymous.len()
                )));
            }
            chosen.extend(anonymous.iter().take(n).map(|c| c.id.clone()));
        }
        (_, external_id, external_ids, claim_ids) => {
            let (by_id, field, list) = match (external_id, external_ids, claim_ids) {
                (Some(id), ..) => (false, "externalId", vec![id]),
                (_, Some(ids), _) => (false, "externalIds", ids),
                (_, _, Some(ids)) => (true, "claimIds", ids),
                _ => {
                    return Err(error(
                        ErrorCode::InvalidRequest,
                        RELEASE_ONE_FORM.to_owned(),
                    ))
                }
            };
            for name in names(field, list)? {
                let found = held.iter().find(|c| {
                    if by_id {
                        c.id == name
                    } else {
                        c.external_id.as_deref() == Some(name.as_str())
                    }
                });
                match found {
                    Some(c) => chosen.push(c.id.clone()),
                    None if by_id => return Err(missing(format!("no claim `{name}` is held"))),
                    None => {
                        return Err(missing(format!(
                            "no claim with externalId `{name}` is held"
                        )))
                    }
                }
            }
        }
    }
    let now = state.clock.unwrap_or_else(js_now);
    let mut released = Vec::new();
    for c in state.claims.iter_mut().filter(|c| chosen.contains(&c.id)) {
        c.released_at = Some(now);
        c.release_reason = Some("released".to_owned());
        c.updated_at = now;
        released.push(c.clone());
    }
    Ok(ok(
        json!({ "releasedClaims": released, "usage": usage(state, &sub, &resource) }),
    ))
}

fn list_claims(
    state: &State,
    billing: &CustomerBilling,
    body: &Value,
) -> Result<HttpResponse, HttpResponse> {
    let p: ListResourceClaimsParams = params(body, action::RESOURCES_CLAIMS)?;
    let only = p
        .resource_slug
        .as_deref()
        .map(|slug| by_slug(state, slug))
        .transpose()?;
    let sub = subscription(billing, p.subscription_id.as_deref())?;
    let claims: Vec<&ResourceClaim> = state
        .claims
        .iter()
        .filter(|c| c.released_at.is_none() && c.subscription_id == sub.id)
        .filter(|c| only.as_ref().is_none_or(|r| r.id == c.resource_id))
        .collect();
    Ok(ok(json!({ "claims": claims })))
}

fn usages(
    state: &State,
    billing: &CustomerBilling,
    body: &Value,
) -> Result<HttpResponse, HttpResponse> {
    let p: ResourceUsagesParams = params(body, action::RESOURCES_USAGES)?;
    let sub = subscription(billing, p.subscription_id.as_deref())?;
    let all: Vec<ResourceUsage> = resources(&state.pricing_model)
        .iter()
        .map(|r| usage(state, &sub, r))
        .collect();
    Ok(ok(json!({ "resources": all })))
}

fn usage_with_claims(
    state: &State,
    billing: &CustomerBilling,
    body: &Value,
) -> Result<HttpResponse, HttpResponse> {
    let p: ResourceUsageParams = params(body, action::RESOURCES_USAGES_RETRIEVE)?;
    if p.resource_slug.is_none() && p.resource_id.is_none() {
        return Err(error(
            ErrorCode::InvalidRequest,
            "Name the resource with resourceSlug or resourceId.".to_owned(),
        ));
    }
    let sub = subscription(billing, p.subscription_id.as_deref())?;
    let found = resources(&state.pricing_model).into_iter().find(|r| {
        p.resource_slug.as_ref().is_none_or(|s| &r.slug == s)
            && p.resource_id.as_ref().is_none_or(|i| &r.id == i)
    });
    let Some(resource) = found else {
        let name = p.resource_slug.or(p.resource_id).unwrap_or_default();
        return Err(resource_not_found(&name));
    };
    let claims: Vec<&ResourceClaim> = held(&state.claims, &sub.id, &resource.id).collect();
    Ok(ok(
        json!({ "usage": usage(state, &sub, &resource), "claims": claims }),
    ))
}
