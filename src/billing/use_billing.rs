//! `use_billing()`: the billing state and actions of the nearest provider,
//! mirroring Flowglad's React `useBilling()`.

use super::params::{
    checked_adjust, required_id, ActivateSubscriptionParams, Activation, AddPaymentMethodParams,
    CheckoutSessionCreated, CheckoutSessionParams, PlanMove, PriceCheckout, UsageEventParams,
};
use crate::browser;
use crate::client::{self, Answer, BillingClient, Call, Parsed};
use crate::error::BillingError;
use checkout_protocol::{AdjustSubscriptionParams, AdjustSubscriptionResponse, ErrorCode};
use checkout_protocol::{
    CancelSubscriptionParams, Cancellation, CancellationTiming, Customer, CustomerBilling,
    InvoiceWithLineItems, PaymentMethod, PaymentMethodParams, Price, PricingModel,
    PricingModelResponse, Product, Purchase, Subscription, UncancelSubscriptionParams, UsageEvent,
    UsageMeterBalance,
};
use leptos::prelude::*;
use std::cell::RefCell;
use std::sync::Arc;

/// The customer's billing with its pricing model apart, `None` when nobody
/// is signed in.
pub(crate) type CustomerResult = Result<Option<BillingData>, BillingError>;

/// What `<BillingProvider>` shares with `use_billing()`.
#[derive(Clone, Copy)]
pub(crate) struct BillingContext {
    /// What is not reactive, in one stored value (each stored type linked
    /// its own arena code into every app).
    pub(crate) shared: StoredValue<Shared, LocalStorage>,
    /// Notified when the billing state ([`Shared::state`]) changed; its
    /// readers track it. A trigger and the stored value the context has
    /// anyway, not an `RwSignal<BillingState>`: that linked a signal's code
    /// for one more type.
    pub(crate) state_changed: Trigger,
    /// Notified to load both again.
    pub(crate) reload: Trigger,
    /// Notified when usage was recorded: every `use_usage_meters()` reloads,
    /// as Flowglad's `createUsageEvent` invalidates the usage meters query.
    pub(crate) usage_changed: Trigger,
    /// Notified when a resource was claimed or released: every
    /// `use_resources()` and `use_resource()` reloads, as Flowglad's claim
    /// and release invalidate the resources and claims queries.
    pub(crate) resources_changed: Trigger,
}

impl BillingContext {
    /// The provider's client; `None` once the provider is gone.
    pub(crate) fn client(&self) -> Option<BillingClient> {
        self.shared.try_with_value(|s| s.client.clone())
    }

    /// `read` of the billing state, tracked; [`BillingState::Loading`] once
    /// the provider is gone (nothing of it is loaded any more).
    pub(crate) fn with_state<R>(&self, read: impl FnOnce(&BillingState) -> R) -> R {
        self.state_changed.track();
        match self.shared.try_read_value() {
            Some(shared) => read(&shared.state.borrow()),
            None => read(&BillingState::Loading),
        }
    }

    /// Sets the billing state and redraws what read it. Never called while
    /// the state is read: loads settle in their own task.
    pub(crate) fn set_state(&self, state: BillingState) {
        if let Some(shared) = self.shared.try_read_value() {
            *shared.state.borrow_mut() = state;
        }
        self.state_changed.notify();
    }
}

/// The provider's plain values, read by `use_billing()` and the components.
pub(crate) struct Shared {
    /// The billing state, set once each load of the pricing model and the
    /// customer's billing has settled (computed then, not at every read).
    pub(crate) state: RefCell<BillingState>,
    /// The client for the provider's server route.
    pub(crate) client: BillingClient,
    /// The locale the provider was given, if any, for the hosted page's URL.
    pub(crate) given_locale: Option<String>,
    /// The locale amounts and dates are written in: the given one, else the
    /// browser's language.
    pub(crate) locale: String,
    /// The plan change in flight per subscription id (its request body), so
    /// a different change for the same subscription is refused until the
    /// first settles (an identical one joins it in the client).
    pub(crate) adjusting: RefCell<Adjusting>,
}

/// The plan changes in flight, by subscription id with their request body:
/// a few at most, so a list (a hash map linked its hasher into every panel).
#[derive(Debug, Default)]
pub(crate) struct Adjusting(Vec<(String, String)>);

impl Adjusting {
    /// Whether a different change for `subscription_id` is in flight.
    fn conflicts(&self, subscription_id: &str, body: &str) -> bool {
        self.0
            .iter()
            .any(|(id, other)| id == subscription_id && other != body)
    }

    /// Records a change as in flight (replacing an identical one).
    fn start(&mut self, subscription_id: &str, body: &str) {
        self.settle(subscription_id, body);
        self.0.push((subscription_id.to_owned(), body.to_owned()));
    }

    /// Forgets a settled change, unless another one took its place.
    fn settle(&mut self, subscription_id: &str, body: &str) {
        self.0
            .retain(|(id, other)| id != subscription_id || other != body);
    }
}

/// Where the billing data is.
#[derive(Debug, Clone, PartialEq)]
pub enum BillingState {
    /// The first load has not settled.
    Loading,
    /// Loaded, and nobody is signed in: the pricing model only.
    Unauthenticated(BillingData),
    /// Loaded for a signed-in customer.
    Loaded(BillingData),
    /// Loading failed; every failure is kept.
    Error(Vec<BillingError>),
}

/// Billing data once loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingData {
    /// The pricing model that applies (the customer's own when signed in).
    pub pricing_model: Arc<PricingModel>,
    /// The customer's billing details; `None` when nobody is signed in.
    pub customer: Option<Arc<CustomerBilling>>,
}

