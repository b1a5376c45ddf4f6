//! `<BillingStyles/>` in headless Chromium: the document's sheet holds the
//! shared rules and those of the components drawn, whenever they render,
//! and styles every element exactly as the whole `BILLING_CSS` does.
//!
//! The adopted sheet is page-wide state, and this file is its own wasm
//! instance (its own page): its one test takes the steps in order.

use checkout_widget::testing::{fixtures, MockBillingRoute};
use checkout_widget::transport::SharedTransport;
use checkout_widget::{
    BillingProvider, BillingStyles, CheckoutButton, CurrentSubscription, Invoices, PaymentMethods,
    PricingTable, ResourceSeats, UsageMeter, BILLING_CSS,
};
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const PRICING_MODEL: &str = r#"{"id":"pm_demo","name":"Acme Cloud pricing","products":[
  {"id":"prod_pro","slug":"pro","name":"Pro","prices":[
    {"id":"price_pro_monthly","slug":"pro-monthly","type":"subscription","unitPrice":1200,"currency":"USD","intervalUnit":"month","intervalCount":1,"trialPeriodDays":14,"isDefault":true},
    {"id":"price_pro_yearly","slug":"pro-yearly","type":"subscription","unitPrice":12000,"currency":"USD","intervalUnit":"year","intervalCount":1}]},
  {"id":"prod_onboarding","slug":"onboarding","name":"Onboarding","description":"A guided setup session.","prices":[
    {"id":"price_onboarding","slug":"onboarding","type":"single_payment","unitPrice":4900,"currency":"USD","isDefault":true}]},
  {"id":"prod_credits","slug":"credits","name":"Credits","singularQuantityLabel":"credit pack","pluralQuantityLabel":"credit packs","prices":[
    {"id":"price_credits","slug":"credits","type":"single_payment","unitPrice":1200,"currency":"USD"}]}
]}"#;

/// Alice on Pro monthly, with a build-minutes grant.
const SUBSCRIPTION: &str = r#"{"id":"sub_1","customerId":"cus_alice","priceId":"price_pro_monthly","status":"active",
  "current":true,"renews":true,"interval":"month","intervalCount":1,"startDate":1790000000000,
  "currentBillingPeriodStart":1790000000000,"currentBillingPeriodEnd":1792600000000,"experimental":{
  "featureItems":[{"id":"sfi_2","type":"usage_credit_grant","slug":"build-minutes-grant","name":"Build minutes","amount":1000,
    "renewalFrequency":"every_billing_period","usageMeterId":"um_build"}],
  "usageMeterBalances":[{"id":"um_build","slug":"build-minutes","name":"Build minutes","availableBalance":750,"subscriptionId":"sub_1"}]}}"#;

/// `customers/billing` for Alice: the subscription, a card, an invoice.
fn alice_billing() -> String {
    format!(
        r#"{{"data":{{"customer":{{"id":"cus_alice","externalId":"alice","email":"alice@example.com","name":"Alice Martin"}},
        "pricingModel":{PRICING_MODEL},"subscriptions":[{SUBSCRIPTION}],"currentSubscription":{SUBSCRIPTION},
        "currentSubscriptions":[{SUBSCRIPTION}],"purchases":[],
        "invoices":[{{"invoice":{{"id":"inv_1","invoiceNumber":"ACME-0001","status":"paid","currency":"USD","invoiceDate":1790000000000,"subtotal":1200}},
          "invoiceLineItems":[{{"id":"li_1","description":"Pro monthly","price":1200,"quantity":1}}]}}],
        "paymentMethods":[{{"id":"pm_1","type":"card","default":true,"paymentMethodData":{{"brand":"visa","last4":"4242","expMonth":12,"expYear":2030}}}}]}}}}"#
    )
}

