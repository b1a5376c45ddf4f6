//! What each embedded element renders inside its shadow root — a price card,
//! a pricing table, or a save-card button — and how a created session opens:
//! redirect, overlay, or inline. Plain DOM: the bundle stays small.

use super::config::{Display, ElementConfig, ElementKind, Mode};
use super::dom::{self, Scope};
use super::events;
use super::frame;
use super::net::{object, Client};
use super::promise::Joined;
use super::read::{self, Created};
use super::slot::Slot;
use super::small_map::SmallMap;
use crate::billing::{AddPaymentMethodParams, CheckoutSessionParams};
use crate::browser;
use crate::error::BillingError;
use crate::i18n::{fill, widget::Msg, Lang, Message};
use crate::view_model::{IntervalOption, PriceCardModel, PricingTableModel, QuantityFieldModel};
use checkout_protocol::{
    action, ErrorCode, IntervalUnit, Price, PricingModel, Product, Quantity, UrlRole,
};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, EventTarget, HtmlInputElement};

/// One render of one element. Dropping it (re-render, unmount) removes its
/// listeners; async work checks `alive` before touching the page.
pub struct View {
    /// The element's root inside its shadow root.
    pub root: Element,
    scope: Scope,
    alive: Cell<bool>,
    host: EventTarget,
    kind: ElementKind,
    config: ElementConfig,
    client: Client,
    /// Inline mode's frame listeners.
    inline: Slot<Option<Scope>>,
    /// The checkout it opened last (overlay or inline), for `close()`.
    open: Slot<Option<frame::OpenFrame>>,
    /// The locale amounts and dates follow (`locale`, else `configure`'s, else the browser's).
    locale: String,
    /// The language of its words.
    lang: Lang,
}

impl View {
    /// The element events are fired on.
    pub fn host(&self) -> EventTarget {
        self.host.clone()
    }

    /// Stops this view: pending work finds it retired and leaves the page alone.
    pub fn retire(&self) {
        self.alive.set(false);
        self.inline.take();
        self.open.take();
    }

    /// Closes the checkout this element opened (see `frame::OpenFrame::close`);
    /// `false` when none is open or a payment is processing in it.
    pub fn close_frame(&self) -> bool {
        // Cloned out first: the events it fires may re-render this element.
        let open = self.open.with(|o| o.clone());
        open.is_some_and(|frame| frame.close())
    }
}

impl Drop for View {
    fn drop(&mut self) {
        self.alive.set(false);
    }
}

/// The pricing model's `data` as the route answered it: the same kind of
/// task as `Client::write`'s calls, so the bundle holds one copy of
/// [`Joined`]'s code; each element reads the model from it.
type ModelLoad = Joined<Result<wasm_bindgen::JsValue, BillingError>>;

thread_local! {
    /// One pricing-model request per server route and headers, shared by every element on the page.
    static MODELS: Slot<SmallMap<String, ModelLoad>> = const { Slot::new(SmallMap::new()) };
}

/// The pricing model for `client`'s route (shared; a failure is retried next time).
async fn pricing_model(
    config: &ElementConfig,
    client: &Client,
) -> Result<Rc<PricingModel>, BillingError> {
    let mut key = config.server_route.clone();
    for (name, value) in &config.headers {
        key.push('\n');
        key.push_str(name);
        key.push(':');
        key.push_str(value);
    }
    let load = MODELS
        .with(|m| m.with(|m| m.get(&key).cloned()))
        .unwrap_or_else(|| {
            let client = client.clone();
            let load = Joined::start(Box::pin(async move {
                client.read(action::PRICING_MODELS_RETRIEVE).await
            }));
            MODELS.with(|m| m.with(|m| m.insert(key.clone(), load.clone())));
            load
        });
    let result = load
        .output()
        .await
        .unwrap_or(Err(BillingError::Network))
        .and_then(|data| {
            read::pricing_model(&data)
                .map(Rc::new)
                .ok_or(BillingError::InvalidResponse)
        });
    if result.is_err() {
        let _failed = MODELS.with(|m| m.with(|m| m.remove(&key)));
    }
    result
}