/// Options of [`use_billing_with_options`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UseBillingOptions {
    /// Reload what an action changes: the billing data after cancel and
    /// uncancel, the usage meters (`use_usage_meters()`) after a usage event.
    /// Default `true`, as Flowglad's hook invalidates those queries.
    pub reload_after_change: bool,
}

impl Default for UseBillingOptions {
    fn default() -> Self {
        Self {
            reload_after_change: true,
        }
    }
}

/// Which current subscription a lookup reads: Flowglad's `refinementParams`.
/// By default the first current subscription, as Flowglad reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefinementParams {
    /// Read this current subscription instead of the first one.
    pub subscription_id: Option<String>,
}

impl RefinementParams {
    /// Reads the current subscription with this id.
    pub fn subscription(id: impl Into<String>) -> Self {
        Self {
            subscription_id: Some(id.into()),
        }
    }
}

/// The current subscription a lookup reads: the one named, else the first
/// (Flowglad's rule: a named subscription that is not current grants nothing).
fn refined<'a>(
    current: &[&'a Subscription],
    refinement: &RefinementParams,
) -> Option<&'a Subscription> {
    match &refinement.subscription_id {
        Some(id) => current.iter().find(|s| &s.id == id).copied(),
        None => current.first().copied(),
    }
}

/// The subscriptions of `billing` that currently grant access, borrowed (no
/// copy of a record): its `currentSubscriptions` when the route sent them,
/// else those of its subscriptions that are current.
pub(crate) fn current_in(billing: &CustomerBilling) -> Vec<&Subscription> {
    match &billing.current_subscriptions {
        Some(current) => current.iter().collect(),
        None => billing
            .subscriptions
            .iter()
            .filter(|s| s.current || s.status.is_current())
            .collect(),
    }
}

/// What `use_billing()` returns: reactive state, lookups and actions. Cheap to
/// copy into closures and async blocks.
#[derive(Clone, Copy)]
pub struct UseBillingReturn {
    /// The billing state; read it in a view to re-render as it changes.
    pub state: Signal<BillingState>,
    context: Option<BillingContext>,
    options: UseBillingOptions,
}

/// The billing state and actions of the nearest `<BillingProvider>`.
///
/// Outside a provider it never panics: the state is an error with code
/// `billing_provider_missing` and every action returns that error.
///
/// ```no_run
/// use checkout_widget::{use_billing, BillingState};
/// use leptos::prelude::*;
///
/// #[component]
/// fn PlanName() -> impl IntoView {
///     let billing = use_billing();
///     move || match billing.state.get() {
///         BillingState::Loading => "Loading…".to_owned(),
///         BillingState::Error(errors) => errors[0].message(),
///         BillingState::Unauthenticated(_) => "Sign in to see your plan".to_owned(),
///         BillingState::Loaded(_) => billing
///             .current_subscription()
///             .and_then(|s| s.name)
///             .unwrap_or_else(|| "No plan yet".to_owned()),
///     }
/// }
/// ```
pub fn use_billing() -> UseBillingReturn {
    use_billing_with_options(UseBillingOptions::default())
}

/// [`use_billing`] with options.
pub fn use_billing_with_options(options: UseBillingOptions) -> UseBillingReturn {
    let Some(context) = use_context::<BillingContext>() else {
        return UseBillingReturn {
            state: Signal::stored(BillingState::Error(vec![BillingError::NoProvider])),
            context: None,
            options,
        };
    };
    UseBillingReturn {
        // What the public field hands out: the state, read through the
        // context (the crate's own reads use `with_state` directly).
        state: Signal::derive(move || context.with_state(BillingState::clone)),
        context: Some(context),
        options,
    }
}

/// The state once both loads have settled (`customer` is `None` when the
/// provider does not load the customer's billing): every failure kept; a
/// signed-in customer's own pricing model, else the route's.
pub(crate) fn combine(
    pricing: Result<PricingModelResponse, BillingError>,
    customer: Option<CustomerResult>,
) -> BillingState {
    match (pricing, customer.unwrap_or(Ok(None))) {
        (Ok(_), Ok(Some(data))) => BillingState::Loaded(data),
        (Ok(pricing), Ok(None)) => BillingState::Unauthenticated(BillingData {
            pricing_model: Arc::new(pricing.pricing_model),
            customer: None,
        }),
        (pricing, customer) => {
            // Pushed one by one: a chained `collect` linked its iterator code.
            let mut errors = Vec::new();
            errors.extend(pricing.err());
            errors.extend(customer.err());
            BillingState::Error(errors)
        }
    }
}

impl UseBillingReturn {
    /// `read` of the billing state, tracked: the provider's own, not through
    /// [`Self::state`]. Reading through the `Signal` wrapper linked the read
    /// code of every kind of signal it can wrap (a memo's too) for the state's
    /// type; an app that reads only through the crate links none of it.
    pub(crate) fn with_state<R>(&self, read: impl FnOnce(&BillingState) -> R) -> R {
        match self.context {
            Some(context) => context.with_state(read),
            None => read(&BillingState::Error(vec![BillingError::NoProvider])),
        }
    }

    fn data(&self) -> Option<BillingData> {
        self.with_state(|state| match state {
            BillingState::Loaded(data) | BillingState::Unauthenticated(data) => Some(data.clone()),
            _ => None,
        })
    }

    /// The signed-in customer's billing, shared (an `Arc`, not a copy of its
    /// records); tracked. With [`current_in`] the components read the
    /// current subscriptions without cloning them.
    pub(crate) fn customer_billing(&self) -> Option<Arc<CustomerBilling>> {
        self.data()?.customer
    }

