//! A test kit for your own wasm tests of a billing panel (feature
//! `testing`), like `@flowglad/react`'s `billingMocks`: [`MockBillingRoute`]
//! answers every route action from records you build with [`fixtures`],
//! records what it was asked, fails what you tell it to, and by default
//! keeps created checkouts on the test page instead of navigating away.
//!
//! ```no_run
//! use checkout_widget::protocol::IntervalUnit;
//! use checkout_widget::testing::{fixtures, MockBillingRoute};
//! use checkout_widget::{BillingProvider, CurrentSubscription};
//! use leptos::prelude::*;
//!
//! let pro = fixtures::subscription_price("pro-monthly", 1200, IntervalUnit::Month);
//! let model = fixtures::pricing_model("Acme", vec![fixtures::product("pro", "Pro", vec![pro.clone()])]);
//! let alice = fixtures::customer("alice", "Alice Martin", "alice@example.com");
//! let sub = fixtures::subscription(&alice, &pro);
//! let route = MockBillingRoute::new(model.clone());
//! route.sign_in(fixtures::with_subscription(fixtures::billing(alice, model), sub));
//! let transport = route.transport();
//! let _panel = view! {
//!     <BillingProvider transport=transport><CurrentSubscription/></BillingProvider>
//! };
//! // … click "Cancel subscription", then:
//! assert!(route.calls("subscriptions/cancel").is_empty());
//! ```

pub mod fixtures;
mod plans;
mod seats;

pub use crate::transport::{
    HttpMethod, HttpRequest, HttpResponse, SharedTransport, Transport, TransportError,
};
/// The future a [`Transport`] returns (from `futures`, re-exported so a
/// test crate need not depend on it).
pub use futures::future::LocalBoxFuture;

use checkout_protocol::{
    action, CancellationTiming, CustomerBilling, ErrorCode, PricingModel, RecordList,
    ResourceClaim, SubscriptionStatus, UsageMeterBalance,
};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// A billing route in memory, for `<BillingProvider transport=…>`. Share it
/// (`Rc`) between the provider and the test's assertions.
pub struct MockBillingRoute {
    state: RefCell<State>,
}

struct State {
    pricing_model: PricingModel,
    billing: Option<CustomerBilling>,
    usage_balances: Vec<UsageMeterBalance>,
    /// Answers by URL suffix, newest first; they win over the defaults.
    overrides: Vec<(String, Result<HttpResponse, TransportError>)>,
    requests: Vec<HttpRequest>,
    stay_on_page: bool,
    delay_ms: u32,
    sessions: u32,
    /// Usage events recorded by `usage-events/create`, for `transactionId` replays.
    usage_events: Vec<Value>,
    /// Plan changes waiting for their period's end (`subscriptions/adjust`).
    scheduled_plans: Vec<plans::ScheduledPlan>,
    /// Whether `subscriptions/create` starts a paid price with a trial.
    paid_trials: bool,
    /// Every resource claim made, released ones too.
    claims: Vec<ResourceClaim>,
    /// Claims made so far, for their ids.
    claim_count: u32,
    /// The time the route works at (epoch ms), else the browser's clock.
    clock: Option<i64>,
}

impl MockBillingRoute {
    /// A route selling `pricing_model` to a visitor nobody signed in.
    pub fn new(pricing_model: PricingModel) -> Rc<Self> {
        Rc::new(Self {
            state: RefCell::new(State {
                pricing_model,
                billing: None,
                usage_balances: Vec::new(),
                overrides: Vec::new(),
                requests: Vec::new(),
                stay_on_page: true,
                delay_ms: 0,
                sessions: 0,
                usage_events: Vec::new(),
                scheduled_plans: Vec::new(),
                paid_trials: false,
                claims: Vec::new(),
                claim_count: 0,
                clock: None,
            }),
        })
    }

    /// This route as the transport `<BillingProvider transport=…>` takes.
    pub fn transport(self: &Rc<Self>) -> SharedTransport {
        self.clone()
    }

    /// From now on `billing`'s customer is signed in (`customers/billing`
    /// answers it; cancels change it).
    pub fn sign_in(&self, billing: CustomerBilling) {
        self.state.borrow_mut().billing = Some(billing);
    }

    /// From now on nobody is signed in (`customers/billing` answers 401).
    pub fn sign_out(&self) {
        self.state.borrow_mut().billing = None;
    }

    /// The signed-in customer's billing as it is now (after cancels).
    pub fn billing(&self) -> Option<CustomerBilling> {
        self.state.borrow().billing.clone()
    }

    /// What `usage-meters/balances` answers.
    pub fn set_usage_balances(&self, balances: Vec<UsageMeterBalance>) {
        self.state.borrow_mut().usage_balances = balances;
    }

    /// `true` (the default): a created checkout's `url` is a fragment of the
    /// test page (`#checkout-session=cs_mock_1`), so a redirect keeps the
    /// page; `false`: `/checkout/cs_mock_1`, as a real route answers.
    pub fn stay_on_page(&self, stay: bool) {
        self.state.borrow_mut().stay_on_page = stay;
    }

    /// `true`: `subscriptions/create` starts a paid price that has a free
    /// trial without a checkout, as a route whose policy is
    /// `SubscriptionsWithoutCheckout::FreeAndTrials` does; `false` (the
    /// default, the route's default policy): only free prices start.
    pub fn allow_paid_trials(&self, allow: bool) {
        self.state.borrow_mut().paid_trials = allow;
    }

    /// The plan change `subscriptions/adjust` scheduled for the end of
    /// `subscription_id`'s period, as (price id, quantity); a wire
    /// subscription does not show it.
    pub fn scheduled_plan(&self, subscription_id: &str) -> Option<(String, u32)> {
        self.state
            .borrow()
            .scheduled_plans
            .iter()
            .find(|p| p.subscription_id == subscription_id)
            .map(|p| (p.price_id.clone(), p.quantity))
    }

    /// The resource claims held now (not released), oldest first.
    pub fn claims(&self) -> Vec<ResourceClaim> {
        self.state
            .borrow()
            .claims
            .iter()
            .filter(|c| c.released_at.is_none())
            .cloned()
            .collect()
    }

    /// Makes the route work at `epoch_ms` (records' dates, whether a
    /// billing period is still running) instead of the browser's clock:
    /// `set_now(fixtures::T0 + day)` puts it inside the fixtures' first
    /// period, so a downgrade waits for the period's end.
    pub fn set_now(&self, epoch_ms: i64) {
        self.state.borrow_mut().clock = Some(epoch_ms);
    }

    /// Milliseconds every answer takes, so calls can overlap.
    pub fn set_delay_ms(&self, ms: u32) {
        self.state.borrow_mut().delay_ms = ms;
    }

