//! The library in a server-side-rendering app: with Leptos's `ssr` (and not
//! `csr`), `<BillingProvider>` and a component render to HTML natively. No
//! browser exists here, so anything touching `window` during construction
//! would panic (web-sys panics off wasm); the loads start in the browser.
//!
//! Run by `cargo xtask test unit` as
//! `cargo test -p checkout-widget --no-default-features --features ssr --test ssr`.

use checkout_widget::{BillingProvider, BillingStyles, CurrentSubscription, PricingTable};
use leptos::prelude::*;

/// Renders `view` the way an SSR server does, under a fresh reactive owner.
fn render<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
    let owner = Owner::new();
    owner.with(|| view().into_view().to_html())
}

#[test]
fn the_provider_renders_the_pricing_tables_loading_state_on_the_server() {
    let html = render(|| {
        view! {
            <BillingStyles/>
            <BillingProvider server_route="/api/billing">
                <PricingTable success_url="/welcome" cancel_url="/pricing"/>
            </BillingProvider>
        }
    });
    // The skeleton, announced as a status, in the fallback language (no
    // browser to ask and no locale given).
    assert!(html.contains(r#"class="cw-pricing""#), "{html}");
    assert!(html.contains(r#"role="status""#), "{html}");
    assert!(html.contains("Loading prices"), "{html}");
    assert_eq!(html.matches("cw-card-skeleton").count(), 4, "{html}");
}

#[test]
fn a_given_locale_is_what_the_server_renders() {
    let html = render(|| {
        view! {
            <BillingProvider server_route="/api/billing" locale="de-DE">
                <PricingTable success_url="/welcome" cancel_url="/pricing" placeholder_cards=Some(2)/>
            </BillingProvider>
        }
    });
    assert!(html.contains(r#"role="status""#), "{html}");
    assert!(
        !html.contains("Loading prices"),
        "German, not English: {html}"
    );
    assert_eq!(html.matches("cw-card-skeleton").count(), 2, "{html}");
}

#[test]
fn the_customers_subscription_panel_renders_while_loading_too() {
    let html = render(|| {
        view! {
            <BillingProvider server_route="/api/billing" headers=vec![("Authorization".to_owned(), "Bearer t".to_owned())]>
                <CurrentSubscription/>
            </BillingProvider>
        }
    });
    // Nothing was fetched on the server: no error, no customer data.
    assert!(!html.contains(r#"role="alert""#), "{html}");
    assert!(!html.contains("Bearer"), "{html}");
}