    /// Whether loading has settled successfully (signed in or not).
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || if billing.loaded() { "Ready" } else { "Loading…" }
    /// # }
    /// ```
    pub fn loaded(&self) -> bool {
        self.data().is_some()
    }

    /// Whether a customer is signed in.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || (!billing.is_authenticated()).then(|| view! { <a href="/login">"Sign in to manage billing"</a> })
    /// # }
    /// ```
    pub fn is_authenticated(&self) -> bool {
        self.customer_billing().is_some()
    }

    /// The failures of the last load (empty unless in the error state).
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.errors().into_iter().map(|e| view! { <p role="alert">{e.message()}</p> }).collect_view()
    /// # }
    /// ```
    pub fn errors(&self) -> Vec<BillingError> {
        self.with_state(|state| match state {
            BillingState::Error(errors) => errors.clone(),
            _ => Vec::new(),
        })
    }

    /// The pricing model, once loaded.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.pricing_model().map(|m| m.products.len()).unwrap_or(0)
    /// # }
    /// ```
    pub fn pricing_model(&self) -> Option<Arc<PricingModel>> {
        self.data().map(|d| d.pricing_model)
    }

    /// The signed-in customer.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.customer().map(|c| format!("Signed in as {}", c.email))
    /// # }
    /// ```
    pub fn customer(&self) -> Option<Customer> {
        self.customer_billing().map(|b| b.customer.clone())
    }

    /// All the customer's subscriptions.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || format!("{} subscriptions, ever", billing.subscriptions().len())
    /// # }
    /// ```
    pub fn subscriptions(&self) -> Vec<Subscription> {
        self.customer_billing()
            .map(|b| b.subscriptions.clone())
            .unwrap_or_default()
    }

    /// The subscription that currently grants access, if any.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.current_subscription().map(|s| format!("Plan: {}", s.price_id))
    /// # }
    /// ```
    pub fn current_subscription(&self) -> Option<Subscription> {
        let billing = self.customer_billing()?;
        billing.current_subscription.clone().or_else(|| {
            billing
                .subscriptions
                .iter()
                .find(|s| s.current || s.status.is_current())
                .cloned()
        })
    }

    /// Every subscription that currently grants access.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.current_subscriptions().iter().any(|s| s.price_id == "price_pro_monthly")
    /// # }
    /// ```
    pub fn current_subscriptions(&self) -> Vec<Subscription> {
        let Some(billing) = self.customer_billing() else {
            return Vec::new();
        };
        current_in(&billing).into_iter().cloned().collect()
    }

    /// What the customer bought.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.purchases().into_iter().map(|p| view! { <li>{p.name}</li> }).collect_view()
    /// # }
    /// ```
    pub fn purchases(&self) -> Vec<Purchase> {
        self.customer_billing()
            .map(|b| b.purchases.clone())
            .unwrap_or_default()
    }

    /// The customer's invoices with their line items.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.invoices().into_iter().map(|i| view! { <li>{i.invoice.invoice_number}</li> }).collect_view()
    /// # }
    /// ```
    pub fn invoices(&self) -> Vec<InvoiceWithLineItems> {
        self.customer_billing()
            .map(|b| b.invoices.clone())
            .unwrap_or_default()
    }

    /// The customer's saved payment methods.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.payment_methods().iter().filter_map(|m| m.card()).map(|c| c.last4).collect::<Vec<_>>().join(", ")
    /// # }
    /// ```
    pub fn payment_methods(&self) -> Vec<PaymentMethod> {
        self.customer_billing()
            .map(|b| b.payment_methods.clone())
            .unwrap_or_default()
    }

    /// The server's billing portal page, when it has one.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.billing_portal_url().map(|url| view! { <a href=url>"Manage billing"</a> })
    /// # }
    /// ```
    pub fn billing_portal_url(&self) -> Option<String> {
        self.customer_billing()?
            .billing_portal_url
            .clone()
            .filter(|u| !u.is_empty())
    }

    /// The active price with this slug.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.get_price("pro-monthly").map(|p| p.unit_price)
    /// # }
    /// ```
    pub fn get_price(&self, slug: &str) -> Option<Price> {
        self.pricing_model()?
            .price_by_slug(slug)
            .map(|(_, price)| price.clone())
    }

    /// The product with this slug.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.get_product("pro").map(|p| p.name)
    /// # }
    /// ```
    pub fn get_product(&self, slug: &str) -> Option<Product> {
        self.pricing_model()?.product_by_slug(slug).cloned()
    }

    /// Whether the customer bought any price of the product with this slug.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || if billing.has_purchased("lifetime") { "Thanks for your support!" } else { "" }
    /// # }
    /// ```
    pub fn has_purchased(&self, product_slug: &str) -> bool {
        let (Some(model), Some(billing)) = (self.pricing_model(), self.customer_billing()) else {
            return false;
        };
        let Some(product) = model.product_by_slug(product_slug) else {
            return false;
        };
        billing
            .purchases
            .iter()
            .any(|purchase| product.prices.iter().any(|p| p.id == purchase.price_id))
    }

    /// Whether the customer's first current subscription grants the toggle
    /// feature with this slug. `false` while loading, when nobody is signed
    /// in, or without such a feature, as Flowglad's `checkFeatureAccess`.
    /// Reactive: read it in a view to follow the billing state.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.check_feature_access("priority-builds").then(|| "Priority builds are on")
    /// # }
    /// ```
    pub fn check_feature_access(&self, feature_slug: &str) -> bool {
        self.check_feature_access_with(feature_slug, &RefinementParams::default())
    }

