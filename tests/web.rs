//! Component tests in headless Chromium: the widget's views and `use_billing()`
//! driven the way a person would, against a fake server route.

use checkout_widget::__private::embed;
use checkout_widget::protocol::CancellationTiming;
use checkout_widget::testing::{fixtures, MockBillingRoute};
use checkout_widget::transport::{HttpRequest, SharedTransport, TransportError};
use checkout_widget::{
    ActivateSubscriptionParams, AddPaymentMethodParams, BillingError, BillingProvider,
    BillingState, BillingStyles, CheckoutButton, CheckoutSessionParams, CurrentSubscription,
    Invoices, PaymentMethods, PriceCard, PricingTable, UseBillingReturn,
};
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

// ---------- the test kit's mock route ----------

/// The component tests drive the widget against the public test kit, as a
/// merchant's own tests would; `answer` / `fail_transport` override its
/// defaults by URL suffix.
type FakeServer = MockBillingRoute;

/// A mock route with an empty pricing model (each test answers what it reads).
fn new_server() -> Rc<FakeServer> {
    MockBillingRoute::new(fixtures::pricing_model("Empty", vec![]))
}

fn shared(server: &Rc<FakeServer>) -> SharedTransport {
    server.transport()
}

const PRICING_MODEL: &str = r#"{"id":"pm_demo","name":"Acme Cloud pricing","products":[
  {"id":"prod_pro","slug":"pro","name":"Pro","prices":[
    {"id":"price_pro_monthly","slug":"pro-monthly","type":"subscription","unitPrice":1200,"currency":"USD","intervalUnit":"month","intervalCount":1,"trialPeriodDays":14,"isDefault":true},
    {"id":"price_pro_yearly","slug":"pro-yearly","type":"subscription","unitPrice":12000,"currency":"USD","intervalUnit":"year","intervalCount":1}]},
  {"id":"prod_onboarding","slug":"onboarding","name":"Onboarding","description":"A guided setup session.","prices":[
    {"id":"price_onboarding","slug":"onboarding","type":"single_payment","unitPrice":4900,"currency":"USD","isDefault":true}]},
  {"id":"prod_credits","slug":"credits","name":"Credits","singularQuantityLabel":"credit pack","pluralQuantityLabel":"credit packs","prices":[
    {"id":"price_credits_jpy","slug":"credits-jpy","type":"single_payment","unitPrice":1200,"currency":"JPY"}]}
]}"#;

/// `pricing-models/retrieve`'s answer.
fn pricing() -> String {
    format!(r#"{{"data":{{"source":"default","pricingModel":{PRICING_MODEL}}}}}"#)
}

const SUBSCRIPTION: &str = r#"{"id":"sub_1","customerId":"cus_alice","priceId":"price_pro_monthly","status":"active",
  "current":true,"renews":true,"interval":"month","intervalCount":1,"startDate":1790000000000,
  "currentBillingPeriodStart":1790000000000,"currentBillingPeriodEnd":1792600000000}"#;

/// `customers/billing` for Alice: a Pro subscription, a card, an invoice, a purchase.
fn alice_billing() -> String {
    let model = PRICING_MODEL.replace("Acme Cloud pricing", "Alice's pricing");
    format!(
        r#"{{"data":{{"customer":{{"id":"cus_alice","externalId":"alice","email":"alice@example.com","name":"Alice Martin"}},
        "pricingModel":{model},"subscriptions":[{SUBSCRIPTION}],"currentSubscription":{SUBSCRIPTION},
        "currentSubscriptions":[{SUBSCRIPTION}],
        "purchases":[{{"id":"pur_1","customerId":"cus_alice","name":"Onboarding","priceId":"price_onboarding","priceType":"single_payment","quantity":1,"status":"paid"}}],
        "invoices":[{{"invoice":{{"id":"inv_1","invoiceNumber":"ACME-0001","status":"paid","currency":"USD","invoiceDate":1790000000000,"subtotal":1200}},
          "invoiceLineItems":[{{"id":"li_1","description":"Pro monthly","price":1200,"quantity":1}}]}}],
        "paymentMethods":[{{"id":"pm_1","type":"card","default":true,"paymentMethodData":{{"brand":"visa","last4":"4242","expMonth":12,"expYear":2030}}}}]}}}}"#
    )
}

const CREATED: &str = r#"{"data":{"url":"http://127.0.0.1:9/checkout/cs_test","checkoutSession":{
  "id":"cs_test","type":"product","status":"open","priceId":"price_onboarding","quantity":1,
  "expires":1,"createdAt":1,"updatedAt":1}}}"#;

const HOSTED_SESSION: &str = r#"{"data":{"id":"cs_test","type":"product","status":"open","merchantName":"Acme Cloud",
  "currency":"USD","lineItems":[{"name":"Onboarding","description":"A guided setup session.","quantity":1,
  "unitAmount":4900,"amount":4900,"priceType":"single_payment"}],"subtotal":4900,"discount":0,"totalDueToday":4900,
  "cancelUrl":"http://127.0.0.1:9/cancel","expires":1}}"#;

// ---------- page helpers ----------

/// A fresh container in the page, removed when dropped.
struct Stage(HtmlElement);

impl Stage {
    fn new() -> Self {
        let document = document();
        let el: HtmlElement = document.create_element("section").unwrap().unchecked_into();
        document.body().unwrap().append_child(&el).unwrap();
        Stage(el)
    }

    fn text(&self) -> String {
        self.0.text_content().unwrap_or_default()
    }

    fn find(&self, selector: &str) -> Option<Element> {
        self.0.query_selector(selector).unwrap()
    }

    fn alert_text(&self) -> String {
        self.find("[role=alert]")
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }

    /// The input a visible label names, as a screen reader would find it.
    fn input_labelled(&self, label: &str) -> HtmlInputElement {
        let labels = self
            .0
            .unchecked_ref::<Element>()
            .query_selector_all("label")
            .unwrap();
        for i in 0..labels.length() {
            let l: Element = labels.item(i).unwrap().unchecked_into();
            if l.text_content().unwrap_or_default().trim() == label {
                let id = l.get_attribute("for").expect("label has a for attribute");
                return self
                    .find(&format!("#{id}"))
                    .expect("labelled input exists")
                    .unchecked_into();
            }
        }
        panic!("no label {label:?} in {}", self.text());
    }

    fn button_starting_with(&self, prefix: &str) -> HtmlElement {
        let buttons = self
            .0
            .unchecked_ref::<Element>()
            .query_selector_all("button")
            .unwrap();
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
        self.0.remove();
    }
}

/// Types into an input the way the browser reports typing: set the value, fire `input`.
fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

/// Waits (up to 3 s) until `condition` holds; resources settle a tick or two late.
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

/// Where a test's view hands its `use_billing()` back to the test.
type Captured = Arc<Mutex<Option<UseBillingReturn>>>;

fn billing_of(c: &Captured) -> UseBillingReturn {
    c.lock().unwrap().expect("the probe rendered")
}

/// Renders the billing state as text so tests can read it.
#[component]
fn StateProbe(captured: Captured) -> impl IntoView {
    let billing = checkout_widget::use_billing();
    *captured.lock().unwrap() = Some(billing);
    move || match billing.state.get() {
        BillingState::Loading => "state:loading".to_owned(),
        BillingState::Unauthenticated(data) => {
            format!("state:anonymous:{}", data.pricing_model.name)
        }
        BillingState::Loaded(data) => format!(
            "state:loaded:{}:{}",
            data.pricing_model.name,
            data.customer
                .map(|c| c.customer.name.clone())
                .unwrap_or_default()
        ),
        BillingState::Error(errors) => format!(
            "state:error:{}",
            errors
                .first()
                .map(|e| e.code().to_owned())
                .unwrap_or_default()
        ),
    }
}

/// Mounts a provider (pricing model only) around the probe.
fn mount_probe(stage: &Stage, server: &Rc<FakeServer>) -> (Captured, impl Drop) {
    mount_probe_with(stage, server, false)
}

/// Mounts a provider around the probe, loading customer billing when asked.
fn mount_probe_with(
    stage: &Stage,
    server: &Rc<FakeServer>,
    load_billing: bool,
) -> (Captured, impl Drop) {
    let captured: Captured = Arc::new(Mutex::new(None));
    let transport = shared(server);
    let c = captured.clone();
    let handle = mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport load_billing=load_billing><StateProbe captured=c/></BillingProvider> }
    });
    (captured, DropHandle(Some(Box::new(handle))))
}

struct DropHandle(Option<Box<dyn std::any::Any>>);
impl Drop for DropHandle {
    fn drop(&mut self) {
        self.0.take();
    }
}

// ---------- use_billing() ----------

#[wasm_bindgen_test]
async fn use_billing_goes_from_loading_to_loaded() {
    let server = new_server();
    server.answer("/api/billing/pricing-models/retrieve", 200, &pricing());
    let stage = Stage::new();
    let (_billing, _handle) = mount_probe(&stage, &server);
    wait_until("loaded", || {
        stage.text() == "state:anonymous:Acme Cloud pricing"
    })
    .await;
    let request = &server.requests_to("/pricing-models/retrieve")[0];
    assert_eq!(request.method, checkout_widget::transport::HttpMethod::Post);
    assert_eq!(request.body.as_deref(), Some("{}"));
}

/// The `Authorization` header a request carried, if any.
fn authorization(request: &HttpRequest) -> Option<String> {
    request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.clone())
}

#[wasm_bindgen_test]
async fn a_new_token_in_the_headers_signal_reloads_billing_with_it() {
    let server = new_server();
    server.answer("/api/billing/pricing-models/retrieve", 200, &pricing());
    server.answer(
        "/api/billing/customers/billing",
        401,
        r#"{"error":{"code":"unauthenticated","message":"Sign in first."}}"#,
    );
    let stage = Stage::new();
    let captured: Captured = Arc::new(Mutex::new(None));
    let token = RwSignal::new(None::<String>);
    let headers = Signal::derive(move || {
        token
            .get()
            .map(|t| vec![("Authorization".to_owned(), format!("Bearer {t}"))])
            .unwrap_or_default()
    });
    let (transport, c) = (shared(&server), captured.clone());
    let _handle = mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport headers=headers><StateProbe captured=c/></BillingProvider> }
    });
    wait_until("anonymous", || {
        stage.text() == "state:anonymous:Acme Cloud pricing"
    })
    .await;
    assert_eq!(
        authorization(&server.requests_to("/customers/billing")[0]),
        None
    );

    // The app's sign-in hands over a token: billing loads again, with it.
    server.answer("/api/billing/customers/billing", 200, &alice_billing());
    token.set(Some("tok_alice".to_owned()));
    wait_until("signed in", || {
        stage.text() == "state:loaded:Alice's pricing:Alice Martin"
    })
    .await;
    let calls = server.requests_to("/customers/billing");
    assert_eq!(
        authorization(calls.last().unwrap()).as_deref(),
        Some("Bearer tok_alice")
    );
    // An action started now carries the token too (read at every call).
    let sent = server.requests().len();
    billing_of(&captured).reload();
    wait_until("reloaded", || server.requests().len() > sent).await;
    let last = server.requests().last().cloned().unwrap();
    assert_eq!(authorization(&last).as_deref(), Some("Bearer tok_alice"));
}

#[wasm_bindgen_test]
async fn a_slow_stale_answer_never_overwrites_a_newer_one() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.set_delay_ms(400);
    let stage = Stage::new();
    let (captured, _h) = mount_probe(&stage, &server);
    wait_until("the first load is sent", || {
        server.requests_to("/pricing-models/retrieve").len() == 1
    })
    .await;
    // The pricing model changes; a reload asks again and is answered first.
    let newer = pricing().replace("Acme Cloud pricing", "New pricing");
    server.answer("/pricing-models/retrieve", 200, &newer);
    server.set_delay_ms(0);
    billing_of(&captured).reload();
    wait_until("the newer answer", || {
        stage.text() == "state:anonymous:New pricing"
    })
    .await;
    // The first answer lands later and is dropped.
    gloo_timers::future::TimeoutFuture::new(500).await;
    assert_eq!(stage.text(), "state:anonymous:New pricing");
    assert_eq!(server.requests_to("/pricing-models/retrieve").len(), 2);
}

#[wasm_bindgen_test]
async fn a_reload_changes_the_state_once_when_both_loads_have_settled() {
    let server = signed_in_server();
    server.set_delay_ms(50);
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || {
        stage.text() == "state:loaded:Alice's pricing:Alice Martin"
    })
    .await;
    let billing = billing_of(&captured);
    let changes = Arc::new(Mutex::new(Vec::new()));
    let seen = changes.clone();
    let owner = Owner::new();
    owner.with(|| {
        Effect::new(move |_| {
            let loaded = billing.loaded();
            seen.lock().unwrap().push(loaded);
        })
    });
    wait_until("the watcher ran", || changes.lock().unwrap().len() == 1).await;
    let sent = server.requests().len();
    billing.reload();
    wait_until("both reloaded", || server.requests().len() == sent + 2).await;
    gloo_timers::future::TimeoutFuture::new(150).await;
    leptos::task::tick().await;
    // One change (the new data), never back through loading or a half state.
    assert_eq!(*changes.lock().unwrap(), [true, true]);
    assert_eq!(stage.text(), "state:loaded:Alice's pricing:Alice Martin");
    drop(owner);
}

