//! Component tests in headless Chromium: the widget's views and `use_billing()`
//! driven the way a person would, against a fake server route.

use checkout_widget::transport::{HttpRequest, HttpResponse, SharedTransport, Transport, TransportError};
use checkout_widget::{element, BillingProvider, BillingState, CheckoutButton, CheckoutSessionParams, UseBillingReturn};
use futures::future::LocalBoxFuture;
use leptos::mount::mount_to;
use leptos::prelude::*;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

// ---------- a fake server route ----------

/// Answers requests whose URL ends with a registered suffix; records every request.
#[derive(Default)]
struct FakeServer {
    answers: RefCell<Vec<(String, Result<HttpResponse, TransportError>)>>,
    requests: RefCell<Vec<HttpRequest>>,
}

impl FakeServer {
    fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    fn answer(&self, url_suffix: &str, status: u16, body: &str) {
        self.answers
            .borrow_mut()
            .insert(0, (url_suffix.to_owned(), Ok(HttpResponse { status, body: body.to_owned() })));
    }

    fn fail(&self, url_suffix: &str, error: TransportError) {
        self.answers.borrow_mut().insert(0, (url_suffix.to_owned(), Err(error)));
    }

    fn requests_to(&self, url_suffix: &str) -> Vec<HttpRequest> {
        self.requests.borrow().iter().filter(|r| r.url.ends_with(url_suffix)).cloned().collect()
    }
}

impl Transport for FakeServer {
    fn send(&self, request: HttpRequest) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
        let answer = self
            .answers
            .borrow()
            .iter()
            .find(|(suffix, _)| request.url.ends_with(suffix.as_str()))
            .map(|(_, a)| a.clone())
            .unwrap_or(Ok(HttpResponse { status: 404, body: String::new() }));
        self.requests.borrow_mut().push(request);
        Box::pin(async move { answer })
    }
}

fn shared(server: &Rc<FakeServer>) -> SharedTransport {
    server.clone()
}

const PRICING: &str = r#"{"data":{"source":"default","pricingModel":{"id":"pm_demo","name":"Acme Cloud pricing","products":[
  {"id":"prod_onboarding","slug":"onboarding","name":"Onboarding","description":"A guided setup session.","prices":[
    {"id":"price_onboarding","slug":"onboarding","type":"single_payment","unitPrice":4900,"currency":"USD","isDefault":true}]},
  {"id":"prod_credits","slug":"credits","name":"Credits","singularQuantityLabel":"credit pack","pluralQuantityLabel":"credit packs","prices":[
    {"id":"price_credits_jpy","slug":"credits-jpy","type":"single_payment","unitPrice":1200,"currency":"JPY"}]}
]}}}"#;

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
        self.find("[role=alert]").and_then(|e| e.text_content()).unwrap_or_default()
    }

    /// The input a visible label names, as a screen reader would find it.
    fn input_labelled(&self, label: &str) -> HtmlInputElement {
        let labels = self.0.unchecked_ref::<Element>().query_selector_all("label").unwrap();
        for i in 0..labels.length() {
            let l: Element = labels.item(i).unwrap().unchecked_into();
            if l.text_content().unwrap_or_default().trim() == label {
                let id = l.get_attribute("for").expect("label has a for attribute");
                return self.find(&format!("#{id}")).expect("labelled input exists").unchecked_into();
            }
        }
        panic!("no label {label:?} in {}", self.text());
    }

    fn button_starting_with(&self, prefix: &str) -> HtmlElement {
        let buttons = self.0.unchecked_ref::<Element>().query_selector_all("button").unwrap();
        (0..buttons.length())
            .map(|i| buttons.item(i).unwrap().unchecked_into::<HtmlElement>())
            .find(|b| b.text_content().unwrap_or_default().trim().starts_with(prefix))
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
        BillingState::Loaded(data) => format!("state:loaded:{}", data.pricing_model.name),
        BillingState::Error(errors) => format!("state:error:{}", errors.first().map(|e| e.code().to_owned()).unwrap_or_default()),
    }
}

