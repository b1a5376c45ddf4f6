//! The provider alone: `<BillingProvider>` with the components' stylesheet
//! and one reader of `use_billing()`, so what the provider side (client,
//! loads, wire readers, state) costs shows apart from the components.

use checkout_widget::{use_billing, BillingProvider, BillingStyles};
use leptos::prelude::*;

/// Reads the hook as a merchant's own view would.
#[component]
fn Plans() -> impl IntoView {
    let billing = use_billing();
    view! { <p>{move || billing.current_subscriptions().len()}</p> }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <BillingStyles/>
        <BillingProvider server_route="/api/billing">
            <Plans/>
        </BillingProvider>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