#[wasm_bindgen_test]
async fn billing_styles_adopts_the_components_stylesheet_once() {
    let document = web_sys::window().unwrap().document().unwrap();
    let adopted = || -> js_sys::Array {
        js_sys::Reflect::get(&document, &"adoptedStyleSheets".into())
            .unwrap()
            .into()
    };
    let before = adopted().length();
    let stage = Stage::new();
    let _handle = mount_to(stage.0.clone(), || {
        view! {
            <BillingStyles/>
            <BillingStyles/>
            <p style="color: var(--cw-color-primary)">"Styled"</p>
        }
    });
    wait_until("adopted", || adopted().length() == before + 1).await;
    let styled = stage.find("p").unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&styled)
        .unwrap()
        .unwrap();
    // Every app's sheet has the tokens (a component's rules come with the
    // component: tests/styles.rs).
    assert_eq!(
        style.get_property_value("color").unwrap(),
        "rgb(79, 70, 229)"
    );
    assert!(checkout_widget::BILLING_CSS.starts_with("@layer checkout-widget{"));
    // A second mount adds nothing.
    let again = Stage::new();
    let _second = mount_to(again.0.clone(), || view! { <BillingStyles/> });
    leptos::task::tick().await;
    assert_eq!(adopted().length(), before + 1);
}

#[wasm_bindgen_test]
async fn use_billing_reports_every_kind_of_failure_with_a_code() {
    // (status, body) → the code the state must carry.
    let cases = [
        (502, "<html><body>Bad gateway</body></html>", "http_error"),
        (500, "", "http_error"),
        (200, "this is not json", "invalid_response"),
        (
            200,
            r#"{"data":{"pricingModel":"wrong shape"}}"#,
            "invalid_response",
        ),
        (
            401,
            r#"{"error":{"message":"Unauthorized"}}"#,
            "unauthorized",
        ),
        (
            400,
            r#"{"error":{"code":"bad_thing","json":{"message":"Bad"}}}"#,
            "bad_thing",
        ),
    ];
    for (status, body, code) in cases {
        let server = new_server();
        server.answer("/pricing-models/retrieve", status, body);
        let stage = Stage::new();
        let (_b, _h) = mount_probe(&stage, &server);
        let expected = format!("state:error:{code}");
        wait_until(&expected, || stage.text() == expected).await;
    }
    for (failure, code) in [
        (TransportError::Network, "network_error"),
        (TransportError::Timeout, "timeout"),
    ] {
        let server = new_server();
        server.fail_transport("/pricing-models/retrieve", failure);
        let stage = Stage::new();
        let (_b, _h) = mount_probe(&stage, &server);
        let expected = format!("state:error:{code}");
        wait_until(&expected, || stage.text() == expected).await;
    }
}

#[wasm_bindgen_test]
async fn use_billing_outside_a_provider_is_an_error_not_a_panic() {
    let stage = Stage::new();
    let captured: Captured = Arc::new(Mutex::new(None));
    let c = captured.clone();
    let _handle = mount_to(stage.0.clone(), move || view! { <StateProbe captured=c/> });
    assert_eq!(stage.text(), "state:error:billing_provider_missing");
    let billing = billing_of(&captured);
    let err = billing
        .create_checkout_session(CheckoutSessionParams::for_price_slug(
            "x",
            "https://a.test/s",
            "https://a.test/c",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "billing_provider_missing");
}

#[wasm_bindgen_test]
async fn create_checkout_session_validates_before_sending_anything() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    let stage = Stage::new();
    let (captured, _h) = mount_probe(&stage, &server);
    let billing = billing_of(&captured);
    let bad = [
        (
            CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/cancel").with_quantity(0),
            "invalid_quantity",
        ),
        (
            CheckoutSessionParams::for_price_slug("onboarding", "javascript:alert(1)", "/cancel"),
            "invalid_url",
        ),
        (
            CheckoutSessionParams::for_price_slug("onboarding", "/ok", "data:text/html,hi"),
            "invalid_url",
        ),
        (
            CheckoutSessionParams::for_price_slug("onboarding", "", "/cancel"),
            "invalid_url",
        ),
        (
            CheckoutSessionParams {
                price_id: Some("price_onboarding".into()),
                ..CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/c")
            },
            "price_ambiguous",
        ),
        (
            CheckoutSessionParams {
                price_slug: None,
                ..CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/c")
            },
            "price_missing",
        ),
    ];
    for (params, code) in bad {
        let err = billing.create_checkout_session(params).await.unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!err.message().is_empty());
    }
    assert!(
        server.requests_to("/checkout-sessions/create").is_empty(),
        "nothing may be sent for invalid input"
    );
}

#[wasm_bindgen_test]
async fn create_checkout_session_resolves_relative_urls_and_keeps_the_placeholder() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/checkout-sessions/create", 200, CREATED);
    let stage = Stage::new();
    let (captured, _h) = mount_probe(&stage, &server);
    let billing = billing_of(&captured);
    let created = billing
        .create_checkout_session(
            CheckoutSessionParams::for_price_slug(
                "credits-jpy",
                "/thanks/{CHECKOUT_SESSION_ID}?x=1",
                "cancel",
            )
            .with_quantity(3),
        )
        .await
        .unwrap();
    assert_eq!(created.id, "cs_test");
    assert_eq!(created.url, "http://127.0.0.1:9/checkout/cs_test");
    let sent = &server.requests_to("/api/billing/checkout-sessions/create")[0];
    let body: serde_json::Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(body["priceSlug"], "credits-jpy");
    assert_eq!(body["quantity"], 3.0);
    assert_eq!(
        body["successUrl"],
        format!("{origin}/thanks/{{CHECKOUT_SESSION_ID}}?x=1")
    );
    assert!(body["cancelUrl"].as_str().unwrap().starts_with(&origin));
    assert!(body.get("priceId").is_none());
}

/// The URL parser percent-encodes the placeholder's braces in a path; both
/// spellings of that encoding are put back, anything else is left as parsed.
#[wasm_bindgen_test]
async fn an_encoded_placeholder_is_put_back_in_either_case() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/checkout-sessions/create", 200, CREATED);
    let stage = Stage::new();
    let (captured, _h) = mount_probe(&stage, &server);
    billing_of(&captured)
        .create_checkout_session(CheckoutSessionParams::for_price_slug(
            "onboarding",
            "https://shop.test/a/%7bCHECKOUT_SESSION_ID%7d/b/{CHECKOUT_SESSION_ID}",
            "https://shop.test/c/%7BCHECKOUT_SESSION_ID%7d?x={CHECKOUT_SESSION_ID}",
        ))
        .await
        .unwrap();
    let sent = &server.requests_to("/api/billing/checkout-sessions/create")[0];
    let body: serde_json::Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["successUrl"],
        "https://shop.test/a/{CHECKOUT_SESSION_ID}/b/{CHECKOUT_SESSION_ID}"
    );
    assert_eq!(
        body["cancelUrl"],
        "https://shop.test/c/%7BCHECKOUT_SESSION_ID%7d?x={CHECKOUT_SESSION_ID}"
    );
}

/// A route whose price "gone" no longer exists: `checkout-sessions/create`
/// answers `price_not_found` (nobody is signed in).
fn server_without_the_price() -> Rc<FakeServer> {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer(
        "/customers/billing",
        401,
        r#"{"error":{"message":"Unauthorized"}}"#,
    );
    server.answer(
        "/checkout-sessions/create",
        404,
        r#"{"error":{"code":"price_not_found","json":{"message":"There is no price with the slug \"gone\"."}}}"#,
    );
    server
}

#[wasm_bindgen_test]
async fn checkout_button_shows_the_servers_error_in_an_alert_and_recovers() {
    let server = server_without_the_price();
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport>
                <CheckoutButton price_slug="gone" success_url="/ok" cancel_url="/cancel" label="Buy now".to_owned()/>
            </BillingProvider>
        }
    });
    // A redraw may replace the button (busy and back): always read it anew.
    let button = || -> HtmlElement {
        stage
            .find(".cw-checkout > button")
            .expect("the checkout button")
            .unchecked_into()
    };
    wait_until("the pricing", || {
        server.requests_to("/pricing-models/retrieve").len() == 1
    })
    .await;
    // Slow answers from here: the busy button can be seen, and clicked.
    server.set_delay_ms(150);
    button().focus().unwrap();
    button().click();
    button().click(); // a double click must not send twice
    wait_until("the busy button", || {
        button().get_attribute("aria-busy").as_deref() == Some("true")
    })
    .await;
    button().click(); // nor a click on the busy one
    wait_until("the alert", || {
        stage.alert_text().contains("no price with the slug")
    })
    .await;
    assert_eq!(server.requests_to("/checkout-sessions/create").len(), 1);
    assert_eq!(
        button().get_attribute("aria-disabled").as_deref(),
        Some("false")
    );
    assert_eq!(button().text_content().unwrap(), "Buy now");
    // Focus stayed on the button through both redraws.
    assert_eq!(
        document().active_element(),
        Some(button().unchecked_into::<Element>())
    );
    // It recovered: the next click sends again.
    button().click();
    wait_until("a second request", || {
        server.requests_to("/checkout-sessions/create").len() == 2
    })
    .await;
}

