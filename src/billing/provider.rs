//! `<BillingProvider>`: owns the client for the merchant's server route and
//! the billing data every `use_billing()` below it shares.

use super::load::keep_loaded;
use super::use_billing::{
    combine, BillingContext, BillingData, BillingState, CustomerResult, Shared,
};
use crate::client::{BillingClient, DEFAULT_SERVER_ROUTE};
use crate::error::BillingError;
use crate::transport::{Credentials, FetchTransport, SharedTransport, DEFAULT_TIMEOUT_MS};
use checkout_protocol::PricingModel;
use futures::future::join;
use leptos::prelude::*;
use std::cell::RefCell;
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
    /// Headers sent with every call, e.g. `("Authorization", "Bearer …")`:
    /// a plain `Vec`, or a `Signal` from your sign-in (a change reloads the
    /// pricing model and the customer's billing with the new headers).
    #[prop(into, optional)]
    headers: Signal<Vec<(String, String)>>,
    /// Whether `fetch` sends cookies: [`Credentials::Include`] for a cookie
    /// sign-in when `server_route` is on another origin. Default same-origin.
    #[prop(optional)]
    credentials: Credentials,
    /// Load the signed-in customer's billing (`customers/billing`) as well as
    /// the pricing model. Default `true`; pages that only sell can turn it off.
    #[prop(optional, default = true)]
    load_billing: bool,
    /// How requests are sent; the browser's `fetch` unless a test supplies one.
    #[prop(optional)]
    transport: Option<SharedTransport>,
    /// Milliseconds a request may take before it fails with `timeout`
    /// (default 15,000); for the browser's `fetch`, not a supplied transport.
    #[prop(optional)]
    timeout_ms: Option<u32>,
    /// BCP 47 locale for amounts and dates; the browser's language when absent.
    #[prop(into, optional)]
    locale: Option<String>,
    /// With the `catalogs-on-demand` feature, where the words in languages
    /// other than English are fetched from: `{catalogs_url}{catalog}.{lang}.json`,
    /// relative to the page (default `"locales/"`; README "Languages").
    #[prop(into, optional)]
    catalogs_url: Option<String>,
    /// The billing panel.
    children: Children,
) -> impl IntoView {
    let transport = transport.unwrap_or_else(|| {
        Rc::new(FetchTransport {
            timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            credentials,
        })
    });
    let route = server_route.unwrap_or_else(|| DEFAULT_SERVER_ROUTE.to_owned());
    // Read at every call (not tracked there): the loads below track the
    // headers themselves, so a new token reloads them.
    let client = BillingClient::with_header_source(
        &route,
        Rc::new(move || untrack(|| headers.try_get()).unwrap_or_default()),
        transport,
    );
    let context = context(client.clone(), locale);
    // With `catalogs-on-demand`, the words of its language, fetched from now.
    let words = context
        .shared
        .with_value(|s| crate::catalog_files::Words::start(&s.locale, catalogs_url));
    let (loader, reload) = (client, context.reload);
    // One load for both requests, so the state changes once, when both
    // have settled (a reload keeps the old state until then).
    keep_loaded(
        move || {
            // Read as the client reads them (one read path linked), tracked.
            let _ = headers.try_get();
            reload.track();
            let client = loader.clone();
            async move {
                // One path whether or not the customer's billing is loaded: the
                // pricing model's call is then generated once, not twice.
                let customer = async {
                    if load_billing {
                        Some(signed_in(client.customer_billing().await))
                    } else {
                        None
                    }
                };
                let (pricing, customer) = join(client.pricing_model(), customer).await;
                combine(pricing, customer)
            }
        },
        move |loaded| context.set_state(loaded),
    );
    provide_context(context);
    words.then(children)
}

/// The context of a provider with `client` and `locale`, its state loading.
fn context(client: BillingClient, locale: Option<String>) -> BillingContext {
    // An explicit locale also goes to the hosted page (`?locale=`); without
    // one that page follows the same browser's languages by itself.
    let shared = Shared {
        state: RefCell::new(BillingState::Loading),
        client,
        locale: locale
            .clone()
            .unwrap_or_else(crate::browser::browser_locale),
        given_locale: locale,
        adjusting: Default::default(),
    };
    BillingContext {
        shared: StoredValue::new_local(shared),
        state_changed: Trigger::new(),
        reload: Trigger::new(),
        usage_changed: Trigger::new(),
        resources_changed: Trigger::new(),
    }
}

/// The locale of the nearest `<BillingProvider>`, else the browser's language.
pub fn use_locale() -> String {
    use_context::<BillingContext>()
        .and_then(|c| c.shared.try_with_value(|s| s.locale.clone()))
        .unwrap_or_else(crate::browser::browser_locale)
}

/// Flowglad's route answers 401 when nobody is signed in: that is a state, not
/// an error. The pricing model comes apart from the billing (read twice from
/// the answer), so the state holds both without a deep clone.
fn signed_in(
    result: Result<(checkout_protocol::CustomerBilling, PricingModel), BillingError>,
) -> CustomerResult {
    match result {
        Ok((billing, pricing_model)) => Ok(Some(BillingData {
            pricing_model: Arc::new(pricing_model),
            customer: Some(Arc::new(billing)),
        })),
        Err(e) if e.http_status() == Some(401) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};
    use futures::future::LocalBoxFuture;

    /// A transport for a context that sends nothing.
    struct Silent;

    impl Transport for Silent {
        fn send(
            &self,
            _: HttpRequest,
        ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
            Box::pin(std::future::pending())
        }
    }

    fn client() -> BillingClient {
        BillingClient::with_header_source("/api/billing", Rc::new(Vec::new), Rc::new(Silent))
    }

    #[test]
    fn the_state_is_set_and_read_through_the_context_until_the_provider_is_gone() {
        let owner = Owner::new();
        let context = owner.with(|| context(client(), Some("fr-FR".into())));
        assert_eq!(
            context.with_state(BillingState::clone),
            BillingState::Loading
        );
        let failed = BillingState::Error(vec![BillingError::NoProvider]);
        context.set_state(failed.clone());
        assert_eq!(context.with_state(BillingState::clone), failed);
        // The public signal reads the same state.
        let billing = owner.with(|| {
            provide_context(context);
            crate::use_billing()
        });
        assert_eq!(billing.state.get_untracked(), failed);
        assert_eq!(billing.errors(), [BillingError::NoProvider]);
        // Gone with its owner: nothing is loaded, and setting is harmless.
        drop(owner);
        assert_eq!(
            context.with_state(BillingState::clone),
            BillingState::Loading
        );
        context.set_state(failed);
        assert_eq!(
            context.with_state(BillingState::clone),
            BillingState::Loading
        );
    }
}
