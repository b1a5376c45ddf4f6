//! The mock's `subscriptions/adjust` and `subscriptions/create`, with the
//! reference server's rules (`server/src/domain/plan_change.rs`,
//! `new_subscription.rs` and `http/route/subscription_create.rs`) as far as
//! a billing panel can see them; no money moves.

use super::{error, js_now, ok, signed_out, State};
use crate::transport::HttpResponse;
use checkout_protocol::{
    AdjustParamsError, AdjustSubscriptionParams, AdjustmentTiming, CreateSubscriptionParams,
    CustomerBilling, ErrorCode, IntervalUnit, Price, PriceRef, PriceType, PricingModel, Product,
    Quantity, ResolvedAdjustmentTiming, Subscription, SubscriptionItem, SubscriptionStatus,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A plan change waiting for the end of its subscription's period.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ScheduledPlan {
    /// The subscription.
    pub(super) subscription_id: String,
    /// The price it moves to.
    pub(super) price_id: String,
    /// Units of it.
    pub(super) quantity: u32,
}

/// The route's body as `T`, or 400 `invalid_request`.
pub(super) fn params<T: DeserializeOwned>(body: &Value, action: &str) -> Result<T, HttpResponse> {
    serde_json::from_value(body.clone()).map_err(|e| {
        error(
            ErrorCode::InvalidRequest,
            format!("{action} could not read its body: {e}."),
        )
    })
}

/// Units a subscription holds: its item's `quantity` (as the reference
/// server writes it), else one.
pub(super) fn quantity_of(sub: &Subscription) -> u32 {
    sub.subscription_items
        .first()
        .and_then(|item| item.get("quantity"))
        .and_then(Value::as_u64)
        .and_then(|q| u32::try_from(q).ok())
        .unwrap_or(1)
}

/// A price of `model` by id, on sale or not (an old plan may be retired).
fn any_price<'m>(model: &'m PricingModel, id: &str) -> Option<(&'m Product, &'m Price)> {
    model
        .products
        .iter()
        .flat_map(|prod| prod.prices.iter().map(move |p| (prod, p)))
        .find(|(_, p)| p.id == id)
}

/// `start` plus `count` intervals; months are 30 days and years 365 here.
fn add_interval(start: i64, unit: IntervalUnit, count: u32) -> i64 {
    let days = match unit {
        IntervalUnit::Day => 1,
        IntervalUnit::Week => 7,
        IntervalUnit::Month => 30,
        IntervalUnit::Year => 365,
    };
    start.saturating_add(days * DAY_MS * i64::from(count.max(1)))
}

/// `sub` on `price` × `quantity`: its price, item and interval.
pub(super) fn set_plan(
    sub: &mut Subscription,
    product: &Product,
    price: &Price,
    quantity: u32,
    now: i64,
) {
    sub.price_id = price.id.clone();
    sub.name = Some(product.name.clone());
    sub.interval = price.interval_unit;
    sub.interval_count = price.interval_count.or(Some(1));
    sub.is_free_plan = Some(price.unit_price == 0);
    sub.subscription_items = vec![json!({
        "id": format!("si_{}", sub.id.trim_start_matches("sub_")),
        "subscriptionId": sub.id, "priceId": price.id, "name": product.name,
        "quantity": quantity, "unitPrice": price.unit_price, "type": "static",
        "addedDate": sub.start_date, "livemode": false,
    })];
    sub.updated_at = now;
}

/// Writes `sub` over every copy of it in `billing` (the list, the current
/// list and the one current subscription).
fn store(billing: &mut CustomerBilling, sub: &Subscription) {
    for copy in billing
        .subscriptions
        .iter_mut()
        .chain(billing.current_subscriptions.iter_mut().flatten())
        .chain(billing.current_subscription.iter_mut())
        .filter(|s| s.id == sub.id)
    {
        *copy = sub.clone();
    }
}