// A merchant's callback runs under the button's reactive owner, as it did
// with Leptos's `Action`: it finds the app's contexts (a router's
// `use_navigate`, say), here a context of the test's own.
#[wasm_bindgen_test]
async fn a_checkout_buttons_callback_finds_the_apps_contexts() {
    #[derive(Clone)]
    struct Shop(&'static str);
    let server = server_without_the_price();
    let stage = Stage::new();
    let transport = shared(&server);
    let seen = RwSignal::new(None::<String>);
    let _handle = mount_to(stage.0.clone(), move || {
        provide_context(Shop("acme"));
        let on_error = Callback::new(move |_: BillingError| {
            seen.set(Some(
                use_context::<Shop>()
                    .map_or("no context", |s| s.0)
                    .to_owned(),
            ));
        });
        view! {
            <BillingProvider transport=transport>
                <CheckoutButton price_slug="gone" success_url="/ok" cancel_url="/cancel"
                    label="Buy now".to_owned() on_error=Some(on_error)/>
            </BillingProvider>
        }
    });
    // The button's click handler is attached once mounted (a tick later).
    leptos::task::tick().await;
    stage.button_starting_with("Buy now").click();
    wait_until("the callback", || seen.get_untracked().is_some()).await;
    assert_eq!(seen.get_untracked().as_deref(), Some("acme"));
}

// ---------- the hosted checkout page ----------

fn mount_hosted(stage: &Stage, server: &Rc<FakeServer>, locale: &str) -> impl Drop {
    let page = checkout_widget::__private::mount_hosted_page(
        &stage.0,
        "cs_test",
        locale,
        Some(shared(server)),
    );
    DropHandle(Some(Box::new(page)))
}

#[wasm_bindgen_test]
async fn hosted_page_shows_the_order_and_a_labelled_form() {
    let server = new_server();
    server.answer("/api/checkout-sessions/cs_test", 200, HOSTED_SESSION);
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    let text = stage.text();
    assert!(text.contains("Acme Cloud"));
    assert!(text.contains("Onboarding"));
    assert!(text.contains("$49.00"));
    for label in ["Email", "Card number", "Expiration date", "CVC"] {
        stage.input_labelled(label);
    }
    assert_eq!(
        stage
            .button_starting_with("Pay")
            .text_content()
            .unwrap()
            .trim(),
        "Pay $49.00"
    );
    let cancel = stage.find("a.co-cancel").unwrap();
    assert_eq!(
        cancel.get_attribute("href").as_deref(),
        Some("http://127.0.0.1:9/cancel")
    );
}

#[wasm_bindgen_test]
async fn a_card_failing_luhn_is_refused_on_the_page_with_an_alert() {
    let server = new_server();
    server.answer("/api/checkout-sessions/cs_test", 200, HOSTED_SESSION);
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    type_into(&stage.input_labelled("Email"), "ann@example.com");
    type_into(&stage.input_labelled("Card number"), "4242424242424241");
    type_into(&stage.input_labelled("Expiration date"), "1234");
    type_into(&stage.input_labelled("CVC"), "123");
    leptos::task::tick().await;
    let number = stage.input_labelled("Card number");
    assert_eq!(number.value(), "4242 4242 4242 4241", "formatted as typed");
    assert_eq!(stage.input_labelled("Expiration date").value(), "12 / 34");
    assert_eq!(
        number.get_attribute("aria-invalid").as_deref(),
        Some("true"),
        "judged as soon as complete"
    );
    assert_eq!(
        number.get_attribute("aria-describedby").as_deref(),
        Some("card-number-error")
    );
    stage.button_starting_with("Pay").click();
    wait_until("the alert", || {
        stage.alert_text() == "Your card number is invalid."
    })
    .await;
    assert!(
        server.requests_to("/confirm").is_empty(),
        "an invalid card is never sent"
    );
}

#[wasm_bindgen_test]
async fn a_declined_card_shows_why_and_the_form_stays_usable() {
    let server = new_server();
    server.answer("/api/checkout-sessions/cs_test", 200, HOSTED_SESSION);
    server.answer(
        "/api/checkout-sessions/cs_test/confirm",
        402,
        r#"{"error":{"code":"card_declined","message":"Your card was declined. Try another card."}}"#,
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    type_into(&stage.input_labelled("Email"), "ann@example.com");
    type_into(&stage.input_labelled("Card number"), "4000 0000 0000 0002");
    type_into(&stage.input_labelled("Expiration date"), "12 / 34");
    type_into(&stage.input_labelled("CVC"), "123");
    let pay = stage.button_starting_with("Pay");
    pay.click();
    wait_until("the decline", || {
        stage.alert_text() == "Your card was declined. Try another card."
    })
    .await;
    let sent = &server.requests_to("/confirm")[0];
    let body: serde_json::Value = serde_json::from_str(sent.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["card"]["number"], "4000000000000002");
    assert_eq!(body["card"]["expMonth"], 12);
    assert_eq!(body["card"]["expYear"], 2034);
    assert_eq!(pay.get_attribute("aria-disabled").as_deref(), Some("false"));
    assert_eq!(pay.text_content().unwrap().trim(), "Pay $49.00");
}

#[wasm_bindgen_test]
async fn an_unknown_session_gets_a_not_found_page() {
    let server = new_server();
    server.answer(
        "/api/checkout-sessions/cs_test",
        404,
        r#"{"error":{"code":"checkout_session_not_found","message":"No checkout session has that id."}}"#,
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("not found", || stage.text().contains("Checkout not found")).await;
    assert!(stage.find("form").is_none());
}

#[wasm_bindgen_test]
async fn a_trial_offers_start_trial_and_shows_what_follows() {
    let server = new_server();
    server.answer(
        "/api/checkout-sessions/cs_test",
        200,
        r#"{"data":{"id":"cs_test","type":"product","status":"open","merchantName":"Acme Cloud","currency":"USD",
          "lineItems":[{"name":"Pro","quantity":1,"unitAmount":1200,"amount":1200,"priceType":"subscription","intervalUnit":"month","intervalCount":1}],
          "subtotal":1200,"discount":0,"totalDueToday":0,"trialDays":14,
          "recurring":{"amount":1200,"intervalUnit":"month","intervalCount":1},"expires":1}}"#,
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    assert_eq!(
        stage
            .button_starting_with("Start")
            .text_content()
            .unwrap()
            .trim(),
        "Start trial"
    );
    let text = stage.text();
    assert!(text.contains("14 days free"), "{text}");
    assert!(text.contains("Then $12.00 per month"), "{text}");
    assert!(text.contains("$0.00"), "{text}");
}

// ---------- money ----------

#[wasm_bindgen_test]
fn money_uses_the_currency_s_own_decimals() {
    use checkout_widget::__private::format_money;
    assert_eq!(format_money(1200, "USD", "en-US"), "$12.00");
    assert_eq!(format_money(1200, "JPY", "ja-JP"), "￥1,200");
    assert_eq!(format_money(1200, "USD", "de-DE"), "12,00\u{a0}$");
    let kwd = format_money(5125, "KWD", "en-US");
    assert!(kwd.contains("5.125") && kwd.contains("KWD"), "{kwd}");
    // Garbage in never aborts the module.
    assert_eq!(format_money(1200, "dollars", "en-US"), "1200 dollars");
    assert_eq!(
        format_money(1200, "USD", "not a locale!"),
        format_money(1200, "USD", "")
    );
}

// ---------- <checkout-widget> ----------

#[wasm_bindgen_test]
async fn custom_element_mounts_in_a_shadow_root_and_unmounts_when_removed() {
    embed::register().unwrap();
    embed::register().unwrap(); // registering twice is harmless
    let before = embed::mounted_count();
    let stage = Stage::new();
    let el = document().create_element("checkout-widget").unwrap();
    el.set_attribute("price-slug", "onboarding").unwrap();
    el.set_attribute("success-url", "/ok").unwrap();
    el.set_attribute("cancel-url", "/cancel").unwrap();
    stage.0.append_child(&el).unwrap();
    assert_eq!(embed::mounted_count(), before + 1);
    let shadow = el.shadow_root().expect("an open shadow root");
    let sheets = js_sys::Reflect::get(&shadow, &"adoptedStyleSheets".into()).unwrap();
    assert_eq!(
        sheets.unchecked_into::<js_sys::Array>().length(),
        1,
        "styles adopted, not injected"
    );
    assert!(
        document()
            .head()
            .unwrap()
            .query_selector("style")
            .unwrap()
            .is_none(),
        "nothing injected into <head>"
    );
    leptos::task::tick().await;
    assert!(
        shadow.child_element_count() > 0,
        "rendered into the shadow root"
    );

    // A wrong attribute combination re-renders into a clear message.
    el.set_attribute("price-id", "price_onboarding").unwrap();
    wait_until("the attribute error", || {
        shadow
            .text_content()
            .unwrap_or_default()
            .contains("Set exactly one of the price-slug and price-id attributes.")
    })
    .await;

    el.remove();
    assert_eq!(
        embed::mounted_count(),
        before,
        "removing the element unmounts it"
    );
    assert_eq!(shadow.child_element_count(), 0);
    stage.0.append_child(&el).unwrap();
    assert_eq!(embed::mounted_count(), before + 1, "adding it again works");
    el.remove();
    assert_eq!(embed::mounted_count(), before);
}

// ---------- signed-in billing (issue 3) ----------

fn signed_in_server() -> Rc<FakeServer> {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/customers/billing", 200, &alice_billing());
    server
}

#[wasm_bindgen_test]
async fn a_signed_in_customer_gets_their_billing_and_lookups_answer_from_it() {
    let server = signed_in_server();
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || {
        stage.text() == "state:loaded:Alice's pricing:Alice Martin"
    })
    .await;
    let billing = billing_of(&captured);
    assert!(billing.is_authenticated());
    assert_eq!(billing.customer().unwrap().email, "alice@example.com");
    assert_eq!(billing.current_subscription().unwrap().id, "sub_1");
    assert_eq!(billing.current_subscriptions().len(), 1);
    assert_eq!(billing.subscriptions().len(), 1);
    assert_eq!(billing.payment_methods()[0].card().unwrap().last4, "4242");
    assert_eq!(billing.invoices()[0].invoice_line_items[0].price, 1200);
    assert_eq!(billing.purchases()[0].price_id, "price_onboarding");
    assert!(billing.has_purchased("onboarding"));
    assert!(!billing.has_purchased("credits"));
    assert!(!billing.has_purchased("no-such-product"));
    assert_eq!(billing.get_price("pro-yearly").unwrap().unit_price, 12000);
    assert!(billing.get_price("nope").is_none());
    assert_eq!(billing.get_product("credits").unwrap().name, "Credits");
    assert_eq!(billing.billing_portal_url(), None);
}

/// The free-form fields (card data, billing details) come out of the
/// browser's parsed JSON as serde reads the same text: nested objects and
/// arrays, `null` members and elements, whole and fractional numbers.
#[wasm_bindgen_test]
async fn free_form_fields_read_as_serde_reads_the_same_json() {
    let data = r#"{"brand":"visa","last4":"4242","expMonth":12,"expYear":2030,
        "extra":{"list":[1,null,"x",true,{"deep":[]}],"none":null,"rate":1.5,"neg":-3,"":"empty key"}}"#;
    let details = r#"{"address":{"line1":"1 Rue","country":"FR"},"phone":null}"#;
    let billing = alice_billing().replace(
        r#""paymentMethodData":{"brand":"visa","last4":"4242","expMonth":12,"expYear":2030}"#,
        &format!(r#""paymentMethodData":{data},"billingDetails":{details}"#),
    );
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/customers/billing", 200, &billing);
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || {
        stage.text() == "state:loaded:Alice's pricing:Alice Martin"
    })
    .await;
    let method = billing_of(&captured).payment_methods()[0].clone();
    let expected: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(
        serde_json::Value::Object(method.payment_method_data.clone()),
        expected
    );
    let expected: serde_json::Value = serde_json::from_str(details).unwrap();
    assert_eq!(method.billing_details, expected);
    assert_eq!(method.card().unwrap().last4, "4242");
}

#[wasm_bindgen_test]
async fn nobody_signed_in_is_a_state_of_its_own_not_an_error() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer(
        "/customers/billing",
        401,
        r#"{"error":{"code":"customer_required","json":{"message":"Sign in"}}}"#,
    );
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("anonymous", || {
        stage.text() == "state:anonymous:Acme Cloud pricing"
    })
    .await;
    let billing = billing_of(&captured);
    assert!(billing.loaded() && !billing.is_authenticated());
    assert!(billing.customer().is_none());
    assert!(billing.current_subscription().is_none());
    assert!(!billing.has_purchased("onboarding"));
}

#[wasm_bindgen_test]
async fn both_failures_are_kept_when_both_loads_fail() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 500, "");
    server.fail_transport("/customers/billing", TransportError::Timeout);
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("error", || stage.text().starts_with("state:error:")).await;
    let codes: Vec<String> = billing_of(&captured)
        .errors()
        .iter()
        .map(|e| e.code().to_owned())
        .collect();
    assert_eq!(codes, ["http_error", "timeout"]);
}

/// The `Idempotency-Key` a request carried.
fn idempotency_key(r: &HttpRequest) -> String {
    r.headers
        .iter()
        .find(|(name, _)| name == "Idempotency-Key")
        .map(|(_, v)| v.clone())
        .expect("an Idempotency-Key")
}

#[wasm_bindgen_test]
async fn a_create_retried_after_an_unknown_outcome_sends_the_same_idempotency_key() {
    let server = signed_in_server();
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);
    let params = CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/cancel");
    const REFUSED: &str = r#"{"error":{"code":"invalid_request","json":{"message":"No."}}}"#;

    server.fail_transport("/checkout-sessions/create", TransportError::Network);
    assert_eq!(
        billing
            .create_checkout_session(params.clone())
            .await
            .unwrap_err()
            .code(),
        "network_error"
    );
    server.answer("/checkout-sessions/create", 200, CREATED);
    assert_eq!(
        billing
            .create_checkout_session(params.clone())
            .await
            .unwrap()
            .id,
        "cs_test"
    );
    server.answer("/checkout-sessions/create", 400, REFUSED);
    assert_eq!(
        billing
            .create_checkout_session(params.clone())
            .await
            .unwrap_err()
            .code(),
        "invalid_request"
    );
    server.answer("/checkout-sessions/create", 200, CREATED);
    assert!(billing
        .create_checkout_session(params.clone())
        .await
        .is_ok());

    let keys: Vec<String> = server
        .requests_to("/checkout-sessions/create")
        .iter()
        .map(idempotency_key)
        .collect();
    assert_eq!(keys.len(), 4);
    assert_eq!(
        keys[1], keys[0],
        "the retry after a network failure may find the first attempt's session"
    );
    assert_ne!(
        keys[2], keys[1],
        "after a success the same call is a new checkout"
    );
    assert_ne!(
        keys[3], keys[2],
        "a refused call made nothing, so the next is new"
    );
}

#[wasm_bindgen_test]
async fn identical_creates_in_flight_are_sent_once_with_an_idempotency_key() {
    let server = signed_in_server();
    server.answer("/checkout-sessions/create", 200, CREATED);
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);
    server.set_delay_ms(50);
    let params = CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/cancel");
    let (a, b) = futures::join!(
        billing.create_checkout_session(params.clone()),
        billing.create_checkout_session(params.clone())
    );
    assert_eq!(a.unwrap().id, "cs_test");
    assert_eq!(b.unwrap().id, "cs_test");
    let sent = server.requests_to("/checkout-sessions/create");
    assert_eq!(sent.len(), 1, "the second identical call joined the first");
    let key_of = idempotency_key;
    let first_key = key_of(&sent[0]);
    assert_eq!(first_key.len(), 32);
    assert!(first_key.bytes().all(|b| b.is_ascii_hexdigit()));

    // Once settled, the same call is a new request with a new key; a different call never joins.
    let (c, d) = futures::join!(
        billing.create_checkout_session(params.clone()),
        billing.create_checkout_session(params.with_quantity(2))
    );
    assert!(c.is_ok() && d.is_ok());
    let sent = server.requests_to("/checkout-sessions/create");
    assert_eq!(sent.len(), 3);
    assert_ne!(key_of(&sent[1]), first_key);
    assert_ne!(key_of(&sent[1]), key_of(&sent[2]));
}

#[wasm_bindgen_test]
async fn cancel_and_uncancel_send_flowglad_bodies_and_reload_the_billing() {
    let server = signed_in_server();
    let scheduled = SUBSCRIPTION.replace(
        r#""status":"active""#,
        r#""status":"cancellation_scheduled""#,
    );
    server.answer(
        "/subscriptions/cancel",
        200,
        &format!(r#"{{"data":{{"subscription":{scheduled}}}}}"#),
    );
    server.answer(
        "/subscriptions/uncancel",
        200,
        &format!(r#"{{"data":{{"subscription":{SUBSCRIPTION}}}}}"#),
    );
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);

    let canceled = billing
        .cancel_subscription("sub_1", CancellationTiming::AtEndOfCurrentBillingPeriod)
        .await
        .unwrap();
    assert_eq!(
        canceled.status,
        checkout_widget::protocol::SubscriptionStatus::CancellationScheduled
    );
    let body: serde_json::Value = serde_json::from_str(
        server.requests_to("/subscriptions/cancel")[0]
            .body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"id":"sub_1","cancellation":{"timing":"at_end_of_current_billing_period"}})
    );
    wait_until("a reload", || {
        server.requests_to("/customers/billing").len() == 2
    })
    .await;

    let restored = billing.uncancel_subscription("sub_1").await.unwrap();
    assert_eq!(
        restored.status,
        checkout_widget::protocol::SubscriptionStatus::Active
    );
    assert_eq!(
        server.requests_to("/subscriptions/uncancel")[0]
            .body
            .as_deref(),
        Some(r#"{"id":"sub_1"}"#)
    );

    let err = billing
        .cancel_subscription("  ", CancellationTiming::Immediately)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_request");
    assert_eq!(
        server.requests_to("/subscriptions/cancel").len(),
        1,
        "nothing sent for a blank id"
    );
}

