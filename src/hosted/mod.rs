//! The hosted checkout page at `/checkout/{id}`: loads the session and shows
//! the form, a receipt, or why it cannot be paid.

mod form;
mod payment_form;
mod status;
mod summary;

pub use form::{Field, PaymentForm};

use crate::browser;
use crate::client::HostedClient;
use crate::transport::{FetchTransport, SharedTransport};
use checkout_protocol::CheckoutSessionStatus;
use leptos::prelude::*;
use payment_form::PaymentFormView;
use status::{Expired, LoadFailed, NotFound, Processing, Receipt};
use std::rc::Rc;
use summary::OrderSummary;

/// The whole hosted checkout page for one session.
#[component]
pub fn HostedCheckoutPage(
    /// The session id from the URL.
    #[prop(into)]
    session_id: String,
    /// BCP 47 locale for amounts.
    #[prop(into)]
    locale: String,
    /// How requests are sent; the browser's `fetch` unless a test supplies one.
    #[prop(optional)]
    transport: Option<SharedTransport>,
) -> impl IntoView {
    let transport = transport.unwrap_or_else(|| Rc::new(FetchTransport::default()));
    let client = StoredValue::new_local(HostedClient::new(transport));
    let session = LocalResource::new(move || {
        let id = session_id.clone();
        let client = client.get_value();
        async move { client.session(&id).await }
    });
    let reload = Callback::new(move |()| session.refetch());

    let body = move || {
        let locale = locale.clone();
        match session.get() {
            None => view! { <Skeleton/> }.into_any(),
            Some(Err(e)) if e.code() == "checkout_session_not_found" => view! { <NotFound/> }.into_any(),
            Some(Err(error)) => view! { <LoadFailed error on_retry=reload/> }.into_any(),
            Some(Ok(s)) => {
                browser::set_title(&format!("Checkout · {}", s.merchant_name));
                match s.status {
                    CheckoutSessionStatus::Open => view! {
                        <div class="co-grid">
                            <OrderSummary session=s.clone() locale=locale.clone()/>
                            <PaymentFormView session=s client locale on_session_changed=reload/>
                        </div>
                    }
                    .into_any(),
                    CheckoutSessionStatus::Succeeded => view! { <Receipt session=s locale/> }.into_any(),
                    CheckoutSessionStatus::Expired | CheckoutSessionStatus::Failed => view! { <Expired session=s/> }.into_any(),
                    CheckoutSessionStatus::Pending => view! { <Processing on_refresh=reload/> }.into_any(),
                }
            }
        }
    };

    view! {
        <main class="co" id="main">
            <p class="co-test-banner">
                <strong>"Test mode"</strong>
                " Use the card 4242 4242 4242 4242, any future date and any CVC. No real money moves."
            </p>
            {body}
        </main>
    }
}

/// Grey blocks where the summary and form will appear, so nothing jumps.
#[component]
fn Skeleton() -> impl IntoView {
    view! {
        <div class="co-grid" aria-busy="true" aria-label="Loading checkout">
            <div class="co-summary co-skeleton">
                <span class="co-skel co-skel-short"></span>
                <span class="co-skel co-skel-title"></span>
                <span class="co-skel co-skel-hero"></span>
                <span class="co-skel"></span>
                <span class="co-skel"></span>
            </div>
            <div class="co-pay co-skeleton">
                <span class="co-skel co-skel-title"></span>
                <span class="co-skel co-skel-input"></span>
                <span class="co-skel co-skel-input"></span>
                <span class="co-skel co-skel-input"></span>
                <span class="co-skel co-skel-button"></span>
            </div>
        </div>
    }
}