    /// [`Self::check_feature_access`] on the current subscription `refinement` names.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.check_feature_access_with("priority-builds", &RefinementParams::subscription("sub_123"))
    /// # }
    /// ```
    pub fn check_feature_access_with(
        &self,
        feature_slug: &str,
        refinement: &RefinementParams,
    ) -> bool {
        let Some(billing) = self.customer_billing() else {
            return false;
        };
        refined(&current_in(&billing), refinement)
            .and_then(|s| s.experimental.as_ref())
            .is_some_and(|e| e.has_feature(feature_slug))
    }

    /// The balance of the usage meter with this slug on the customer's first
    /// current subscription (its `availableBalance`, negative when overrun);
    /// `None` while loading, when nobody is signed in, or without such a
    /// meter, as Flowglad's `checkUsageBalance`. It is the balance of the
    /// last billing load: after [`Self::create_usage_event`] read
    /// [`use_usage_meter`](crate::use_usage_meter) (which reloads), or call
    /// [`Self::reload`].
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.check_usage_balance("build-minutes").map(|b| format!("{} minutes left", b.available_balance))
    /// # }
    /// ```
    pub fn check_usage_balance(&self, usage_meter_slug: &str) -> Option<UsageMeterBalance> {
        self.check_usage_balance_with(usage_meter_slug, &RefinementParams::default())
    }

    /// [`Self::check_usage_balance`] on the current subscription `refinement` names.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// move || billing.check_usage_balance_with("build-minutes", &RefinementParams::subscription("sub_123")).is_some()
    /// # }
    /// ```
    pub fn check_usage_balance_with(
        &self,
        usage_meter_slug: &str,
        refinement: &RefinementParams,
    ) -> Option<UsageMeterBalance> {
        let billing = self.customer_billing()?;
        refined(&current_in(&billing), refinement)?
            .experimental
            .as_ref()?
            .usage_balance(usage_meter_slug)
            .cloned()
    }

    /// Loads everything again (the state keeps the old data until it arrives).
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// view! { <button on:click=move |_| billing.reload()>"Refresh"</button> }
    /// # }
    /// ```
    pub fn reload(&self) {
        if let Some(context) = self.context {
            context.reload.notify();
        }
    }

    fn client(&self) -> Result<BillingClient, BillingError> {
        self.context
            .and_then(|c| c.client())
            .ok_or(BillingError::NoProvider)
    }

    fn chosen_locale(&self) -> Option<String> {
        self.context
            .and_then(|c| c.shared.try_with_value(|s| s.given_locale.clone()))
            .flatten()
    }

    /// Creates a product checkout session through the server route.
    ///
    /// Checks the parameters first (one of price id, slug or line items; a
    /// quantity from 1; http(s) URLs resolved against the page; a plausible
    /// email) and sends nothing if they are wrong. An identical call while one
    /// is in flight joins it. With `auto_redirect`, the browser then goes to
    /// the hosted checkout page.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let buy = Action::new_local(move |_: &()| async move {
    ///     let params = CheckoutSessionParams::for_price_slug("pro-monthly", "/welcome?s={CHECKOUT_SESSION_ID}", "/pricing")
    ///         .with_auto_redirect(true);
    ///     billing.create_checkout_session(params).await
    /// });
    /// view! { <button on:click=move |_| { buy.dispatch_local(()); }>"Upgrade"</button> }
    /// # }
    /// ```
    pub async fn create_checkout_session(
        &self,
        params: CheckoutSessionParams,
    ) -> Result<CheckoutSessionCreated, BillingError> {
        let session = self.session_call(params.auto_redirect);
        let answer = self.send_checkout_session(&params)?;
        session.created(answer.await)
    }

    /// How a session asked for now is handed back: `auto_redirect`, and the
    /// provider's locale for the hosted page's URL, read now.
    fn session_call(&self, auto_redirect: bool) -> SessionCall {
        SessionCall {
            auto_redirect,
            locale: self.chosen_locale(),
        }
    }

    /// [`Self::create_checkout_session`]'s send: checks `params` and posts
    /// them; the answer is read by [`SessionCall::created`]. A plain
    /// function, so a component's call is not a state machine around it.
    fn send_checkout_session(
        &self,
        params: &CheckoutSessionParams,
    ) -> Result<Answer, BillingError> {
        let client = self.client()?;
        Ok(client.send_checkout_session(&params.to_wire(browser::resolve_url)?))
    }

    /// Creates a session that saves a payment method for the signed-in customer.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let add = Action::new_local(move |_: &()| async move {
    ///     let params = AddPaymentMethodParams {
    ///         success_url: "/account".into(),
    ///         cancel_url: "/account".into(),
    ///         auto_redirect: true,
    ///         ..Default::default()
    ///     };
    ///     billing.create_add_payment_method_checkout_session(params).await
    /// });
    /// view! { <button on:click=move |_| { add.dispatch_local(()); }>"Add card"</button> }
    /// # }
    /// ```
    pub async fn create_add_payment_method_checkout_session(
        &self,
        params: AddPaymentMethodParams,
    ) -> Result<CheckoutSessionCreated, BillingError> {
        let session = self.session_call(params.auto_redirect);
        let client = self.client()?;
        let answer =
            client.send_add_payment_method_checkout_session(&params.to_wire(browser::resolve_url)?);
        session.created(answer.await)
    }

    /// Creates a session that starts billing an existing subscription.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let activate = Action::new_local(move |_: &()| async move {
    ///     let params = ActivateSubscriptionParams {
    ///         target_subscription_id: "sub_123".into(),
    ///         success_url: "/account".into(),
    ///         cancel_url: "/account".into(),
    ///         auto_redirect: true,
    ///         ..Default::default()
    ///     };
    ///     billing.create_activate_subscription_checkout_session(params).await
    /// });
    /// view! { <button on:click=move |_| { activate.dispatch_local(()); }>"Activate"</button> }
    /// # }
    /// ```
    pub async fn create_activate_subscription_checkout_session(
        &self,
        params: ActivateSubscriptionParams,
    ) -> Result<CheckoutSessionCreated, BillingError> {
        let session = self.session_call(params.auto_redirect);
        let answer = self.send_activate_subscription_checkout_session(&params)?;
        session.created(answer.await)
    }