#[wasm_bindgen_test]
async fn add_payment_method_and_activate_validate_then_send() {
    let server = signed_in_server();
    server.answer(
        "/checkout-sessions/create-add-payment-method",
        200,
        &CREATED.replace(r#""type":"product""#, r#""type":"add_payment_method""#),
    );
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);

    let bad = AddPaymentMethodParams {
        success_url: "/ok".into(),
        cancel_url: "javascript:alert(1)".into(),
        ..Default::default()
    };
    assert_eq!(
        billing
            .create_add_payment_method_checkout_session(bad)
            .await
            .unwrap_err()
            .code(),
        "invalid_url"
    );
    let no_target = ActivateSubscriptionParams {
        success_url: "/ok".into(),
        cancel_url: "/c".into(),
        ..Default::default()
    };
    assert_eq!(
        billing
            .create_activate_subscription_checkout_session(no_target)
            .await
            .unwrap_err()
            .code(),
        "invalid_request"
    );
    assert!(server.requests_to("/create-add-payment-method").is_empty());
    assert!(server
        .requests_to("/create-activate-subscription")
        .is_empty());

    let add = AddPaymentMethodParams {
        success_url: "/ok".into(),
        cancel_url: "/c".into(),
        target_subscription_id: Some("sub_1".into()),
        ..Default::default()
    };
    let created = billing
        .create_add_payment_method_checkout_session(add)
        .await
        .unwrap();
    assert_eq!(
        created.session.session_type,
        checkout_widget::protocol::CheckoutSessionType::AddPaymentMethod
    );
    let body: serde_json::Value = serde_json::from_str(
        server.requests_to("/create-add-payment-method")[0]
            .body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(body["targetSubscriptionId"], "sub_1");
}

#[wasm_bindgen_test]
async fn the_billing_panel_shows_plan_cards_invoices_and_cancels_after_confirming() {
    let server = signed_in_server();
    let scheduled = SUBSCRIPTION.replace(
        r#""status":"active""#,
        r#""status":"cancellation_scheduled""#,
    );
    server.answer(
        "/subscriptions/cancel",
        200,
        &format!(r#"{{"data":{{"subscription":{scheduled}}}}}"#),
    );
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport locale="en-US">
                <CurrentSubscription/>
                <PaymentMethods success_url="/" cancel_url="/"/>
                <Invoices/>
            </BillingProvider>
        }
    });
    wait_until("the panel", || stage.text().contains("ACME-0001")).await;
    let text = stage.text();
    for expected in [
        "Pro",
        "$12.00 per month",
        "Active",
        "Renews on",
        "Visa •••• 4242",
        "Expires 12/30",
        "Default",
        "Paid",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    stage.button_starting_with("Cancel subscription").click();
    leptos::task::tick().await;
    assert!(
        server.requests_to("/subscriptions/cancel").is_empty(),
        "a single click only asks for confirmation"
    );
    stage.button_starting_with("Yes, cancel").click();
    wait_until("the cancel request", || {
        server.requests_to("/subscriptions/cancel").len() == 1
    })
    .await;
}

// The panel is one HTML string redrawn from its state: a double click on
// "Activate now" still sends one request, the busy button says so, and a
// failure lands in the row's alert with the button usable again.
#[wasm_bindgen_test]
async fn activating_a_trial_is_sent_once_and_a_failure_shows_in_its_row() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer(
        "/customers/billing",
        200,
        &alice_billing().replace(
            r#""status":"active""#,
            r#""status":"trialing","trialEnd":1792600000000"#,
        ),
    );
    server.answer(
        "/checkout-sessions/create-activate-subscription",
        409,
        r#"{"error":{"code":"invalid_request","json":{"message":"This subscription cannot be activated."}}}"#,
    );
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport locale="en-US">
                <CurrentSubscription return_url="/account"/>
            </BillingProvider>
        }
    });
    wait_until("the trial", || stage.text().contains("Trial ends on")).await;
    server.set_delay_ms(150);
    let activate = || stage.button_starting_with("Activate now");
    activate().click();
    activate().click();
    wait_until("the busy button", || {
        activate().get_attribute("aria-busy").as_deref() == Some("true")
    })
    .await;
    assert_eq!(
        activate().get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    activate().click();
    wait_until("the alert", || {
        stage.alert_text() == "This subscription cannot be activated."
    })
    .await;
    let sent = server.requests_to("/create-activate-subscription");
    assert_eq!(sent.len(), 1, "one request for three clicks");
    let body = body_of(&sent[0]);
    assert_eq!(body["targetSubscriptionId"], "sub_1");
    assert!(body["successUrl"].as_str().unwrap().ends_with("/account"));
    assert_eq!(
        activate().get_attribute("aria-busy").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn the_pricing_table_switches_interval_and_marks_the_current_plan() {
    let server = signed_in_server();
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport locale="en-US">
                <PricingTable success_url="/ok" cancel_url="/cancel"/>
            </BillingProvider>
        }
    });
    wait_until("the table", || stage.text().contains("Pro · Monthly")).await;
    assert!(
        stage.text().contains("Your current plan"),
        "Alice is on Pro monthly"
    );
    assert!(!stage.text().contains("Pro · Yearly"));
    let yearly: HtmlInputElement = stage
        .find("input[type=radio]:not(:checked)")
        .expect("a Yearly option")
        .unchecked_into();
    yearly.click();
    wait_until("yearly prices", || stage.text().contains("Pro · Yearly")).await;
    assert!(stage.text().contains("$120.00"));
    assert!(!stage.text().contains("Your current plan"));
}

#[wasm_bindgen_test]
async fn an_add_payment_method_session_saves_a_card_without_mentioning_payment() {
    let server = new_server();
    server.answer(
        "/api/checkout-sessions/cs_test",
        200,
        r#"{"data":{"id":"cs_test","type":"add_payment_method","status":"open","merchantName":"Acme Cloud","currency":"USD",
          "lineItems":[],"subtotal":0,"discount":0,"totalDueToday":0,"customerEmail":"alice@example.com",
          "cancelUrl":"http://127.0.0.1:9/","expires":1}}"#,
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    assert!(stage.text().contains("Save a payment method"));
    assert!(stage.text().contains("Nothing is charged today"));
    assert_eq!(
        stage
            .button_starting_with("Save")
            .text_content()
            .unwrap()
            .trim(),
        "Save card"
    );
    let buttons = stage
        .0
        .unchecked_ref::<Element>()
        .query_selector_all("button")
        .unwrap();
    for i in 0..buttons.length() {
        let text = buttons.item(i).unwrap().text_content().unwrap_or_default();
        assert!(
            !text.trim().starts_with("Pay"),
            "nothing is paid, yet a button says {text:?}"
        );
    }
    let email = stage.input_labelled("Email");
    assert_eq!(email.value(), "alice@example.com");
    assert!(email.read_only(), "a known customer's email is locked");
}

// ---------- hosted page options (issue 4) ----------

/// A hosted session with promotion codes allowed and the address required.
fn session_with_options(discount: i64, code: Option<&str>) -> String {
    let code = code
        .map(|c| format!(r#","discountCode":"{c}","discountName":"Welcome discount""#))
        .unwrap_or_default();
    format!(
        r#"{{"data":{{"id":"cs_test","type":"product","status":"open","merchantName":"Acme Cloud","currency":"USD",
          "lineItems":[{{"name":"Onboarding","quantity":1,"unitAmount":4900,"amount":4900,"priceType":"single_payment"}}],
          "subtotal":4900,"discount":{discount},"totalDueToday":{total},"expires":1,
          "allowPromotionCodes":true,"billingAddressCollection":"required"{code}}}}}"#,
        total = 4900 - discount
    )
}

#[wasm_bindgen_test]
async fn a_promotion_code_updates_the_totals_without_losing_what_was_typed() {
    let server = new_server();
    server.answer(
        "/api/checkout-sessions/cs_test",
        200,
        &session_with_options(0, None),
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    type_into(&stage.input_labelled("Card number"), "4242424242424242");

    stage.button_starting_with("Add promotion code").click();
    leptos::task::tick().await;
    server.answer(
        "/api/checkout-sessions/cs_test/discount",
        400,
        r#"{"error":{"code":"discount_code_invalid","message":"That code has expired."}}"#,
    );
    type_into(&stage.input_labelled("Promotion code"), "SUMMER2024");
    stage.button_starting_with("Apply").click();
    wait_until("the inline error", || {
        stage.text().contains("That code has expired.")
    })
    .await;
    let field = stage.input_labelled("Promotion code");
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        field.get_attribute("aria-describedby").as_deref(),
        Some("promotion-code-error")
    );
    let sent: serde_json::Value =
        serde_json::from_str(server.requests_to("/discount")[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(sent, serde_json::json!({"code": "SUMMER2024"}));

    server.answer(
        "/api/checkout-sessions/cs_test/discount",
        200,
        &session_with_options(490, Some("WELCOME10")),
    );
    type_into(&stage.input_labelled("Promotion code"), "welcome10");
    stage.button_starting_with("Apply").click();
    wait_until("the new total", || {
        stage
            .button_starting_with("Pay")
            .text_content()
            .unwrap()
            .trim()
            == "Pay $44.10"
    })
    .await;
    let text = stage.text();
    assert!(text.contains("Welcome discount (WELCOME10)"), "{text}");
    assert!(text.contains("−$4.90"), "{text}");
    assert_eq!(
        stage.input_labelled("Card number").value(),
        "4242 4242 4242 4242",
        "the form kept what was typed"
    );

    server.answer(
        "/api/checkout-sessions/cs_test/discount",
        200,
        &session_with_options(0, None),
    );
    stage.button_starting_with("Remove").click();
    wait_until("the old total", || {
        stage
            .button_starting_with("Pay")
            .text_content()
            .unwrap()
            .trim()
            == "Pay $49.00"
    })
    .await;
    let last: serde_json::Value = serde_json::from_str(
        server
            .requests_to("/discount")
            .last()
            .unwrap()
            .body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(last, serde_json::json!({"code": null}));
}

#[wasm_bindgen_test]
async fn a_required_billing_address_is_asked_for_and_sent() {
    let server = new_server();
    server.answer(
        "/api/checkout-sessions/cs_test",
        200,
        &session_with_options(0, None),
    );
    server.answer(
        "/api/checkout-sessions/cs_test/confirm",
        402,
        r#"{"error":{"code":"card_declined","message":"Declined."}}"#,
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    type_into(&stage.input_labelled("Email"), "ann@example.com");
    type_into(&stage.input_labelled("Card number"), "4242424242424242");
    type_into(&stage.input_labelled("Expiration date"), "1234");
    type_into(&stage.input_labelled("CVC"), "123");
    stage.button_starting_with("Pay").click();
    wait_until("the address alert", || {
        stage.alert_text() == "Enter the name on the billing address."
    })
    .await;
    assert!(server.requests_to("/confirm").is_empty());

    let country: web_sys::HtmlSelectElement =
        stage.find("#billing-country").unwrap().unchecked_into();
    assert_eq!(
        country.value(),
        "US",
        "the country defaults to the locale's"
    );
    assert!(country.length() > 200, "every country is offered");
    type_into(&stage.input_labelled("Full name"), "Ann Lee");
    type_into(&stage.input_labelled("Address"), "1 Main St");
    type_into(&stage.input_labelled("City"), "Springfield");
    type_into(&stage.input_labelled("Postal code"), "62701");
    stage.button_starting_with("Pay").click();
    wait_until("the confirm", || server.requests_to("/confirm").len() == 1).await;
    let body: serde_json::Value =
        serde_json::from_str(server.requests_to("/confirm")[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["billingAddress"],
        serde_json::json!({"name":"Ann Lee","line1":"1 Main St","city":"Springfield","postal_code":"62701","country":"US"})
    );
}

#[wasm_bindgen_test]
async fn an_invoice_session_shows_the_invoice_and_its_own_lines() {
    let server = new_server();
    server.answer(
        "/api/checkout-sessions/cs_test",
        200,
        r#"{"data":{"id":"cs_test","type":"invoice","status":"open","merchantName":"Acme Cloud","currency":"USD",
          "invoiceNumber":"BOB-0001","lineItems":[
            {"name":"Custom onboarding workshop","quantity":1,"unitAmount":25000,"amount":25000,"priceType":"single_payment"},
            {"name":"Travel","quantity":1,"unitAmount":8000,"amount":8000,"priceType":"single_payment"}],
          "subtotal":33000,"discount":0,"totalDueToday":33000,"expires":1}}"#,
    );
    let stage = Stage::new();
    let _h = mount_hosted(&stage, &server, "en-US");
    wait_until("the form", || stage.find("form").is_some()).await;
    let text = stage.text();
    for expected in [
        "Invoice BOB-0001",
        "Custom onboarding workshop",
        "$250.00",
        "Travel",
        "$80.00",
        "$330.00",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    assert_eq!(
        stage
            .button_starting_with("Pay")
            .text_content()
            .unwrap()
            .trim(),
        "Pay $330.00"
    );
    assert!(stage.find("#promotion-code").is_none() && !text.contains("Add promotion code"));
}

// ---------- localization ----------

#[wasm_bindgen_test]
fn intervals_and_trials_count_with_the_browsers_plural_rules() {
    use checkout_widget::__private::{interval_phrase, trial_phrase};
    use checkout_widget::protocol::IntervalUnit;
    assert_eq!(
        interval_phrase(IntervalUnit::Month, 3, "en-US"),
        "every 3 months"
    );
    assert_eq!(interval_phrase(IntervalUnit::Month, 1, "es"), "al mes");
    assert_eq!(
        interval_phrase(IntervalUnit::Week, 2, "de-DE"),
        "alle 2 Wochen"
    );
    assert_eq!(interval_phrase(IntervalUnit::Month, 3, "ja"), "3か月ごと");
    // Arabic: two has its own (dual) form, 3–10 take the plural, 11–99 the singular.
    assert_eq!(interval_phrase(IntervalUnit::Month, 2, "ar"), "كل شهرين");
    assert!(interval_phrase(IntervalUnit::Month, 3, "ar").ends_with(" أشهر"));
    assert!(interval_phrase(IntervalUnit::Month, 11, "ar").ends_with(" شهرًا"));
    assert_eq!(trial_phrase(1, "fr"), "Essai gratuit de 1 jour");
    assert_eq!(trial_phrase(14, "fr-CA"), "Essai gratuit de 14 jours");
    // A tag the browser refuses never aborts the module: English words, default formatting.
    assert_eq!(
        interval_phrase(IntervalUnit::Month, 3, "not a locale!"),
        "every 3 months"
    );
}

#[wasm_bindgen_test]
async fn the_hosted_page_speaks_the_locale_and_arabic_mirrors_the_document() {
    let server = new_server();
    server.answer("/api/checkout-sessions/cs_test", 200, HOSTED_SESSION);
    let stage = Stage::new();
    let html = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    {
        let _h = mount_hosted(&stage, &server, "de-DE");
        wait_until("the form", || stage.find("form").is_some()).await;
        stage.input_labelled("Kartennummer");
        let pay = stage
            .find("button[type=submit]")
            .unwrap()
            .text_content()
            .unwrap();
        assert_eq!(pay.trim(), "49,00\u{a0}$ bezahlen");
        assert_eq!(html.get_attribute("lang").as_deref(), Some("de"));
        assert_eq!(html.get_attribute("dir").as_deref(), Some("ltr"));
    }
    {
        let _h = mount_hosted(&stage, &server, "ar");
        wait_until("the form", || stage.find("form").is_some()).await;
        stage.input_labelled("رقم البطاقة");
        assert_eq!(html.get_attribute("dir").as_deref(), Some("rtl"));
    }
    // The test page is shared with the other tests.
    let _ = html.set_attribute("lang", "en");
    let _ = html.set_attribute("dir", "ltr");
}

#[wasm_bindgen_test]
async fn a_providers_locale_reaches_the_hosted_page_url_and_its_panels() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/checkout-sessions/create", 200, CREATED);
    let stage = Stage::new();
    let captured: Captured = Arc::new(Mutex::new(None));
    let (transport, c) = (shared(&server), captured.clone());
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport load_billing=false locale="fr-FR">
                <StateProbe captured=c/>
                <PricingTable success_url="/ok" cancel_url="/no"/>
            </BillingProvider>
        }
    });
    wait_until("the pricing table", || stage.find(".cw-card h3").is_some()).await;
    assert!(stage.text().contains("par mois"), "{}", stage.text());
    let created = billing_of(&captured)
        .create_checkout_session(CheckoutSessionParams::for_price_slug(
            "credits-jpy",
            "/ok",
            "/no",
        ))
        .await
        .unwrap();
    assert_eq!(
        created.url,
        "http://127.0.0.1:9/checkout/cs_test?locale=fr-FR"
    );
}

