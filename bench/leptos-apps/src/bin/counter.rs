//! Leptos's hello-world counter: what any Leptos app costs before the
//! library, built exactly like the other two apps.

use leptos::prelude::*;

#[component]
fn Counter() -> impl IntoView {
    let (count, set_count) = signal(0);
    view! {
        <button on:click=move |_| *set_count.write() += 1>"Click me: " {count}</button>
    }
}

fn main() {
    leptos::mount::mount_to_body(Counter);
}
