//! A subscription started without a checkout (`subscriptions/create`,
//! issue 15): which price it may be on, whether that price needs a payment,
//! and the row it starts as. The route and the embedded platform apply the
//! same rules; the route adds what a browser may not ask for.

use crate::domain::clock;
use crate::domain::error::ApiError;
use crate::domain::subscription::StoredSubscription;
use crate::domain::validation::{self, MAX_OUTPUT_NAME_CHARS, MAX_TRIAL_DAYS};
use checkout_protocol::{
    CreateSubscriptionParams, ErrorCode, Price, PriceRef, PriceType, PricingModel, Product,
    Quantity, SubscriptionStatus,
};
use serde_json::{Map, Value};

/// What a create asks for, checked: the price (from the pricing model), the
/// units, and the merchant's name and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscriptionRequest<'m> {
    /// The product the price belongs to.
    pub product: &'m Product,
    /// The subscription price.
    pub price: &'m Price,
    /// Units.
    pub quantity: u32,
    /// Display name; the product's name when absent.
    pub name: Option<String>,
    /// Merchant metadata, bounded like a checkout's `outputMetadata`.
    pub metadata: Option<Map<String, Value>>,
}

impl SubscriptionRequest<'_> {
    /// Whether starting it costs money now or at its first renewal: the
    /// price's amount for the units is above zero. A free price (`0`) does
    /// not, whatever the quantity.
    pub fn needs_payment(&self) -> bool {
        self.price
            .unit_price
            .saturating_mul(i64::from(self.quantity))
            > 0
    }

    /// Whether the price starts with a free trial (its `trialPeriodDays`).
    pub fn has_trial(&self) -> bool {
        self.price.trial_period_days.is_some_and(|d| d > 0)
    }
}

/// Checks `params`' price, quantity, name and metadata against `model`:
/// exactly one of `priceId` / `priceSlug` (400 `price_missing` /
/// `price_ambiguous`), on sale (404 `price_not_found`), a subscription price
/// (400 `price_not_recurring`), a valid quantity (400 `invalid_quantity`),
/// a name of at most 200 characters and bounded metadata of strings,
/// numbers and booleans (400 `invalid_metadata`).
pub fn request<'m>(
    model: &'m PricingModel,
    params: &CreateSubscriptionParams,
) -> Result<SubscriptionRequest<'m>, ApiError> {
    validation::id_field("priceId", params.price_id.as_deref())?;
    validation::id_field("priceSlug", params.price_slug.as_deref())?;
    let price_ref = PriceRef::from_parts(params.price_id.as_deref(), params.price_slug.as_deref())
        .map_err(|code| {
            let message = match code {
                ErrorCode::PriceAmbiguous => "Give either priceId or priceSlug, not both.",
                _ => "Give the price to subscribe to as priceId or priceSlug.",
            };
            ApiError::new(code, message)
        })?;
    let found = match &price_ref {
        PriceRef::Id(id) => model.price_by_id(id),
        PriceRef::Slug(slug) => model.price_by_slug(slug),
    };
    let (product, price) = found.ok_or_else(|| {
        let (what, value) = match &price_ref {
            PriceRef::Id(id) => ("id", id),
            PriceRef::Slug(slug) => ("slug", slug),
        };
        ApiError::new(
            ErrorCode::PriceNotFound,
            format!("No price with {what} `{value}` is on sale."),
        )
    })?;
    if price.price_type != PriceType::Subscription {
        return Err(ApiError::new(
            ErrorCode::PriceNotRecurring,
            format!(
                "{} is not a subscription price; buy it with a checkout (checkout-sessions/create).",
                price.slug.as_deref().unwrap_or(&price.id)
            ),
        ));
    }
    let quantity = Quantity::from_wire(params.quantity)
        .map_err(|e| ApiError::new(e.code(), e.message()))?
        .get();
    validation::max_chars("name", params.name.as_deref(), MAX_OUTPUT_NAME_CHARS)?;
    let name = params.name.clone().filter(|n| !n.trim().is_empty());
    let metadata = validation::subscription_metadata(params.metadata.clone())?;
    Ok(SubscriptionRequest {
        product,
        price,
        quantity,
        name,
        metadata,
    })
}

/// Checks a merchant's `trialEnd` (epoch milliseconds): after `now` and at
/// most [`MAX_TRIAL_DAYS`] days later.
pub fn trial_end(value: Option<i64>, now: i64) -> Result<Option<i64>, ApiError> {
    let Some(end) = value else { return Ok(None) };
    let latest = now.saturating_add(i64::from(MAX_TRIAL_DAYS) * clock::DAY_MS);
    if end <= now || end > latest {
        return Err(ApiError::invalid_request(format!(
            "trialEnd must be a time (epoch milliseconds) after now and at most {MAX_TRIAL_DAYS} days away."
        )));
    }
    Ok(Some(end))
}