    /// [`Self::create_activate_subscription_checkout_session`]'s send (see
    /// [`Self::send_checkout_session`]).
    fn send_activate_subscription_checkout_session(
        &self,
        params: &ActivateSubscriptionParams,
    ) -> Result<Answer, BillingError> {
        let client = self.client()?;
        Ok(client
            .send_activate_subscription_checkout_session(&params.to_wire(browser::resolve_url)?))
    }

    /// Cancels a subscription now or at the end of the paid period.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let cancel = Action::new_local(move |id: &String| {
    ///     let id = id.clone();
    ///     async move { billing.cancel_subscription(&id, protocol::CancellationTiming::AtEndOfCurrentBillingPeriod).await }
    /// });
    /// view! { <button on:click=move |_| { cancel.dispatch_local("sub_123".to_owned()); }>"Cancel"</button> }
    /// # }
    /// ```
    pub async fn cancel_subscription(
        &self,
        subscription_id: &str,
        timing: CancellationTiming,
    ) -> Result<Subscription, BillingError> {
        let answer = self.send_cancel(subscription_id, timing)?;
        self.subscription_changed(answer.await)
    }

    /// [`Self::cancel_subscription`]'s send; the answer is read by
    /// [`Self::subscription_changed`].
    fn send_cancel(
        &self,
        subscription_id: &str,
        timing: CancellationTiming,
    ) -> Result<Answer, BillingError> {
        let client = self.client()?;
        let params = CancelSubscriptionParams {
            id: required_id(subscription_id)?,
            cancellation: Cancellation { timing },
        };
        Ok(client.send_cancel_subscription(&params))
    }

    /// The answer of a cancel or its undo: the subscription now; the billing
    /// data reloads.
    fn subscription_changed(
        &self,
        data: Result<Parsed, BillingError>,
    ) -> Result<Subscription, BillingError> {
        let changed = client::subscription_changed(data)?;
        self.after_change();
        Ok(changed.subscription)
    }

    /// Undoes a scheduled cancellation.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let keep = Action::new_local(move |id: &String| {
    ///     let id = id.clone();
    ///     async move { billing.uncancel_subscription(&id).await }
    /// });
    /// view! { <button on:click=move |_| { keep.dispatch_local("sub_123".to_owned()); }>"Keep my plan"</button> }
    /// # }
    /// ```
    pub async fn uncancel_subscription(
        &self,
        subscription_id: &str,
    ) -> Result<Subscription, BillingError> {
        let answer = self.send_uncancel(subscription_id)?;
        self.subscription_changed(answer.await)
    }

    /// [`Self::uncancel_subscription`]'s send; the answer is read by
    /// [`Self::subscription_changed`].
    fn send_uncancel(&self, subscription_id: &str) -> Result<Answer, BillingError> {
        let client = self.client()?;
        let params = UncancelSubscriptionParams {
            id: required_id(subscription_id)?,
        };
        Ok(client.send_uncancel_subscription(&params))
    }

    // Saved cards (issue 16): our extensions beyond Flowglad's protocol.

