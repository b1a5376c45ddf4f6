//! `use_billing()`: the billing state and actions of the nearest provider,
//! mirroring Flowglad's React `useBilling()`.

use super::params::{
    ActivateSubscriptionParams, AddPaymentMethodParams, CheckoutSessionCreated,
    CheckoutSessionParams,
};
use crate::browser;
use crate::client::BillingClient;
use crate::error::BillingError;
use checkout_protocol::{
    CancelSubscriptionParams, Cancellation, CancellationTiming, CreateCheckoutSessionResponse,
    Customer, CustomerBilling, InvoiceWithLineItems, PaymentMethod, Price, PricingModel, Product,
    Purchase, Subscription, UncancelSubscriptionParams,
};
use leptos::prelude::*;
use std::sync::Arc;

/// The customer's billing, `None` when nobody is signed in.
pub(crate) type CustomerResult = Result<Option<Arc<CustomerBilling>>, BillingError>;

/// What `<BillingProvider>` shares with `use_billing()`.
#[derive(Clone, Copy)]
pub(crate) struct BillingContext {
    pub(crate) client: StoredValue<BillingClient, LocalStorage>,
    pub(crate) pricing: LocalResource<Result<Arc<PricingModel>, BillingError>>,
    /// `None` when the provider was told not to load customer billing.
    pub(crate) customer: Option<LocalResource<CustomerResult>>,
    /// The locale the provider was given, if any, for the hosted page's URL.
    pub(crate) locale: StoredValue<Option<String>>,
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
    /// Reload the billing data after an action changes it (cancel, uncancel).
    /// Default `true`, as Flowglad's hook invalidates its query.
    pub reload_after_change: bool,
}

impl Default for UseBillingOptions {
    fn default() -> Self {
        Self {
            reload_after_change: true,
        }
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
    let state =
        Signal::derive(move || combine(context.pricing.get(), context.customer.map(|c| c.get())));
    UseBillingReturn {
        state,
        context: Some(context),
        options,
    }
}

/// The state from the two loads: loading until both settle, every failure kept.
fn combine(
    pricing: Option<Result<Arc<PricingModel>, BillingError>>,
    customer: Option<Option<CustomerResult>>,
) -> BillingState {
    let (Some(pricing), Some(customer)) = (pricing, customer.unwrap_or(Some(Ok(None)))) else {
        return BillingState::Loading;
    };
    match (pricing, customer) {
        (Ok(_), Ok(Some(billing))) => BillingState::Loaded(BillingData {
            pricing_model: Arc::new(billing.pricing_model.clone()),
            customer: Some(billing),
        }),
        (Ok(pricing_model), Ok(None)) => BillingState::Unauthenticated(BillingData {
            pricing_model,
            customer: None,
        }),
        (pricing, customer) => {
            BillingState::Error(pricing.err().into_iter().chain(customer.err()).collect())
        }
    }
}

impl UseBillingReturn {
    fn data(&self) -> Option<BillingData> {
        match self.state.get() {
            BillingState::Loaded(data) | BillingState::Unauthenticated(data) => Some(data),
            _ => None,
        }
    }

    fn customer_billing(&self) -> Option<Arc<CustomerBilling>> {
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
        match self.state.get() {
            BillingState::Error(errors) => errors,
            _ => Vec::new(),
        }
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
        match &billing.current_subscriptions {
            Some(current) => current.clone(),
            None => billing
                .subscriptions
                .iter()
                .filter(|s| s.current || s.status.is_current())
                .cloned()
                .collect(),
        }
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
            context.pricing.refetch();
            if let Some(customer) = context.customer {
                customer.refetch();
            }
        }
    }

    fn client(&self) -> Result<BillingClient, BillingError> {
        self.context
            .and_then(|c| c.client.try_get_value())
            .ok_or(BillingError::NoProvider)
    }

    fn chosen_locale(&self) -> Option<String> {
        self.context
            .and_then(|c| c.locale.try_get_value())
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
        let client = self.client()?;
        let wire = params.to_wire(browser::resolve_url)?;
        finish(
            client.create_checkout_session(&wire).await?,
            params.auto_redirect,
            self.chosen_locale(),
        )
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
        let client = self.client()?;
        let wire = params.to_wire(browser::resolve_url)?;
        finish(
            client
                .create_add_payment_method_checkout_session(&wire)
                .await?,
            params.auto_redirect,
            self.chosen_locale(),
        )
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
        let client = self.client()?;
        let wire = params.to_wire(browser::resolve_url)?;
        finish(
            client
                .create_activate_subscription_checkout_session(&wire)
                .await?,
            params.auto_redirect,
            self.chosen_locale(),
        )
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
        let client = self.client()?;
        let params = CancelSubscriptionParams {
            id: required_id(subscription_id)?,
            cancellation: Cancellation { timing },
        };
        let changed = client.cancel_subscription(&params).await?;
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
        let client = self.client()?;
        let params = UncancelSubscriptionParams {
            id: required_id(subscription_id)?,
        };
        let changed = client.uncancel_subscription(&params).await?;
        self.after_change();
        Ok(changed.subscription)
    }

    fn after_change(&self) {
        if self.options.reload_after_change {
            self.reload();
        }
    }
}

fn required_id(id: &str) -> Result<String, BillingError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(BillingError::validation(
            checkout_protocol::ErrorCode::InvalidRequest,
            "Give the subscription's id.",
        ));
    }
    Ok(id.to_owned())
}

/// Puts the provider's locale on the hosted page's URL, redirects when asked,
/// then hands the session back.
fn finish(
    mut created: CreateCheckoutSessionResponse,
    auto_redirect: bool,
    locale: Option<String>,
) -> Result<CheckoutSessionCreated, BillingError> {
    created.url = browser::with_locale(&created.url, locale.as_deref());
    if auto_redirect {
        browser::navigate(&created.url)?;
    }
    Ok(CheckoutSessionCreated {
        id: created.checkout_session.id.clone(),
        url: created.url,
        session: created.checkout_session,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Arc<PricingModel> {
        Arc::new(serde_json::from_str(r#"{"id":"pm_default"}"#).unwrap())
    }

    fn billing() -> Arc<CustomerBilling> {
        Arc::new(
            serde_json::from_str(
                r#"{"customer":{"id":"cus_1"},"pricingModel":{"id":"pm_customer"}}"#,
            )
            .unwrap(),
        )
    }

    #[test]
    fn loading_until_both_loads_settle() {
        assert_eq!(combine(None, Some(Some(Ok(None)))), BillingState::Loading);
        assert_eq!(
            combine(Some(Ok(model())), Some(None)),
            BillingState::Loading
        );
    }

    #[test]
    fn signed_in_customers_get_their_own_pricing_model() {
        let BillingState::Loaded(data) =
            combine(Some(Ok(model())), Some(Some(Ok(Some(billing())))))
        else {
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
        assert_eq!(combine(Some(Ok(model())), Some(Some(Ok(None)))), expected);
        assert_eq!(combine(Some(Ok(model())), None), expected);
    }

    #[test]
    fn every_failure_is_kept() {
        let state = combine(
            Some(Err(BillingError::Timeout)),
            Some(Some(Err(BillingError::Network))),
        );
        assert_eq!(
            state,
            BillingState::Error(vec![BillingError::Timeout, BillingError::Network])
        );
        let state = combine(
            Some(Ok(model())),
            Some(Some(Err(BillingError::Http { status: 500 }))),
        );
        assert_eq!(
            state,
            BillingState::Error(vec![BillingError::Http { status: 500 }])
        );
    }
}