/// Renders an element into `root` and starts whatever it needs to load.
pub fn render(
    root: Element,
    host: EventTarget,
    kind: ElementKind,
    config: ElementConfig,
) -> Rc<View> {
    let client = Client::new(
        &config.server_route,
        config.headers.clone(),
        config.timeout_ms,
        config.credentials,
    );
    let locale = config
        .locale
        .clone()
        .unwrap_or_else(browser::browser_locale);
    let lang = Lang::of(&locale);
    // Arabic mirrors the element (the stylesheet uses logical properties).
    dom::attrs(&root, &[("lang", lang.code()), ("dir", lang.dir())]);
    let view = Rc::new(View {
        root,
        locale,
        lang,
        scope: Scope::default(),
        alive: Cell::new(true),
        host,
        kind,
        config,
        client,
        inline: Slot::new(None),
        open: Slot::new(None),
    });
    if let Err(e) = check(&view) {
        problem(&view, &e);
        return view;
    }
    skeleton(&view);
    let task = view.clone();
    super::promise::spawn(Box::pin(async move { load(task).await }));
    view
}

fn check(view: &View) -> Result<(), BillingError> {
    view.config.display()?;
    view.config.theme()?;
    if view.kind == ElementKind::Checkout && view.config.mode()? == Mode::Product {
        view.config.check_price()?;
        view.config.quantity()?;
    }
    Ok(())
}

fn skeleton(view: &View) {
    // A status with text, not a label on a bare div (which axe rightly refuses):
    // screen readers hear "Loading price" while the card holds its place.
    let card = dom::el("div", "cw-card cw-card-skeleton");
    dom::attrs(
        &card,
        &[("part", "card"), ("role", "status"), ("aria-busy", "true")],
    );
    let said = dom::el("span", "cw-visually-hidden");
    dom::text(&said, Msg::LoadingPrice.text(view.lang));
    dom::append(&card, &[&said]);
    replace(view, &[&card]);
}

fn replace(view: &View, children: &[&Element]) {
    view.root.set_text_content(None);
    dom::append(&view.root, children);
}

/// Shows a problem in an alert and reports it as `checkout-error`.
fn problem(view: &View, error: &BillingError) {
    let alert = dom::el("p", "cw-error");
    dom::attrs(&alert, &[("part", "error"), ("role", "alert")]);
    dom::text(&alert, &error.message_in(view.lang));
    replace(view, &[&alert]);
    events::emit_error(&view.host, error);
}

/// A load that failed: the problem, and a "Try again" button when another
/// attempt may succeed (network, timeout, 5xx). The button stays busy while
/// it retries and keeps focus when the retry fails too.
fn load_failed(view: &Rc<View>, error: &BillingError) {
    let retried = view
        .root
        .get_root_node()
        // Unchecked: `activeElement` on any other node reads as none.
        .unchecked_into::<web_sys::ShadowRoot>()
        .active_element();
    let retried =
        retried.is_some_and(|a| a.get_attribute("part").as_deref() == Some("retry-button"));
    problem(view, error);
    if !error.is_retryable() {
        return;
    }
    let button = dom::el("button", "cw-button cw-retry");
    dom::attrs(
        &button,
        &[
            ("type", "button"),
            ("part", "retry-button"),
            ("aria-busy", "false"),
        ],
    );
    dom::text(&button, Msg::TryAgain.text(view.lang));
    let (task, pressed) = (view.clone(), button.clone());
    view.scope.listen(button.as_ref(), "click", move |_| {
        if pressed.get_attribute("aria-busy").as_deref() == Some("true") {
            return;
        }
        dom::attrs(
            &pressed,
            &[("aria-busy", "true"), ("aria-disabled", "true")],
        );
        let task = task.clone();
        super::promise::spawn(Box::pin(async move { load(task).await }));
    });
    dom::append(&view.root, &[&button]);
    if retried {
        // A <button> we made: no `instanceof` check needed.
        let _ = button.unchecked_ref::<web_sys::HtmlElement>().focus();
    }
}