    /// Removes one of the customer's saved cards (`payment-methods/remove`),
    /// then reloads the billing data. A removed default is replaced by the
    /// customer's newest other card; the only card of a current subscription
    /// is refused (`payment_method_in_use`). Answers the cards left.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let remove = Action::new_local(move |id: &String| {
    ///     let id = id.clone();
    ///     async move { billing.remove_payment_method(&id).await }
    /// });
    /// view! { <button on:click=move |_| { remove.dispatch_local("pm_123".to_owned()); }>"Remove"</button> }
    /// # }
    /// ```
    pub async fn remove_payment_method(
        &self,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, BillingError> {
        let client = self.client()?;
        let params = PaymentMethodParams {
            id: required_id(payment_method_id)?,
        };
        let left = client.remove_payment_method(&params).await?;
        self.after_change();
        Ok(left.data)
    }

    /// Makes one of the customer's saved cards their default
    /// (`payment-methods/set-default`), then reloads the billing data.
    /// Answers the cards, default first.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let make_default = Action::new_local(move |id: &String| {
    ///     let id = id.clone();
    ///     async move { billing.set_default_payment_method(&id).await }
    /// });
    /// view! { <button on:click=move |_| { make_default.dispatch_local("pm_123".to_owned()); }>"Make default"</button> }
    /// # }
    /// ```
    pub async fn set_default_payment_method(
        &self,
        payment_method_id: &str,
    ) -> Result<Vec<PaymentMethod>, BillingError> {
        let client = self.client()?;
        let params = PaymentMethodParams {
            id: required_id(payment_method_id)?,
        };
        let cards = client.set_default_payment_method(&params).await?;
        self.after_change();
        Ok(cards.data)
    }

    /// Records usage on one of the customer's current subscriptions
    /// (`usage-events/create`), then reloads every
    /// [`use_usage_meters`](crate::use_usage_meters), as Flowglad's
    /// `createUsageEvent` does (the billing data is not reloaded).
    ///
    /// Checks the parameters first (an amount from 1 to 1,000,000, a meter
    /// named, no blank transaction id) and sends nothing if they are wrong.
    /// Without a transaction id one is made from the browser's CSPRNG; a retry
    /// of an identical call after an unknown outcome (network, timeout, 5xx)
    /// sends the same one, so the server counts the usage once.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let record = Action::new_local(move |minutes: &i64| {
    ///     let params = UsageEventParams::for_meter_slug("build-minutes", *minutes);
    ///     async move { billing.create_usage_event(params).await }
    /// });
    /// view! { <button on:click=move |_| { record.dispatch_local(3); }>"Run build"</button> }
    /// # }
    /// ```
    pub async fn create_usage_event(
        &self,
        params: UsageEventParams,
    ) -> Result<UsageEvent, BillingError> {
        let client = self.client()?;
        let wire = params.to_wire()?;
        let created = client.create_usage_event(&wire).await?;
        if self.options.reload_after_change {
            if let Some(context) = self.context {
                context.usage_changed.notify();
            }
        }
        Ok(created.usage_event)
    }

    /// Changes the plan of one of the customer's current subscriptions
    /// (`subscriptions/adjust`), as Flowglad's `adjustSubscription`: one of
    /// `price_slug`, `price_id` (with `quantity`) or `subscription_items`;
    /// `timing` absent means `auto` (upgrades now, prorated; downgrades at
    /// the end of the period). Without `subscription_id` the customer's only
    /// current subscription is meant (refused when there are none or
    /// several, as Flowglad's hook does). On success the billing data is
    /// reloaded, as Flowglad invalidates it.
    ///
    /// Checks the body first with the protocol's own rules and messages (the
    /// ones the server answers with) and sends nothing if it is wrong.
    ///
    /// Double-click safe: an identical call while one is in flight joins it
    /// (one request, one `Idempotency-Key`), and a *different* change for
    /// the same subscription while one is in flight is refused with
    /// `invalid_request` rather than racing it.
    ///
    /// ```no_run
    /// # use checkout_widget::*;
    /// # use checkout_widget::protocol::{AdjustSubscriptionParams, AdjustmentTiming};
    /// # use leptos::prelude::*;
    /// # #[component] fn Panel() -> impl IntoView {
    /// let billing = use_billing();
    /// let upgrade = Action::new_local(move |_: &()| async move {
    ///     let params = AdjustSubscriptionParams {
    ///         price_slug: Some("pro-yearly".into()),
    ///         timing: Some(AdjustmentTiming::Auto),
    ///         ..Default::default()
    ///     };
    ///     billing.adjust_subscription(params).await
    /// });
    /// view! { <button on:click=move |_| { upgrade.dispatch_local(()); }>"Switch to yearly"</button> }
    /// # }
    /// ```
    pub async fn adjust_subscription(
        &self,
        params: AdjustSubscriptionParams,
    ) -> Result<AdjustSubscriptionResponse, BillingError> {
        let (answer, _clear) = self.send_adjust(params)?;
        self.adjusted(answer.await)
    }

    /// [`Self::adjust_subscription`]'s send: the checks, then the post. The
    /// guard keeps the change listed as in flight until it is dropped, after
    /// [`Self::adjusted`] read the answer (or when the call is dropped).
    fn send_adjust(
        &self,
        params: AdjustSubscriptionParams,
    ) -> Result<(Answer, ClearAdjusting), BillingError> {
        let client = self.client()?;
        let context = self.context.ok_or(BillingError::NoProvider)?;
        let wire = checked_adjust(params, || self.only_current_subscription())?;
        post_adjust(&client, context, wire)
    }

    /// [`Self::send_adjust`] of a component's [`PlanMove`].
    fn send_plan_move(&self, plan: &PlanMove) -> Result<(Answer, ClearAdjusting), BillingError> {
        let client = self.client()?;
        let context = self.context.ok_or(BillingError::NoProvider)?;
        post_adjust(&client, context, plan.to_wire()?)
    }

    /// The answer of a plan change; the billing data reloads.
    fn adjusted(
        &self,
        data: Result<Parsed, BillingError>,
    ) -> Result<AdjustSubscriptionResponse, BillingError> {
        let changed = client::adjusted(data)?;
        self.after_change();
        Ok(changed)
    }

    /// The id of the customer's only current subscription, for a plan change
    /// that names none (Flowglad's hook rule and words).
    fn only_current_subscription(&self) -> Result<String, BillingError> {
        // Read once at call time (an async action), not tracked.
        let billing = untrack(|| self.customer_billing());
        let current = billing.as_deref().map(current_in).unwrap_or_default();
        match current.as_slice() {
            [only] => Ok(only.id.clone()),
            [] => Err(BillingError::validation(
                ErrorCode::SubscriptionRequired,
                "No active subscription found for this customer.",
            )),
            _ => Err(BillingError::validation(
                ErrorCode::SubscriptionRequired,
                "The customer has several active subscriptions; give subscriptionId.",
            )),
        }
    }

    fn after_change(&self) {
        if self.options.reload_after_change {
            self.reload();
        }
    }
}

/// Sends a checked plan change (`wire` names its subscription), unless a
/// different one for the same subscription is in flight; the guard lists it
/// as in flight until dropped.
fn post_adjust(
    client: &BillingClient,
    context: BillingContext,
    wire: AdjustSubscriptionParams,
) -> Result<(Answer, ClearAdjusting), BillingError> {
    let subscription_id = wire.subscription_id.clone().unwrap_or_default();
    let body = BillingClient::adjust_body(&wire);
    let busy = context
        .shared
        .with_value(|s| s.adjusting.borrow().conflicts(&subscription_id, &body));
    if busy {
        return Err(BillingError::validation(
            ErrorCode::InvalidRequest,
            "A plan change for this subscription is already under way; wait for it to finish.",
        ));
    }
    context
        .shared
        .with_value(|s| s.adjusting.borrow_mut().start(&subscription_id, &body));
    // Cleared however the call ends, even if the caller drops the future.
    let clear = ClearAdjusting {
        shared: context.shared,
        subscription_id,
        body,
    };
    Ok((client.send_adjust_subscription(&wire), clear))
}

/// Forgets a settled plan change when dropped, so the next one for its
/// subscription may start.
struct ClearAdjusting {
    shared: StoredValue<Shared, LocalStorage>,
    subscription_id: String,
    body: String,
}

impl Drop for ClearAdjusting {
    fn drop(&mut self) {
        self.shared.try_with_value(|s| {
            s.adjusting
                .borrow_mut()
                .settle(&self.subscription_id, &self.body)
        });
    }
}

/// How a created checkout session is handed back (see
/// [`UseBillingReturn::session_call`]).
struct SessionCall {
    /// Send the browser to the hosted page.
    auto_redirect: bool,
    /// The provider's locale, for the hosted page's URL.
    locale: Option<String>,
}

impl SessionCall {
    /// The session in the route's answer, with the provider's locale on the
    /// hosted page's URL; the browser is sent there when asked.
    fn created(
        self,
        data: Result<Parsed, BillingError>,
    ) -> Result<CheckoutSessionCreated, BillingError> {
        let mut created = client::session_created(data)?;
        created.url = browser::with_locale(&created.url, self.locale.as_deref());
        if self.auto_redirect {
            browser::navigate(&created.url)?;
        }
        Ok(CheckoutSessionCreated {
            id: created.checkout_session.id.clone(),
            url: created.url,
            session: created.checkout_session,
        })
    }
}

// ---- the components' calls: the actions above as boxed [`Call`]s ----

/// What a component is told when its call ends: the answer or why not,
/// and it says whether the call went through.
type Then<T> = Box<dyn FnOnce(Result<T, BillingError>) -> Result<(), BillingError>>;

impl UseBillingReturn {
    /// [`Self::create_checkout_session`] of one price as a call for a
    /// component: `then` gets the session (after the redirect, when asked)
    /// or the failure.
    pub(crate) fn checkout_call(
        &self,
        price: PriceCheckout,
        then: Then<CheckoutSessionCreated>,
    ) -> Box<dyn Call> {
        Box::new(SessionAction {
            billing: *self,
            session: self.session_call(price.auto_redirect),
            params: price,
            then,
        })
    }