// ---------- one view model, two renderers ----------

/// An element's tree as a person and a screen reader meet it: each element's
/// tag, its attributes (sorted), an input's value and checked state, and its
/// own text; Leptos' comment markers are not part of the page.
fn markup(el: &Element) -> String {
    let mut out = String::new();
    describe(el, 0, &mut out);
    out
}

fn describe(el: &Element, depth: usize, out: &mut String) {
    let mut attrs: Vec<String> = el
        .get_attribute_names()
        .iter()
        .filter_map(|name| name.as_string())
        .map(|name| format!("{name}={:?}", el.get_attribute(&name).unwrap_or_default()))
        .collect();
    attrs.sort();
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        attrs.push(format!(
            ".value={:?} .checked={}",
            input.value(),
            input.checked()
        ));
    }
    let (mut text, mut children) = (String::new(), Vec::new());
    let nodes = el.child_nodes();
    for i in 0..nodes.length() {
        let Some(node) = nodes.item(i) else { continue };
        match node.node_type() {
            web_sys::Node::TEXT_NODE => text.push_str(&node.text_content().unwrap_or_default()),
            web_sys::Node::ELEMENT_NODE => children.push(node.unchecked_into::<Element>()),
            _ => {}
        }
    }
    out.push_str(&format!(
        "{}<{} {}> {text:?}\n",
        "  ".repeat(depth),
        el.tag_name().to_lowercase(),
        attrs.join(" ")
    ));
    for child in children {
        describe(&child, depth + 1, out);
    }
}

/// Answers the embed's pricing-model read on `route` the way the entry
/// module's early request does: the embed fetches by itself (it takes no
/// `Transport`), and this is the one answer it reads without the network.
fn embed_reads_pricing_from(route: &str) {
    let key = js_sys::Symbol::for_("checkout-widget.early");
    let global = js_sys::global();
    let early = js_sys::Reflect::get(&global, &key)
        .ok()
        .and_then(|m| m.dyn_into::<js_sys::Map>().ok())
        .unwrap_or_else(|| {
            let map = js_sys::Map::new();
            js_sys::Reflect::set(&global, &key, &map).unwrap();
            map
        });
    let answer = js_sys::Object::new();
    js_sys::Reflect::set(&answer, &"status".into(), &200.into()).unwrap();
    js_sys::Reflect::set(&answer, &"text".into(), &pricing().into()).unwrap();
    early.set(
        &format!("{route}/pricing-models/retrieve").into(),
        &js_sys::Promise::resolve(&answer),
    );
}

/// A script-tag element in `stage`, rendered by the embed in its shadow root.
fn embed_element(stage: &Stage, tag: &str, attributes: &[(&str, &str)]) -> Element {
    embed::register().unwrap();
    let el = document().create_element(tag).unwrap();
    for (name, value) in attributes {
        el.set_attribute(name, value).unwrap();
    }
    stage.0.append_child(&el).unwrap();
    el
}

fn in_shadow(host: &Element, selector: &str) -> Option<Element> {
    host.shadow_root()?.query_selector(selector).ok()?
}

// Guards the view model's promise: `<PriceCard>` and `<checkout-widget>`
// draw the same card (text, attributes, the quantity field's bounds and
// value, the button's names) for the same price, in two languages.
#[wasm_bindgen_test]
async fn the_leptos_card_and_the_script_tag_card_render_the_same_markup() {
    let model: checkout_widget::protocol::PricingModel =
        serde_json::from_str(PRICING_MODEL).unwrap();
    for locale in ["en-US", "de-DE"] {
        let route = format!("/agree-card-{locale}");
        embed_reads_pricing_from(&route);
        for slug in ["pro-monthly", "onboarding", "credits-jpy"] {
            let (product, price) = model.price_by_slug(slug).unwrap();
            let (product, price) = (product.clone(), price.clone());
            let server = new_server();
            server.answer("/pricing-models/retrieve", 200, &pricing());
            let stage = Stage::new();
            let transport = shared(&server);
            let _handle = mount_to(stage.0.clone(), move || {
                view! {
                    <BillingProvider transport=transport load_billing=false locale=locale>
                        <PriceCard product price success_url="/ok" cancel_url="/cancel" locale=locale/>
                    </BillingProvider>
                }
            });
            let host = embed_element(
                &stage,
                "checkout-widget",
                &[
                    ("server-route", &route),
                    ("price-slug", slug),
                    ("locale", locale),
                    ("success-url", "/ok"),
                    ("cancel-url", "/cancel"),
                ],
            );
            wait_until("both cards", || {
                stage.find("article").is_some() && in_shadow(&host, "article").is_some()
            })
            .await;
            let leptos = markup(&stage.find("article").unwrap());
            let embedded = markup(&in_shadow(&host, "article").unwrap());
            assert_eq!(leptos, embedded, "{slug} in {locale}");
            host.remove();
        }
    }
}

// The same for `<PricingTable>` and `<checkout-pricing-table>`: the interval
// switch, every card, and both again after choosing the other interval.
#[wasm_bindgen_test]
async fn the_leptos_table_and_the_script_tag_table_render_the_same_markup() {
    let route = "/agree-table";
    embed_reads_pricing_from(route);
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport load_billing=false locale="fr-FR">
                <PricingTable success_url="/ok" cancel_url="/cancel"/>
            </BillingProvider>
        }
    });
    let host = embed_element(
        &stage,
        "checkout-pricing-table",
        &[
            ("server-route", route),
            ("locale", "fr-FR"),
            ("success-url", "/ok"),
            ("cancel-url", "/cancel"),
        ],
    );
    let cards = |root: Option<Element>| {
        root.and_then(|r| r.query_selector_all(".cw-card h3").ok())
            .map_or(0, |cards| cards.length())
    };
    wait_until("both tables", || {
        cards(stage.find(".cw-pricing")) > 0 && cards(in_shadow(&host, ".cw-pricing")) > 0
    })
    .await;
    let leptos = || markup(&stage.find(".cw-pricing").unwrap());
    let embedded = || markup(&in_shadow(&host, ".cw-pricing").unwrap());
    assert_eq!(leptos(), embedded(), "monthly");
    assert!(leptos().contains("Mensuel"), "{}", leptos());

    let yearly = |root: Element| {
        root.query_selector("input[type=radio]:not(:checked)")
            .unwrap()
            .expect("a Yearly option")
            .unchecked_into::<HtmlInputElement>()
            .click()
    };
    yearly(stage.find(".cw-pricing").unwrap());
    yearly(in_shadow(&host, ".cw-pricing").unwrap());
    wait_until("yearly prices in both", || {
        leptos().contains("Pro · Annuel") && embedded().contains("Pro · Annuel")
    })
    .await;
    assert_eq!(leptos(), embedded(), "yearly");
    host.remove();
}

// ---------- feature access and usage (issue 15) ----------

/// Alice's Pro subscription as the demo grants it: the toggle `priority-builds`
/// and 1,000 `build-minutes` a period.
fn alice_with_features_billing() -> String {
    let granted = SUBSCRIPTION.replacen(
        r#""current":true,"#,
        r#""current":true,"experimental":{
          "featureItems":[
            {"id":"sfi_1","type":"toggle","slug":"priority-builds","name":"Priority builds"},
            {"id":"sfi_2","type":"usage_credit_grant","slug":"build-minutes-grant","name":"Build minutes","amount":1000,
             "renewalFrequency":"every_billing_period","usageMeterId":"um_build"}],
          "usageMeterBalances":[{"id":"um_build","slug":"build-minutes","name":"Build minutes","availableBalance":1000,"subscriptionId":"sub_1"}]},"#,
        1,
    );
    alice_billing().replace(SUBSCRIPTION, &granted)
}

/// `customers/billing` for Bob: signed in, nothing bought.
const BOB_BILLING: &str = r#"{"data":{"customer":{"id":"cus_bob","externalId":"bob","email":"bob@example.com","name":"Bob Stone"},
  "pricingModel":{"id":"pm_demo","name":"Bob's pricing"},"subscriptions":[],"currentSubscriptions":[],"purchases":[],"invoices":[],"paymentMethods":[]}}"#;

/// `usage-meters/balances` with this much of Alice's build minutes left.
fn balances(available: i64) -> String {
    format!(
        r#"{{"data":{{"usageMeterBalances":[{{"id":"um_build","slug":"build-minutes","name":"Build minutes","availableBalance":{available},"subscriptionId":"sub_1"}}]}}}}"#
    )
}

const USAGE_EVENT: &str = r#"{"data":{"usageEvent":{"id":"ue_1","amount":5,"transactionId":"t","usageMeterId":"um_build"}}}"#;

fn alice_server() -> Rc<FakeServer> {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/customers/billing", 200, &alice_with_features_billing());
    server.answer("/usage-meters/balances", 200, &balances(1000));
    server.answer("/usage-events/create", 200, USAGE_EVENT);
    server
}

fn bob_server() -> Rc<FakeServer> {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer("/customers/billing", 200, BOB_BILLING);
    server.answer(
        "/usage-meters/balances",
        200,
        r#"{"data":{"usageMeterBalances":[]}}"#,
    );
    server
}