    /// Makes `action` (e.g. `"subscriptions/cancel"`) fail with HTTP
    /// `status` and the route's error body `{error: {code, message}}`.
    pub fn fail(&self, action: &str, status: u16, code: ErrorCode, message: &str) {
        let body = json!({"error": {"code": code.as_str(), "message": message}});
        self.answer(&format!("/{action}"), status, &body.to_string());
    }

    /// Makes requests whose URL ends with `url_suffix` get no response.
    pub fn fail_transport(&self, url_suffix: &str, error: TransportError) {
        self.state
            .borrow_mut()
            .overrides
            .insert(0, (url_suffix.to_owned(), Err(error)));
    }

    /// Answers requests whose URL ends with `url_suffix` with `status` and
    /// `body` as written (any JSON, or none): for shapes the defaults do not
    /// make, the hosted-page API, or broken servers. The newest answer wins.
    pub fn answer(&self, url_suffix: &str, status: u16, body: &str) {
        self.state.borrow_mut().overrides.insert(
            0,
            (
                url_suffix.to_owned(),
                Ok(HttpResponse {
                    status,
                    body: body.to_owned(),
                }),
            ),
        );
    }

    /// Forgets what [`Self::answer`], [`Self::fail`] and
    /// [`Self::fail_transport`] set for `url_suffix`.
    pub fn clear(&self, url_suffix: &str) {
        self.state
            .borrow_mut()
            .overrides
            .retain(|(suffix, _)| suffix != url_suffix);
    }

    /// Every request received, oldest first.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.state.borrow().requests.clone()
    }

    /// The requests whose URL ends with `url_suffix`.
    pub fn requests_to(&self, url_suffix: &str) -> Vec<HttpRequest> {
        self.state
            .borrow()
            .requests
            .iter()
            .filter(|r| r.url.ends_with(url_suffix))
            .cloned()
            .collect()
    }

    /// The JSON bodies `action` was called with, oldest first.
    pub fn calls(&self, action: &str) -> Vec<Value> {
        self.requests_to(&format!("/{action}"))
            .iter()
            .filter_map(|r| r.body.as_deref())
            .map(|b| serde_json::from_str(b).unwrap_or(Value::Null))
            .collect()
    }

    /// The default answer to `request`, from the state.
    fn respond(&self, request: &HttpRequest) -> HttpResponse {
        let body: Value = request
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        let mut state = self.state.borrow_mut();
        let Some(action) = action::from_url(&request.url) else {
            return not_mocked(&request.url);
        };
        match action {
            action::PRICING_MODELS_RETRIEVE => ok(json!({
                "pricingModel": state.pricing_model, "source": "default",
            })),
            action::CUSTOMERS_BILLING => match &state.billing {
                Some(billing) => ok(json!(billing)),
                None => signed_out(),
            },
            action::CUSTOMERS_FIND_OR_CREATE => match &state.billing {
                Some(billing) => ok(json!({ "customer": billing.customer })),
                None => signed_out(),
            },
            action::PAYMENT_METHODS_LIST | action::INVOICES_LIST | action::PURCHASES_LIST => {
                let Some(billing) = &state.billing else {
                    return signed_out();
                };
                let list = match action {
                    action::PAYMENT_METHODS_LIST => {
                        json!(RecordList::complete(billing.payment_methods.clone()))
                    }
                    action::INVOICES_LIST => json!(RecordList::complete(billing.invoices.clone())),
                    _ => json!(RecordList::complete(billing.purchases.clone())),
                };
                ok(list)
            }
            action::USAGE_METERS_BALANCES => {
                if state.billing.is_none() {
                    return signed_out();
                }
                ok(json!({ "usageMeterBalances": state.usage_balances }))
            }
            action::CHECKOUT_SESSIONS_CREATE
            | action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD
            | action::CHECKOUT_SESSIONS_CREATE_ACTIVATE_SUBSCRIPTION => {
                create_session(&mut state, action, &body)
            }
            action::SUBSCRIPTIONS_CANCEL | action::SUBSCRIPTIONS_UNCANCEL => {
                change_subscription(&mut state, action, &body)
            }
            action::USAGE_EVENTS_CREATE => record_usage(&mut state, &body),
            action::CUSTOMERS_UPDATE => update_customer(&mut state, &body),
            action::PAYMENT_METHODS_REMOVE | action::PAYMENT_METHODS_SET_DEFAULT => {
                change_payment_methods(&mut state, action, &body)
            }
            action::SUBSCRIPTIONS_ADJUST => plans::adjust(&mut state, &body),
            action::SUBSCRIPTIONS_CREATE => plans::create(&mut state, &body),
            action::RESOURCES_CLAIM
            | action::RESOURCES_RELEASE
            | action::RESOURCES_CLAIMS
            | action::RESOURCES_USAGES
            | action::RESOURCES_USAGES_RETRIEVE => seats::respond(&mut state, action, &body),
            other => not_mocked(other),
        }
    }
}

fn respond_json(status: u16, body: Value) -> HttpResponse {
    HttpResponse {
        status,
        body: body.to_string(),
    }
}

fn ok(data: Value) -> HttpResponse {
    respond_json(200, json!({ "data": data }))
}

fn error(code: ErrorCode, message: String) -> HttpResponse {
    respond_json(
        code.http_status(),
        json!({"error": {"code": code.as_str(), "message": message}}),
    )
}

fn signed_out() -> HttpResponse {
    error(
        ErrorCode::Unauthorized,
        "Nobody is signed in (MockBillingRoute::sign_in).".to_owned(),
    )
}

fn not_mocked(what: &str) -> HttpResponse {
    respond_json(
        501,
        json!({"error": {"code": "not_mocked", "message": format!(
            "MockBillingRoute has no default answer for {what}: give one with answer()."
        )}}),
    )
}

/// A new open session for a create action; a product session's price must
/// be in the pricing model (by id or slug), as on a real route.
fn create_session(state: &mut State, action: &str, body: &Value) -> HttpResponse {
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let (kind, price_id) = match action {
        action::CHECKOUT_SESSIONS_CREATE => {
            let wanted_id = text("priceId");
            let wanted_slug = text("priceSlug");
            let price = state
                .pricing_model
                .products
                .iter()
                .flat_map(|p| &p.prices)
                .find(|p| {
                    wanted_id.as_deref() == Some(p.id.as_str())
                        || (wanted_slug.is_some() && wanted_slug == p.slug)
                });
            match price {
                Some(p) => ("product", Some(p.id.clone())),
                None => {
                    return error(
                        ErrorCode::PriceNotFound,
                        format!(
                            "No price {} in the mock's pricing model.",
                            wanted_id.or(wanted_slug).unwrap_or_default()
                        ),
                    )
                }
            }
        }
        action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD => ("add_payment_method", None),
        _ => ("activate_subscription", None),
    };
    state.sessions += 1;
    let id = format!("cs_mock_{}", state.sessions);
    let now = state.clock.unwrap_or_else(js_now);
    let url = if state.stay_on_page {
        format!("#checkout-session={id}")
    } else {
        format!("/checkout/{id}")
    };
    ok(json!({
        "checkoutSession": {
            "id": id, "type": kind, "status": "open", "priceId": price_id,
            "quantity": body.get("quantity").cloned().unwrap_or(json!(1)),
            "customerId": state.billing.as_ref().map(|b| b.customer.id.clone()),
            "successUrl": text("successUrl"), "cancelUrl": text("cancelUrl"),
            "targetSubscriptionId": text("targetSubscriptionId"),
            "outputMetadata": body.get("outputMetadata"),
            // A real route's sessions last a day.
            "expires": now + 24 * 60 * 60 * 1000, "createdAt": now, "updatedAt": now,
        },
        "url": url,
    }))
}