    /// [`Self::create_activate_subscription_checkout_session`] as a call
    /// (see [`Self::checkout_call`]): the browser goes to the hosted page to
    /// activate or pay `subscription_id`, which returns to `return_url`
    /// whether paid or cancelled.
    pub(crate) fn activate_call(
        &self,
        subscription_id: String,
        return_url: String,
        then: Then<CheckoutSessionCreated>,
    ) -> Box<dyn Call> {
        Box::new(SessionAction {
            billing: *self,
            session: self.session_call(true),
            params: Activation {
                subscription_id,
                return_url,
            },
            then,
        })
    }

    /// [`Self::cancel_subscription`] with `Some(timing)`, else
    /// [`Self::uncancel_subscription`], as a call: `then` gets the
    /// subscription as it is now (the billing data reloads) or the failure.
    pub(crate) fn subscription_call(
        &self,
        subscription_id: String,
        cancel: Option<CancellationTiming>,
        then: Then<Subscription>,
    ) -> Box<dyn Call> {
        Box::new(SubscriptionAction {
            billing: *self,
            subscription_id,
            cancel,
            then,
        })
    }

    /// [`Self::adjust_subscription`] of a [`PlanMove`] as a call: `then`
    /// gets the server's answer (the billing data reloads) or the failure,
    /// once the change is no longer listed as in flight.
    pub(crate) fn plan_move_call(
        &self,
        plan: PlanMove,
        then: Then<AdjustSubscriptionResponse>,
    ) -> Box<dyn Call> {
        Box::new(AdjustAction {
            billing: *self,
            plan,
            clear: None,
            then,
        })
    }
}

/// What a component's checkout session is for ([`PriceCheckout`],
/// [`Activation`]): each its own type, not one enum, so an app links only
/// the sessions its components ask for (a checkout button, no activation).
trait SessionFor {
    /// Checks the params and posts them.
    fn send(&self, client: &BillingClient) -> Result<Answer, BillingError>;
}

impl SessionFor for PriceCheckout {
    fn send(&self, client: &BillingClient) -> Result<Answer, BillingError> {
        Ok(client.send_price_checkout(&self.to_wire(browser::resolve_url)?))
    }
}

impl SessionFor for Activation {
    fn send(&self, client: &BillingClient) -> Result<Answer, BillingError> {
        Ok(client.send_activation(&self.to_wire(browser::resolve_url)?))
    }
}

/// A checkout session asked for by a component.
struct SessionAction<P> {
    billing: UseBillingReturn,
    params: P,
    session: SessionCall,
    then: Then<CheckoutSessionCreated>,
}

impl<P: SessionFor> Call for SessionAction<P> {
    fn send(&mut self) -> Result<Answer, BillingError> {
        self.params.send(&self.billing.client()?)
    }

    fn answered(self: Box<Self>, data: Result<Parsed, BillingError>) -> Result<(), BillingError> {
        let Self { session, then, .. } = *self;
        then(session.created(data))
    }
}

/// A cancel or its undo asked for by a component.
struct SubscriptionAction {
    billing: UseBillingReturn,
    subscription_id: String,
    /// `None`: undo a scheduled cancellation.
    cancel: Option<CancellationTiming>,
    then: Then<Subscription>,
}

impl Call for SubscriptionAction {
    fn send(&mut self) -> Result<Answer, BillingError> {
        match self.cancel {
            Some(timing) => self.billing.send_cancel(&self.subscription_id, timing),
            None => self.billing.send_uncancel(&self.subscription_id),
        }
    }

