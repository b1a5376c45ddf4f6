//! A Leptos app built with `catalogs-on-demand` (only English compiled in),
//! in headless Chromium: `<BillingProvider>` fetches the panel's words in
//! the page's language over HTTP from real catalog files, and its children
//! appear only once those words are in, or have failed to load.
//!
//! The files are served by wasm-bindgen-test-runner's own server: wasm-bindgen
//! copies every local module a crate declares into the served `snippets/`
//! folder as it is, so declaring `locales/{panel,widget}.de.json` as modules
//! (never imported: nothing of theirs is called) serves the repository's
//! files at `snippets/<this crate>/locales/`, beside this file's inline JS.

use checkout_widget::protocol::IntervalUnit;
use checkout_widget::testing::{fixtures, MockBillingRoute};
use checkout_widget::{BillingProvider, CurrentSubscription, PricingTable};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

// Declared so wasm-bindgen serves the files; never called, so never imported.
#[wasm_bindgen(module = "/locales/panel.de.json")]
extern "C" {
    #[allow(dead_code)]
    #[wasm_bindgen(js_name = unused)]
    fn served_panel_de();
}
#[wasm_bindgen(module = "/locales/widget.de.json")]
extern "C" {
    #[allow(dead_code)]
    #[wasm_bindgen(js_name = unused)]
    fn served_widget_de();
}

#[wasm_bindgen(inline_js = r#"
export function servedLocales() { return new URL('locales/', import.meta.url).href; }
export function fetchedSince(start, part) {
  return performance.getEntriesByType('resource')
    .slice(start).map((e) => e.name).filter((n) => n.includes(part));
}
export function resourceCount() { return performance.getEntriesByType('resource').length; }
export function watchText(node, seen) {
  const observer = new MutationObserver(() => seen(node.textContent));
  observer.observe(node, { childList: true, subtree: true, characterData: true });
}
"#)]
extern "C" {
    /// The URL of the served `locales/` folder (inline snippets sit in the
    /// same `snippets/<crate>/` folder as the declared files).
    #[wasm_bindgen(js_name = servedLocales)]
    fn served_locales() -> String;
    /// The resources fetched since the `start`-th whose URL holds `part`.
    #[wasm_bindgen(js_name = fetchedSince)]
    fn fetched_since(start: u32, part: &str) -> Vec<String>;
    /// How many resources the page has fetched so far.
    #[wasm_bindgen(js_name = resourceCount)]
    fn resource_count() -> u32;
    /// Calls `seen` with `node`'s text after every change to it: at each
    /// microtask checkpoint, so before any frame that could show it.
    #[wasm_bindgen(js_name = watchText)]
    fn watch_text(node: &web_sys::Node, seen: &Closure<dyn FnMut(String)>);
}

/// Words the panel below shows in English; none may show in German.
const ENGLISH: [&str; 6] = [
    "You have no subscription",
    "Loading prices",
    "Your current plan",
    "Renews on",
    "per month",
    "Cancel subscription",
];

/// A signed-in customer on Pro monthly, the route answering after `delay_ms`.
fn route(delay_ms: u32) -> Rc<MockBillingRoute> {
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
    route.set_delay_ms(delay_ms);
    route
}

/// The panel in `locale` with its catalogs at `catalogs_url`, mounted into a
/// fresh element, and every text it has shown (recorded from before mount).
struct Panel {
    root: HtmlElement,
    shown: Rc<RefCell<Vec<String>>>,
    _watch: Closure<dyn FnMut(String)>,
}

impl Panel {
    fn mount(route: &Rc<MockBillingRoute>, locale: &str, catalogs_url: String) -> Panel {
        let document = web_sys::window().unwrap().document().unwrap();
        let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let shown = Rc::new(RefCell::new(Vec::new()));
        let record = Rc::clone(&shown);
        let watch = Closure::<dyn FnMut(String)>::new(move |text: String| {
            record.borrow_mut().push(text);
        });
        watch_text(&root, &watch);
        let transport = route.transport();
        let locale = locale.to_owned();
        // Kept mounted for the page's life, as an app's panel is.
        let handle = leptos::mount::mount_to(root.clone(), move || {
            view! {
                <BillingProvider transport=transport locale=locale catalogs_url=catalogs_url>
                    <CurrentSubscription/>
                    <PricingTable success_url="/welcome" cancel_url="/pricing"/>
                </BillingProvider>
            }
        });
        std::mem::forget(handle);
        Panel {
            root,
            shown,
            _watch: watch,
        }
    }

    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }

    /// Every non-empty text the panel has shown, in order.
    fn shown(&self) -> Vec<String> {
        let shown = self.shown.borrow();
        shown
            .iter()
            .filter(|t| !t.trim().is_empty())
            .cloned()
            .collect()
    }
}

#[wasm_bindgen_test]
async fn a_german_panel_shows_german_words_first_and_loads_them_alongside_its_billing() {
    // The route answers late, so the words (a local file) arrive first if
    // they were fetched alongside the first load rather than after it.
    let route = route(600);
    let panel = Panel::mount(&route, "de-DE", served_locales());
    // Nothing drawn before the words are in: no English flash.
    assert_eq!(panel.text(), "", "drawn before its words were fetched");
    until(|| panel.text().contains("Ihr aktueller Tarif")).await;

    let shown = panel.shown();
    assert!(!shown.is_empty());
    // The first thing shown is the German loading state: the words came
    // while the billing load was still under way, and that load had started.
    assert!(
        shown[0].contains("Preise werden geladen"),
        "first shown: {:?}",
        shown[0]
    );
    for text in &shown {
        for english in ENGLISH {
            assert!(!text.contains(english), "{english:?} shown in {text:?}");
        }
    }
    assert!(!route.requests().is_empty());
}

#[wasm_bindgen_test]
async fn a_missing_catalog_leaves_english_and_the_panel_still_shows() {
    let route = route(0);
    // No French file is served: the fetches answer 404.
    let start = resource_count();
    let panel = Panel::mount(&route, "fr-FR", served_locales());
    // Up to 10 s, past the provider's 8 s catalog timeout: the test runner's
    // server sometimes leaves the second of two concurrent 404s unanswered,
    // and then the panel shows English once that fetch is given up, which
    // is this test's point too (a catalog that does not come leaves English).
    until_ms(10_000, || panel.text().contains("Your current plan")).await;
    assert!(panel.text().contains("Renews on"), "{}", panel.text());
    let asked = fetched_since(start, "/locales/");
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked.iter().any(|u| u.ends_with("/locales/panel.fr.json")));
    assert!(asked.iter().any(|u| u.ends_with("/locales/widget.fr.json")));
}

#[wasm_bindgen_test]
async fn an_english_panel_fetches_nothing_and_draws_at_once() {
    let route = route(0);
    let start = resource_count();
    let panel = Panel::mount(&route, "en-US", served_locales());
    // Drawn in the same turn as the mount: nothing to wait for.
    assert!(panel.text().contains("Loading prices"), "{}", panel.text());
    until(|| panel.text().contains("Renews on")).await;
    assert_eq!(fetched_since(start, ".json"), Vec::<String>::new());
    // The words the German panel must never show are this panel's.
    let shown = panel.shown().concat();
    for english in ENGLISH {
        assert!(shown.contains(english), "{english:?} never shown: {shown}");
    }
}

/// Waits (up to 5 s) until `done()`.
async fn until(done: impl Fn() -> bool) {
    until_ms(5_000, done).await;
}

/// Waits (up to `ms`) until `done()`.
async fn until_ms(ms: u32, done: impl Fn() -> bool) {
    for _ in 0..ms / 10 {
        if done() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!("timed out");
}