fn mount_probe(stage: &Stage, server: &Rc<FakeServer>) -> (Captured, impl Drop) {
    let captured: Captured = Arc::new(Mutex::new(None));
    let transport = shared(server);
    let c = captured.clone();
    let handle = mount_to(stage.0.clone(), move || {
        view! { <BillingProvider transport=transport><StateProbe captured=c/></BillingProvider> }
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
    let server = FakeServer::new();
    server.answer("/api/billing/pricing-models/retrieve", 200, PRICING);
    let stage = Stage::new();
    let (_billing, _handle) = mount_probe(&stage, &server);
    wait_until("loaded", || stage.text() == "state:loaded:Acme Cloud pricing").await;
    let request = &server.requests_to("/pricing-models/retrieve")[0];
    assert_eq!(request.method, checkout_widget::transport::HttpMethod::Post);
    assert_eq!(request.body.as_deref(), Some("{}"));
}

#[wasm_bindgen_test]
async fn use_billing_reports_every_kind_of_failure_with_a_code() {
    // (status, body) → the code the state must carry.
    let cases = [
        (502, "<html><body>Bad gateway</body></html>", "http_error"),
        (500, "", "http_error"),
        (200, "this is not json", "invalid_response"),
        (200, r#"{"data":{"pricingModel":"wrong shape"}}"#, "invalid_response"),
        (401, r#"{"error":{"message":"Unauthorized"}}"#, "unauthorized"),
        (400, r#"{"error":{"code":"bad_thing","json":{"message":"Bad"}}}"#, "bad_thing"),
    ];
    for (status, body, code) in cases {
        let server = FakeServer::new();
        server.answer("/pricing-models/retrieve", status, body);
        let stage = Stage::new();
        let (_b, _h) = mount_probe(&stage, &server);
        let expected = format!("state:error:{code}");
        wait_until(&expected, || stage.text() == expected).await;
    }
    for (failure, code) in [(TransportError::Network, "network_error"), (TransportError::Timeout, "timeout")] {
        let server = FakeServer::new();
        server.fail("/pricing-models/retrieve", failure);
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
        .create_checkout_session(CheckoutSessionParams::for_price_slug("x", "https://a.test/s", "https://a.test/c"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "billing_provider_missing");
}

#[wasm_bindgen_test]
async fn create_checkout_session_validates_before_sending_anything() {
    let server = FakeServer::new();
    server.answer("/pricing-models/retrieve", 200, PRICING);
    let stage = Stage::new();
    let (captured, _h) = mount_probe(&stage, &server);
    let billing = billing_of(&captured);
    let bad = [
        (CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/cancel").with_quantity(0), "invalid_quantity"),
        (CheckoutSessionParams::for_price_slug("onboarding", "javascript:alert(1)", "/cancel"), "invalid_url"),
        (CheckoutSessionParams::for_price_slug("onboarding", "/ok", "data:text/html,hi"), "invalid_url"),
        (CheckoutSessionParams::for_price_slug("onboarding", "", "/cancel"), "invalid_url"),
        (CheckoutSessionParams { price_id: Some("price_onboarding".into()), ..CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/c") }, "price_ambiguous"),
        (CheckoutSessionParams { price_slug: None, ..CheckoutSessionParams::for_price_slug("onboarding", "/ok", "/c") }, "price_missing"),
    ];
    for (params, code) in bad {
        let err = billing.create_checkout_session(params).await.unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!err.message().is_empty());
    }
    assert!(server.requests_to("/checkout-sessions/create").is_empty(), "nothing may be sent for invalid input");
}

#[wasm_bindgen_test]
async fn create_checkout_session_resolves_relative_urls_and_keeps_the_placeholder() {
    let server = FakeServer::new();
    server.answer("/pricing-models/retrieve", 200, PRICING);
    server.answer("/checkout-sessions/create", 200, CREATED);
    let stage = Stage::new();
    let (captured, _h) = mount_probe(&stage, &server);
    let billing = billing_of(&captured);
    let created = billing
        .create_checkout_session(
            CheckoutSessionParams::for_price_slug("credits-jpy", "/thanks/{CHECKOUT_SESSION_ID}?x=1", "cancel").with_quantity(3),
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
    assert_eq!(body["successUrl"], format!("{origin}/thanks/{{CHECKOUT_SESSION_ID}}?x=1"));
    assert!(body["cancelUrl"].as_str().unwrap().starts_with(&origin));
    assert!(body.get("priceId").is_none());
}

#[wasm_bindgen_test]
async fn checkout_button_shows_the_servers_error_in_an_alert_and_recovers() {
    let server = FakeServer::new();
    server.answer("/pricing-models/retrieve", 200, PRICING);
    server.answer(
        "/checkout-sessions/create",
        404,
        r#"{"error":{"code":"price_not_found","json":{"message":"There is no price with the slug \"gone\"."}}}"#,
    );
    let stage = Stage::new();
    let transport = shared(&server);
    let _handle = mount_to(stage.0.clone(), move || {
        view! {
            <BillingProvider transport=transport>
                <CheckoutButton price_slug="gone" success_url="/ok" cancel_url="/cancel" label="Buy now".to_owned()/>
            </BillingProvider>
        }
    });
    let button = stage.button_starting_with("Buy now");
    button.click();
    button.click(); // a double click must not send twice
    wait_until("the alert", || stage.alert_text().contains("no price with the slug")).await;
    assert_eq!(server.requests_to("/checkout-sessions/create").len(), 1);
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("false"));
    assert_eq!(button.text_content().unwrap(), "Buy now");
}

// ---------- the hosted checkout page ----------

fn mount_hosted(stage: &Stage, server: &Rc<FakeServer>, locale: &str) -> impl Drop {
    let transport = shared(server);
    let locale = locale.to_owned();
    let handle = mount_to(stage.0.clone(), move || {
        view! { <checkout_widget::hosted::HostedCheckoutPage session_id="cs_test" locale=locale transport=transport/> }
    });
    DropHandle(Some(Box::new(handle)))
}

#[wasm_bindgen_test]
async fn hosted_page_shows_the_order_and_a_labelled_form() {
    let server = FakeServer::new();
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
    assert_eq!(stage.button_starting_with("Pay").text_content().unwrap().trim(), "Pay $49.00");
    let cancel = stage.find("a.co-cancel").unwrap();
    assert_eq!(cancel.get_attribute("href").as_deref(), Some("http://127.0.0.1:9/cancel"));
}

#[wasm_bindgen_test]
async fn a_card_failing_luhn_is_refused_on_the_page_with_an_alert() {
    let server = FakeServer::new();
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
    assert_eq!(number.get_attribute("aria-invalid").as_deref(), Some("true"), "judged as soon as complete");
    assert_eq!(number.get_attribute("aria-describedby").as_deref(), Some("card-number-error"));
    stage.button_starting_with("Pay").click();
    wait_until("the alert", || stage.alert_text() == "Your card number is invalid.").await;
    assert!(server.requests_to("/confirm").is_empty(), "an invalid card is never sent");
}

#[wasm_bindgen_test]
async fn a_declined_card_shows_why_and_the_form_stays_usable() {
    let server = FakeServer::new();
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
    wait_until("the decline", || stage.alert_text() == "Your card was declined. Try another card.").await;
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
    let server = FakeServer::new();
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
    let server = FakeServer::new();
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
    assert_eq!(stage.button_starting_with("Start").text_content().unwrap().trim(), "Start trial");
    let text = stage.text();
    assert!(text.contains("14 days free"), "{text}");
    assert!(text.contains("Then $12.00 per month"), "{text}");
    assert!(text.contains("$0.00"), "{text}");
}

// ---------- money ----------

#[wasm_bindgen_test]
fn money_uses_the_currency_s_own_decimals() {
    use checkout_widget::money::format_money;
    assert_eq!(format_money(1200, "USD", "en-US"), "$12.00");
    assert_eq!(format_money(1200, "JPY", "ja-JP"), "￥1,200");
    assert_eq!(format_money(1200, "USD", "de-DE"), "12,00\u{a0}$");
    let kwd = format_money(5125, "KWD", "en-US");
    assert!(kwd.contains("5.125") && kwd.contains("KWD"), "{kwd}");
    // Garbage in never aborts the module.
    assert_eq!(format_money(1200, "dollars", "en-US"), "1200 dollars");
    assert_eq!(format_money(1200, "USD", "not a locale!"), format_money(1200, "USD", ""));
}

// ---------- <checkout-widget> ----------

#[wasm_bindgen_test]
async fn custom_element_mounts_in_a_shadow_root_and_unmounts_when_removed() {
    element::register().unwrap();
    element::register().unwrap(); // registering twice is harmless
    let before = element::mounted_count();
    let stage = Stage::new();
    let el = document().create_element("checkout-widget").unwrap();
    el.set_attribute("price-slug", "onboarding").unwrap();
    el.set_attribute("success-url", "/ok").unwrap();
    el.set_attribute("cancel-url", "/cancel").unwrap();
    stage.0.append_child(&el).unwrap();
    assert_eq!(element::mounted_count(), before + 1);
    let shadow = el.shadow_root().expect("an open shadow root");
    let sheets = js_sys::Reflect::get(&shadow, &"adoptedStyleSheets".into()).unwrap();
    assert_eq!(sheets.unchecked_into::<js_sys::Array>().length(), 1, "styles adopted, not injected");
    assert!(document().head().unwrap().query_selector("style").unwrap().is_none(), "nothing injected into <head>");
    leptos::task::tick().await;
    assert!(shadow.child_element_count() > 0, "rendered into the shadow root");

    // A wrong attribute combination re-renders into a clear message.
    el.set_attribute("price-id", "price_onboarding").unwrap();
    wait_until("the attribute error", || {
        shadow.text_content().unwrap_or_default().contains("Set exactly one of the price-slug and price-id attributes.")
    })
    .await;

    el.remove();
    assert_eq!(element::mounted_count(), before, "removing the element unmounts it");
    assert_eq!(shadow.child_element_count(), 0);
    stage.0.append_child(&el).unwrap();
    assert_eq!(element::mounted_count(), before + 1, "adding it again works");
    el.remove();
    assert_eq!(element::mounted_count(), before);
}
