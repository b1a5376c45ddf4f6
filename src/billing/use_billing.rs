//! `use_billing()`: the billing state and actions of the nearest provider.

use super::params::{CheckoutSessionCreated, CheckoutSessionParams};
use crate::browser;
use crate::client::BillingClient;
use crate::error::BillingError;
use checkout_protocol::{Price, PricingModel, Product};
use leptos::prelude::*;
use std::sync::Arc;

/// What `<BillingProvider>` shares with `use_billing()`.
#[derive(Clone, Copy)]
pub(crate) struct BillingContext {
    pub(crate) client: StoredValue<BillingClient, LocalStorage>,
    pub(crate) pricing: LocalResource<Result<Arc<PricingModel>, BillingError>>,
}

/// Where the billing data is.
#[derive(Debug, Clone, PartialEq)]
pub enum BillingState {
    /// The first load has not settled.
    Loading,
    /// Everything loaded.
    Loaded(BillingData),
    /// Loading failed; every failure is kept.
    Error(Vec<BillingError>),
}

/// Billing data once loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct BillingData {
    /// The merchant's pricing model (products and prices).
    pub pricing_model: Arc<PricingModel>,
}

/// What `use_billing()` returns: reactive state plus actions. Cheap to copy
/// into closures.
#[derive(Clone, Copy)]
pub struct UseBillingReturn {
    /// The billing state; read it in a view to re-render as it changes.
    pub state: Signal<BillingState>,
    context: Option<BillingContext>,
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
///         BillingState::Loaded(data) => data.pricing_model.name.clone(),
///     }
/// }
/// ```
pub fn use_billing() -> UseBillingReturn {
    let Some(context) = use_context::<BillingContext>() else {
        return UseBillingReturn {
            state: Signal::stored(BillingState::Error(vec![BillingError::NoProvider])),
            context: None,
        };
    };
    let state = Signal::derive(move || match context.pricing.get() {
        None => BillingState::Loading,
        Some(Ok(pricing_model)) => BillingState::Loaded(BillingData { pricing_model }),
        Some(Err(error)) => BillingState::Error(vec![error]),
    });
    UseBillingReturn { state, context: Some(context) }
}

impl UseBillingReturn {
    /// Whether the data has loaded.
    pub fn loaded(&self) -> bool {
        matches!(self.state.get(), BillingState::Loaded(_))
    }

    /// The failures of the last load (empty unless in the error state).
    pub fn errors(&self) -> Vec<BillingError> {
        match self.state.get() {
            BillingState::Error(errors) => errors,
            _ => Vec::new(),
        }
    }

    /// The pricing model, once loaded.
    pub fn pricing_model(&self) -> Option<Arc<PricingModel>> {
        match self.state.get() {
            BillingState::Loaded(data) => Some(data.pricing_model),
            _ => None,
        }
    }

    /// The active price with this slug, with its product.
    pub fn get_price(&self, slug: &str) -> Option<(Product, Price)> {
        let model = self.pricing_model()?;
        model.price_by_slug(slug).map(|(product, price)| (product.clone(), price.clone()))
    }

    /// The product with this slug.
    pub fn get_product(&self, slug: &str) -> Option<Product> {
        self.pricing_model()?.product_by_slug(slug).cloned()
    }

    /// Loads everything again (the state keeps the old data until it arrives).
    pub fn reload(&self) {
        if let Some(context) = self.context {
            context.pricing.refetch();
        }
    }

    /// Creates a product checkout session through the server route.
    ///
    /// Checks the parameters first (exactly one of price id and slug, a
    /// quantity from 1, http(s) URLs resolved against the page) and sends
    /// nothing if they are wrong. With `auto_redirect`, the browser then goes
    /// to the hosted checkout page.
    pub async fn create_checkout_session(
        &self,
        params: CheckoutSessionParams,
    ) -> Result<CheckoutSessionCreated, BillingError> {
        let client = self
            .context
            .and_then(|c| c.client.try_get_value())
            .ok_or(BillingError::NoProvider)?;
        let wire = params.to_wire(browser::resolve_url)?;
        let created = client.create_checkout_session(&wire).await?;
        if params.auto_redirect {
            browser::navigate(&created.url)?;
        }
        Ok(CheckoutSessionCreated {
            id: created.checkout_session.id.clone(),
            url: created.url,
            session: created.checkout_session,
        })
    }
}