/// The JSON body a request carried.
fn body_of(r: &HttpRequest) -> serde_json::Value {
    serde_json::from_str(r.body.as_deref().unwrap_or("null")).unwrap()
}

// Guards checkFeatureAccess / checkUsageBalance parity: read from the first
// current subscription's `experimental`, false/None until loaded and for Bob.
#[wasm_bindgen_test]
async fn feature_access_and_usage_balance_come_from_the_loaded_billing() {
    let server = alice_server();
    server.set_delay_ms(30);
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    let billing = billing_of(&captured);
    assert!(
        !billing.check_feature_access("priority-builds"),
        "no access while loading"
    );
    assert_eq!(billing.check_usage_balance("build-minutes"), None);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    assert!(billing.check_feature_access("priority-builds"));
    assert!(!billing.check_feature_access("no-such-feature"));
    assert!(
        !billing.check_feature_access("build-minutes-grant"),
        "only toggles grant access"
    );
    assert_eq!(
        billing
            .check_usage_balance("build-minutes")
            .map(|b| b.available_balance),
        Some(1000)
    );
    let named = checkout_widget::RefinementParams::subscription("sub_1");
    assert!(billing.check_feature_access_with("priority-builds", &named));
    let other = checkout_widget::RefinementParams::subscription("sub_other");
    assert!(!billing.check_feature_access_with("priority-builds", &other));
    assert_eq!(
        billing.check_usage_balance_with("build-minutes", &other),
        None
    );

    let server = bob_server();
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("Bob loaded", || {
        stage.text() == "state:loaded:Bob's pricing:Bob Stone"
    })
    .await;
    let billing = billing_of(&captured);
    assert!(!billing.check_feature_access("priority-builds"));
    assert_eq!(billing.check_usage_balance("build-minutes"), None);
}

// Guards createUsageEvent: refused before any request, Flowglad's body, a
// CSPRNG transactionId that a retry after an unknown outcome repeats.
#[wasm_bindgen_test]
async fn create_usage_event_checks_first_then_sends_a_transaction_id_a_retry_repeats() {
    use checkout_widget::UsageEventParams;
    let server = alice_server();
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);

    for amount in [0, -1, 1_000_001] {
        let err = billing
            .create_usage_event(UsageEventParams::for_meter_slug("build-minutes", amount))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_usage_amount");
    }
    let err = billing
        .create_usage_event(UsageEventParams::for_meter_slug(" ", 5))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_request");
    assert!(
        server.requests_to("/usage-events/create").is_empty(),
        "nothing sent for a wrong call"
    );

    let params = UsageEventParams::for_meter_slug("build-minutes", 5);
    let event = billing.create_usage_event(params.clone()).await.unwrap();
    assert_eq!(event.id, "ue_1");
    let sent = body_of(&server.requests_to("/usage-events/create")[0]);
    let first_id = sent["transactionId"].as_str().unwrap().to_owned();
    assert_eq!(first_id.len(), 32, "128 random bits as hex: {first_id}");
    assert!(first_id.chars().all(|c| c.is_ascii_hexdigit()));
    // Written through `JSON.stringify`, which writes the whole `f64` 5 as
    // `5` (serde wrote `5.0`); the server reads either as the same number.
    assert_eq!(
        sent,
        serde_json::json!({"amount":5,"usageMeterSlug":"build-minutes","transactionId":first_id})
    );

    server.fail_transport("/usage-events/create", TransportError::Network);
    let err = billing
        .create_usage_event(params.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "network_error");
    server.answer("/usage-events/create", 200, USAGE_EVENT);
    billing.create_usage_event(params.clone()).await.unwrap();
    billing.create_usage_event(params.clone()).await.unwrap();
    billing
        .create_usage_event(params.with_transaction_id("build-4711"))
        .await
        .unwrap();

    let ids: Vec<String> = server
        .requests_to("/usage-events/create")
        .iter()
        .map(|r| body_of(r)["transactionId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 5);
    assert_ne!(ids[1], ids[0], "after a success the same call is new usage");
    assert_eq!(
        ids[2], ids[1],
        "the retry after a network failure is counted once"
    );
    assert_ne!(ids[3], ids[2], "after the retry succeeded, new usage again");
    assert_eq!(ids[4], "build-4711", "the caller's own id is kept");
}

/// Where a test's view hands its `use_usage_meters()` back.
type CapturedMeters = Arc<Mutex<Option<checkout_widget::UseUsageMetersReturn>>>;

/// Shows `use_usage_meters()` as text and hands it back to the test.
#[component]
fn MetersProbe(captured: CapturedMeters) -> impl IntoView {
    let meters = checkout_widget::use_usage_meters();
    *captured.lock().unwrap() = Some(meters);
    move || match (
        meters.is_loading.get(),
        meters.usage_meters.get(),
        meters.error.get(),
    ) {
        (_, _, Some(e)) => format!("meters:error:{}", e.code()),
        (true, ..) => "meters:loading".to_owned(),
        (false, Some(all), None) => format!(
            "meters:{}",
            all.iter()
                .map(|m| format!("{}={}", m.slug, m.available_balance))
                .collect::<Vec<_>>()
                .join(",")
        ),
        (false, None, None) => "meters:none".to_owned(),
    }
}

fn mount_meters(stage: &Stage, server: &Rc<FakeServer>) -> (CapturedMeters, impl Drop) {
    let captured: CapturedMeters = Arc::new(Mutex::new(None));
    let (transport, c) = (shared(server), captured.clone());
    let handle = mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport><MetersProbe captured=c/></BillingProvider> }
    });
    (captured, DropHandle(Some(Box::new(handle))))
}

// Guards useUsageMeters: loading, the balances, refresh, failures, no provider
// (the reload after a usage event: `recording_usage_reloads_use_usage_meter`).
#[wasm_bindgen_test]
async fn use_usage_meters_loads_refreshes_and_reports_failures() {
    let server = alice_server();
    server.set_delay_ms(30);
    let stage = Stage::new();
    let (captured, _h) = mount_meters(&stage, &server);
    assert_eq!(stage.text(), "meters:loading");
    wait_until("balances", || stage.text() == "meters:build-minutes=1000").await;
    let meters = captured.lock().unwrap().expect("the probe rendered");
    assert_eq!(
        body_of(&server.requests_to("/usage-meters/balances")[0]),
        serde_json::json!({})
    );

    server.answer("/usage-meters/balances", 200, &balances(995));
    meters.refresh();
    wait_until("refreshed", || stage.text() == "meters:build-minutes=995").await;

    server.answer("/usage-meters/balances", 500, "");
    meters.refresh();
    wait_until("error", || stage.text() == "meters:error:http_error").await;

    let stage = Stage::new();
    let (captured, _h) = {
        let captured: CapturedMeters = Arc::new(Mutex::new(None));
        let c = captured.clone();
        let handle = mount_to(stage.0.clone(), move || view! { <MetersProbe captured=c/> });
        (captured, DropHandle(Some(Box::new(handle))))
    };
    assert_eq!(stage.text(), "meters:error:billing_provider_missing");
    assert!(captured.lock().unwrap().is_some());
}

/// `use_billing()` and `use_usage_meter("build-minutes")` side by side.
#[component]
fn UsageProbe(billing: Captured) -> impl IntoView {
    *billing.lock().unwrap() = Some(checkout_widget::use_billing());
    let meter = checkout_widget::use_usage_meter("build-minutes");
    move || {
        meter
            .usage_meter
            .get()
            .map(|m| format!("left:{}", m.available_balance))
            .unwrap_or_default()
    }
}

// Guards the link between createUsageEvent and useUsageMeter: recording usage
// reloads the meters of the same provider.
#[wasm_bindgen_test]
async fn recording_usage_reloads_use_usage_meter() {
    let server = alice_server();
    let stage = Stage::new();
    let captured: Captured = Arc::new(Mutex::new(None));
    let (transport, c) = (shared(&server), captured.clone());
    let _h = DropHandle(Some(Box::new(mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport><UsageProbe billing=c/></BillingProvider> }
    }))));
    wait_until("the balance", || stage.text() == "left:1000").await;
    server.answer("/usage-meters/balances", 200, &balances(995));
    billing_of(&captured)
        .create_usage_event(checkout_widget::UsageEventParams::for_meter_slug(
            "build-minutes",
            5,
        ))
        .await
        .unwrap();
    wait_until("the new balance", || stage.text() == "left:995").await;
    assert_eq!(server.requests_to("/usage-meters/balances").len(), 2);
    assert_eq!(
        server.requests_to("/customers/billing").len(),
        1,
        "Flowglad reloads the usage meters, not the billing"
    );
}

fn mount_gate(stage: &Stage, server: &Rc<FakeServer>) -> impl Drop {
    let transport = shared(server);
    let handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport>
                <checkout_widget::FeatureGate feature="priority-builds" fallback=|| view! { <p>"Upgrade for priority builds"</p> }>
                    <button type="button">"Run a priority build"</button>
                </checkout_widget::FeatureGate>
            </BillingProvider>
        }
    });
    DropHandle(Some(Box::new(handle)))
}

// Guards <FeatureGate>: children with access, the fallback without (and
// while loading).
#[wasm_bindgen_test]
async fn feature_gate_shows_its_children_only_with_access() {
    let server = alice_server();
    server.set_delay_ms(30);
    let stage = Stage::new();
    let _h = mount_gate(&stage, &server);
    assert_eq!(stage.text(), "Upgrade for priority builds");
    wait_until("access", || stage.text() == "Run a priority build").await;
    assert!(stage.find("button").is_some());

    let server = bob_server();
    let stage = Stage::new();
    let _h = mount_gate(&stage, &server);
    wait_until("billing loaded", || {
        server.requests_to("/customers/billing").len() == 1
    })
    .await;
    for _ in 0..5 {
        leptos::task::tick().await;
    }
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(stage.text(), "Upgrade for priority builds");
    assert!(stage.find("button").is_none());
}

// Guards <UsageMeter>: an accessible meter whose scale is the grant.
#[wasm_bindgen_test]
async fn usage_meter_is_a_labelled_meter_scaled_to_the_grant() {
    let server = alice_server();
    server.answer("/usage-meters/balances", 200, &balances(750));
    let stage = Stage::new();
    let transport = shared(&server);
    let _h = DropHandle(Some(Box::new(mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport locale="en-US"><checkout_widget::UsageMeter slug="build-minutes"/></BillingProvider> }
    }))));
    wait_until("the meter", || {
        stage
            .find("[role=meter]")
            .and_then(|m| m.get_attribute("aria-valuemax"))
            .as_deref()
            == Some("1000")
    })
    .await;
    let meter = stage.find("[role=meter]").unwrap();
    let attr = |name: &str| meter.get_attribute(name).unwrap_or_default();
    assert_eq!(attr("aria-valuenow"), "750");
    assert_eq!(attr("aria-valuemin"), "0");
    assert_eq!(attr("aria-label"), "Build minutes");
    assert_eq!(attr("aria-valuetext"), "750 of 1,000 left");
    assert!(stage.text().contains("750 of 1,000 left"));
    let fill: HtmlElement = stage.find(".cw-usage-meter-fill").unwrap().unchecked_into();
    assert_eq!(fill.style().get_property_value("width").unwrap(), "75%");

    let server = bob_server();
    let stage = Stage::new();
    let transport = shared(&server);
    let _h = DropHandle(Some(Box::new(mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport locale="en-US"><checkout_widget::UsageMeter slug="build-minutes"/></BillingProvider> }
    }))));
    wait_until("not included", || {
        stage.text() == "Not included in your plan."
    })
    .await;
    assert!(stage.find("[role=meter]").is_none());
}

// ---------- plan changes and seats (issue 15, part 5) ----------

/// `subscriptions/adjust`'s answer: Alice's subscription moved to `price_id`.
fn adjusted(price_id: &str, timing: &str) -> String {
    let moved = SUBSCRIPTION.replace("price_pro_monthly", price_id);
    format!(
        r#"{{"data":{{"subscription":{moved},"subscriptionItems":[{{"id":"si_2","subscriptionId":"sub_1","priceId":"{price_id}","quantity":1,"unitPrice":12000,"type":"static","addedDate":1}}],"isUpgrade":true,"resolvedTiming":"{timing}"}}}}"#
    )
}

fn adjust_by_slug(slug: &str) -> checkout_widget::protocol::AdjustSubscriptionParams {
    checkout_widget::protocol::AdjustSubscriptionParams {
        price_slug: Some(slug.into()),
        ..Default::default()
    }
}

// Guards adjustSubscription: Flowglad's body (the only current subscription
// filled in), an Idempotency-Key, the answer read, the billing reloaded.
#[wasm_bindgen_test]
async fn adjust_subscription_sends_flowglads_body_and_reloads_the_billing() {
    let server = signed_in_server();
    server.answer(
        "/subscriptions/adjust",
        200,
        &adjusted("price_pro_yearly", "immediately"),
    );
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);
    let mut params = adjust_by_slug("pro-yearly");
    params.timing = Some(checkout_widget::protocol::AdjustmentTiming::Auto);
    let answer = billing.adjust_subscription(params).await.unwrap();
    assert_eq!(answer.subscription.price_id, "price_pro_yearly");
    assert_eq!(
        answer.resolved_timing,
        checkout_widget::protocol::ResolvedAdjustmentTiming::Immediately
    );
    let sent = server.requests_to("/api/billing/subscriptions/adjust");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        body_of(&sent[0]),
        serde_json::json!({"subscriptionId":"sub_1","timing":"auto","priceSlug":"pro-yearly"})
    );
    assert!(!idempotency_key(&sent[0]).is_empty());
    wait_until("a reload", || {
        server.requests_to("/customers/billing").len() == 2
    })
    .await;
}