    fn answered(self: Box<Self>, data: Result<Parsed, BillingError>) -> Result<(), BillingError> {
        (self.then)(self.billing.subscription_changed(data))
    }
}

/// A plan change asked for by a component.
struct AdjustAction {
    billing: UseBillingReturn,
    plan: PlanMove,
    /// Lists the change as in flight from its send until its answer is read.
    clear: Option<ClearAdjusting>,
    then: Then<AdjustSubscriptionResponse>,
}

impl Call for AdjustAction {
    fn send(&mut self) -> Result<Answer, BillingError> {
        let (answer, clear) = self.billing.send_plan_move(&self.plan)?;
        self.clear = Some(clear);
        Ok(answer)
    }

    fn answered(self: Box<Self>, data: Result<Parsed, BillingError>) -> Result<(), BillingError> {
        let Self {
            billing,
            clear,
            then,
            ..
        } = *self;
        let changed = billing.adjusted(data);
        drop(clear);
        then(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Arc<PricingModel> {
        Arc::new(serde_json::from_str(r#"{"id":"pm_default"}"#).unwrap())
    }

    fn pricing() -> Result<PricingModelResponse, BillingError> {
        Ok(PricingModelResponse {
            pricing_model: (*model()).clone(),
            source: None,
        })
    }

    fn billing() -> Arc<CustomerBilling> {
        Arc::new(
            serde_json::from_str(
                r#"{"customer":{"id":"cus_1"},"pricingModel":{"id":"pm_customer"}}"#,
            )
            .unwrap(),
        )
    }

    fn subscription(id: &str) -> Subscription {
        serde_json::from_value(serde_json::json!({"id": id, "status": "active"})).unwrap()
    }

    #[test]
    fn lookups_read_the_first_current_subscription_unless_one_is_named() {
        let (a, b) = (subscription("sub_a"), subscription("sub_b"));
        let current = [&a, &b];
        let first = refined(&current, &RefinementParams::default());
        assert_eq!(first.map(|s| s.id.as_str()), Some("sub_a"));
        let named = refined(&current, &RefinementParams::subscription("sub_b"));
        assert_eq!(named.map(|s| s.id.as_str()), Some("sub_b"));
        assert!(refined(&current, &RefinementParams::subscription("sub_gone")).is_none());
        assert!(refined(&[], &RefinementParams::default()).is_none());
    }

    #[test]
    fn current_subscriptions_are_the_routes_list_else_the_current_ones() {
        let mut billing: CustomerBilling = serde_json::from_value(serde_json::json!({
            "customer": {"id": "cus_1"}, "pricingModel": {"id": "pm_1"},
            "subscriptions": [
                {"id": "sub_old", "status": "canceled"},
                {"id": "sub_live", "status": "active"},
                {"id": "sub_flagged", "status": "canceled", "current": true}
            ]
        }))
        .unwrap();
        let ids = |b: &CustomerBilling| {
            current_in(b)
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&billing), ["sub_live", "sub_flagged"]);
        billing.current_subscriptions = Some(vec![subscription("sub_named")]);
        assert_eq!(ids(&billing), ["sub_named"]);
        billing.current_subscriptions = Some(Vec::new());
        assert!(ids(&billing).is_empty(), "the route's empty list is kept");
    }

    #[test]
    fn a_different_plan_change_waits_for_the_one_in_flight() {
        let mut adjusting = Adjusting::default();
        adjusting.start("sub_1", "{pro}");
        assert!(
            !adjusting.conflicts("sub_1", "{pro}"),
            "an identical one joins"
        );
        assert!(adjusting.conflicts("sub_1", "{team}"));
        assert!(
            !adjusting.conflicts("sub_2", "{team}"),
            "another subscription"
        );
        adjusting.settle("sub_1", "{team}");
        assert!(
            adjusting.conflicts("sub_1", "{team}"),
            "only its own settle clears it"
        );
        adjusting.settle("sub_1", "{pro}");
        assert!(!adjusting.conflicts("sub_1", "{team}"));
        adjusting.start("sub_1", "{pro}");
        adjusting.start("sub_1", "{pro}");
        adjusting.settle("sub_1", "{pro}");
        assert!(adjusting.0.is_empty(), "an identical start is one entry");
    }

    #[test]
    fn signed_in_customers_get_their_own_pricing_model() {
        let billing = billing();
        let signed_in = BillingData {
            pricing_model: Arc::new(billing.pricing_model.clone()),
            customer: Some(billing),
        };
        let BillingState::Loaded(data) = combine(pricing(), Some(Ok(Some(signed_in)))) else {
            panic!("expected loaded")
        };
        assert_eq!(data.pricing_model.id, "pm_customer");
        assert_eq!(data.customer.unwrap().customer.id, "cus_1");
    }

    #[test]
    fn nobody_signed_in_or_billing_not_loaded_is_unauthenticated() {
        let expected = BillingState::Unauthenticated(BillingData {
            pricing_model: model(),
            customer: None,
        });
        assert_eq!(combine(pricing(), Some(Ok(None))), expected);
        assert_eq!(combine(pricing(), None), expected);
    }

    #[test]
    fn every_failure_is_kept() {
        let state = combine(Err(BillingError::Timeout), Some(Err(BillingError::Network)));
        assert_eq!(
            state,
            BillingState::Error(vec![BillingError::Timeout, BillingError::Network])
        );
        let state = combine(pricing(), Some(Err(BillingError::Http { status: 500 })));
        assert_eq!(
            state,
            BillingState::Error(vec![BillingError::Http { status: 500 }])
        );
    }
}
