//! The order summary beside the pay column: line items, totals, the
//! quantity stepper and the promotion-code field; for a session that saves a
//! card, what happens instead.

use super::context::PageContext;
use super::dom::{append, attrs, el, el_text, on, replace, text, total_row, Scope};
use super::embedding;
use super::errors::error_text;
use crate::browser;
use crate::format::interval_phrase;
use crate::i18n::{fill, page::Msg, plural, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{
    CheckoutSessionType, HostedCheckoutSession, HostedLineItem, QuantityBounds,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, KeyboardEvent};

/// What the summary tells the page.
pub struct SummaryHooks {
    /// A code or quantity changed the session: the page shows the new one.
    pub on_updated: Rc<dyn Fn(HostedCheckoutSession)>,
    /// A quantity change is in flight (`true`) or done: the pay button waits.
    pub on_quantity_updating: Rc<dyn Fn(bool)>,
}

/// The summary column of an open session.
pub struct Summary {
    root: Element,
    locale: String,
    /// The nodes redrawn when the session changes (the stepper and the code
    /// field after them stay, so focus and what was typed stay too).
    body: RefCell<Vec<Element>>,
    quantity: Option<Rc<Quantity>>,
    promo: Option<Rc<Promo>>,
}

impl Summary {
    /// The summary of `session`: its totals, and the stepper and code field
    /// when the merchant allows them.
    pub fn new(
        page: &Rc<PageContext>,
        session: &HostedCheckoutSession,
        hooks: SummaryHooks,
    ) -> Rc<Self> {
        let root = el("section", "co-summary");
        attrs(&root, &[("aria-labelledby", "co-summary-title")]);
        let lang = page.lang;
        if session.session_type == CheckoutSessionType::AddPaymentMethod {
            setup_summary(&root, &session.merchant_name, lang);
            return Rc::new(Self {
                root,
                locale: page.locale.clone(),
                body: RefCell::default(),
                quantity: None,
                promo: None,
            });
        }
        let hooks = Rc::new(hooks);
        let quantity = session
            .adjustable_quantity
            .map(|bounds| Quantity::new(page, session, bounds, &hooks));
        let codes_allowed =
            session.allow_promotion_codes == Some(true) || session.discount_code.is_some();
        let promo = codes_allowed.then(|| Promo::new(page, session, &hooks));
        if let Some(q) = &quantity {
            append(&root, &[&q.root]);
        }
        if let Some(p) = &promo {
            append(&root, &[&p.field.borrow(), &p.status]);
        }
        let summary = Rc::new(Self {
            root,
            locale: page.locale.clone(),
            body: RefCell::default(),
            quantity,
            promo,
        });
        summary.draw_body(session);
        summary
    }

    /// Its root element, which the page places in `.co-grid`.
    pub fn root(&self) -> Element {
        self.root.clone()
    }

    /// The session changed (a code, a quantity, a reload): totals follow.
    pub fn session_changed(&self, session: &HostedCheckoutSession) {
        if session.session_type == CheckoutSessionType::AddPaymentMethod {
            return;
        }
        self.draw_body(session);
        if let Some(q) = &self.quantity {
            q.session_changed(session);
        }
        if let Some(p) = &self.promo {
            Promo::session_changed(p, session);
        }
    }

    fn draw_body(&self, session: &HostedCheckoutSession) {
        for old in self.body.take() {
            old.remove();
        }
        let anchor = self.root.first_child();
        let nodes = summary_body(session, &self.locale);
        for node in &nodes {
            let _ = self.root.insert_before(node, anchor.as_ref());
        }
        *self.body.borrow_mut() = nodes;
    }
}

/// What is bought and what it costs: headline, hero amount, lines, totals.
fn summary_body(session: &HostedCheckoutSession, locale: &str) -> Vec<Element> {
    let lang = Lang::of(locale);
    let money = |amount: i64| format_money(amount, &session.currency, locale);
    let headline = match (&session.invoice_number, session.line_items.as_slice()) {
        (Some(number), _) => fill(Msg::InvoiceNumber.text(lang), &[number]),
        (None, [only]) => only.name.clone(),
        _ => Msg::YourOrder.text(lang).to_owned(),
    };
    let recurring = session.recurring.as_ref().map(|r| {
        money(r.amount) + " " + &interval_phrase(r.interval_unit, r.interval_count, locale)
    });
    let trial = session.trial_days.filter(|d| *d > 0);
    // Without a trial the totals already say what follows ("Then …").
    let (hero, hero_sub) = match (trial, &recurring) {
        (Some(days), Some(then)) => (
            plural(Msg::DaysFree, days, locale),
            Some(fill(Msg::ThenAmount.text(lang), &[then])),
        ),
        _ => (money(session.total_due_today), None),
    };
    let merchant = el_text("p", "co-merchant", &session.merchant_name);
    attrs(&merchant, &[("dir", "auto")]);
    let title = el_text("h1", "co-headline", &headline);
    attrs(&title, &[("id", "co-summary-title"), ("dir", "auto")]);
    let mut nodes = vec![merchant, title, el_text("p", "co-hero-amount", &hero)];
    if let Some(sub) = hero_sub {
        nodes.push(el_text("p", "co-hero-sub", &sub));
    }
    let lines = el("ul", "co-lines");
    attrs(&lines, &[("aria-label", Msg::Items.text(lang))]);
    for item in &session.line_items {
        append(&lines, &[&line_view(item, &session.currency, locale)]);
    }
    let totals = el("dl", "co-totals");
    append(
        &totals,
        &[&total_row(
            "co-total-row",
            Msg::Subtotal.text(lang),
            &money(session.subtotal),
            "",
        )],
    );
    if session.discount > 0 {
        let label = match (&session.discount_name, &session.discount_code) {
            (Some(name), Some(code)) => format!("{name} ({code})"),
            (None, Some(code)) => code.clone(),
            (Some(name), None) => name.clone(),
            (None, None) => Msg::Discount.text(lang).to_owned(),
        };
        let value = format!("−{}", money(session.discount));
        append(
            &totals,
            &[&total_row(
                "co-total-row co-total-discount",
                &label,
                &value,
                "",
            )],
        );
    }
    append(
        &totals,
        &[&total_row(
            "co-total-row co-total-due",
            Msg::TotalDueToday.text(lang),
            &money(session.total_due_today),
            "",
        )],
    );
    if let Some(then) = recurring {
        let label = match trial {
            Some(days) => plural(Msg::AfterTrial, days, locale),
            None => Msg::Then.text(lang).to_owned(),
        };
        append(
            &totals,
            &[&total_row(
                "co-total-row co-total-recurring",
                &label,
                &then,
                "",
            )],
        );
    }
    nodes.push(lines);
    nodes.push(totals);
    nodes
}

/// One line item: name, description, quantity × unit price, amount.
fn line_view(item: &HostedLineItem, currency: &str, locale: &str) -> Element {
    let money = |amount: i64| format_money(amount, currency, locale);
    let interval = item
        .interval_unit
        .map(|unit| {
            format!(
                " {}",
                interval_phrase(unit, item.interval_count.unwrap_or(1), locale)
            )
        })
        .unwrap_or_default();
    let li = el("li", "co-line");
    let words = el("div", "co-line-text");
    let name = el_text("span", "co-line-name", &item.name);
    attrs(&name, &[("dir", "auto")]);
    append(&words, &[&name]);
    if let Some(description) = &item.description {
        let d = el_text("span", "co-line-description", description);
        attrs(&d, &[("dir", "auto")]);
        append(&words, &[&d]);
    }
    if item.quantity > 1 {
        let count = crate::intl::format_count(locale, item.quantity);
        let q = fill(
            Msg::QuantityTimes.text(Lang::of(locale)),
            &[&count, &money(item.unit_amount)],
        );
        append(&words, &[&el_text("span", "co-line-quantity", &q)]);
    }
    let amount = format!("{}{}", money(item.amount), interval);
    append(&li, &[&words, &el_text("span", "co-line-amount", &amount)]);
    li
}

/// Saving a card: nothing is bought, so say what happens instead of totals.
fn setup_summary(root: &Element, merchant: &str, lang: Lang) {
    let title = el_text("h1", "co-headline", Msg::SetupTitle.text(lang));
    attrs(&title, &[("id", "co-summary-title")]);
    append(
        root,
        &[
            &el_text("p", "co-merchant", merchant),
            &title,
            &el_text(
                "p",
                "co-hero-sub",
                &fill(Msg::SetupBody.text(lang), &[merchant]),
            ),
        ],
    );
}

/// The promotion-code input.
const INPUT_ID: &str = "promotion-code";
/// "Add promotion code", which opens the field.
const TOGGLE_ID: &str = "promotion-code-toggle";
/// "Remove", beside an applied code.
const REMOVE_ID: &str = "promotion-code-remove";
/// The code field's error.
const PROMO_ERROR_ID: &str = "promotion-code-error";

/// The promotion-code field: apply a code (an unknown or expired one gets an
/// inline error) or remove the applied one; totals update in place. Focus
/// follows the control that replaces the one used, and a status says what
/// happened.
struct Promo {
    page: Rc<PageContext>,
    hooks: Rc<SummaryHooks>,
    session_id: String,
    applied: RefCell<Option<String>>,
    open: Cell<bool>,
    pending: Cell<bool>,
    /// What is typed, kept when the field is redrawn.
    code: RefCell<String>,
    error: RefCell<String>,
    /// The field as drawn now (the toggle, the input row, or the applied code).
    field: RefCell<Element>,
    status: Element,
    /// The drawn field's listeners.
    scope: RefCell<Scope>,
}

impl Promo {
    fn new(
        page: &Rc<PageContext>,
        session: &HostedCheckoutSession,
        hooks: &Rc<SummaryHooks>,
    ) -> Rc<Self> {
        let status = el("p", "cw-visually-hidden");
        attrs(&status, &[("role", "status")]);
        let promo = Rc::new(Self {
            page: page.clone(),
            hooks: hooks.clone(),
            session_id: session.id.clone(),
            applied: RefCell::new(session.discount_code.clone()),
            open: Cell::new(false),
            pending: Cell::new(false),
            code: RefCell::default(),
            error: RefCell::default(),
            field: RefCell::new(el("span", "")),
            status,
            scope: RefCell::default(),
        });
        let field = promo.draw();
        *promo.field.borrow_mut() = field;
        promo
    }

    fn session_changed(this: &Rc<Self>, session: &HostedCheckoutSession) {
        if *this.applied.borrow() != session.discount_code {
            *this.applied.borrow_mut() = session.discount_code.clone();
            this.redraw();
        }
    }

    fn redraw(self: &Rc<Self>) {
        let new = self.draw();
        let old = self.field.replace(new.clone());
        replace(&old, &new);
    }

    /// The field for the current state; its listeners replace the last ones.
    fn draw(self: &Rc<Self>) -> Element {
        let scope = Scope::default();
        let lang = self.page.lang;
        let applied = self.applied.borrow().clone();
        let field = match applied {
            Some(applied) => {
                let field = el("div", "co-promo co-promo-applied");
                let remove = el_text("button", "co-link-button", Msg::Remove.text(lang));
                attrs(
                    &remove,
                    &[
                        ("type", "button"),
                        ("id", REMOVE_ID),
                        (
                            "aria-label",
                            &fill(Msg::RemovePromo.text(lang), &[&applied]),
                        ),
                    ],
                );
                on(&scope, &remove, "click", self, |this, _| {
                    if !this.pending.get() {
                        this.change(None);
                    }
                });
                append(&field, &[&el_text("span", "cw-badge", &applied), &remove]);
                field
            }
            None if !self.open.get() => {
                let toggle = el_text(
                    "button",
                    "co-link-button co-promo-toggle",
                    Msg::AddPromo.text(lang),
                );
                attrs(&toggle, &[("type", "button"), ("id", TOGGLE_ID)]);
                on(&scope, &toggle, "click", self, |this, _| {
                    this.open.set(true);
                    this.redraw();
                    browser::restore_focus_to(INPUT_ID);
                });
                toggle
            }
            None => self.draw_input(&scope),
        };
        *self.scope.borrow_mut() = scope;
        field
    }

    /// The open field: label, input, apply button, error.
    fn draw_input(self: &Rc<Self>, scope: &Scope) -> Element {
        let lang = self.page.lang;
        let field = el("div", "co-promo");
        let label = el_text("label", "co-label", Msg::PromoCode.text(lang));
        attrs(&label, &[("for", INPUT_ID)]);
        let row = el("div", "co-promo-row");
        let input: HtmlInputElement = el("input", "co-input").unchecked_into();
        attrs(
            &input,
            &[
                ("id", INPUT_ID),
                ("type", "text"),
                ("autocomplete", "off"),
                ("autocapitalize", "characters"),
                ("maxlength", "64"),
            ],
        );
        input.set_value(&self.code.borrow());
        on(scope, &input, "input", self, |this, ev| {
            if let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                *this.code.borrow_mut() = input.value();
            }
        });
        on(scope, &input, "keydown", self, |this, ev| {
            // Enter applies the code instead of submitting the payment form.
            if ev.unchecked_ref::<KeyboardEvent>().key() == "Enter" {
                ev.prevent_default();
                this.apply();
            }
        });
        let apply = el_text(
            "button",
            "cw-button cw-button-secondary",
            Msg::Apply.text(lang),
        );
        attrs(
            &apply,
            &[
                ("type", "button"),
                ("aria-busy", bool_text(self.pending.get())),
            ],
        );
        on(scope, &apply, "click", self, |this, _| this.apply());
        let error = el("p", "co-field-error");
        attrs(&error, &[("id", PROMO_ERROR_ID), ("aria-live", "polite")]);
        append(&row, &[&input, &apply]);
        append(&field, &[&label, &row, &error]);
        let message = self.error.borrow().clone();
        self.show_error(&field, &message);
        field
    }

    /// Shows `message` under the open field (empty: no error).
    fn show_error(&self, field: &Element, message: &str) {
        *self.error.borrow_mut() = message.to_owned();
        let find = |selector: &str| field.query_selector(selector).ok().flatten();
        if let Some(p) = find(".co-field-error") {
            text(&p, message);
        }
        if let Some(input) = find("input") {
            attrs(&input, &[("aria-invalid", bool_text(!message.is_empty()))]);
            if message.is_empty() {
                let _ = input.remove_attribute("aria-describedby");
            } else {
                attrs(&input, &[("aria-describedby", PROMO_ERROR_ID)]);
            }
        }
    }

    fn set_error(&self, message: &str) {
        let field = self.field.borrow().clone();
        self.show_error(&field, message);
    }

    fn set_pending(&self, pending: bool) {
        self.pending.set(pending);
        if let Ok(Some(apply)) = self.field.borrow().query_selector(".cw-button") {
            attrs(&apply, &[("aria-busy", bool_text(pending))]);
        }
    }

    fn apply(self: &Rc<Self>) {
        let typed = self.code.borrow().trim().to_owned();
        if typed.is_empty() {
            self.set_error(Msg::EnterPromo.text(self.page.lang));
        } else if !self.pending.get() {
            self.change(Some(typed));
        }
    }

    /// Applies `code` (`None` removes the applied one).
    fn change(self: &Rc<Self>, code: Option<String>) {
        self.set_pending(true);
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let lang = this.page.lang;
            let answer = this
                .page
                .client
                .apply_discount(&this.session_id, code.as_deref())
                .await;
            match answer {
                Ok(updated) => {
                    let (said, next) = match &updated.discount_code {
                        Some(applied) => {
                            (fill(Msg::PromoApplied.text(lang), &[applied]), REMOVE_ID)
                        }
                        None => (Msg::PromoRemoved.text(lang).to_owned(), TOGGLE_ID),
                    };
                    this.error.borrow_mut().clear();
                    this.code.borrow_mut().clear();
                    this.open.set(false);
                    text(&this.status, &said);
                    // Redrawn here as well as by the page, so a closed field
                    // shows even when the applied code stayed the same.
                    *this.applied.borrow_mut() = updated.discount_code.clone();
                    this.redraw();
                    embedding::post_discount(&updated);
                    (this.hooks.on_updated)(updated);
                    browser::restore_focus_to(next);
                }
                Err(e) => this.set_error(&error_text(&e, lang)),
            }
            this.set_pending(false);
        });
    }
}

