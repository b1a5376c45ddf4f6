//! A merchant's own test of their billing panel, written with the test kit
//! (`checkout-widget = { …, features = ["testing"] }`). README.md's "Test your
//! billing panel" section shows this file; xtask checks the two agree.

use checkout_widget::protocol::IntervalUnit;
use checkout_widget::testing::{fixtures, MockBillingRoute};
use checkout_widget::{BillingProvider, CurrentSubscription};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn cancelling_asks_first_then_tells_the_route_and_shows_the_end() {
    // Alice, on Pro monthly.
    let pro = fixtures::subscription_price("pro-monthly", 1200, IntervalUnit::Month);
    let model = fixtures::pricing_model(
        "Acme",
        vec![fixtures::product("pro", "Pro", vec![pro.clone()])],
    );
    let alice = fixtures::customer("alice", "Alice Martin", "alice@example.com");
    let on_pro = fixtures::subscription(&alice, &pro);
    let route = MockBillingRoute::new(model.clone());
    route.sign_in(fixtures::with_subscription(
        fixtures::billing(alice, model),
        on_pro,
    ));

    // The panel, mounted into the test page.
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let transport = route.transport();
    let _panel = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <BillingProvider transport=transport locale="en-US">
                <CurrentSubscription/>
            </BillingProvider>
        }
    });
    let text = || root.text_content().unwrap_or_default();
    let button = |label: &str| -> HtmlElement {
        let buttons = root.query_selector_all("button").unwrap();
        (0..buttons.length())
            .filter_map(|i| buttons.item(i)?.dyn_into::<HtmlElement>().ok())
            .find(|b| {
                b.text_content()
                    .unwrap_or_default()
                    .trim()
                    .starts_with(label)
            })
            .unwrap_or_else(|| panic!("no {label:?} button in {}", text()))
    };
    until(|| text().contains("$12.00 per month")).await;

    // One click only asks; confirming tells the route.
    button("Cancel subscription").click();
    until(|| text().contains("Yes, cancel")).await;
    assert!(route.calls("subscriptions/cancel").is_empty());
    button("Yes, cancel").click();
    until(|| route.calls("subscriptions/cancel").len() == 1).await;
    assert_eq!(
        route.calls("subscriptions/cancel")[0]["id"],
        "sub_pro-monthly"
    );

    // The panel reloads and shows when Pro ends.
    until(|| text().contains("Ends on")).await;
}

/// Waits (up to 3 s) until `done()`: the panel renders a tick or two late.
async fn until(done: impl Fn() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("timed out");
}