// Guards the checks before any request: the protocol's messages (the
// server's), Flowglad's rule for a missing subscription id.
#[wasm_bindgen_test]
async fn adjust_subscription_checks_before_sending_anything() {
    use checkout_widget::protocol::{AdjustParamsError, AdjustSubscriptionParams, QuantityError};
    let server = signed_in_server();
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);
    let refused = |params: AdjustSubscriptionParams| async move {
        billing.adjust_subscription(params).await.unwrap_err()
    };
    let both = AdjustSubscriptionParams {
        price_id: Some("price_pro_yearly".into()),
        ..adjust_by_slug("pro-yearly")
    };
    let e = refused(both).await;
    assert_eq!(e.code(), "invalid_request");
    assert_eq!(e.message(), AdjustParamsError::NotExactlyOneForm.message());
    let e = refused(AdjustSubscriptionParams::default()).await;
    assert_eq!(e.message(), AdjustParamsError::NotExactlyOneForm.message());
    for bad in [0.0, 1.5, -2.0] {
        let e = refused(AdjustSubscriptionParams {
            quantity: Some(bad),
            ..adjust_by_slug("pro-yearly")
        })
        .await;
        assert_eq!(e.code(), "invalid_quantity", "{bad}");
        assert_eq!(e.message(), QuantityError::MESSAGE);
    }
    let e = refused(AdjustSubscriptionParams {
        subscription_items: Some(vec![]),
        ..Default::default()
    })
    .await;
    assert_eq!(e.message(), AdjustParamsError::NoItems.message());
    let e = refused(AdjustSubscriptionParams {
        subscription_id: Some("  ".into()),
        ..adjust_by_slug("pro-yearly")
    })
    .await;
    assert_eq!(e.code(), "invalid_request");
    assert!(server.requests_to("/subscriptions/adjust").is_empty());

    // Nobody signed in: no current subscription to fill in.
    let anonymous = new_server();
    anonymous.answer("/pricing-models/retrieve", 200, &pricing());
    anonymous.answer("/customers/billing", 401, "");
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &anonymous, true);
    wait_until("anonymous", || stage.text().starts_with("state:anonymous")).await;
    let e = billing_of(&captured)
        .adjust_subscription(adjust_by_slug("pro-yearly"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "subscription_required");
    assert!(anonymous.requests_to("/subscriptions/adjust").is_empty());
}

// Guards double-click safety: an identical change in flight is joined (one
// request), a different one for the same subscription is refused until the
// first settles, then allowed.
#[wasm_bindgen_test]
async fn a_plan_change_in_flight_is_not_sent_twice() {
    let server = signed_in_server();
    server.answer(
        "/subscriptions/adjust",
        200,
        &adjusted("price_pro_yearly", "immediately"),
    );
    let stage = Stage::new();
    let (captured, _h) = mount_probe_with(&stage, &server, true);
    wait_until("loaded", || stage.text().starts_with("state:loaded")).await;
    let billing = billing_of(&captured);
    server.set_delay_ms(60);
    let (a, b, c) = futures::join!(
        billing.adjust_subscription(adjust_by_slug("pro-yearly")),
        billing.adjust_subscription(adjust_by_slug("pro-yearly")),
        billing.adjust_subscription(adjust_by_slug("pro-monthly")),
    );
    assert!(a.is_ok() && b.is_ok());
    let refused = c.unwrap_err();
    assert_eq!(refused.code(), "invalid_request");
    assert!(refused.message().contains("already under way"));
    assert_eq!(server.requests_to("/subscriptions/adjust").len(), 1);
    billing
        .adjust_subscription(adjust_by_slug("pro-monthly"))
        .await
        .unwrap();
    assert_eq!(
        server.requests_to("/subscriptions/adjust").len(),
        2,
        "once settled, the next change goes"
    );
}

const SEATS_USAGE: &str = r#"{"data":{"resources":[{"resourceSlug":"seats","resourceId":"res_seats","capacity":5,"claimed":2,"available":3}]}}"#;

fn seat_claim(id: &str, name: Option<&str>) -> String {
    let external = name.map_or("null".to_owned(), |n| format!("{n:?}"));
    format!(
        r#"{{"id":"{id}","claimedAt":1,"externalId":{external},"resourceId":"res_seats","subscriptionId":"sub_1"}}"#
    )
}

fn seats_claims(claims: &[String]) -> String {
    format!(r#"{{"data":{{"claims":[{}]}}}}"#, claims.join(","))
}

/// Alice with two of five seats taken: one named, one anonymous.
fn seats_server() -> Rc<FakeServer> {
    let server = signed_in_server();
    server.answer("/resources/usages", 200, SEATS_USAGE);
    server.answer(
        "/resources/claims",
        200,
        &seats_claims(&[
            seat_claim("claim_1", Some("alice@example.com")),
            seat_claim("claim_2", None),
        ]),
    );
    server.answer(
        "/resources/claim",
        200,
        &format!(
            r#"{{"data":{{"claims":[{}],"usage":{{"resourceSlug":"seats","resourceId":"res_seats","capacity":5,"claimed":3,"available":2}}}}}}"#,
            seat_claim("claim_3", Some("bob@example.com"))
        ),
    );
    server.answer(
        "/resources/release",
        200,
        &format!(
            r#"{{"data":{{"releasedClaims":[{}],"usage":{{"resourceSlug":"seats","resourceId":"res_seats","capacity":5,"claimed":1,"available":4}}}}}}"#,
            seat_claim("claim_1", Some("alice@example.com"))
        ),
    );
    server
}

type CapturedSeats = Arc<Mutex<Option<checkout_widget::UseResourceReturn>>>;

/// Shows `use_resource("seats")` as text and hands it back to the test.
#[component]
fn SeatsProbe(captured: CapturedSeats) -> impl IntoView {
    let seats = checkout_widget::use_resource("seats");
    *captured.lock().unwrap() = Some(seats);
    move || match (seats.is_loading.get(), seats.usage.get(), seats.error.get()) {
        (_, _, Some(e)) => format!("seats:error:{}", e.code()),
        (true, ..) => "seats:loading".to_owned(),
        (false, Some(u), None) => format!(
            "seats:{}/{}:{}",
            u.claimed,
            u.capacity,
            seats
                .claims
                .get()
                .iter()
                .map(|c| c.external_id.clone().unwrap_or_else(|| "-".into()))
                .collect::<Vec<_>>()
                .join(",")
        ),
        (false, None, None) => "seats:none".to_owned(),
    }
}

// Guards useResources/useResource: loading, usage and claims, claim and
// release bodies, the reload after each, checks before sending, failures.
#[wasm_bindgen_test]
async fn use_resource_loads_claims_releases_and_refreshes() {
    let server = seats_server();
    server.set_delay_ms(20);
    let stage = Stage::new();
    let captured: CapturedSeats = Arc::new(Mutex::new(None));
    let (transport, c) = (shared(&server), captured.clone());
    let _h = DropHandle(Some(Box::new(mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport><SeatsProbe captured=c/></BillingProvider> }
    }))));
    assert_eq!(stage.text(), "seats:loading");
    wait_until("seats", || stage.text() == "seats:2/5:alice@example.com,-").await;
    assert_eq!(
        body_of(&server.requests_to("/resources/claims")[0]),
        serde_json::json!({"resourceSlug":"seats"})
    );
    assert_eq!(
        body_of(&server.requests_to("/resources/usages")[0]),
        serde_json::json!({})
    );
    let seats = captured.lock().unwrap().expect("the probe rendered");

    server.answer(
        "/resources/usages",
        200,
        &SEATS_USAGE.replace(
            r#""claimed":2,"available":3"#,
            r#""claimed":3,"available":2"#,
        ),
    );
    let claimed = seats
        .claim(checkout_widget::ClaimParams::named("bob@example.com"))
        .await
        .unwrap();
    assert_eq!(claimed.usage.claimed, 3);
    assert_eq!(
        body_of(&server.requests_to("/resources/claim")[0]),
        serde_json::json!({"resourceSlug":"seats","externalId":"bob@example.com"})
    );
    wait_until("reloaded after the claim", || {
        stage.text().starts_with("seats:3/5")
    })
    .await;
    assert_eq!(server.requests_to("/resources/usages").len(), 2);
    assert_eq!(server.requests_to("/resources/claims").len(), 2);

    seats
        .release(checkout_widget::ReleaseParams::named("alice@example.com"))
        .await
        .unwrap();
    assert_eq!(
        body_of(&server.requests_to("/resources/release")[0]),
        serde_json::json!({"resourceSlug":"seats","externalId":"alice@example.com"})
    );
    wait_until("reloaded after the release", || {
        server.requests_to("/resources/usages").len() == 3
    })
    .await;

    let e = seats
        .claim(checkout_widget::ClaimParams::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    let e = seats
        .claim(checkout_widget::ClaimParams::anonymous(0))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_quantity");
    assert_eq!(
        server.requests_to("/resources/claim").len(),
        1,
        "nothing sent"
    );

    server.answer("/resources/usages", 500, "");
    seats.refresh();
    wait_until("error", || stage.text() == "seats:error:http_error").await;
}

fn mount_seats(stage: &Stage, server: &Rc<FakeServer>) -> impl Drop {
    let transport = shared(server);
    DropHandle(Some(Box::new(mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport locale="en-US"><checkout_widget::ResourceSeats slug="seats"/></BillingProvider> }
    }))))
}

// Guards <ResourceSeats>: the count, the named list with Release buttons
// that name the seat, the labelled claim form, the server's refusal as an
// alert, and the full state saying why nothing can be added.
#[wasm_bindgen_test]
async fn resource_seats_lists_claims_releases_and_gives_seats() {
    let server = seats_server();
    let stage = Stage::new();
    let _h = mount_seats(&stage, &server);
    wait_until("the seats", || stage.text().contains("Seats used: 2 of 5")).await;
    assert!(stage.text().contains("alice@example.com"));
    assert!(stage.text().contains("Unnamed seat"));
    let release = stage
        .find(r#"button[aria-label="Release the seat of alice@example.com"]"#)
        .expect("a Release button naming Alice's seat");
    assert_eq!(release.text_content().unwrap().trim(), "Release");
    assert_eq!(stage.find("ul").unwrap().children().length(), 2);

    let field = stage.input_labelled("Give a seat to (email or name)");
    type_into(&field, "   ");
    stage.button_starting_with("Add seat").click();
    wait_until("the blank name refused", || {
        stage.alert_text() == "Type the email or name of the person to give the seat to."
    })
    .await;
    assert!(server.requests_to("/resources/claim").is_empty());
    type_into(&field, " bob@example.com ");
    stage.button_starting_with("Add seat").click();
    wait_until("the claim", || {
        server.requests_to("/resources/claim").len() == 1
    })
    .await;
    assert_eq!(
        body_of(&server.requests_to("/resources/claim")[0]),
        serde_json::json!({"resourceSlug":"seats","externalId":"bob@example.com"})
    );
    wait_until("the field emptied", || field.value().is_empty()).await;

    release.unchecked_ref::<HtmlElement>().click();
    wait_until("the release", || {
        server.requests_to("/resources/release").len() == 1
    })
    .await;
    assert_eq!(
        body_of(&server.requests_to("/resources/release")[0]),
        serde_json::json!({"resourceSlug":"seats","externalId":"alice@example.com"})
    );

    server.answer(
        "/resources/claim",
        409,
        r#"{"error":{"code":"resource_capacity_exceeded","json":{"message":"No seats left on this plan."}}}"#,
    );
    let field = stage.input_labelled("Give a seat to (email or name)");
    type_into(&field, "carol@example.com");
    stage.button_starting_with("Add seat").click();
    wait_until("the alert", || {
        stage.alert_text() == "No seats left on this plan."
    })
    .await;
    assert_eq!(field.value(), "carol@example.com", "what was typed is kept");

    // Full: the button says why and is disabled.
    let full = seats_server();
    full.answer(
        "/resources/usages",
        200,
        &SEATS_USAGE.replace(
            r#""claimed":2,"available":3"#,
            r#""claimed":5,"available":0"#,
        ),
    );
    let stage = Stage::new();
    let _h = mount_seats(&stage, &full);
    wait_until("full", || stage.text().contains("Seats used: 5 of 5")).await;
    let button = stage.button_starting_with("All seats are taken");
    assert!(button.has_attribute("disabled"));
}

fn mount_table(stage: &Stage, server: &Rc<FakeServer>) -> impl Drop {
    let transport = shared(server);
    DropHandle(Some(Box::new(mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport locale="en-US">
                <PricingTable success_url="/ok" cancel_url="/cancel"/>
            </BillingProvider>
        }
    }))))
}