async fn load(view: Rc<View>) {
    // The words and the prices load side by side; the element shows neither
    // until both are here, so a French card never flashes English first.
    let words = super::words::request(view.lang);
    let saves_a_card = view.kind == ElementKind::AddPaymentMethod
        || (view.kind == ElementKind::Checkout && view.config.mode() == Ok(Mode::AddPaymentMethod));
    if saves_a_card {
        super::words::install(view.lang, words).await;
        if view.alive.get() {
            add_payment_method(&view);
        }
        return;
    }
    let model = pricing_model(&view.config, &view.client).await;
    super::words::install(view.lang, words).await;
    if !view.alive.get() {
        return;
    }
    let model = match model {
        Ok(model) => model,
        Err(e) => return load_failed(&view, &e),
    };
    match view.kind {
        ElementKind::PricingTable => pricing_table(&view, &model),
        _ => single_price(&view, &model),
    }
}

fn single_price(view: &Rc<View>, model: &PricingModel) {
    let config = &view.config;
    let found = match (&config.price_slug, &config.price_id) {
        (Some(slug), _) => model.price_by_slug(slug),
        (_, Some(id)) => model.price_by_id(id),
        _ => None,
    };
    let Some((product, price)) = found else {
        let which = config
            .price_slug
            .clone()
            .or(config.price_id.clone())
            .unwrap_or_default();
        let error = BillingError::validation(
            ErrorCode::PriceNotFound,
            fill(Msg::PriceUnavailable.text(view.lang), &[&which]),
        );
        return problem(view, &error);
    };
    let quantity = config.quantity().unwrap_or_default().get();
    if config.display() == Ok(Display::Inline) {
        // Inline shows the checkout itself: create the session right away.
        skeleton(view);
        let params = product_params(config, price, quantity);
        start_product(view, params, None);
        events::emit(
            &view.host,
            events::READY,
            &object(&[("priceId", price.id.as_str().into())]),
            false,
        );
        return;
    }
    let card = price_card(view, product, price, quantity, config.label.clone());
    replace(view, &[&card]);
    events::emit(
        &view.host,
        events::READY,
        &object(&[("priceId", price.id.as_str().into())]),
        false,
    );
}

fn product_params(config: &ElementConfig, price: &Price, quantity: u32) -> CheckoutSessionParams {
    CheckoutSessionParams {
        price_id: Some(price.id.clone()),
        quantity: Some(quantity),
        success_url: config.success_url.clone(),
        cancel_url: config.cancel_url.clone(),
        ..Default::default()
    }
}