/// The route every component of this page reads.
fn alice_route() -> Rc<MockBillingRoute> {
    let route = MockBillingRoute::new(fixtures::pricing_model("Empty", vec![]));
    let pricing = format!(r#"{{"data":{{"source":"default","pricingModel":{PRICING_MODEL}}}}}"#);
    route.answer("/pricing-models/retrieve", 200, &pricing);
    route.answer("/customers/billing", 200, &alice_billing());
    route.answer(
        "/usage-meters/balances",
        200,
        r#"{"data":{"usageMeterBalances":[{"id":"um_build","slug":"build-minutes","name":"Build minutes","availableBalance":750,"subscriptionId":"sub_1"}]}}"#,
    );
    route.answer(
        "/resources/usages",
        200,
        r#"{"data":{"resources":[{"resourceSlug":"seats","resourceId":"res_seats","capacity":5,"claimed":1,"available":4}]}}"#,
    );
    route.answer(
        "/resources/claims",
        200,
        r#"{"data":{"claims":[{"id":"claim_1","claimedAt":1,"externalId":"alice@example.com","resourceId":"res_seats","subscriptionId":"sub_1"}]}}"#,
    );
    route
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Where a view is mounted: removed (and unmounted) when dropped.
struct Stage(HtmlElement, Option<Box<dyn std::any::Any>>);

impl Stage {
    fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> Self {
        let el: HtmlElement = document()
            .create_element("section")
            .unwrap()
            .unchecked_into();
        document().body().unwrap().append_child(&el).unwrap();
        let handle = mount_to(el.clone(), view);
        Stage(el, Some(Box::new(handle)))
    }

    fn text(&self) -> String {
        self.0.text_content().unwrap_or_default()
    }

    fn button_starting_with(&self, prefix: &str) -> HtmlElement {
        let buttons = self.0.query_selector_all("button").unwrap();
        (0..buttons.length())
            .map(|i| buttons.item(i).unwrap().unchecked_into::<HtmlElement>())
            .find(|b| {
                b.text_content()
                    .unwrap_or_default()
                    .trim()
                    .starts_with(prefix)
            })
            .unwrap_or_else(|| panic!("no button starting with {prefix:?} in {}", self.text()))
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.1.take();
        self.0.remove();
    }
}

/// Waits (up to 3 s) until `condition` holds.
async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..300 {
        if condition() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
        leptos::task::tick().await;
    }
    panic!("timed out waiting until {what}");
}

/// `document.adoptedStyleSheets`.
fn adopted() -> js_sys::Array {
    js_sys::Reflect::get(&document(), &"adoptedStyleSheets".into())
        .unwrap()
        .unchecked_into()
}

fn set_adopted(sheets: &js_sys::Array) {
    js_sys::Reflect::set(&document(), &"adoptedStyleSheets".into(), sheets).unwrap();
}

/// The text of a sheet's rules.
fn text_of(sheet: &JsValue) -> String {
    let rules = js_sys::Reflect::get(sheet, &"cssRules".into()).unwrap();
    js_sys::Array::from(&rules)
        .iter()
        .map(|rule| {
            js_sys::Reflect::get(&rule, &"cssText".into())
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default()
        })
        .collect()
}

/// The computed style of every element of the page's stages (and of an open
/// dialog's backdrop), property by property.
fn computed_styles(stages: &[&Stage]) -> Vec<String> {
    let window = web_sys::window().unwrap();
    let mut out = Vec::new();
    for stage in stages {
        let all = stage.0.query_selector_all("*").unwrap();
        for i in 0..all.length() {
            let el: Element = all.item(i).unwrap().unchecked_into();
            let mut pseudo = vec![""];
            if el.tag_name() == "DIALOG" {
                pseudo.push("::backdrop");
            }
            for pseudo in pseudo {
                let style = window
                    .get_computed_style_with_pseudo_elt(&el, pseudo)
                    .unwrap()
                    .unwrap();
                let mut line = format!("<{} class={:?}>{pseudo}", el.tag_name(), el.class_name());
                for p in 0..style.length() {
                    let name = style.item(p);
                    let value = style.get_property_value(&name).unwrap_or_default();
                    line.push_str(&format!(" {name}:{value};"));
                }
                out.push(line);
            }
        }
    }
    out
}

/// Every element of `stages` has the same computed style under the adopted
/// sheet as under the whole `BILLING_CSS` in its place.
async fn assert_styled_as_billing_css(stages: &[&Stage], when: &str) {
    // Transitions started by a sheet's change settle first.
    gloo_timers::future::TimeoutFuture::new(200).await;
    // A copy: the document's own array is live (an ObservableArray).
    let ours = js_sys::Array::from(&adopted());
    let whole = web_sys::CssStyleSheet::new().unwrap();
    whole.replace_sync(BILLING_CSS).unwrap();
    set_adopted(&js_sys::Array::of1(&whole));
    let expected = computed_styles(stages);
    set_adopted(&ours);
    let got = computed_styles(stages);
    assert_eq!(expected.len(), got.len());
    for (expected, got) in expected.iter().zip(&got) {
        if expected != got {
            let first = expected
                .split(';')
                .zip(got.split(';'))
                .find(|(e, g)| e != g)
                .unwrap_or_default();
            let element = got.split(" accent-color").next().unwrap_or_default();
            panic!("{when}: {element} is styled otherwise than by BILLING_CSS: {first:?}");
        }
    }
}

#[wasm_bindgen_test]
async fn the_sheet_holds_the_rules_of_the_components_drawn_and_styles_as_billing_css_does() {
    let route = alice_route();
    let transport: SharedTransport = route.transport();
    assert_eq!(adopted().length(), 0);

    // A component without <BillingStyles/>: nothing reaches the document
    // (an app bundling BILLING_CSS itself).
    let t = transport.clone();
    let button = Stage::mount(move || {
        view! {
            <BillingProvider transport=t locale="en-US">
                <CheckoutButton price_slug="onboarding" success_url="/ok" cancel_url="/no"/>
            </BillingProvider>
        }
    });
    wait_until("the button", || button.text().contains("Checkout")).await;
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(
        adopted().length(),
        0,
        "nothing adopted without <BillingStyles/>"
    );

    // <BillingStyles/> after it: the shared rules and the button's, no others.
    let styles = Stage::mount(|| view! { <BillingStyles/> });
    wait_until("adopted", || adopted().length() == 1).await;
    let sheet = adopted().get(0);
    let css = text_of(&sheet);
    assert!(css.starts_with("@layer checkout-widget {"), "{css}");
    for present in [
        "--cw-color-primary",
        ".cw-button {",
        ".cw-error:empty",
        "[dir=\"auto\"]",
    ] {
        assert!(css.contains(present), "{present} missing from {css}");
    }
    for absent in [
        ".cw-pricing",
        ".cw-card {",
        ".cw-table",
        ".cw-seat",
        ".cw-usage-meter",
        ".cw-subscription",
        ".cw-dialog",
        ".cw-root",
        ".cw-overlay",
        ":host",
    ] {
        assert!(
            !css.contains(absent),
            "{absent} in the button's sheet: {css}"
        );
    }
    assert_styled_as_billing_css(&[&button], "the button alone").await;

    // Components drawn after it: their rules join the same sheet, in place.
    let t = transport.clone();
    let panel = Stage::mount(move || {
        view! {
            <BillingProvider transport=t locale="en-US">
                <CurrentSubscription/>
                <PricingTable success_url="/ok" cancel_url="/no"/>
                <PaymentMethods success_url="/ok" cancel_url="/no"/>
                <Invoices/>
                <UsageMeter slug="build-minutes"/>
                <ResourceSeats slug="seats"/>
            </BillingProvider>
        }
    });
    wait_until("the panel", || {
        let text = panel.text();
        [
            "ACME-0001",
            "Pro · Monthly",
            "4242",
            "750 of 1,000 left",
            "alice@example.com",
        ]
        .iter()
        .all(|t| text.contains(t))
    })
    .await;
    assert_eq!(adopted().length(), 1, "still one sheet");
    assert!(
        js_sys::Object::is(&adopted().get(0), &sheet),
        "the same sheet, its text replaced"
    );
    let css = text_of(&sheet);
    for present in [
        ".cw-pricing",
        ".cw-table",
        ".cw-seat",
        ".cw-usage-meter-fill",
        ".cw-dialog",
    ] {
        assert!(css.contains(present), "{present} missing from {css}");
    }
    assert_styled_as_billing_css(&[&button, &panel], "the whole panel").await;

    // A plan change's dialog, and a cancellation asking first.
    panel
        .0
        .query_selector("input[type=radio]:not(:checked)")
        .unwrap()
        .expect("a Yearly option")
        .unchecked_into::<HtmlElement>()
        .click();
    wait_until("yearly prices", || panel.text().contains("Pro · Yearly")).await;
    panel.button_starting_with("Switch plan").click();
    wait_until("the dialog", || {
        panel.0.query_selector("dialog[open]").unwrap().is_some()
    })
    .await;
    panel.button_starting_with("Cancel subscription").click();
    wait_until("the confirmation", || panel.text().contains("Yes, cancel")).await;
    assert_styled_as_billing_css(&[&button, &panel], "a dialog and a confirmation").await;

    // The dark theme's tokens.
    let root = document().document_element().unwrap();
    root.set_attribute("data-theme", "dark").unwrap();
    assert_styled_as_billing_css(&[&button, &panel], "dark").await;
    root.remove_attribute("data-theme").unwrap();

    // A second <BillingStyles/>, and a remount of the first, add nothing.
    let before = text_of(&sheet);
    let again = Stage::mount(|| view! { <BillingStyles/> });
    drop(styles);
    let _remounted = Stage::mount(|| view! { <BillingStyles/> });
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(adopted().length(), 1);
    assert_eq!(text_of(&sheet), before);
    drop(again);
}
