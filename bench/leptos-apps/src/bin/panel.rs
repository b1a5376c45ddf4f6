//! A minimal billing panel, as a merchant would write it with the library:
//! the provider, the pricing table, a checkout button and the customer's
//! current subscription, with the components' stylesheet.

use checkout_widget::{
    BillingProvider, BillingStyles, CheckoutButton, CurrentSubscription, PricingTable,
};
use leptos::prelude::*;

#[component]
fn Panel() -> impl IntoView {
    view! {
        <BillingStyles/>
        <BillingProvider server_route="/api/billing">
            <CurrentSubscription/>
            <PricingTable success_url="/welcome" cancel_url="/pricing"/>
            <CheckoutButton price_slug="onboarding" success_url="/welcome" cancel_url="/pricing"/>
        </BillingProvider>
    }
}

fn main() {
    leptos::mount::mount_to_body(Panel);
}