/// A price with its checkout button (and a quantity field when sold by the unit).
fn price_card(
    view: &Rc<View>,
    product: &Product,
    price: &Price,
    quantity: u32,
    label: Option<String>,
) -> Element {
    let model = PriceCardModel::new(product, price, &view.locale, quantity, label);
    let card = dom::el("article", "cw-card");
    dom::attrs(
        &card,
        &[("part", "card"), ("aria-labelledby", &model.heading_id)],
    );
    let title = dom::el("h3", "cw-card-title");
    // A name runs in its own direction (a Hebrew product on an English page).
    dom::attrs(
        &title,
        &[
            ("id", &model.heading_id),
            ("part", "title"),
            ("dir", "auto"),
        ],
    );
    dom::text(&title, &model.title);
    dom::append(&card, &[&title]);
    if let Some(description) = &model.description {
        let p = dom::el("p", "cw-card-description");
        dom::attrs(&p, &[("part", "description"), ("dir", "auto")]);
        dom::text(&p, description);
        dom::append(&card, &[&p]);
    }
    let price_line = dom::el("p", "cw-card-price");
    dom::attrs(&price_line, &[("part", "price")]);
    let amount = dom::el("span", "cw-amount");
    dom::attrs(&amount, &[("part", "amount")]);
    dom::text(&amount, &model.amount);
    dom::append(&price_line, &[&amount]);
    if let Some(interval) = &model.interval {
        let span = dom::el("span", "cw-interval");
        dom::text(&span, interval);
        dom::append(&price_line, &[&span]);
    }
    dom::append(&card, &[&price_line]);
    if let Some(trial_text) = &model.trial {
        let trial = dom::el("p", "cw-trial");
        dom::attrs(&trial, &[("part", "trial")]);
        dom::text(&trial, trial_text);
        dom::append(&card, &[&trial]);
    }
    let chosen = Rc::new(Cell::new(Quantity::new(quantity).ok()));
    if let Some(field) = &model.quantity {
        dom::append(&card, &[&quantity_field(view, field, chosen.clone())]);
    }
    let (button, alert) = button_with_alert(&model.button.label, &model.button.aria_label);
    let checkout = dom::el("div", "cw-checkout");
    dom::append(&checkout, &[&button, &alert]);
    dom::append(&card, &[&checkout]);

    // Listeners hold the view weakly: the view owns them.
    let (weak, price) = (Rc::downgrade(view), price.clone());
    let clicked_button = button.clone();
    view.scope.listen(button.as_ref(), "click", move |_| {
        let Some(view) = weak.upgrade() else { return };
        if clicked_button.get_attribute("aria-disabled").as_deref() == Some("true") {
            return;
        }
        // An invalid quantity reaches validation as 0 and gets its message there.
        let units = chosen.get().map_or(0, Quantity::get);
        let params = product_params(&view.config, &price, units);
        start_product(&view, params, Some((clicked_button.clone(), alert.clone())));
    });
    card
}

/// Units to buy, with the running total.
fn quantity_field(
    view: &View,
    field: &QuantityFieldModel,
    chosen: Rc<Cell<Option<Quantity>>>,
) -> Element {
    let wrap = dom::el("div", "cw-quantity");
    dom::attrs(&wrap, &[("part", "quantity")]);
    let label = dom::el("label", "");
    dom::attrs(&label, &[("for", &field.input_id)]);
    dom::text(&label, &field.label);
    let input = dom::el("input", "");
    dom::attrs(
        &input,
        &[
            ("id", &field.input_id),
            ("type", "number"),
            ("inputmode", "numeric"),
            ("min", &field.min),
            ("max", &field.max),
            ("step", "1"),
        ],
    );
    // An <input> we made: no `instanceof` check (nor its import) needed.
    input
        .unchecked_ref::<HtmlInputElement>()
        .set_value(&field.initial);
    let total = dom::el("span", "cw-quantity-total");
    dom::attrs(&total, &[("aria-live", "polite")]);
    let show_total = {
        let (total, field) = (total.clone(), field.clone());
        move |quantity: Option<Quantity>| dom::text(&total, &field.total(quantity))
    };
    show_total(chosen.get());
    let typed = input.clone();
    view.scope.listen(input.as_ref(), "input", move |_| {
        let value = typed.unchecked_ref::<HtmlInputElement>().value();
        let quantity = QuantityFieldModel::parse(&value);
        chosen.set(quantity);
        show_total(quantity);
    });
    dom::append(&wrap, &[&label, &input, &total]);
    wrap
}

fn button_with_alert(text: &str, aria_label: &str) -> (Element, Element) {
    let button = dom::el("button", "cw-button");
    dom::attrs(
        &button,
        &[
            ("type", "button"),
            ("part", "button"),
            ("aria-disabled", "false"),
            ("aria-busy", "false"),
            ("aria-label", aria_label),
        ],
    );
    dom::text(&button, text);
    let alert = dom::el("p", "cw-error");
    dom::attrs(&alert, &[("part", "error"), ("role", "alert")]);
    (button, alert)
}