async fn show_yearly(stage: &Stage) {
    let yearly: HtmlInputElement = stage
        .find("input[type=radio]:not(:checked)")
        .expect("a Yearly option")
        .unchecked_into();
    yearly.click();
    wait_until("yearly prices", || stage.text().contains("Pro · Yearly")).await;
}

fn active_id() -> String {
    document()
        .active_element()
        .map(|e| e.id())
        .unwrap_or_default()
}

// Guards the pricing table for a subscribed customer: the current plan is a
// disabled "Your current plan", other subscription prices say "Switch plan"
// (no checkout), one-off prices keep their checkout; signed out, no switch.
#[wasm_bindgen_test]
async fn the_pricing_table_offers_a_plan_switch_to_a_subscribed_customer() {
    let server = signed_in_server();
    let stage = Stage::new();
    let _h = mount_table(&stage, &server);
    wait_until("the table", || stage.text().contains("Pro · Monthly")).await;
    let current = stage.button_starting_with("Your current plan");
    assert!(current.has_attribute("disabled"));
    assert!(
        stage.text().contains("Buy now"),
        "one-off prices keep checkout"
    );
    assert!(!stage.text().contains("Switch plan"));
    show_yearly(&stage).await;
    let switch = stage.button_starting_with("Switch plan");
    assert_eq!(
        switch.get_attribute("aria-label").as_deref(),
        Some("Switch plan to Pro · Yearly")
    );
    assert!(!stage.text().contains("Subscribe"), "no second checkout");

    let anonymous = new_server();
    anonymous.answer("/pricing-models/retrieve", 200, &pricing());
    anonymous.answer("/customers/billing", 401, "");
    let stage = Stage::new();
    let _h = mount_table(&stage, &anonymous);
    wait_until("the table", || stage.text().contains("Pro · Monthly")).await;
    assert!(!stage.text().contains("Switch plan"));
    assert!(!stage.text().contains("Your current plan"));
    show_yearly(&stage).await;
    assert!(!stage.text().contains("Switch plan"));
}

// Guards the plan change confirmation: a labelled modal dialog saying what
// changes, what is charged and when; Escape cancels without a request and
// gives focus back; Confirm sends the adjust (busy meanwhile) and announces
// the change; the server's refusal (a 404 before the route exists) is an alert.
#[wasm_bindgen_test]
async fn switching_plan_confirms_in_a_dialog_then_sends_the_adjust() {
    let server = signed_in_server();
    let stage = Stage::new();
    let _h = mount_table(&stage, &server);
    wait_until("the table", || stage.text().contains("Pro · Monthly")).await;
    show_yearly(&stage).await;
    stage.button_starting_with("Switch plan").click();
    wait_until("the dialog", || stage.find("dialog[open]").is_some()).await;
    let dialog = stage.find("[role=dialog]").expect("a dialog");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title_id = dialog.get_attribute("aria-labelledby").unwrap();
    assert_eq!(
        document()
            .get_element_by_id(&title_id)
            .and_then(|t| t.text_content())
            .as_deref(),
        Some("Change your plan")
    );
    let text = dialog.text_content().unwrap();
    for expected in [
        "From Pro · $12.00 per month to Pro · $120.00 per year.",
        "The prorated difference for the rest of this period is charged now to your default payment method.",
        "The new plan starts now.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    wait_until("focus inside the dialog", || {
        document()
            .active_element()
            .is_some_and(|a| dialog.contains(Some(&a)))
    })
    .await;

    // Escape: the browser fires `cancel` on the dialog.
    dialog
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("cancel", &{
                let init = web_sys::EventInit::new();
                init.set_cancelable(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
    wait_until("the dialog gone", || stage.find("dialog").is_none()).await;
    wait_until("focus back on Switch plan", || {
        active_id() == "cw-switch-price_pro_yearly"
    })
    .await;
    assert!(server.requests_to("/subscriptions/adjust").is_empty());

    // Before the server has the action it answers 404: shown, dialog stays.
    server.answer(
        "/subscriptions/adjust",
        404,
        r#"{"error":{"code":"not_found","json":{"message":"There is no action subscriptions/adjust."}}}"#,
    );
    stage.button_starting_with("Switch plan").click();
    wait_until("the dialog", || stage.find("dialog[open]").is_some()).await;
    stage.button_starting_with("Confirm change").click();
    wait_until("the alert in the dialog", || {
        stage
            .find("dialog [role=alert]")
            .and_then(|a| a.text_content())
            .as_deref()
            == Some("There is no action subscriptions/adjust.")
    })
    .await;
    assert!(stage.find("dialog[open]").is_some());

    server.answer(
        "/subscriptions/adjust",
        200,
        &adjusted("price_pro_yearly", "immediately"),
    );
    server.set_delay_ms(80);
    let confirm = stage.button_starting_with("Confirm change");
    confirm.click();
    wait_until("busy", || {
        confirm.get_attribute("aria-busy").as_deref() == Some("true")
            && confirm.has_attribute("disabled")
    })
    .await;
    wait_until("the change announced", || {
        stage
            .find("[role=status]")
            .and_then(|s| s.text_content())
            .as_deref()
            == Some("Your plan has been changed.")
    })
    .await;
    assert!(stage.find("dialog").is_none());
    let sent = server.requests_to("/subscriptions/adjust");
    assert_eq!(sent.len(), 2);
    assert_eq!(
        body_of(&sent[1]),
        serde_json::json!({"subscriptionId":"sub_1","timing":"auto","priceId":"price_pro_yearly"})
    );
}

// Guards the table's plan change dialog reopened after a refusal: Cancel
// closes it and gives focus back; opened again it starts without the old
// alert; a double click on Confirm sends one change.
#[wasm_bindgen_test]
async fn a_refused_plan_change_is_forgotten_when_the_dialog_opens_again() {
    let server = signed_in_server();
    let stage = Stage::new();
    let _h = mount_table(&stage, &server);
    wait_until("the table", || stage.text().contains("Pro · Monthly")).await;
    show_yearly(&stage).await;
    server.answer(
        "/subscriptions/adjust",
        402,
        r#"{"error":{"code":"card_declined","json":{"message":"Your card was declined."}}}"#,
    );
    stage.button_starting_with("Switch plan").click();
    wait_until("the dialog", || stage.find("dialog[open]").is_some()).await;
    stage.button_starting_with("Confirm change").click();
    let alert = || {
        stage
            .find("dialog [role=alert]")
            .and_then(|a| a.text_content())
            .unwrap_or_default()
    };
    wait_until("the refusal", || alert() == "Your card was declined.").await;
    stage.button_starting_with("Cancel").click();
    wait_until("the dialog gone", || stage.find("dialog").is_none()).await;
    wait_until("focus back on Switch plan", || {
        active_id() == "cw-switch-price_pro_yearly"
    })
    .await;

    stage.button_starting_with("Switch plan").click();
    wait_until("the dialog again", || stage.find("dialog[open]").is_some()).await;
    assert_eq!(alert(), "", "the last refusal is forgotten");
    server.answer(
        "/subscriptions/adjust",
        200,
        &adjusted("price_pro_yearly", "immediately"),
    );
    server.set_delay_ms(80);
    let confirm = stage.button_starting_with("Confirm change");
    confirm.click();
    confirm.click();
    wait_until("the change announced", || {
        document().active_element().is_some_and(|a| {
            a.get_attribute("role").as_deref() == Some("status")
                && a.text_content().as_deref() == Some("Your plan has been changed.")
        })
    })
    .await;
    assert_eq!(server.requests_to("/subscriptions/adjust").len(), 2);
}

// Guards <ResourceSeats> for a customer without a subscription: the
// server's subscription_required is "no seats", not an error, and no form.
#[wasm_bindgen_test]
async fn resource_seats_without_a_subscription_says_there_are_none() {
    let server = signed_in_server();
    let refusal = r#"{"error":{"code":"subscription_required","json":{"message":"You have no current subscription, so there are no resources to claim."}}}"#;
    server.answer("/resources/usages", 400, refusal);
    server.answer("/resources/claims", 400, refusal);
    let stage = Stage::new();
    let _h = mount_seats(&stage, &server);
    wait_until("no seats", || {
        stage.text().contains("Your plan includes no seats.")
    })
    .await;
    assert_eq!(stage.alert_text(), "");
    assert!(stage.find("form").is_none());
}

// Guards the downgrade wording: nothing charged now, the change on the
// period's last day in the page's locale, and the scheduled change announced.
#[wasm_bindgen_test]
async fn a_downgrade_says_nothing_is_charged_and_when_it_starts() {
    let server = signed_in_server();
    server.answer(
        "/customers/billing",
        200,
        &alice_billing().replace(
            r#""priceId":"price_pro_monthly""#,
            r#""priceId":"price_pro_yearly""#,
        ),
    );
    server.answer(
        "/subscriptions/adjust",
        200,
        &adjusted("price_pro_yearly", "at_end_of_current_billing_period"),
    );
    let stage = Stage::new();
    let _h = mount_table(&stage, &server);
    wait_until("the table", || stage.text().contains("Pro · Monthly")).await;
    stage.button_starting_with("Switch plan").click();
    wait_until("the dialog", || stage.find("dialog[open]").is_some()).await;
    let text = stage.find("dialog").unwrap().text_content().unwrap();
    for expected in [
        "From Pro · $120.00 per year to Pro · $12.00 per month.",
        "Nothing is charged now.",
        "The new plan starts on Oct 21, 2026, when your current period ends.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    stage.button_starting_with("Confirm change").click();
    wait_until("the scheduled change announced", || {
        stage
            .find("[role=status]")
            .and_then(|s| s.text_content())
            .is_some_and(|t| t.contains("scheduled"))
    })
    .await;
}

// ---------- the pricing table drawn as one string (pricingview) ----------

// The table is redrawn from the billing: a reload patches it in place, so
// the field being typed in keeps focus and text, and its checkout sends
// what was typed, once for a double click.
#[wasm_bindgen_test]
async fn a_reload_keeps_the_typed_quantity_and_focus_and_a_double_click_sends_one_checkout() {
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer(
        "/customers/billing",
        401,
        r#"{"error":{"message":"Unauthorized"}}"#,
    );
    server.answer(
        "/checkout-sessions/create",
        409,
        r#"{"error":{"code":"conflict","json":{"message":"Not <b>now</b>."}}}"#,
    );
    let stage = Stage::new();
    let transport = shared(&server);
    let captured: Captured = Arc::new(Mutex::new(None));
    let c = captured.clone();
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport locale="en-US">
                <StateProbe captured=c/>
                <PricingTable success_url="/ok" cancel_url="/cancel"/>
            </BillingProvider>
        }
    });
    wait_until("the table", || stage.text().contains("Credits")).await;
    let field = stage.input_labelled("Quantity (credit packs)");
    assert_eq!(field.value(), "1");
    field.focus().unwrap();
    type_into(&field, "3");
    let total = || {
        stage
            .find(".cw-quantity-total")
            .unwrap()
            .text_content()
            .unwrap()
    };
    wait_until("the total for 3", || total().contains("3,600")).await;
    let for_three = total();

    let loads = || server.requests_to("/pricing-models/retrieve").len();
    let before = loads();
    billing_of(&captured).reload();
    wait_until("the reload", || loads() > before).await;
    for _ in 0..5 {
        leptos::task::tick().await;
    }
    let active = document().active_element().expect("something has focus");
    assert_eq!(active.id(), field.id(), "focus stays in the field");
    assert!(
        active == *field.unchecked_ref::<Element>(),
        "the same element: patched, not replaced"
    );
    assert_eq!(field.value(), "3");
    assert_eq!(total(), for_three);

    let article = field.closest("article").unwrap().unwrap();
    let button: HtmlElement = article
        .query_selector(".cw-checkout button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    button.click();
    wait_until("the alert", || {
        article
            .query_selector("[role=alert]")
            .unwrap()
            .and_then(|a| a.text_content())
            .is_some_and(|t| t.contains("Not <b>now</b>."))
    })
    .await;
    let creates = server.requests_to("/checkout-sessions/create");
    assert_eq!(creates.len(), 1, "a double click sends once");
    assert_eq!(body_of(&creates[0])["quantity"], 3);
    assert_eq!(body_of(&creates[0])["priceId"], "price_credits_jpy");
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("false"));
    assert!(
        article.query_selector("b").unwrap().is_none(),
        "the server's message is text"
    );
}

// A click in the same task as the mount is heard: the drawn card listens
// from the moment its wrapper is built, not from its first effect.
#[wasm_bindgen_test]
async fn a_price_card_hears_a_click_made_right_after_mounting() {
    let model: checkout_widget::protocol::PricingModel =
        serde_json::from_str(PRICING_MODEL).unwrap();
    let (product, price) = model.price_by_slug("onboarding").unwrap();
    let (product, price) = (product.clone(), price.clone());
    let server = new_server();
    server.answer("/pricing-models/retrieve", 200, &pricing());
    server.answer(
        "/checkout-sessions/create",
        409,
        r#"{"error":{"code":"conflict","json":{"message":"Not now."}}}"#,
    );
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport load_billing=false locale="en-US">
                <PriceCard product price success_url="/ok" cancel_url="/cancel" locale="en-US"/>
            </BillingProvider>
        }
    });
    stage.button_starting_with("Buy now").click();
    wait_until("the alert", || stage.alert_text().contains("Not now.")).await;
    assert_eq!(server.requests_to("/checkout-sessions/create").len(), 1);
}