/// Cancels (now or at period end) or uncancels the signed-in customer's
/// subscription `body.id`, in the state, and answers it.
fn change_subscription(state: &mut State, action: &str, body: &Value) -> HttpResponse {
    let Some(billing) = state.billing.as_mut() else {
        return signed_out();
    };
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    let now = state.clock.unwrap_or_else(js_now);
    if action == action::SUBSCRIPTIONS_CANCEL && billing.subscriptions.iter().any(|s| s.id == id) {
        // As on the reference server, a cancel drops a scheduled plan change.
        state.scheduled_plans.retain(|p| p.subscription_id != id);
    }
    let immediately = body
        .pointer("/cancellation/timing")
        .and_then(|t| serde_json::from_value::<CancellationTiming>(t.clone()).ok())
        == Some(CancellationTiming::Immediately);
    let mut changed = None;
    for sub in billing
        .subscriptions
        .iter_mut()
        .chain(billing.current_subscriptions.iter_mut().flatten())
        .chain(billing.current_subscription.iter_mut())
        .filter(|s| s.id == id)
    {
        if action == action::SUBSCRIPTIONS_UNCANCEL {
            if sub.status == SubscriptionStatus::CancellationScheduled {
                sub.status = SubscriptionStatus::Active;
            }
            sub.cancel_scheduled_at = None;
            sub.renews = true;
        } else if immediately {
            sub.status = SubscriptionStatus::Canceled;
            sub.canceled_at = Some(now);
            sub.current = false;
            sub.renews = false;
        } else {
            sub.status = SubscriptionStatus::CancellationScheduled;
            sub.cancel_scheduled_at = sub.current_billing_period_end.or(Some(now));
            sub.renews = false;
        }
        changed = Some(sub.clone());
    }
    let Some(sub) = changed else {
        return error(
            ErrorCode::SubscriptionNotFound,
            format!("The signed-in customer has no subscription {id}."),
        );
    };
    if !sub.current {
        if let Some(list) = billing.current_subscriptions.as_mut() {
            list.retain(|s| s.id != sub.id);
        }
        if billing
            .current_subscription
            .as_ref()
            .is_some_and(|s| s.id == sub.id)
        {
            billing.current_subscription = None;
        }
    }
    ok(json!({ "subscription": sub }))
}

