//! `<BillingProvider>`: owns the client for the merchant's server route and
//! the billing data every `use_billing()` below it shares.

use super::use_billing::BillingContext;
use crate::client::{BillingClient, DEFAULT_SERVER_ROUTE};
use crate::transport::{FetchTransport, SharedTransport};
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::Arc;

/// Loads billing data once for everything inside it and lets descendants call
/// [`use_billing`](crate::use_billing).
///
/// ```no_run
/// use checkout_widget::{BillingProvider, CheckoutButton};
/// use leptos::prelude::*;
///
/// #[component]
/// fn Pricing() -> impl IntoView {
///     view! {
///         <BillingProvider server_route="/api/billing">
///             <CheckoutButton price_slug="pro-monthly" success_url="/welcome" cancel_url="/pricing" />
///         </BillingProvider>
///     }
/// }
/// ```
#[component]
pub fn BillingProvider(
    /// The merchant's server route prefix (default `/api/billing`).
    #[prop(into, optional)]
    server_route: Option<String>,
    /// Headers sent with every call, e.g. `("Authorization", "Bearer …")`.
    #[prop(optional)]
    headers: Vec<(String, String)>,
    /// How requests are sent; the browser's `fetch` unless a test supplies one.
    #[prop(optional)]
    transport: Option<SharedTransport>,
    /// The billing panel.
    children: Children,
) -> impl IntoView {
    let transport = transport.unwrap_or_else(|| Rc::new(FetchTransport::default()));
    let route = server_route.unwrap_or_else(|| DEFAULT_SERVER_ROUTE.to_owned());
    let client = BillingClient::new(&route, headers, transport);
    let for_fetch = client.clone();
    let pricing = LocalResource::new(move || {
        let client = for_fetch.clone();
        async move { client.pricing_model().await.map(|r| Arc::new(r.pricing_model)) }
    });
    provide_context(BillingContext { client: StoredValue::new_local(client), pricing });
    children()
}