/// The subscription a call acts on: `given` when it is the customer's (404
/// otherwise, as for anyone else's), else their one current subscription
/// (`subscription_required` with none, `ambiguous` with several).
pub(super) fn pick_subscription(
    billing: &CustomerBilling,
    given: Option<&str>,
    ambiguous: ErrorCode,
    none_message: &str,
) -> Result<Subscription, HttpResponse> {
    if let Some(id) = given {
        return billing
            .subscriptions
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or_else(|| {
                error(
                    ErrorCode::SubscriptionNotFound,
                    format!("You have no subscription with id `{id}`."),
                )
            });
    }
    let mut current = billing
        .subscriptions
        .iter()
        .filter(|s| s.status.is_current());
    match (current.next(), current.next()) {
        (Some(one), None) => Ok(one.clone()),
        (None, _) => Err(error(
            ErrorCode::SubscriptionRequired,
            none_message.to_owned(),
        )),
        (Some(_), Some(_)) => Err(error(
            ambiguous,
            "You have several current subscriptions; give subscriptionId to say which one."
                .to_owned(),
        )),
    }
}

/// `subscriptions/adjust`: one subscription price of the model, in the
/// subscription's currency; an upgrade (a higher per-period total) applies
/// now under `auto`, anything else at the period end (kept in
/// [`MockBillingRoute::scheduled_plan`](super::MockBillingRoute::scheduled_plan));
/// the same plan is 409 `subscription_plan_unchanged` unless a change is
/// scheduled, which it then drops. Another interval applied now starts a
/// new period.
pub(super) fn adjust(state: &mut State, body: &Value) -> HttpResponse {
    match try_adjust(state, body) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_adjust(state: &mut State, body: &Value) -> Result<HttpResponse, HttpResponse> {
    let model = state.pricing_model.clone();
    let Some(billing) = state.billing.as_mut() else {
        return Err(signed_out());
    };
    let p: AdjustSubscriptionParams = params(body, "subscriptions/adjust")?;
    let items = p.new_items().map_err(|e| {
        let code = match e {
            AdjustParamsError::ItemPrice => ErrorCode::PriceMissing,
            _ => ErrorCode::InvalidRequest,
        };
        error(code, e.message().to_owned())
    })?;
    let mut sub = pick_subscription(
        billing,
        p.subscription_id.as_deref(),
        ErrorCode::SubscriptionAmbiguous,
        "You have no current subscription to change.",
    )?;
    let [item] = items.as_slice() else {
        return Err(error(
            ErrorCode::MultipleSubscriptionItems,
            "A subscription here holds one price: give exactly one subscription item.".to_owned(),
        ));
    };
    let found = match (&item.price_id, &item.price_slug) {
        (Some(id), _) => model.price_by_id(id),
        (_, Some(slug)) => model.price_by_slug(slug),
        _ => None,
    };
    let Some((product, price)) = found else {
        let named = item.price_slug.as_deref().or(item.price_id.as_deref());
        return Err(error(
            ErrorCode::PriceNotFound,
            format!(
                "The pricing model has no active price `{}`.",
                named.unwrap_or_default()
            ),
        ));
    };
    let label = price.slug.as_deref().unwrap_or(&price.id);
    if price.price_type != PriceType::Subscription || price.interval_unit.is_none() {
        return Err(error(
            ErrorCode::PriceNotRecurring,
            format!("`{label}` is not a subscription price; a plan can only change to a subscription price."),
        ));
    }
    let old = any_price(&model, &sub.price_id).map(|(_, p)| p);
    if let Some(old) = old.filter(|o| !o.currency.eq_ignore_ascii_case(&price.currency)) {
        return Err(error(
            ErrorCode::CurrencyMismatch,
            format!(
                "The subscription is billed in {}; `{label}` is in {}.",
                old.currency, price.currency
            ),
        ));
    }
    let quantity = Quantity::from_wire(item.quantity)
        .map_err(|e| error(e.code(), e.message().to_owned()))?
        .get();
    match sub.status {
        SubscriptionStatus::Active | SubscriptionStatus::Trialing => {}
        SubscriptionStatus::CancellationScheduled => return Err(error(
            ErrorCode::SubscriptionNotAdjustable,
            "This subscription's cancellation is scheduled; keep the subscription (uncancel) before changing its plan.".to_owned(),
        )),
        _ => return Err(error(
            ErrorCode::SubscriptionNotAdjustable,
            "This subscription is not active, so its plan cannot be changed now.".to_owned(),
        )),
    }
    let old_quantity = quantity_of(&sub);
    let total = |unit: i64, q: u32| unit.saturating_mul(i64::from(q));
    let is_upgrade =
        total(price.unit_price, quantity) > total(old.map_or(0, |o| o.unit_price), old_quantity);
    let now = state.clock.unwrap_or_else(js_now);
    let scheduled = state
        .scheduled_plans
        .iter()
        .position(|s| s.subscription_id == sub.id);
    let answer = |sub: &Subscription, resolved: ResolvedAdjustmentTiming, is_upgrade: bool| {
        let (plan_price, q) = (
            any_price(&model, &sub.price_id).map(|(prod, p)| (prod, p.clone())),
            quantity_of(sub),
        );
        let items: Vec<SubscriptionItem> = plan_price
            .map(|(prod, p)| SubscriptionItem {
                id: format!("si_{}", sub.id.trim_start_matches("sub_")),
                subscription_id: sub.id.clone(),
                price_id: Some(p.id.clone()),
                name: Some(prod.name.clone()),
                quantity: q,
                unit_price: p.unit_price,
                item_type: "static".to_owned(),
                added_date: sub.start_date,
                expired_at: None,
                external_id: None,
                manually_created: false,
                pricing_model_id: model.id.clone(),
                livemode: false,
                created_at: sub.created_at,
                updated_at: sub.updated_at,
            })
            .into_iter()
            .collect();
        ok(json!({
            "subscription": sub, "subscriptionItems": items,
            "isUpgrade": is_upgrade, "resolvedTiming": resolved,
        }))
    };
    if price.id == sub.price_id && quantity == old_quantity {
        return match scheduled {
            // "Keep my plan": the scheduled change is dropped.
            Some(i) => {
                state.scheduled_plans.remove(i);
                Ok(answer(&sub, ResolvedAdjustmentTiming::Immediately, false))
            }
            None => Err(error(
                ErrorCode::SubscriptionPlanUnchanged,
                "The subscription is already on this plan; nothing was changed or charged."
                    .to_owned(),
            )),
        };
    }
    let trialing = sub.status == SubscriptionStatus::Trialing;
    let resolved = match p.timing.unwrap_or_default() {
        AdjustmentTiming::Immediately => ResolvedAdjustmentTiming::Immediately,
        AdjustmentTiming::AtEndOfCurrentBillingPeriod => {
            ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod
        }
        AdjustmentTiming::Auto if is_upgrade || trialing => ResolvedAdjustmentTiming::Immediately,
        AdjustmentTiming::Auto => ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod,
    };
    let period_end = sub.current_billing_period_end.filter(|end| *end > now);
    if resolved == ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod && period_end.is_some() {
        let plan = ScheduledPlan {
            subscription_id: sub.id.clone(),
            price_id: price.id.clone(),
            quantity,
        };
        match scheduled {
            Some(i) => state.scheduled_plans[i] = plan,
            None => state.scheduled_plans.push(plan),
        }
        return Ok(answer(&sub, resolved, is_upgrade));
    }
    if let Some(i) = scheduled {
        state.scheduled_plans.remove(i);
    }
    let unit = price.interval_unit.unwrap_or(IntervalUnit::Month);
    let count = price.interval_count.unwrap_or(1);
    let same_interval = sub.interval == Some(unit) && sub.interval_count.unwrap_or(1) == count;
    if !trialing && (!same_interval || period_end.is_none()) {
        sub.current_billing_period_start = Some(now);
        sub.current_billing_period_end = Some(add_interval(now, unit, count));
    }
    set_plan(&mut sub, product, price, quantity, now);
    if let Some(billing) = state.billing.as_mut() {
        store(billing, &sub);
    }
    Ok(answer(
        &sub,
        ResolvedAdjustmentTiming::Immediately,
        is_upgrade,
    ))
}

/// `subscriptions/create`, as the reference route answers a browser under
/// its default policy: the signed-in customer only, no merchant-only field
/// (400 `field_not_allowed`), a subscription price of the model; a price
/// that costs money is 402 `checkout_required` (unless
/// [`MockBillingRoute::allow_paid_trials`](super::MockBillingRoute::allow_paid_trials)
/// and it has a trial); a price the customer is already on is 409
/// `already_subscribed`. It starts `trialing` for the price's trial, else
/// `active`, and shows in the next `customers/billing`.
pub(super) fn create(state: &mut State, body: &Value) -> HttpResponse {
    match try_create(state, body) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_create(state: &mut State, body: &Value) -> Result<HttpResponse, HttpResponse> {
    let paid_trials = state.paid_trials;
    let model = state.pricing_model.clone();
    let Some(billing) = state.billing.as_mut() else {
        return Err(signed_out());
    };
    let p: CreateSubscriptionParams = params(body, "subscriptions/create")?;
    let not_allowed = |field: &str, why: &str| {
        error(
            ErrorCode::FieldNotAllowed,
            format!(
                "`{field}` cannot be sent to subscriptions/create: {why} (a page may send priceId \
                 or priceSlug, quantity, name and metadata)."
            ),
        )
    };
    let customer = &billing.customer;
    if let Some(id) = p.customer_id.as_deref() {
        if id != customer.id && id != customer.external_id {
            return Err(not_allowed(
                "customerId",
                "the route subscribes the signed-in customer only",
            ));
        }
    }
    if let Some(field) = p.merchant_only_fields().first() {
        return Err(not_allowed(field, "the merchant's server decides it"));
    }
    let price_ref =
        PriceRef::from_parts(p.price_id.as_deref(), p.price_slug.as_deref()).map_err(|code| {
            let message = match code {
                ErrorCode::PriceAmbiguous => "Give either priceId or priceSlug, not both.",
                _ => "Give the price to subscribe to as priceId or priceSlug.",
            };
            error(code, message.to_owned())
        })?;
    let found = match &price_ref {
        PriceRef::Id(id) => model.price_by_id(id),
        PriceRef::Slug(slug) => model.price_by_slug(slug),
    };
    let Some((product, price)) = found else {
        let (what, value) = match &price_ref {
            PriceRef::Id(id) => ("id", id),
            PriceRef::Slug(slug) => ("slug", slug),
        };
        return Err(error(
            ErrorCode::PriceNotFound,
            format!("No price with {what} `{value}` is on sale."),
        ));
    };
    let label = price.slug.as_deref().unwrap_or(&price.id);
    if price.price_type != PriceType::Subscription {
        return Err(error(
            ErrorCode::PriceNotRecurring,
            format!("{label} is not a subscription price; buy it with a checkout (checkout-sessions/create)."),
        ));
    }
    let quantity = Quantity::from_wire(p.quantity)
        .map_err(|e| error(e.code(), e.message().to_owned()))?
        .get();
    if let Some(existing) = billing
        .current_subscriptions
        .iter()
        .flatten()
        .find(|s| s.price_id == price.id)
    {
        return Err(error(
            ErrorCode::AlreadySubscribed,
            format!(
                "You are already subscribed to this plan (subscription `{}`).",
                existing.id
            ),
        ));
    }
    let trial_days = price.trial_period_days.filter(|d| *d > 0);
    if price.unit_price.saturating_mul(i64::from(quantity)) > 0 {
        if p.do_not_charge == Some(true) {
            return Err(not_allowed(
                "doNotCharge",
                "a page cannot waive a paid price; the merchant's server decides that",
            ));
        }
        if !(paid_trials && trial_days.is_some()) {
            return Err(error(
                ErrorCode::CheckoutRequired,
                "This plan costs money, so it starts with a checkout: create one with \
                 checkout-sessions/create for this price."
                    .to_owned(),
            ));
        }
    }
    let now = state.clock.unwrap_or_else(js_now);
    let unit = price.interval_unit.unwrap_or(IntervalUnit::Month);
    let count = price.interval_count.unwrap_or(1);
    let trial_end = trial_days.map(|d| now.saturating_add(i64::from(d) * DAY_MS));
    let id = format!("sub_mock_{}", billing.subscriptions.len() + 1);
    let mut sub: Subscription = serde_json::from_value(json!({
        "id": id, "customerId": customer.id, "priceId": price.id,
        "status": if trial_end.is_some() { "trialing" } else { "active" },
        "current": true, "renews": true, "startDate": now,
        "currentBillingPeriodStart": now,
        "currentBillingPeriodEnd": trial_end.unwrap_or_else(|| add_interval(now, unit, count)),
        "trialEnd": trial_end, "metadata": p.metadata, "doNotCharge": false,
        "pricingModelId": model.id, "createdAt": now, "updatedAt": now,
    }))
    .map_err(|e| error(ErrorCode::InvalidRequest, format!("metadata: {e}.")))?;
    set_plan(&mut sub, product, price, quantity, now);
    if let Some(name) = p.name.filter(|n| !n.trim().is_empty()) {
        sub.name = Some(name);
    }
    billing.subscriptions.push(sub.clone());
    billing
        .current_subscriptions
        .get_or_insert_with(Vec::new)
        .push(sub.clone());
    if billing.current_subscription.is_none() {
        billing.current_subscription = Some(sub.clone());
    }
    Ok(ok(json!({ "subscription": sub })))
}