/// `"true"` / `"false"` for an ARIA state.
fn bool_text(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// The quantity input.
const QUANTITY_ID: &str = "quantity";

/// The quantity stepper of a session whose merchant lets the customer
/// choose: −/+ buttons around a number input (arrow keys step, Enter or
/// leaving the field applies what was typed), clamped to the bounds; each
/// change is posted and the new total is announced.
struct Quantity {
    page: Rc<PageContext>,
    hooks: Rc<SummaryHooks>,
    session_id: String,
    bounds: QuantityBounds,
    /// The session's quantity.
    current: Cell<u32>,
    pending: Cell<bool>,
    root: Element,
    input: HtmlInputElement,
    minus: Element,
    plus: Element,
    error: Element,
    status: Element,
    scope: Scope,
}

impl Quantity {
    fn new(
        page: &Rc<PageContext>,
        session: &HostedCheckoutSession,
        bounds: QuantityBounds,
        hooks: &Rc<SummaryHooks>,
    ) -> Rc<Self> {
        let lang = page.lang;
        let root = el("div", "co-quantity");
        let label = el_text("label", "co-label", Msg::Quantity.text(lang));
        attrs(&label, &[("for", QUANTITY_ID)]);
        let row = el("div", "co-quantity-row");
        let step = |sign: &str, name: Msg| {
            let b = el_text(
                "button",
                "cw-button cw-button-secondary co-quantity-step",
                sign,
            );
            attrs(
                &b,
                &[
                    ("type", "button"),
                    ("aria-label", name.text(lang)),
                    ("aria-controls", QUANTITY_ID),
                ],
            );
            b
        };
        let minus = step("−", Msg::DecreaseQuantity);
        let plus = step("+", Msg::IncreaseQuantity);
        let input: HtmlInputElement = el("input", "co-input co-quantity-input").unchecked_into();
        let (min, max) = (bounds.minimum.to_string(), bounds.maximum.to_string());
        attrs(
            &input,
            &[
                ("id", QUANTITY_ID),
                ("type", "number"),
                ("inputmode", "numeric"),
                ("min", &min),
                ("max", &max),
                ("step", "1"),
                ("aria-describedby", "quantity-range quantity-error"),
                ("aria-busy", "false"),
            ],
        );
        append(&row, &[&minus, &input, &plus]);
        let range = el_text(
            "p",
            "co-hint",
            &fill(Msg::QuantityRange.text(lang), &[&min, &max]),
        );
        attrs(&range, &[("id", "quantity-range")]);
        let error = el("p", "co-field-error");
        attrs(&error, &[("id", "quantity-error"), ("aria-live", "polite")]);
        let status = el("p", "cw-visually-hidden");
        attrs(&status, &[("role", "status")]);
        append(&root, &[&label, &row, &range, &error, &status]);
        let quantity = Rc::new(Self {
            page: page.clone(),
            hooks: hooks.clone(),
            session_id: session.id.clone(),
            bounds,
            current: Cell::new(quantity_of(session)),
            pending: Cell::new(false),
            root,
            input,
            minus,
            plus,
            error,
            status,
            scope: Scope::default(),
        });
        quantity.set_typed(quantity.current.get());
        quantity.mark_bounds();
        let q = &quantity;
        on(&q.scope, &q.minus, "click", q, |this, _| {
            if this.current.get() > this.bounds.minimum {
                this.step(false);
            }
        });
        on(&q.scope, &q.plus, "click", q, |this, _| {
            if this.current.get() < this.bounds.maximum {
                this.step(true);
            }
        });
        on(&q.scope, &q.input, "change", q, |this, _| {
            this.apply_typed()
        });
        on(&q.scope, &q.input, "keydown", q, |this, ev| {
            let key = ev.unchecked_ref::<KeyboardEvent>().key();
            match key.as_str() {
                // One request per step, from the server's quantity.
                "ArrowUp" | "ArrowDown" => {
                    ev.prevent_default();
                    this.step(key == "ArrowUp");
                }
                "Enter" => {
                    ev.prevent_default();
                    this.apply_typed();
                }
                _ => {}
            }
        });
        quantity
    }

    fn session_changed(&self, session: &HostedCheckoutSession) {
        self.current.set(quantity_of(session));
        self.mark_bounds();
    }

    /// −/+ say when they can go no further.
    fn mark_bounds(&self) {
        let now = self.current.get();
        attrs(
            &self.minus,
            &[("aria-disabled", bool_text(now <= self.bounds.minimum))],
        );
        attrs(
            &self.plus,
            &[("aria-disabled", bool_text(now >= self.bounds.maximum))],
        );
    }

    fn set_typed(&self, quantity: u32) {
        self.input.set_value(&quantity.to_string());
    }

    fn step(self: &Rc<Self>, up: bool) {
        let now = self.current.get();
        self.request(if up {
            now.saturating_add(1)
        } else {
            now.saturating_sub(1)
        });
    }

    fn apply_typed(self: &Rc<Self>) {
        match self.input.value().trim().parse::<u32>() {
            Ok(q) => self.request(q),
            Err(_) => self.set_typed(self.current.get()),
        }
    }

    fn request(self: &Rc<Self>, quantity: u32) {
        let quantity = self.bounds.clamp(quantity);
        self.set_typed(quantity);
        if quantity != self.current.get() && !self.pending.get() {
            self.change(quantity);
        }
    }

    fn set_pending(&self, pending: bool) {
        self.pending.set(pending);
        attrs(&self.input, &[("aria-busy", bool_text(pending))]);
        (self.hooks.on_quantity_updating)(pending);
    }

    fn change(self: &Rc<Self>, quantity: u32) {
        self.set_pending(true);
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let page = &this.page;
            let answer = page
                .client
                .change_quantity(&this.session_id, quantity)
                .await;
            this.set_pending(false);
            match answer {
                Ok(updated) => {
                    let total =
                        format_money(updated.total_due_today, &updated.currency, &page.locale);
                    let count = crate::intl::format_count(&page.locale, quantity);
                    text(&this.error, "");
                    this.set_typed(quantity);
                    text(
                        &this.status,
                        &fill(Msg::QuantityUpdated.text(page.lang), &[&count, &total]),
                    );
                    (this.hooks.on_updated)(updated);
                }
                Err(e) => {
                    text(&this.error, &error_text(&e, page.lang));
                    this.set_typed(this.current.get());
                }
            }
        });
    }
}

/// The session's quantity: its first line's.
fn quantity_of(session: &HostedCheckoutSession) -> u32 {
    session.line_items.first().map_or(1, |l| l.quantity)
}