/// Records a usage event against a meter of the pricing model (by
/// `usageMeterSlug` or `usageMeterId`; a price names its meter too), as a
/// real route would: the amount (default 1) must be a positive whole
/// number, the same `transactionId` twice records once, and the meter's
/// balance for the subscription drops by the amount, so a following
/// `usage-meters/balances` shows it.
fn record_usage(state: &mut State, body: &Value) -> HttpResponse {
    let Some(billing) = state.billing.as_ref() else {
        return signed_out();
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    if let Some(tx) = text("transactionId") {
        if let Some(seen) = state
            .usage_events
            .iter()
            .find(|e| e["transactionId"] == tx.as_str())
        {
            return ok(json!({ "usageEvent": seen }));
        }
    }
    let amount = match body.get("amount") {
        None | Some(Value::Null) => 1,
        Some(a) => match a.as_f64() {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1e12 => n as i64,
            _ => {
                return error(
                    ErrorCode::InvalidUsageAmount,
                    "amount must be a positive whole number.".to_owned(),
                )
            }
        },
    };
    let model = &state.pricing_model;
    let price_meter = || {
        let (id, slug) = (text("priceId"), text("priceSlug"));
        model
            .products
            .iter()
            .flat_map(|p| &p.prices)
            .find(|p| id.as_deref() == Some(p.id.as_str()) || (slug.is_some() && slug == p.slug))
            .and_then(|p| p.usage_meter_id.clone())
    };
    let meter = model.usage_meters.iter().find(|m| {
        text("usageMeterSlug").as_deref() == Some(m.slug.as_str())
            || text("usageMeterId").as_deref() == Some(m.id.as_str())
            || price_meter().as_deref() == Some(m.id.as_str())
    });
    let Some(meter) = meter else {
        return error(
            ErrorCode::UsageMeterNotFound,
            "No such usage meter (or usage price) in the mock's pricing model.".to_owned(),
        );
    };
    let subscription_id = text("subscriptionId")
        .or_else(|| billing.current_subscription.as_ref().map(|s| s.id.clone()));
    let Some(subscription_id) = subscription_id else {
        return error(
            ErrorCode::SubscriptionRequired,
            "The signed-in customer has no current subscription to record usage on.".to_owned(),
        );
    };
    let now = state.clock.unwrap_or_else(js_now);
    let event = json!({
        "id": format!("usage_mock_{}", state.usage_events.len() + 1),
        "amount": amount,
        "customerId": billing.customer.id,
        "subscriptionId": subscription_id,
        "usageMeterId": meter.id,
        "priceId": text("priceId"),
        "transactionId": text("transactionId")
            .unwrap_or_else(|| format!("tx_mock_{}", state.usage_events.len() + 1)),
        "usageDate": now,
        "properties": body.get("properties"),
        "livemode": false, "createdAt": now, "updatedAt": now,
    });
    for balance in state
        .usage_balances
        .iter_mut()
        .filter(|b| b.id == meter.id && b.subscription_id == subscription_id)
    {
        balance.available_balance -= amount;
        balance.updated_at = now;
    }
    state.usage_events.push(event.clone());
    ok(json!({ "usageEvent": event }))
}

/// Changes the signed-in customer's name and email (the fields a route
/// takes); `customers/billing` answers the new ones next.
fn update_customer(state: &mut State, body: &Value) -> HttpResponse {
    let Some(billing) = state.billing.as_mut() else {
        return signed_out();
    };
    let Some(input) = body.get("customer").and_then(Value::as_object) else {
        return error(
            ErrorCode::InvalidRequest,
            "customers/update takes {customer: {name?, email?}}.".to_owned(),
        );
    };
    if let Some(id) = input.get("id").and_then(Value::as_str) {
        if id != billing.customer.id {
            return error(
                ErrorCode::CustomerNotFound,
                "Only the signed-in customer can be updated.".to_owned(),
            );
        }
    }
    for field in input.keys() {
        if !matches!(field.as_str(), "id" | "name" | "email") {
            return error(
                ErrorCode::FieldNotAllowed,
                format!("customers/update cannot change {field} here."),
            );
        }
    }
    let field = |key: &str| input.get(key).and_then(Value::as_str).map(str::trim);
    if let Some(name) = field("name") {
        if name.is_empty() {
            return error(
                ErrorCode::InvalidRequest,
                "name cannot be empty.".to_owned(),
            );
        }
        billing.customer.name = name.to_owned();
    }
    if let Some(email) = field("email") {
        if !email.contains('@') {
            return error(
                ErrorCode::InvalidEmail,
                format!("{email} is not an email address."),
            );
        }
        billing.customer.email = email.to_owned();
    }
    billing.customer.updated_at = state.clock.unwrap_or_else(js_now);
    ok(json!({ "customer": billing.customer }))
}

/// `payment-methods/remove` and `set-default` on the signed-in customer's
/// saved cards, with the reference server's rules: an unknown card is 404
/// `payment_method_not_found`; the only card of a current subscription
/// cannot be removed (409 `payment_method_in_use`); a removed default is
/// replaced by the newest other card. Answers the cards, default first.
fn change_payment_methods(state: &mut State, action: &str, body: &Value) -> HttpResponse {
    let Some(billing) = state.billing.as_mut() else {
        return signed_out();
    };
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    let Some(index) = billing.payment_methods.iter().position(|m| m.id == id) else {
        return error(
            ErrorCode::PaymentMethodNotFound,
            format!("The signed-in customer has no saved card {id}."),
        );
    };
    let now = state.clock.unwrap_or_else(js_now);
    if action == action::PAYMENT_METHODS_REMOVE {
        let subscribed = billing
            .current_subscriptions
            .as_ref()
            .is_some_and(|list| !list.is_empty())
            || billing.current_subscription.is_some();
        if billing.payment_methods.len() == 1 && subscribed {
            return error(
                ErrorCode::PaymentMethodInUse,
                "This card pays for a current subscription and is the only one saved: add another first.".to_owned(),
            );
        }
        let removed = billing.payment_methods.remove(index);
        if removed.default {
            if let Some(newest) = billing
                .payment_methods
                .iter_mut()
                .max_by_key(|m| m.created_at)
            {
                newest.default = true;
                newest.updated_at = now;
            }
        }
    } else {
        for (i, card) in billing.payment_methods.iter_mut().enumerate() {
            if card.default != (i == index) {
                card.default = i == index;
                card.updated_at = now;
            }
        }
    }
    billing.payment_methods.sort_by_key(|m| !m.default);
    ok(json!(RecordList::complete(billing.payment_methods.clone())))
}

/// The browser's clock, epoch milliseconds.
fn js_now() -> i64 {
    js_sys::Date::now() as i64
}

impl Transport for MockBillingRoute {
    fn send(
        &self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
        let overridden = self
            .state
            .borrow()
            .overrides
            .iter()
            .find(|(suffix, _)| request.url.ends_with(suffix.as_str()))
            .map(|(_, answer)| answer.clone());
        let answer = overridden.unwrap_or_else(|| Ok(self.respond(&request)));
        let delay = {
            let mut state = self.state.borrow_mut();
            state.requests.push(request);
            state.delay_ms
        };
        Box::pin(async move {
            if delay > 0 {
                gloo_timers::future::TimeoutFuture::new(delay).await;
            }
            answer
        })
    }
}

// In the browser, where the kit runs (the wasm tier).
#[cfg(test)]
mod tests {
    use super::*;
    use checkout_protocol::{
        AdjustSubscriptionResponse, ClaimResourceResponse, CreateCheckoutSessionResponse,
        CreateSubscriptionResponse, CustomerBilling, PaymentMethod, PricingModelResponse,
        ReleaseResourceResponse, ResolvedAdjustmentTiming, ResourceClaimsResponse,
        ResourceUsageWithClaims, ResourceUsagesResponse, RouteResponse, SubscriptionResponse,
    };
    use serde::de::DeserializeOwned;

    fn post(route: &MockBillingRoute, action: &str, body: Value) -> HttpResponse {
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("/api/billing/{action}"),
            headers: vec![],
            body: Some(body.to_string()),
        };
        route.respond(&request)
    }

    /// The answer's `data`, read as the widget reads it.
    fn data<T: DeserializeOwned>(response: &HttpResponse) -> T {
        assert_eq!(response.status, 200, "{}", response.body);
        let envelope: RouteResponse<T> = serde_json::from_str(&response.body)
            .unwrap_or_else(|e| panic!("{e}: {}", response.body));
        envelope.data.expect("data")
    }

    fn alice_on_pro() -> Rc<MockBillingRoute> {
        let pro = fixtures::subscription_price("pro-monthly", 1200, IntervalUnit::Month);
        let model = fixtures::pricing_model(
            "Acme",
            vec![fixtures::product("pro", "Pro", vec![pro.clone()])],
        );
        let alice = fixtures::customer("alice", "Alice", "alice@example.com");
        let sub = fixtures::subscription(&alice, &pro);
        let route = MockBillingRoute::new(model.clone());
        let mut billing = fixtures::with_subscription(fixtures::billing(alice.clone(), model), sub);
        billing
            .payment_methods
            .push(fixtures::card(&alice, "pm_1", "visa", "4242", true));
        route.sign_in(billing);
        route
    }

    use checkout_protocol::IntervalUnit;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn default_answers_are_what_the_widget_reads() {
        let route = alice_on_pro();
        let model: PricingModelResponse =
            data(&post(&route, action::PRICING_MODELS_RETRIEVE, json!({})));
        assert_eq!(model.pricing_model.name, "Acme");
        let billing: CustomerBilling = data(&post(&route, action::CUSTOMERS_BILLING, json!({})));
        assert_eq!(billing.customer.external_id, "alice");
        let cards: RecordList<PaymentMethod> =
            data(&post(&route, action::PAYMENT_METHODS_LIST, json!({})));
        assert_eq!(cards.data.len(), 1);
        let created: CreateCheckoutSessionResponse = data(&post(
            &route,
            action::CHECKOUT_SESSIONS_CREATE,
            json!({"priceSlug": "pro-monthly", "successUrl": "/ok", "cancelUrl": "/no"}),
        ));
        assert_eq!(created.url, "#checkout-session=cs_mock_1");
        assert_eq!(
            created.checkout_session.price_id.as_deref(),
            Some("price_pro-monthly")
        );
        route.stay_on_page(false);
        let second: CreateCheckoutSessionResponse = data(&post(
            &route,
            action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD,
            json!({"successUrl": "/ok", "cancelUrl": "/no"}),
        ));
        assert_eq!(second.url, "/checkout/cs_mock_2");
        let missing = post(
            &route,
            action::CHECKOUT_SESSIONS_CREATE,
            json!({"priceSlug": "gold"}),
        );
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains("price_not_found"));
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn cancel_and_uncancel_change_what_billing_answers_next() {
        let route = alice_on_pro();
        let scheduled: SubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_CANCEL,
            json!({"id": "sub_pro-monthly", "cancellation": {"timing": "at_end_of_current_billing_period"}}),
        ));
        assert_eq!(
            scheduled.subscription.status,
            SubscriptionStatus::CancellationScheduled
        );
        let billing = route.billing().unwrap();
        assert_eq!(
            billing.current_subscription.unwrap().status,
            SubscriptionStatus::CancellationScheduled
        );
        let back: SubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_UNCANCEL,
            json!({"id": "sub_pro-monthly"}),
        ));
        assert_eq!(back.subscription.status, SubscriptionStatus::Active);
        let unknown = post(&route, action::SUBSCRIPTIONS_CANCEL, json!({"id": "sub_x"}));
        assert_eq!(unknown.status, 404);
    }

    /// Alice on Pro with a build-minutes meter: 100 credits left.
    fn alice_with_minutes() -> Rc<MockBillingRoute> {
        let route = alice_on_pro();
        let mut model = route.state.borrow().pricing_model.clone();
        let meter: checkout_protocol::UsageMeter = serde_json::from_value(json!({
            "id": "um_minutes", "slug": "build-minutes", "name": "Build minutes",
            "aggregationType": "sum",
        }))
        .unwrap();
        model.usage_meters.push(meter);
        route.state.borrow_mut().pricing_model = model;
        route.set_usage_balances(vec![serde_json::from_value(json!({
            "id": "um_minutes", "slug": "build-minutes", "name": "Build minutes",
            "availableBalance": 100, "subscriptionId": "sub_pro-monthly",
        }))
        .unwrap()]);
        route
    }

    fn balance(route: &MockBillingRoute) -> i64 {
        let balances: checkout_protocol::UsageMeterBalancesResponse =
            data(&post(route, action::USAGE_METERS_BALANCES, json!({})));
        balances.usage_meter_balances[0].available_balance
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_usage_event_lowers_the_balance_once_per_transaction() {
        let route = alice_with_minutes();
        let first: checkout_protocol::UsageEventResponse = data(&post(
            &route,
            action::USAGE_EVENTS_CREATE,
            json!({"usageMeterSlug": "build-minutes", "amount": 30, "transactionId": "run-1"}),
        ));
        assert_eq!(first.usage_event.amount, 30);
        assert_eq!(first.usage_event.subscription_id, "sub_pro-monthly");
        assert_eq!(balance(&route), 70);
        // A retry of the same transaction records nothing more.
        let again: checkout_protocol::UsageEventResponse = data(&post(
            &route,
            action::USAGE_EVENTS_CREATE,
            json!({"usageMeterSlug": "build-minutes", "amount": 30, "transactionId": "run-1"}),
        ));
        assert_eq!(again.usage_event.id, first.usage_event.id);
        assert_eq!(balance(&route), 70);
        // Default amount 1, by meter id.
        data::<Value>(&post(
            &route,
            action::USAGE_EVENTS_CREATE,
            json!({"usageMeterId": "um_minutes"}),
        ));
        assert_eq!(balance(&route), 69);
        let bad = post(
            &route,
            action::USAGE_EVENTS_CREATE,
            json!({"usageMeterSlug": "build-minutes", "amount": 1.5}),
        );
        assert!(bad.body.contains("invalid_usage_amount"), "{}", bad.body);
        let unknown = post(
            &route,
            action::USAGE_EVENTS_CREATE,
            json!({"usageMeterSlug": "gpu-hours"}),
        );
        assert!(
            unknown.body.contains("usage_meter_not_found"),
            "{}",
            unknown.body
        );
        assert_eq!(balance(&route), 69);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_customer_update_shows_in_the_next_billing() {
        let route = alice_on_pro();
        let answer: checkout_protocol::CustomerResponse = data(&post(
            &route,
            action::CUSTOMERS_UPDATE,
            json!({"customer": {"name": "Alice Martin", "email": "alice@martin.example"}}),
        ));
        assert_eq!(answer.customer.name, "Alice Martin");
        let billing: CustomerBilling = data(&post(&route, action::CUSTOMERS_BILLING, json!({})));
        assert_eq!(billing.customer.email, "alice@martin.example");
        for (body, code) in [
            (json!({"customer": {"email": "nope"}}), "invalid_email"),
            (
                json!({"customer": {"domain": "x.example"}}),
                "field_not_allowed",
            ),
            (
                json!({"customer": {"id": "cus_bob", "name": "B"}}),
                "customer_not_found",
            ),
            (json!({"name": "no envelope"}), "invalid_request"),
        ] {
            let refused = post(&route, action::CUSTOMERS_UPDATE, body);
            assert!(refused.body.contains(code), "{code}: {}", refused.body);
        }
        let billing: CustomerBilling = data(&post(&route, action::CUSTOMERS_BILLING, json!({})));
        assert_eq!(billing.customer.name, "Alice Martin");
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn saved_cards_change_default_and_go_as_on_the_reference_server() {
        let route = alice_on_pro();
        // Her only card pays for Pro: it stays.
        let in_use = post(
            &route,
            action::PAYMENT_METHODS_REMOVE,
            json!({"id": "pm_1"}),
        );
        assert_eq!(in_use.status, 409, "{}", in_use.body);
        assert!(in_use.body.contains("payment_method_in_use"));
        let mut billing = route.billing().unwrap();
        let mut second = fixtures::card(&billing.customer, "pm_2", "mastercard", "4444", false);
        second.created_at += 1;
        billing.payment_methods.push(second);
        route.sign_in(billing);

        let cards: RecordList<PaymentMethod> = data(&post(
            &route,
            action::PAYMENT_METHODS_SET_DEFAULT,
            json!({"id": "pm_2"}),
        ));
        let ids: Vec<(&str, bool)> = cards
            .data
            .iter()
            .map(|c| (c.id.as_str(), c.default))
            .collect();
        assert_eq!(ids, [("pm_2", true), ("pm_1", false)]);

        // Removing the default makes the other one the default.
        let left: RecordList<PaymentMethod> = data(&post(
            &route,
            action::PAYMENT_METHODS_REMOVE,
            json!({"id": "pm_2"}),
        ));
        assert_eq!(left.data.len(), 1);
        assert!(left.data[0].default && left.data[0].id == "pm_1");
        let listed: RecordList<PaymentMethod> =
            data(&post(&route, action::PAYMENT_METHODS_LIST, json!({})));
        assert_eq!(listed.data, left.data);
        let gone = post(
            &route,
            action::PAYMENT_METHODS_SET_DEFAULT,
            json!({"id": "pm_2"}),
        );
        assert_eq!(gone.status, 404);
        assert!(gone.body.contains("payment_method_not_found"));
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn signed_out_and_unknown_actions_say_so() {
        let route = alice_on_pro();
        route.sign_out();
        let billing = post(&route, action::CUSTOMERS_BILLING, json!({}));
        assert_eq!(billing.status, 401);
        let unknown = post(&route, "subscriptions/pause", json!({}));
        assert_eq!(unknown.status, 501);
        assert!(unknown.body.contains("not_mocked"));
    }

    /// Every action the reference server's route answers
    /// (`checkout_protocol::action::ALL`, what `dispatch` in
    /// `server/src/http/route/mod.rs` matches) has an answer here, signed in
    /// or not: none is 501.
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn no_route_action_is_left_unmocked() {
        for signed_in in [true, false] {
            let route = alice_with_seats(1);
            if !signed_in {
                route.sign_out();
            }
            for a in action::ALL {
                let answer = post(&route, a, json!({}));
                assert_ne!(answer.status, 501, "{a}: {}", answer.body);
                assert!(!answer.body.contains("not_mocked"), "{a}: {}", answer.body);
                let body: Value = serde_json::from_str(&answer.body).unwrap();
                assert!(
                    body.get("data").is_some() || body.get("error").is_some(),
                    "{a}"
                );
            }
        }
    }

    /// Alice on Pro monthly (12.00), inside its first period, with a
    /// yearly Pro (120.00), a Basic plan (5.00) and a one-time price for sale.
    fn alice_choosing_plans() -> Rc<MockBillingRoute> {
        let route = alice_on_pro();
        let mut model = route.state.borrow().pricing_model.clone();
        let mut yearly = fixtures::subscription_price("pro-yearly", 12_000, IntervalUnit::Year);
        yearly.is_default = false;
        model.products[0].prices.push(yearly);
        model.products[0].prices[1].product_id = "prod_pro".to_owned();
        let basic = fixtures::subscription_price("basic-monthly", 500, IntervalUnit::Month);
        model
            .products
            .push(fixtures::product("basic", "Basic", vec![basic]));
        let setup = fixtures::single_price("setup", 4900);
        model
            .products
            .push(fixtures::product("setup", "Setup", vec![setup]));
        let mut euro = fixtures::subscription_price("pro-eur", 1100, IntervalUnit::Month);
        euro.currency = "EUR".to_owned();
        model
            .products
            .push(fixtures::product("pro-eu", "Pro (EU)", vec![euro]));
        route.state.borrow_mut().pricing_model = model;
        route.set_now(fixtures::T0 + 10 * 24 * 60 * 60 * 1000);
        route
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn an_upgrade_applies_now_and_shows_in_the_next_billing() {
        let route = alice_choosing_plans();
        let now = fixtures::T0 + 10 * 24 * 60 * 60 * 1000;
        let up: AdjustSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "pro-yearly"}),
        ));
        assert!(up.is_upgrade);
        assert_eq!(up.resolved_timing, ResolvedAdjustmentTiming::Immediately);
        assert_eq!(up.subscription.price_id, "price_pro-yearly");
        assert_eq!(up.subscription_items[0].unit_price, 12_000);
        // Another interval: a new (yearly) period starts now.
        assert_eq!(up.subscription.current_billing_period_start, Some(now));
        assert_eq!(up.subscription.interval, Some(IntervalUnit::Year));
        let billing: CustomerBilling = data(&post(&route, action::CUSTOMERS_BILLING, json!({})));
        let current = billing.current_subscription.unwrap();
        assert_eq!(current.price_id, "price_pro-yearly");
        assert_eq!(billing.subscriptions[0].price_id, "price_pro-yearly");
        // Three seats of the same plan, asked for now: same interval, the period stays.
        let more: AdjustSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"subscriptionId": "sub_pro-monthly", "priceId": "price_pro-yearly", "quantity": 3, "timing": "immediately"}),
        ));
        assert_eq!(more.subscription_items[0].quantity, 3);
        assert_eq!(more.subscription.current_billing_period_start, Some(now));
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_downgrade_waits_for_the_period_end_and_refusals_match_the_server() {
        let route = alice_choosing_plans();
        let down: AdjustSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "basic-monthly"}),
        ));
        assert!(!down.is_upgrade);
        assert_eq!(
            down.resolved_timing,
            ResolvedAdjustmentTiming::AtEndOfCurrentBillingPeriod
        );
        assert_eq!(down.subscription.price_id, "price_pro-monthly");
        assert_eq!(
            route.scheduled_plan("sub_pro-monthly"),
            Some(("price_basic-monthly".to_owned(), 1))
        );
        let billing = route.billing().unwrap();
        assert_eq!(
            billing.current_subscription.unwrap().price_id,
            "price_pro-monthly"
        );
        // Asking for the current plan keeps it: the scheduled change goes.
        let keep = post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "pro-monthly"}),
        );
        assert_eq!(keep.status, 200, "{}", keep.body);
        assert_eq!(route.scheduled_plan("sub_pro-monthly"), None);
        for (body, status, code) in [
            (
                json!({"priceSlug": "pro-monthly"}),
                409,
                "subscription_plan_unchanged",
            ),
            (json!({"priceSlug": "gold"}), 404, "price_not_found"),
            (json!({"priceSlug": "setup"}), 400, "price_not_recurring"),
            (json!({"priceSlug": "pro-eur"}), 400, "currency_mismatch"),
            (
                json!({"subscriptionItems": [{"priceSlug": "basic-monthly"}, {"priceSlug": "pro-yearly"}]}),
                400,
                "multiple_subscription_items",
            ),
            (json!({}), 400, "invalid_request"),
            (
                json!({"priceSlug": "basic-monthly", "quantity": 0}),
                400,
                "invalid_quantity",
            ),
            (
                json!({"subscriptionId": "sub_bob", "priceSlug": "basic-monthly"}),
                404,
                "subscription_not_found",
            ),
        ] {
            let refused = post(&route, action::SUBSCRIPTIONS_ADJUST, body);
            assert_eq!(refused.status, status, "{code}: {}", refused.body);
            assert!(refused.body.contains(code), "{code}: {}", refused.body);
        }
        // A downgrade asked for now applies now.
        let now_down: AdjustSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "basic-monthly", "timing": "immediately"}),
        ));
        assert_eq!(now_down.subscription.price_id, "price_basic-monthly");
        // A cancel drops a scheduled change.
        data::<Value>(&post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "pro-monthly", "timing": "at_end_of_current_billing_period"}),
        ));
        assert!(route.scheduled_plan("sub_pro-monthly").is_some());
        // A scheduled cancellation blocks plan changes until uncancelled.
        data::<Value>(&post(
            &route,
            action::SUBSCRIPTIONS_CANCEL,
            json!({"id": "sub_pro-monthly", "cancellation": {"timing": "at_end_of_current_billing_period"}}),
        ));
        let blocked = post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "pro-yearly"}),
        );
        assert_eq!(blocked.status, 409, "{}", blocked.body);
        assert!(blocked.body.contains("subscription_not_adjustable"));
        assert_eq!(route.scheduled_plan("sub_pro-monthly"), None);
    }

    /// Bob, signed in with nothing bought, choosing among a free plan, a Pro
    /// plan with a 14-day trial, a Team plan without one and a one-time price.
    fn bob_subscribing() -> Rc<MockBillingRoute> {
        let free = fixtures::subscription_price("free", 0, IntervalUnit::Month);
        let mut pro = fixtures::subscription_price("pro-monthly", 1200, IntervalUnit::Month);
        pro.trial_period_days = Some(14);
        let team = fixtures::subscription_price("team-monthly", 4000, IntervalUnit::Month);
        let model = fixtures::pricing_model(
            "Acme",
            vec![
                fixtures::product("free", "Free", vec![free]),
                fixtures::product("pro", "Pro", vec![pro]),
                fixtures::product("team", "Team", vec![team]),
                fixtures::product(
                    "setup",
                    "Setup",
                    vec![fixtures::single_price("setup", 4900)],
                ),
            ],
        );
        let bob = fixtures::customer("bob", "Bob", "bob@example.com");
        let route = MockBillingRoute::new(model.clone());
        route.sign_in(fixtures::billing(bob, model));
        route.set_now(fixtures::T0);
        route
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_free_plan_starts_once_and_a_paid_one_needs_a_checkout() {
        let route = bob_subscribing();
        let free: CreateSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_CREATE,
            json!({"priceSlug": "free", "customerId": "cus_bob"}),
        ));
        assert_eq!(free.subscription.status, SubscriptionStatus::Active);
        assert_eq!(free.subscription.price_id, "price_free");
        assert_eq!(
            free.subscription.current_billing_period_start,
            Some(fixtures::T0)
        );
        let billing: CustomerBilling = data(&post(&route, action::CUSTOMERS_BILLING, json!({})));
        assert_eq!(
            billing.current_subscription.unwrap().id,
            free.subscription.id
        );
        assert_eq!(billing.current_subscriptions.unwrap().len(), 1);
        for (body, status, code) in [
            (json!({"priceSlug": "free"}), 409, "already_subscribed"),
            (
                json!({"priceSlug": "pro-monthly"}),
                402,
                "checkout_required",
            ),
            (
                json!({"priceSlug": "team-monthly"}),
                402,
                "checkout_required",
            ),
            (json!({"priceSlug": "setup"}), 400, "price_not_recurring"),
            (json!({"priceSlug": "gold"}), 404, "price_not_found"),
            (json!({}), 400, "price_missing"),
            (
                json!({"priceSlug": "free", "priceId": "price_free"}),
                400,
                "price_ambiguous",
            ),
            (
                json!({"priceSlug": "pro-monthly", "trialEnd": 1}),
                400,
                "field_not_allowed",
            ),
            (
                json!({"priceSlug": "pro-monthly", "customerId": "cus_alice"}),
                400,
                "field_not_allowed",
            ),
        ] {
            let refused = post(&route, action::SUBSCRIPTIONS_CREATE, body);
            assert_eq!(refused.status, status, "{code}: {}", refused.body);
            assert!(refused.body.contains(code), "{code}: {}", refused.body);
        }
        assert_eq!(
            route.billing().unwrap().subscriptions.len(),
            1,
            "nothing more started"
        );
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn a_trial_starts_without_a_checkout_when_the_route_allows_it() {
        let route = bob_subscribing();
        route.allow_paid_trials(true);
        let trial: CreateSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_CREATE,
            json!({"priceSlug": "pro-monthly", "name": "Bob's Pro"}),
        ));
        let day = 24 * 60 * 60 * 1000;
        assert_eq!(trial.subscription.status, SubscriptionStatus::Trialing);
        assert_eq!(trial.subscription.trial_end, Some(fixtures::T0 + 14 * day));
        assert_eq!(trial.subscription.name.as_deref(), Some("Bob's Pro"));
        // No trial, no way round the checkout.
        let team = post(
            &route,
            action::SUBSCRIPTIONS_CREATE,
            json!({"priceSlug": "team-monthly"}),
        );
        assert_eq!(team.status, 402, "{}", team.body);
        // A trialing plan changes for free and at once.
        let moved: AdjustSubscriptionResponse = data(&post(
            &route,
            action::SUBSCRIPTIONS_ADJUST,
            json!({"priceSlug": "team-monthly"}),
        ));
        assert_eq!(moved.resolved_timing, ResolvedAdjustmentTiming::Immediately);
        assert_eq!(moved.subscription.status, SubscriptionStatus::Trialing);
        assert_eq!(moved.subscription.trial_end, Some(fixtures::T0 + 14 * day));
    }

    /// Alice on Pro × `quantity`, whose plan gives 3 seats a unit.
    fn alice_with_seats(quantity: u32) -> Rc<MockBillingRoute> {
        let route = alice_on_pro();
        let mut model = route.state.borrow().pricing_model.clone();
        model.products[0]
            .features
            .push(fixtures::resource_feature("seats", 3));
        route.state.borrow_mut().pricing_model = model;
        let mut billing = route.billing().unwrap();
        let (product, price) = {
            let m = route.state.borrow().pricing_model.clone();
            (m.products[0].clone(), m.products[0].prices[0].clone())
        };
        let mut sub = billing.subscriptions[0].clone();
        plans::set_plan(&mut sub, &product, &price, quantity, fixtures::T0);
        billing.subscriptions = Vec::new();
        billing.current_subscriptions = Some(Vec::new());
        billing.current_subscription = None;
        route.sign_in(fixtures::with_subscription(billing, sub));
        route
    }

    fn claim(route: &MockBillingRoute, body: Value) -> HttpResponse {
        post(route, action::RESOURCES_CLAIM, body)
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn claims_stop_at_the_plans_capacity() {
        let route = alice_with_seats(1);
        let two: ClaimResourceResponse = data(&claim(
            &route,
            json!({"resourceSlug": "seats", "quantity": 2}),
        ));
        assert_eq!(two.claims.len(), 2);
        assert_eq!(
            (two.usage.capacity, two.usage.claimed, two.usage.available),
            (3, 2, 1)
        );
        // Two more do not fit: nothing is claimed.
        let over = claim(
            &route,
            json!({"resourceSlug": "seats", "externalIds": ["ann", "bo"]}),
        );
        assert_eq!(over.status, 409, "{}", over.body);
        assert!(over.body.contains("resource_capacity_exceeded"));
        assert_eq!(route.claims().len(), 2);
        let ann: ClaimResourceResponse = data(&claim(
            &route,
            json!({"resourceSlug": "seats", "externalId": "ann"}),
        ));
        assert_eq!(ann.usage.available, 0);
        // Ann again is her claim again, not a new one (it fits at capacity).
        let again: ClaimResourceResponse = data(&claim(
            &route,
            json!({"resourceSlug": "seats", "externalId": "ann"}),
        ));
        assert_eq!(again.claims[0].id, ann.claims[0].id);
        assert_eq!(again.usage.claimed, 3);
        for (body, status, code) in [
            (
                json!({"resourceSlug": "desks", "quantity": 1}),
                404,
                "resource_not_found",
            ),
            (json!({"resourceSlug": "seats"}), 400, "invalid_request"),
            (
                json!({"resourceSlug": "seats", "quantity": 1, "externalId": "x"}),
                400,
                "invalid_request",
            ),
            (
                json!({"resourceSlug": "seats", "quantity": 1.5}),
                400,
                "invalid_quantity",
            ),
            (
                json!({"resourceSlug": "seats", "externalIds": [" "]}),
                400,
                "invalid_request",
            ),
            (
                json!({"resourceSlug": "seats", "quantity": 1, "subscriptionId": "sub_x"}),
                404,
                "subscription_not_found",
            ),
        ] {
            let refused = claim(&route, body);
            assert_eq!(refused.status, status, "{code}: {}", refused.body);
            assert!(refused.body.contains(code), "{code}: {}", refused.body);
        }
        // Two units of the plan give twice the seats.
        let bigger = alice_with_seats(2);
        let six: ClaimResourceResponse = data(&claim(
            &bigger,
            json!({"resourceSlug": "seats", "quantity": 6}),
        ));
        assert_eq!(six.usage.capacity, 6);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn releases_are_all_or_nothing() {
        let route = alice_with_seats(1);
        data::<Value>(&claim(
            &route,
            json!({"resourceSlug": "seats", "quantity": 2}),
        ));
        let ann: ClaimResourceResponse = data(&claim(
            &route,
            json!({"resourceSlug": "seats", "externalId": "ann"}),
        ));
        let release = |body: Value| post(&route, action::RESOURCES_RELEASE, body);
        for body in [
            json!({"resourceSlug": "seats", "externalIds": ["ann", "zed"]}),
            json!({"resourceSlug": "seats", "quantity": 3}),
            json!({"resourceSlug": "seats", "claimIds": ["rc_nope"]}),
        ] {
            let refused = release(body);
            assert_eq!(refused.status, 404, "{}", refused.body);
            assert!(refused.body.contains("resource_claim_not_found"));
        }
        assert_eq!(route.claims().len(), 3, "nothing released");
        let one: ReleaseResourceResponse =
            data(&release(json!({"resourceSlug": "seats", "quantity": 1})));
        assert_eq!(one.released_claims.len(), 1);
        assert!(one.released_claims[0].released_at.is_some());
        assert_eq!(one.usage.claimed, 2);
        let by_id: ReleaseResourceResponse = data(&release(
            json!({"resourceSlug": "seats", "claimIds": [ann.claims[0].id]}),
        ));
        assert_eq!(by_id.released_claims[0].external_id.as_deref(), Some("ann"));
        assert_eq!(by_id.usage.available, 2);
        let two_forms =
            release(json!({"resourceSlug": "seats", "quantity": 1, "externalId": "ann"}));
        assert_eq!(two_forms.status, 400);
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn claims_and_usages_read_what_was_claimed() {
        let route = alice_with_seats(1);
        data::<Value>(&claim(
            &route,
            json!({"resourceSlug": "seats", "externalIds": ["ann", "bo"]}),
        ));
        let listed: ResourceClaimsResponse = data(&post(
            &route,
            action::RESOURCES_CLAIMS,
            json!({"resourceSlug": "seats"}),
        ));
        let names: Vec<_> = listed
            .claims
            .iter()
            .map(|c| c.external_id.clone().unwrap())
            .collect();
        assert_eq!(names, ["ann", "bo"]);
        let usages: ResourceUsagesResponse =
            data(&post(&route, action::RESOURCES_USAGES, json!({})));
        assert_eq!(usages.resources.len(), 1);
        assert_eq!(
            (
                usages.resources[0].resource_slug.as_str(),
                usages.resources[0].available
            ),
            ("seats", 1)
        );
        let one: ResourceUsageWithClaims = data(&post(
            &route,
            action::RESOURCES_USAGES_RETRIEVE,
            json!({"resourceId": "res_seats"}),
        ));
        assert_eq!((one.usage.claimed, one.claims.len()), (2, 2));
        for (a, body, code) in [
            (
                action::RESOURCES_USAGES_RETRIEVE,
                json!({}),
                "invalid_request",
            ),
            (
                action::RESOURCES_USAGES_RETRIEVE,
                json!({"resourceSlug": "desks"}),
                "resource_not_found",
            ),
            (
                action::RESOURCES_CLAIMS,
                json!({"resourceSlug": "desks"}),
                "resource_not_found",
            ),
        ] {
            let refused = post(&route, a, body);
            assert!(refused.body.contains(code), "{a} {code}: {}", refused.body);
        }
        // An ended subscription holds no capacity and takes no claims.
        data::<Value>(&post(
            &route,
            action::SUBSCRIPTIONS_CANCEL,
            json!({"id": "sub_pro-monthly", "cancellation": {"timing": "immediately"}}),
        ));
        let ended: ResourceUsagesResponse = data(&post(
            &route,
            action::RESOURCES_USAGES,
            json!({"subscriptionId": "sub_pro-monthly"}),
        ));
        assert_eq!(ended.resources[0].capacity, 0);
        let late = claim(
            &route,
            json!({"resourceSlug": "seats", "quantity": 1, "subscriptionId": "sub_pro-monthly"}),
        );
        assert!(
            late.body.contains("subscription_not_current"),
            "{}",
            late.body
        );
        // With no current subscription, naming none is refused.
        let none = post(&route, action::RESOURCES_USAGES, json!({}));
        assert!(none.body.contains("subscription_required"), "{}", none.body);
    }
}
