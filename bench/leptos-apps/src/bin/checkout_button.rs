//! The smallest app using the library: the provider and one checkout button.

use checkout_widget::{BillingProvider, BillingStyles, CheckoutButton};
use leptos::prelude::*;

#[component]
fn Buy() -> impl IntoView {
    view! {
        <BillingStyles/>
        <BillingProvider server_route="/api/billing">
            <CheckoutButton price_slug="onboarding" success_url="/welcome" cancel_url="/pricing"/>
        </BillingProvider>
    }
}

fn main() {
    leptos::mount::mount_to_body(Buy);
}
