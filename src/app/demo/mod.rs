//! The demo store served at `/`, and the merchant's success and cancel pages
//! that the hosted checkout sends customers back to.

use crate::billing::{use_billing, BillingProvider, BillingState};
use crate::browser;
use crate::client::HostedClient;
use crate::components::{
    CurrentSubscription, FeatureGate, Invoices, PaymentMethods, PricingTable, ResourceSeats,
    UsageMeter,
};
use crate::hosted::pages::is_valid_session_id;
use crate::money::format_money;
use crate::transport::{Credentials, FetchTransport};
use leptos::prelude::*;
use std::rc::Rc;

/// Where the demo's checkouts come back to.
const SUCCESS_URL: &str = "/success?session_id={CHECKOUT_SESSION_ID}";
/// Where the demo's checkouts go when canceled.
const CANCEL_URL: &str = "/cancel?session_id={CHECKOUT_SESSION_ID}";

/// The demo store: a billing panel for the signed-in demo customer and every
/// price of the demo catalog with a checkout button.
#[component]
pub fn DemoStore() -> impl IntoView {
    browser::set_title("Acme Cloud · Demo store");
    let identity = RwSignal::new(Identity::from_cookies(&browser::cookies()));
    let (route, credentials) = billing_route();
    view! {
        <DemoHeader identity=Some(identity)/>
        <main class="demo" id="main">
            <section class="demo-hero">
                <h1>"Plans and add-ons"</h1>
                <p>
                    "Every button creates a real checkout session on this machine's billing server and opens the hosted checkout page. "
                    "Pay with the test card " <strong>"4242 4242 4242 4242"</strong> "."
                </p>
            </section>
            // A new provider per identity: the server route reads the customer from the cookie.
            {move || {
                let who = identity.get();
                view! {
                    <BillingProvider server_route=route.clone() credentials>
                        <AccountPanel who/>
                        <section class="demo-section" aria-labelledby="demo-plans-title">
                            <h2 id="demo-plans-title" class="cw-visually-hidden">"Prices"</h2>
                            // The demo catalog sells five products: reserve five cards.
                            <PricingTable success_url=SUCCESS_URL cancel_url=CANCEL_URL placeholder_cards=Some(5)/>
                        </section>
                    </BillingProvider>
                }
            }}
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

/// Where the store's billing panel calls, and with which cookies: its own
/// `/api/billing`, or the route a page names in `<meta
/// name="checkout-server-route" content="…">` — the store served from another
/// origin than the billing server (npm-react.spec.mjs), signed in by its
/// cookie, so called with `credentials: "include"` unless the meta's
/// `data-credentials` is `same-origin`.
fn billing_route() -> (String, Credentials) {
    let meta = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=checkout-server-route]").ok())
        .flatten();
    let read = |name: &str| meta.as_ref().and_then(|m| m.get_attribute(name));
    route_and_credentials(read("content"), read("data-credentials"))
}

/// [`billing_route`]'s rule, from the meta's `content` and `data-credentials`.
fn route_and_credentials(
    content: Option<String>,
    credentials: Option<String>,
) -> (String, Credentials) {
    match content
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
    {
        None => (
            crate::server_route::DEFAULT_SERVER_ROUTE.to_owned(),
            Credentials::SameOrigin,
        ),
        Some(route) if credentials.as_deref() == Some("same-origin") => {
            (route, Credentials::SameOrigin)
        }
        Some(route) => (route, Credentials::Include),
    }
}

/// Who the demo store is signed in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Nobody.
    Anonymous,
    /// Alice: a Pro subscriber with a saved card.
    Alice,
    /// Bob: a customer with nothing yet.
    Bob,
}

impl Identity {
    const ALL: [Identity; 3] = [Identity::Anonymous, Identity::Alice, Identity::Bob];

    /// The demo bearer token the server knows this customer by.
    pub fn token(self) -> Option<&'static str> {
        match self {
            Identity::Anonymous => None,
            Identity::Alice => Some("demo-alice"),
            Identity::Bob => Some("demo-bob"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Identity::Anonymous => "Anonymous",
            Identity::Alice => "Alice",
            Identity::Bob => "Bob",
        }
    }