/// The row a create starts: `trialing` until `trial_end` (the merchant's,
/// else the price's trial) or `active`, its first period from `now` on the
/// price's interval, no card yet (the store gives it the customer's default).
pub fn start(
    id: String,
    customer_id: &str,
    request: &SubscriptionRequest<'_>,
    trial_end: Option<i64>,
    now: i64,
) -> StoredSubscription {
    let price = request.price;
    let trial_end = trial_end.or_else(|| {
        price
            .trial_period_days
            .filter(|d| *d > 0)
            .map(|d| now.saturating_add(i64::from(d) * clock::DAY_MS))
    });
    let count = price.interval_count.unwrap_or(1);
    StoredSubscription {
        id,
        customer_id: customer_id.to_owned(),
        price_id: price.id.clone(),
        status: if trial_end.is_some() {
            SubscriptionStatus::Trialing
        } else {
            SubscriptionStatus::Active
        },
        checkout_session_id: None,
        request_id: None,
        name: Some(
            request
                .name
                .clone()
                .unwrap_or_else(|| request.product.name.clone()),
        ),
        metadata: request.metadata.clone(),
        quantity: request.quantity,
        interval_unit: price.interval_unit,
        interval_count: price.interval_count,
        start_date: now,
        current_period_start: Some(now),
        current_period_end: price
            .interval_unit
            .and_then(|unit| clock::add_interval(now, unit, count)),
        trial_end,
        cancel_scheduled_at: None,
        canceled_at: None,
        default_payment_method_id: None,
        scheduled_change: None,
        created_at: now,
        updated_at: now,
    }
}

/// 409 `already_subscribed` naming the subscription the customer has.
pub fn already_subscribed(subscription_id: &str) -> ApiError {
    let shown: String = subscription_id.chars().take(64).collect();
    ApiError::new(
        ErrorCode::AlreadySubscribed,
        format!("You are already subscribed to this plan (subscription `{shown}`)."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::Catalog;
    use serde_json::json;

    fn params(body: Value) -> CreateSubscriptionParams {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_paid_price_needs_payment_and_its_trial_is_known() {
        let catalog = Catalog::demo().unwrap();
        let model = &catalog.pricing_model;
        let r = request(model, &params(json!({"priceSlug": "pro-monthly"}))).unwrap();
        assert!(r.needs_payment());
        assert_eq!(r.quantity, 1);
        let row = start("sub_x".into(), "cus_a", &r, None, 1_000);
        assert_eq!(row.price_id, r.price.id);
        assert_eq!(row.name.as_deref(), Some(r.product.name.as_str()));
        // pro-monthly has a 14-day trial: the row starts trialing until then.
        assert!(r.has_trial());
        assert_eq!(row.status, SubscriptionStatus::Trialing);
        assert_eq!(row.trial_end, Some(1_000 + 14 * clock::DAY_MS));
        // The merchant's trial end wins; a free price needs no payment.
        let row = start("sub_y".into(), "cus_a", &r, Some(5_000), 1_000);
        assert_eq!(row.trial_end, Some(5_000));
        let yearly = request(model, &params(json!({"priceSlug": "pro-yearly"}))).unwrap();
        let row = start("sub_z".into(), "cus_a", &yearly, None, 1_000);
        assert_eq!(row.status, SubscriptionStatus::Active);
        assert_eq!(row.trial_end, None);
    }

    #[test]
    fn bad_requests_have_their_codes() {
        let catalog = Catalog::demo().unwrap();
        let model = &catalog.pricing_model;
        let code = |body| request(model, &params(body)).unwrap_err().code;
        assert_eq!(code(json!({})), ErrorCode::PriceMissing);
        assert_eq!(
            code(json!({"priceSlug": "a", "priceId": "b"})),
            ErrorCode::PriceAmbiguous
        );
        assert_eq!(code(json!({"priceSlug": "nope"})), ErrorCode::PriceNotFound);
        assert_eq!(
            code(json!({"priceSlug": "onboarding"})),
            ErrorCode::PriceNotRecurring
        );
        assert_eq!(
            code(json!({"priceSlug": "pro-monthly", "quantity": 0.5})),
            ErrorCode::InvalidQuantity
        );
        assert_eq!(
            code(json!({"priceSlug": "pro-monthly", "metadata": {"a": {"nested": 1}}})),
            ErrorCode::InvalidMetadata
        );
        assert_eq!(
            code(json!({"priceSlug": "pro-monthly", "name": "n".repeat(201)})),
            ErrorCode::FieldTooLong
        );
    }

    #[test]
    fn a_trial_end_is_in_the_future_and_bounded() {
        assert_eq!(trial_end(None, 1_000).unwrap(), None);
        assert_eq!(trial_end(Some(2_000), 1_000).unwrap(), Some(2_000));
        assert!(trial_end(Some(1_000), 1_000).is_err());
        assert!(trial_end(Some(i64::MAX), 1_000).is_err());
    }
}
