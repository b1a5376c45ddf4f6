//! The demo store served at `/`, and the merchant's success and cancel pages
//! that the hosted checkout sends customers back to.

use crate::billing::{use_billing, BillingProvider, BillingState};
use crate::browser;
use crate::client::HostedClient;
use crate::components::PriceCard;
use crate::money::format_money;
use crate::routes::is_valid_session_id;
use crate::transport::FetchTransport;
use leptos::prelude::*;
use std::rc::Rc;

/// Where the demo's checkouts come back to.
const SUCCESS_URL: &str = "/success?session_id={CHECKOUT_SESSION_ID}";
/// Where the demo's checkouts go when canceled.
const CANCEL_URL: &str = "/cancel?session_id={CHECKOUT_SESSION_ID}";

/// The demo store: every price of the demo catalog with a checkout button.
#[component]
pub fn DemoStore() -> impl IntoView {
    browser::set_title("Acme Cloud · Demo store");
    view! {
        <DemoHeader/>
        <main class="demo" id="main">
            <section class="demo-hero">
                <h1>"Plans and add-ons"</h1>
                <p>
                    "Every button creates a real checkout session on this machine's billing server and opens the hosted checkout page. "
                    "Pay with the test card " <strong>"4242 4242 4242 4242"</strong> "."
                </p>
            </section>
            <BillingProvider>
                <PricingGrid/>
            </BillingProvider>
            <section class="demo-embed" aria-labelledby="demo-embed-title">
                <h2 id="demo-embed-title">"Embedded with one tag"</h2>
                <p>"This card is the " <code>"<checkout-widget>"</code> " custom element, rendered in its own shadow root:"</p>
                <checkout-widget
                    price-slug="onboarding"
                    success-url=SUCCESS_URL
                    cancel-url=CANCEL_URL
                ></checkout-widget>
                <pre class="demo-code"><code>{EMBED_SNIPPET}</code></pre>
            </section>
        </main>
    }
}

const EMBED_SNIPPET: &str = r#"<script type="module" src="/checkout-widget.js"></script>
<checkout-widget price-slug="onboarding"
  success-url="/success?session_id={CHECKOUT_SESSION_ID}"
  cancel-url="/cancel"></checkout-widget>"#;

#[component]
fn DemoHeader() -> impl IntoView {
    view! {
        <header class="demo-header">
            <a class="demo-logo" href="/">"Acme Cloud"</a>
            <span class="demo-badge">"Demo store · test mode"</span>
        </header>
    }
}

/// The pricing model as cards, with loading and error states.
#[component]
fn PricingGrid() -> impl IntoView {
    let billing = use_billing();
    let locale = browser::browser_locale();
    move || match billing.state.get() {
        BillingState::Loading => view! {
            <div class="demo-grid" aria-busy="true" aria-label="Loading prices">
                {(0..6).map(|_| view! { <div class="cw-card cw-card-skeleton"></div> }).collect_view()}
            </div>
        }
        .into_any(),
        BillingState::Error(errors) => {
            let message = errors.first().map(|e| e.message()).unwrap_or_default();
            view! {
                <div class="demo-error">
                    <p role="alert">{format!("Prices could not be loaded. {message}")}</p>
                    <button type="button" class="cw-button" on:click=move |_| billing.reload()>"Try again"</button>
                </div>
            }
            .into_any()
        }
        BillingState::Loaded(data) => {
            let cards = data
                .pricing_model
                .prices()
                .map(|(product, price)| {
                    view! {
                        <PriceCard
                            product=product.clone()
                            price=price.clone()
                            success_url=SUCCESS_URL
                            cancel_url=CANCEL_URL
                            locale=locale.clone()
                        />
                    }
                })
                .collect_view();
            view! { <div class="demo-grid">{cards}</div> }.into_any()
        }
    }
}

/// Which way the customer came back from the hosted checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnKind {
    /// From a completed payment.
    Success,
    /// From the cancel link.
    Cancel,
}

/// The merchant's page after checkout: shows the session id and status it was given.
#[component]
pub fn ReturnPage(
    /// Success or cancel.
    kind: ReturnKind,
) -> impl IntoView {
    let (title, intro) = match kind {
        ReturnKind::Success => ("Thanks for your order", "The hosted checkout sent you back here after paying."),
        ReturnKind::Cancel => ("Checkout canceled", "You left the checkout; nothing was charged."),
    };
    browser::set_title(&format!("{title} · Acme Cloud"));
    let session_id = browser::query_param("session_id").filter(|id| is_valid_session_id(id));
    let locale = browser::browser_locale();
    let client = HostedClient::new(Rc::new(FetchTransport::default()));
    let lookup_id = session_id.clone();
    let session = LocalResource::new(move || {
        let client = client.clone();
        let id = lookup_id.clone();
        async move {
            match id {
                Some(id) => Some(client.session(&id).await),
                None => None,
            }
        }
    });
    let details = move || match session.get() {
        None => view! { <p class="demo-muted">"Looking up the session…"</p> }.into_any(),
        Some(None) => view! { <p role="alert">"No checkout session id was given in the URL."</p> }.into_any(),
        Some(Some(Err(e))) => view! { <p role="alert">{format!("The session could not be read: {}", e.message())}</p> }.into_any(),
        Some(Some(Ok(s))) => view! {
            <dl class="demo-session">
                <div><dt>"Session"</dt><dd class="co-mono" data-testid="session-id">{s.id.clone()}</dd></div>
                <div><dt>"Status"</dt><dd data-testid="session-status">{s.status.as_str()}</dd></div>
                <div><dt>"Total due today"</dt><dd>{format_money(s.total_due_today, &s.currency, &locale)}</dd></div>
            </dl>
        }
        .into_any(),
    };
    view! {
        <DemoHeader/>
        <main class="demo demo-return" id="main">
            <h1>{title}</h1>
            <p>{intro}</p>
            {details}
            <a class="cw-button demo-back" href="/">"Back to the store"</a>
        </main>
    }
}