    /// The identity a `document.cookie` string names in its `session` cookie.
    pub fn from_cookies(cookies: &str) -> Self {
        let token = cookies
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value.trim());
        Self::ALL
            .into_iter()
            .find(|i| i.token().is_some() && i.token() == token)
            .unwrap_or(Identity::Anonymous)
    }

    /// Signs the browser in as this identity: the demo's stand-in for a merchant's own login.
    fn sign_in(self) {
        let cookie = match self.token() {
            Some(token) => format!("{SESSION_COOKIE}={token}; Path=/; SameSite=Lax"),
            None => format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"),
        };
        browser::set_cookie(&cookie);
    }
}

/// The cookie the reference server reads the customer's token from.
const SESSION_COOKIE: &str = "session";

#[component]
fn DemoHeader(#[prop(optional_no_strip)] identity: Option<RwSignal<Identity>>) -> impl IntoView {
    let switcher = identity.map(|identity| {
        let options = Identity::ALL
            .into_iter()
            .map(|who| {
                view! {
                    <label class="demo-identity-option">
                        <input
                            type="radio"
                            name="demo-identity"
                            prop:checked=move || identity.get() == who
                            on:change=move |_| {
                                who.sign_in();
                                identity.set(who);
                            }
                        />
                        <span>{who.label()}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="demo-identity">
                <legend>"Signed in as"</legend>
                {options}
            </fieldset>
        }
    });
    view! {
        <header class="demo-header">
            <a class="demo-logo" href="/">"Acme Cloud"</a>
            {switcher}
            <span class="demo-badge">"Demo store · test mode"</span>
        </header>
    }
}

/// The signed-in customer's billing panel, or how to get one.
#[component]
fn AccountPanel(who: Identity) -> impl IntoView {
    let billing = use_billing();
    move || {
        match billing.state.get() {
        BillingState::Loading if who != Identity::Anonymous => view! { <AccountSkeleton/> }.into_any(),
        BillingState::Loaded(_) => {
            let customer = billing.customer().map(|c| format!("{} · {}", c.name, c.email)).unwrap_or_default();
            view! {
                <section class="demo-account" aria-labelledby="demo-account-title">
                    <h2 id="demo-account-title">"Your account"</h2>
                    <p class="cw-muted" data-testid="account-customer">{customer}</p>
                    <div class="demo-account-grid">
                        <section class="cw-panel" aria-labelledby="demo-subscription-title">
                            <h3 id="demo-subscription-title" class="cw-panel-title">"Subscription"</h3>
                            <CurrentSubscription return_url="/"/>
                        </section>
                        <section class="cw-panel" aria-labelledby="demo-methods-title">
                            <h3 id="demo-methods-title" class="cw-panel-title">"Payment methods"</h3>
                            <PaymentMethods success_url="/" cancel_url="/"/>
                        </section>
                        <section class="cw-panel" aria-labelledby="demo-usage-title">
                            <h3 id="demo-usage-title" class="cw-panel-title">"Usage"</h3>
                            <UsageMeter slug="build-minutes"/>
                            <FeatureGate feature="priority-builds"
                                fallback=|| view! { <p class="cw-muted" data-testid="priority-builds">"Priority builds come with Pro."</p> }>
                                <p class="cw-muted" data-testid="priority-builds">"Priority builds are on."</p>
                            </FeatureGate>
                        </section>
                        // Pro's five team seats (resource claims), for a subscriber.
                        <Show when=move || billing.current_subscription().is_some()>
                            <div class="cw-panel">
                                <ResourceSeats slug="seats"/>
                            </div>
                        </Show>
                        <section class="cw-panel demo-account-wide" aria-labelledby="demo-invoices-title">
                            <h3 id="demo-invoices-title" class="cw-panel-title">"Invoices"</h3>
                            <Invoices/>
                        </section>
                    </div>
                </section>
            }
            .into_any()
        }
        BillingState::Error(errors) if who != Identity::Anonymous => {
            let message = errors.first().map(|e| e.message()).unwrap_or_default();
            view! { <p class="demo-error" role="alert">{format!("Your account could not be loaded. {message}")}</p> }
                .into_any()
        }
        _ => view! {
            <p class="demo-note">
                "You are browsing anonymously. Sign in as " <strong>"Alice"</strong> " (a Pro subscriber) or "
                <strong>"Bob"</strong> " (a new customer) at the top to see a billing panel."
            </p>
        }
        .into_any(),
    }
    }
}

/// The account panel's shape while it loads, so the prices below stay put.
#[component]
fn AccountSkeleton() -> impl IntoView {
    view! {
        <div class="demo-account demo-account-loading" role="status">
            <span class="cw-visually-hidden">"Loading your account…"</span>
            <div aria-hidden="true">
                <div class="demo-skel-title cw-skeleton"></div>
                <div class="demo-skel-line cw-skeleton"></div>
                <div class="demo-account-grid">
                    <div class="cw-panel">{skeleton_lines()}</div>
                    <div class="cw-panel">{skeleton_lines()}</div>
                    <div class="cw-panel">{skeleton_lines()}</div>
                    // Where a subscriber's Seats panel arrives, on a row of its own.
                    <div class="cw-panel">{skeleton_lines()}</div>
                    <div class="cw-panel demo-account-wide">{skeleton_lines()}</div>
                </div>
            </div>
        </div>
    }
}

/// A panel's title and two lines, as grey bars.
fn skeleton_lines() -> impl IntoView {
    view! {
        <span class="demo-skel-bar demo-skel-short cw-skeleton"></span>
        <span class="demo-skel-bar cw-skeleton"></span>
        <span class="demo-skel-bar cw-skeleton"></span>
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
        ReturnKind::Success => (
            "Thanks for your order",
            "The hosted checkout sent you back here after paying.",
        ),
        ReturnKind::Cancel => (
            "Checkout canceled",
            "You left the checkout; nothing was charged.",
        ),
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
    let details = move || {
        match session.get() {
        // The rows that will hold the answer, so the button below does not move.
        None => view! {
            <dl class="demo-session" aria-busy="true">
                <div><dt>"Session"</dt><dd><span class="demo-skel-value demo-skel-id cw-skeleton"></span></dd></div>
                <div><dt>"Status"</dt><dd><span class="demo-skel-value cw-skeleton"></span></dd></div>
                <div><dt>"Total due today"</dt><dd><span class="demo-skel-value cw-skeleton"></span></dd></div>
            </dl>
            <p class="cw-visually-hidden" role="status">"Looking up the session…"</p>
        }
        .into_any(),
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
    }
    };
    view! {
        <DemoHeader identity=None/>
        <main class="demo demo-return" id="main">
            <h1>{title}</h1>
            <p>{intro}</p>
            {details}
            <a class="cw-button demo-back" href="/">"Back to the store"</a>
        </main>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_naming_another_route_calls_it_with_cookies() {
        use super::route_and_credentials as rule;
        use crate::transport::Credentials;
        assert_eq!(
            rule(None, None),
            ("/api/billing".to_owned(), Credentials::SameOrigin)
        );
        assert_eq!(
            rule(Some("  ".into()), Some("include".into())),
            ("/api/billing".to_owned(), Credentials::SameOrigin)
        );
        let route = "http://localhost:8080/api/billing";
        assert_eq!(
            rule(Some(route.into()), None),
            (route.to_owned(), Credentials::Include)
        );
        assert_eq!(
            rule(Some(route.into()), Some("same-origin".into())),
            (route.to_owned(), Credentials::SameOrigin)
        );
    }

    use super::*;

    #[test]
    fn the_session_cookie_names_the_identity() {
        assert_eq!(Identity::from_cookies(""), Identity::Anonymous);
        assert_eq!(
            Identity::from_cookies("session=demo-alice"),
            Identity::Alice
        );
        assert_eq!(
            Identity::from_cookies("theme=dark; session=demo-bob; x=1"),
            Identity::Bob
        );
        assert_eq!(
            Identity::from_cookies("session=someone-else"),
            Identity::Anonymous
        );
        assert_eq!(
            Identity::from_cookies("xsession=demo-alice"),
            Identity::Anonymous
        );
    }
}
