//! The seat (resource) actions' answers and `usage-events/create`'s, read
//! by hand from `JSON.parse` like the rest of the route client's answers
//! (field rules: [`super::json`]); `tests` checks every field against the
//! protocol's serializer and deserializer.

use super::json::{
    all, defaulted_int, defaulted_text, flag, int, map, opt_text, optional, text, Json,
};
use checkout_protocol::{
    ClaimResourceResponse, ReleaseResourceResponse, ResourceClaim, ResourceClaimsResponse,
    ResourceUsage, ResourceUsagesResponse, UsageEvent, UsageEventResponse,
};

/// `resources/usages`: `{resources}`.
pub(crate) fn usages<J: Json>(json: &J) -> Option<ResourceUsagesResponse> {
    Some(ResourceUsagesResponse {
        resources: required(json, "resources", usage)?,
    })
}

/// `resources/claims`: `{claims}`.
pub(crate) fn claims<J: Json>(json: &J) -> Option<ResourceClaimsResponse> {
    Some(ResourceClaimsResponse {
        claims: required(json, "claims", claim)?,
    })
}

/// `resources/claim`: the new claims and the usage after them.
pub(crate) fn claimed<J: Json>(json: &J) -> Option<ClaimResourceResponse> {
    Some(ClaimResourceResponse {
        claims: required(json, "claims", claim)?,
        usage: usage(&json.get("usage")?)?,
    })
}

/// `resources/release`: the released claims and the usage after them.
pub(crate) fn released<J: Json>(json: &J) -> Option<ReleaseResourceResponse> {
    Some(ReleaseResourceResponse {
        released_claims: required(json, "releasedClaims", claim)?,
        usage: usage(&json.get("usage")?)?,
    })
}

/// `usage-events/create`: `{usageEvent}`.
pub(crate) fn usage_event_response<J: Json>(json: &J) -> Option<UsageEventResponse> {
    Some(UsageEventResponse {
        usage_event: usage_event(&json.get("usageEvent")?)?,
    })
}

/// A list that must be present.
fn required<J: Json, T>(json: &J, key: &str, read: fn(&J) -> Option<T>) -> Option<Vec<T>> {
    all(&json.get(key)?, read)
}

/// A required `i64`.
fn int_at<J: Json>(json: &J, key: &str) -> Option<i64> {
    int(&json.get(key)?)
}

fn usage<J: Json>(json: &J) -> Option<ResourceUsage> {
    Some(ResourceUsage {
        available: int_at(json, "available")?,
        capacity: int_at(json, "capacity")?,
        claimed: int_at(json, "claimed")?,
        resource_id: text(json, "resourceId")?,
        resource_slug: text(json, "resourceSlug")?,
    })
}

fn claim<J: Json>(json: &J) -> Option<ResourceClaim> {
    Some(ResourceClaim {
        id: text(json, "id")?,
        claimed_at: int_at(json, "claimedAt")?,
        created_at: defaulted_int(json, "createdAt")?,
        external_id: opt_text(json, "externalId")?,
        livemode: flag(json, "livemode")?,
        organization_id: defaulted_text(json, "organizationId")?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        release_reason: opt_text(json, "releaseReason")?,
        resource_id: text(json, "resourceId")?,
        subscription_id: text(json, "subscriptionId")?,
        subscription_item_feature_id: defaulted_text(json, "subscriptionItemFeatureId")?,
        updated_at: defaulted_int(json, "updatedAt")?,
        metadata: optional(json, "metadata", map)?,
        released_at: optional(json, "releasedAt", int)?,
    })
}

fn usage_event<J: Json>(json: &J) -> Option<UsageEvent> {
    Some(UsageEvent {
        id: text(json, "id")?,
        amount: int_at(json, "amount")?,
        customer_id: defaulted_text(json, "customerId")?,
        subscription_id: defaulted_text(json, "subscriptionId")?,
        usage_meter_id: defaulted_text(json, "usageMeterId")?,
        price_id: opt_text(json, "priceId")?,
        transaction_id: defaulted_text(json, "transactionId")?,
        usage_date: defaulted_int(json, "usageDate")?,
        billing_period_id: opt_text(json, "billingPeriodId")?,
        properties: optional(json, "properties", map)?,
        pricing_model_id: defaulted_text(json, "pricingModelId")?,
        livemode: flag(json, "livemode")?,
        created_at: defaulted_int(json, "createdAt")?,
        updated_at: defaulted_int(json, "updatedAt")?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::pricing_wire::tests::agrees_with_serde;
    use super::*;
    use serde_json::{json, Value};

    fn claim_json(id: &str) -> Value {
        json!({
            "id": id, "claimedAt": 1, "createdAt": 2, "externalId": "user_1", "livemode": true,
            "organizationId": "org_1", "pricingModelId": "pm_1", "releaseReason": "left",
            "resourceId": "res_1", "subscriptionId": "sub_1",
            "subscriptionItemFeatureId": "sif_1", "updatedAt": 3,
            "metadata": {"team": "blue"}, "releasedAt": 4
        })
    }

    fn usage_json() -> Value {
        json!({"available": 3, "capacity": 5, "claimed": 2, "resourceId": "res_1",
            "resourceSlug": "seats"})
    }

    #[test]
    fn the_seat_answers_read_like_the_protocols_deserializer() {
        agrees_with_serde(json!({"resources": [usage_json()]}), usages);
        agrees_with_serde(
            json!({"claims": [claim_json("c1"), claim_json("c2")]}),
            claims,
        );
        agrees_with_serde(
            json!({"claims": [claim_json("c1")], "usage": usage_json()}),
            claimed,
        );
        agrees_with_serde(
            json!({"releasedClaims": [claim_json("c1")], "usage": usage_json()}),
            released,
        );
    }

    #[test]
    fn the_usage_event_answer_reads_like_the_protocols_deserializer() {
        agrees_with_serde(
            json!({"usageEvent": {
                "id": "ue_1", "amount": 12, "customerId": "cus_1", "subscriptionId": "sub_1",
                "usageMeterId": "um_1", "priceId": "price_1", "transactionId": "t-1",
                "usageDate": 5, "billingPeriodId": "bp_1", "properties": {"k": [1, "v"]},
                "pricingModelId": "pm_1", "livemode": true, "createdAt": 6, "updatedAt": 7
            }}),
            usage_event_response,
        );
    }
}