/// Marks a button busy (or not) without disabling it, so focus stays on it.
fn set_busy(button: &Element, busy: bool, busy_text: &str, text: &str) {
    dom::attrs(
        button,
        &[
            ("aria-disabled", if busy { "true" } else { "false" }),
            ("aria-busy", if busy { "true" } else { "false" }),
        ],
    );
    dom::text(button, if busy { busy_text } else { text });
}

fn start_product(
    view: &Rc<View>,
    params: CheckoutSessionParams,
    button: Option<(Element, Element)>,
) {
    let body = read::product_request(params, None);
    start(view, button, action::CHECKOUT_SESSIONS_CREATE, body);
}

/// Runs a create call (`action` with its checked `body`) and opens the
/// result per the display mode.
fn start(
    view: &Rc<View>,
    button: Option<(Element, Element)>,
    action: &'static str,
    body: Result<String, BillingError>,
) {
    let text = button
        .as_ref()
        .and_then(|(b, _)| b.text_content())
        .unwrap_or_default();
    if let Some((b, alert)) = &button {
        set_busy(b, true, Msg::Redirecting.text(view.lang), &text);
        dom::text(alert, "");
    }
    let view = view.clone();
    super::promise::spawn(Box::pin(async move {
        let result = match body {
            Ok(body) => view.client.write(action, body).await,
            Err(e) => Err(e),
        }
        .and_then(|data| read::created(&data).ok_or(BillingError::InvalidResponse))
        .and_then(|created| framable(&view, created));
        if !view.alive.get() {
            return;
        }
        let stay = match result {
            Ok(created) => opened(&view, &created),
            Err(e) => {
                if let Some((_, alert)) = &button {
                    dom::text(alert, &e.message_in(view.lang));
                    events::emit_error(&view.host, &e);
                } else {
                    // Fires `checkout-error` itself (once).
                    problem(&view, &e);
                }
                true
            }
        };
        if stay {
            if let Some((b, _)) = &button {
                set_busy(b, false, "", &text);
            }
        }
    }));
}

/// In overlay and inline modes, refuses a session whose URL is not http(s)
/// before anything is framed (redirect mode checks it when navigating).
fn framable(view: &View, created: Created) -> Result<Created, BillingError> {
    match view.config.display().unwrap_or_default() {
        Display::Redirect => Ok(created),
        Display::Overlay | Display::Inline => {
            frame::checked_frame_url(&created.url)?;
            Ok(created)
        }
    }
}

/// A session exists: tell the page, then redirect, open the overlay, or show
/// it inline. `true` when the page stays (so the button comes back).
fn opened(view: &Rc<View>, created: &Created) -> bool {
    // The hosted page speaks the element's language when the merchant chose one
    // (without, it follows the same browser's languages anyway).
    let url = browser::with_locale(&created.url, view.config.locale.as_deref());
    let detail = object(&[
        ("url", url.as_str().into()),
        ("checkoutSession", created.session.clone()),
    ]);
    events::emit(&view.host, events::SESSION_CREATED, &detail, false);
    // A framed page wears the element's theme (a redirect leaves the element's page).
    let framed = frame::themed_url(&url, view.config.theme().unwrap_or_default());
    match view.config.display().unwrap_or_default() {
        Display::Redirect => !events::redirect(&view.host, &url, "checkout", &created.id),
        Display::Overlay => {
            let cancel_url = (!view.config.cancel_url.is_empty())
                .then(|| browser::resolve_url(&view.config.cancel_url, UrlRole::Cancel).ok())
                .flatten()
                .map(|u| browser::fill_session_id(&u, &created.id));
            let open = frame::open_overlay(
                &view.root,
                view.host.clone(),
                &framed,
                &created.id,
                cancel_url,
                Box::new(|_| {}),
            );
            view.open.set(Some(open));
            true
        }
        Display::Inline => {
            replace(view, &[]);
            let (scope, open) =
                frame::inline_frame(&view.root, view.host.clone(), &framed, &created.id);
            view.inline.set(Some(scope));
            view.open.set(Some(open));
            true
        }
    }
}

