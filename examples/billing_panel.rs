//! The README's Leptos example: a billing panel with a provider, the state of
//! `use_billing()`, a direct `create_checkout_session` call and a `CheckoutButton`.
//! Built by `cargo xtask test` so the README cannot drift from the API.

use checkout_widget::{
    use_billing, BillingProvider, BillingState, CheckoutButton, CheckoutSessionParams,
};
use leptos::prelude::*;

#[component]
fn BillingPanel() -> impl IntoView {
    view! {
        // Extra headers (e.g. your auth token) go with every call to your server route.
        <BillingProvider server_route="/api/billing">
            <Plans/>
            <CheckoutButton price_slug="pro-monthly" success_url="/welcome" cancel_url="/pricing"/>
        </BillingProvider>
    }
}

#[component]
fn Plans() -> impl IntoView {
    let billing = use_billing();
    let upgrade = Action::new_local(move |_: &()| async move {
        // Checks the params first (one of price id/slug, quantity ≥ 1, http(s) URLs),
        // then creates the session and, with auto_redirect, opens the hosted page.
        billing
            .create_checkout_session(
                CheckoutSessionParams::for_price_slug("pro-yearly", "/welcome", "/pricing")
                    .with_auto_redirect(true),
            )
            .await
    });
    move || match billing.state.get() {
        BillingState::Loading => view! { <p>"Loading prices…"</p> }.into_any(),
        BillingState::Error(errors) => {
            view! { <p role="alert">{errors[0].message()}</p> }.into_any()
        }
        // Signed in or not, the pricing model is there.
        BillingState::Loaded(data) | BillingState::Unauthenticated(data) => {
            let name = data.pricing_model.name.clone();
            view! { <button on:click=move |_| { upgrade.dispatch_local(()); }>{format!("Upgrade ({name})")}</button> }.into_any()
        }
    }
}

fn main() {
    leptos::mount::mount_to_body(BillingPanel);
}