/// `<checkout-pricing-table>`: every product, with a monthly/yearly switch.
fn pricing_table(view: &Rc<View>, model: &Rc<PricingModel>) {
    let wrap = dom::el("div", "cw-pricing");
    let grid = dom::el("div", "cw-pricing-grid");
    let switch_model = PricingTableModel::new(model, view.lang).switch();
    let start = match view.config.interval.as_deref() {
        Some("year") | Some("yearly") => IntervalUnit::Year,
        _ => IntervalUnit::Month,
    };
    let fill = {
        let (weak, model, grid) = (Rc::downgrade(view), model.clone(), grid.clone());
        move |interval: IntervalUnit| {
            let Some(view) = weak.upgrade() else { return };
            grid.set_text_content(None);
            for (product, price) in PricingTableModel::new(&model, view.lang).offers(interval) {
                let card = price_card(&view, product, price, 1, None);
                dom::append(&grid, &[&card]);
            }
        }
    };
    if let Some(switch_model) = switch_model {
        let switch = dom::el("fieldset", "cw-switch");
        let legend = dom::el("legend", "cw-visually-hidden");
        dom::text(&legend, switch_model.legend);
        dom::append(&switch, &[&legend]);
        let fill = Rc::new(fill.clone());
        for IntervalOption { unit, label } in switch_model.options {
            let option = dom::el("label", "cw-switch-option");
            let input = dom::el("input", "");
            dom::attrs(&input, &[("type", "radio"), ("name", "cw-interval")]);
            input
                .unchecked_ref::<HtmlInputElement>()
                .set_checked(unit == start);
            let span = dom::el("span", "");
            dom::text(&span, label);
            dom::append(&option, &[&input, &span]);
            dom::append(&switch, &[&option]);
            let fill = fill.clone();
            view.scope
                .listen(input.as_ref(), "change", move |_| fill(unit));
        }
        dom::append(&wrap, &[&switch]);
    }
    fill(start);
    dom::append(&wrap, &[&grid]);
    replace(view, &[&wrap]);
    events::emit(&view.host, events::READY, &object(&[]), false);
}

/// `<checkout-add-payment-method>`: a button that opens the hosted page to save a card.
fn add_payment_method(view: &Rc<View>) {
    let label = view
        .config
        .label
        .clone()
        .unwrap_or_else(|| Msg::AddPaymentMethod.text(view.lang).to_owned());
    let (button, alert) = button_with_alert(&label, &label);
    let checkout = dom::el("div", "cw-checkout");
    dom::append(&checkout, &[&button, &alert]);
    replace(view, &[&checkout]);
    events::emit(&view.host, events::READY, &object(&[]), false);
    let go = {
        let weak = Rc::downgrade(view);
        move |button: Option<(Element, Element)>| {
            let Some(view) = weak.upgrade() else { return };
            let params = AddPaymentMethodParams {
                success_url: view.config.success_url.clone(),
                cancel_url: view.config.cancel_url.clone(),
                target_subscription_id: view.config.target_subscription_id.clone(),
                ..Default::default()
            };
            let body = read::add_payment_method_request(params, None);
            start(
                &view,
                button,
                action::CHECKOUT_SESSIONS_CREATE_ADD_PAYMENT_METHOD,
                body,
            );
        }
    };
    if view.config.display() == Ok(Display::Inline) {
        go(None);
        return;
    }
    let clicked = button.clone();
    view.scope.listen(button.as_ref(), "click", move |_| {
        if clicked.get_attribute("aria-disabled").as_deref() != Some("true") {
            go(Some((clicked.clone(), alert.clone())));
        }
    });
}
