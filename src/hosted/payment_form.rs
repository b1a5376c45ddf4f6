//! The pay column: email, card and (when the session asks) billing address,
//! checked as the customer types, and a pay button that cannot charge twice.
//! Plain DOM: what is typed lives in the inputs, and the few things that
//! change (errors, the button, the alert) are updated where they are.

// Submitting: the confirm, the bank's challenge, and leaving once paid.
mod paying;

use super::authentication::AuthenticationDialog;
use super::context::PageContext;
use super::countries;
use super::dom::{append, attrs, el, text, Scope};
use super::embedding;
use super::field_view::{
    clear_timeout, mark_selected, moves_to_submit, set_text, set_timeout, FieldView,
};
use super::form::{preselected_card, saved_card_label, AddressForm, Field, PaymentForm};
use super::tax_id::TaxIdSection;
use crate::browser;
use crate::i18n::{fill, page::Msg, Lang, Message};
use crate::money::format_money;
use checkout_protocol::{
    card, BillingAddressCollection, CheckoutSessionType, HostedCheckoutSession,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// The pay column of an open session (payment or setup): the form that
/// pays (or, for a setup session, saves a card), and the bank's challenge
/// when one waits.
pub struct PayColumn {
    page: Rc<PageContext>,
    root: Element,
    form: Element,
    session_id: String,
    merchant: String,
    /// Every field the form shows (the card's only while no saved card is chosen).
    fields: Vec<FieldView>,
    collects_address: bool,
    brand: Element,
    /// The card fields: out of the form while a saved card is chosen, so
    /// nothing asks for them; what was typed is kept in them.
    card_fields: Element,
    saved_cards: Option<Element>,
    /// The saved card chosen; `None` for a new card.
    chosen: RefCell<Option<String>>,
    tax: Option<Rc<TaxIdSection>>,
    touched: RefCell<Vec<Field>>,
    submitted: Cell<bool>,
    alert: Element,
    /// The field error a screen reader hears as the customer goes: politely,
    /// once, and never for a submit (the alert above the button says it then).
    announcer: Element,
    announced: Cell<Option<(Field, Msg)>>,
    /// The card number's last verdict once complete, so each new one is said once.
    judged: Cell<Option<Msg>>,
    deferred_announcement: Cell<Option<i32>>,
    /// True while a submit moves focus to the first wrong field: the blur that
    /// causes is not the customer leaving a field.
    submit_moves_focus: Cell<bool>,
    status: Element,
    busy_status: &'static str,
    button: Element,
    spinner: Element,
    pay_label: RefCell<String>,
    /// A confirm is in flight.
    pending: Cell<bool>,
    /// Paid (directly or through the bank's challenge): the page is leaving.
    leaving: Cell<bool>,
    /// A quantity change is in flight: the total on the button is about to change.
    quantity_updating: Cell<bool>,
    /// The bank's challenge waiting on this payment (3-D Secure, issue 16).
    challenge: RefCell<Option<Rc<AuthenticationDialog>>>,
    scope: Scope,
}

impl PayColumn {
    /// The pay column for an open session (payment or setup).
    pub fn new(page: &Rc<PageContext>, session: &HostedCheckoutSession) -> Rc<Self> {
        let lang = page.lang;
        let locked_email = session
            .customer_email
            .clone()
            .filter(|e| !e.trim().is_empty());
        let collects_address =
            session.billing_address_collection == Some(BillingAddressCollection::Required);

        let root = el("section", "co-pay");
        attrs(&root, &[("aria-labelledby", "co-pay-title")]);
        let title = el("h2", "co-section-title");
        attrs(&title, &[("id", "co-pay-title")]);
        text(&title, Msg::PaymentDetails.text(lang));
        let form = el("form", "co-form");
        attrs(&form, &[("novalidate", "")]);
        append(&root, &[&title, &form]);

        let mut fields = Vec::new();
        let email = FieldView::input(
            Field::Email,
            lang,
            locked_email.is_some(),
            locked_email.as_deref().unwrap_or_default(),
        );
        append(&form, &[&email.wrap]);
        fields.push(email);

        // Saved cards (issue 16): radio choices, the default checked, and "Use a new card".
        let chosen = preselected_card(&session.saved_payment_methods);
        let saved_cards = (!session.saved_payment_methods.is_empty()).then(|| {
            let set = el("fieldset", "co-card-fields co-saved-cards");
            let legend = el("legend", "co-legend");
            text(&legend, Msg::PaymentMethod.text(lang));
            append(&set, &[&legend]);
            let choices = session
                .saved_payment_methods
                .iter()
                .map(|c| (c.id.as_str(), saved_card_label(c, lang)))
                .chain([("", Msg::UseNewCard.text(lang).to_owned())]);
            for (id, label) in choices {
                let input_id = if id.is_empty() {
                    "saved-card-new".to_owned()
                } else {
                    format!("saved-card-{id}")
                };
                append(
                    &set,
                    &[&radio(
                        &input_id,
                        id,
                        &label,
                        chosen.as_deref().unwrap_or("") == id,
                    )],
                );
            }
            append(&form, &[&set]);
            set
        });

        let card_fields = el("fieldset", "co-card-fields");
        let legend = el("legend", "co-legend");
        text(&legend, Msg::CardInformation.text(lang));
        let number = FieldView::input(Field::CardNumber, lang, false, "");
        let brand = el("span", "co-brand");
        attrs(&brand, &[("aria-live", "polite")]);
        if let Some(b) = &number.input_box {
            append(b, &[&brand]);
        }
        let expiry = FieldView::input(Field::Expiry, lang, false, "");
        let cvc = FieldView::input(Field::Cvc, lang, false, "");
        append(&card_fields, &[&legend, &number.wrap, &row(&expiry, &cvc)]);
        if chosen.is_none() {
            append(&form, &[&card_fields]);
        }
        fields.extend([number, expiry, cvc]);

        if collects_address {
            let set = el("fieldset", "co-card-fields");
            let legend = el("legend", "co-legend");
            text(&legend, Msg::BillingAddress.text(lang));
            let initial = countries::country_of_locale(&page.locale).unwrap_or_default();
            let [name, line1, line2, city, state, postal] = [
                Field::Name,
                Field::Line1,
                Field::Line2,
                Field::City,
                Field::State,
                Field::PostalCode,
            ]
            .map(|f| FieldView::input(f, lang, false, ""));
            let country = FieldView::country(
                lang,
                &page.locale,
                countries::countries(&page.locale),
                initial,
            );
            append(
                &set,
                &[
                    &legend,
                    &name.wrap,
                    &country.wrap,
                    &line1.wrap,
                    &line2.wrap,
                    &row(&city, &postal),
                    &state.wrap,
                ],
            );
            append(&form, &[&set]);
            fields.extend([name, country, line1, line2, city, postal, state]);
        }

        // Tax IDs (issue 16, item 8): offered when the merchant collects them.
        let tax = (session.tax_id_collection == Some(true)).then(|| TaxIdSection::new(lang));
        if let Some(tax) = &tax {
            append(&form, &[tax.root()]);
        }

        let alert = el("p", "co-alert");
        attrs(&alert, &[("role", "alert")]);
        let announcer = el("p", "cw-visually-hidden");
        attrs(&announcer, &[("aria-live", "polite")]);
        let status = el("p", "cw-visually-hidden");
        attrs(&status, &[("role", "status")]);
        let button = el("button", "cw-button co-pay-button");
        attrs(&button, &[("type", "submit")]);
        let spinner = el("span", "co-spinner");
        attrs(&spinner, &[("aria-hidden", "true")]);
        append(&button, &[&spinner]);
        let _ = button.append_with_str_1("");
        append(&form, &[&alert, &announcer, &status, &button]);
        if let Some(url) = &session.cancel_url {
            let cancel = el("a", "co-cancel");
            attrs(&cancel, &[("href", url)]);
            text(
                &cancel,
                &fill(Msg::CancelReturn.text(lang), &[&session.merchant_name]),
            );
            append(&form, &[&cancel]);
        }

        let column = Rc::new(Self {
            page: page.clone(),
            root,
            form,
            session_id: session.id.clone(),
            merchant: session.merchant_name.clone(),
            fields,
            collects_address,
            brand,
            card_fields,
            saved_cards,
            chosen: RefCell::new(chosen),
            tax,
            touched: RefCell::new(Vec::new()),
            submitted: Cell::new(false),
            alert,
            announcer,
            announced: Cell::new(None),
            judged: Cell::new(None),
            deferred_announcement: Cell::new(None),
            submit_moves_focus: Cell::new(false),
            status,
            busy_status: if session.session_type == CheckoutSessionType::AddPaymentMethod {
                Msg::SavingCard.text(lang)
            } else {
                Msg::ProcessingPayment.text(lang)
            },
            button,
            spinner,
            pay_label: RefCell::new(pay_label(session, &page.locale)),
            pending: Cell::new(false),
            leaving: Cell::new(false),
            quantity_updating: Cell::new(false),
            challenge: RefCell::new(None),
            scope: Scope::default(),
        });
        column.listen(session);
        column.show_busy();
        // After a reload the bank's challenge may still be waiting.
        if let Some(pending) = &session.authentication {
            column.open_challenge(pending);
        }
        column
    }

    /// Its root element (`<section class="co-pay" …>`), which the page places in `.co-grid`.
    pub fn root(&self) -> web_sys::Element {
        self.root.clone()
    }

    /// The session changed under the form (discount, quantity): the pay
    /// label follows; typed values stay.
    pub fn session_changed(&self, session: &HostedCheckoutSession) {
        *self.pay_label.borrow_mut() = pay_label(session, &self.page.locale);
        self.show_busy();
    }

    /// A quantity change is in flight: the pay button waits.
    pub fn set_quantity_updating(&self, updating: bool) {
        self.quantity_updating.set(updating);
        self.show_busy();
    }

    fn listen(self: &Rc<Self>, session: &HostedCheckoutSession) {
        let weak = Rc::downgrade(self);
        let on = |target: &Element, event: &str, handler: Handler| {
            let weak = weak.clone();
            self.scope.listen(target, event, move |ev| {
                // Held for the handler's length: a reload it starts may drop the page's copy.
                if let Some(column) = weak.upgrade() {
                    handler(&column, ev);
                }
            });
        };
        for view in &self.fields {
            let field = view.field;
            let event = if field == Field::Country {
                "change"
            } else {
                "input"
            };
            on(&view.control, event, Box::new(move |c, _| c.typed(field)));
            on(
                &view.control,
                "blur",
                Box::new(move |c, ev| c.leave(field, moves_to_submit(&ev))),
            );
        }
        if let Some(set) = &self.saved_cards {
            on(
                set,
                "change",
                Box::new(|c, ev| {
                    let picked = ev
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                        .map(|i| i.value());
                    if let Some(id) = picked {
                        c.choose_card((!id.is_empty()).then_some(id));
                    }
                }),
            );
        }
        on(
            &self.form,
            "submit",
            Box::new(|c, ev| {
                ev.prevent_default();
                c.submit();
            }),
        );
        if let Some(cancel) = self.form.query_selector("a.co-cancel").ok().flatten() {
            let target = session.cancel_url.clone().unwrap_or_default();
            on(
                &cancel,
                "click",
                Box::new(move |c, ev| {
                    if embedding::is_embedded() {
                        ev.prevent_default();
                        embedding::post_cancel(&c.session_id, Some(&target));
                    }
                }),
            );
        }
    }

    fn view(&self, field: Field) -> Option<&FieldView> {
        self.fields.iter().find(|v| v.field == field)
    }

    fn value(&self, field: Field) -> String {
        self.view(field).map(FieldView::value).unwrap_or_default()
    }

    /// What the customer typed, as the form's rules read it.
    fn form(&self) -> PaymentForm {
        let v = |f| self.value(f);
        PaymentForm {
            email: v(Field::Email),
            card_number: v(Field::CardNumber),
            expiry: v(Field::Expiry),
            cvc: v(Field::Cvc),
            address: self.collects_address.then(|| AddressForm {
                name: v(Field::Name),
                line1: v(Field::Line1),
                line2: v(Field::Line2),
                city: v(Field::City),
                state: v(Field::State),
                postal_code: v(Field::PostalCode),
                country: v(Field::Country),
            }),
            saved_card: self.chosen.borrow().clone(),
        }
    }

    /// The error `field` shows now, if any.
    fn shown_error(&self, form: &PaymentForm, field: Field) -> Option<Msg> {
        // A full-length card number is judged at once, before the customer leaves the field.
        let complete_number = field == Field::CardNumber && card_number_complete(&form.card_number);
        let visible =
            self.submitted.get() || self.touched.borrow().contains(&field) || complete_number;
        visible
            .then(|| form.field_error(field, browser::utc_year_month()))
            .flatten()
    }

    /// The customer typed in (or chose) `field`: reformat it, judge a
    /// complete card number, and bring the errors up to date.
    fn typed(&self, field: Field) {
        let Some(view) = self.view(field) else {
            return;
        };
        if let Some(input) = view.control.dyn_ref::<HtmlInputElement>() {
            let typed = input.value();
            let formatted = field.format_input(&typed);
            if formatted != typed {
                input.set_value(&formatted);
            }
        } else {
            mark_selected(&view.control, &view.value());
        }
        if field == Field::CardNumber {
            self.judge_card_number();
        }
        self.refresh();
    }

    /// A full-length card number that fails is said at once, as it is shown.
    fn judge_card_number(&self) {
        let number = self.value(Field::CardNumber);
        let judged = card_number_complete(&number)
            .then(|| {
                let typed = PaymentForm {
                    card_number: number,
                    ..PaymentForm::default()
                };
                typed.field_error(Field::CardNumber, browser::utc_year_month())
            })
            .flatten();
        if let Some(message) = judged {
            if self.judged.get() != Some(message)
                && self.announced.get() != Some((Field::CardNumber, message))
            {
                self.set_announced(Some((Field::CardNumber, message)));
            }
        }
        self.judged.set(judged);
    }

    /// Shows each field's error and the card brand as they are now; an
    /// announced error that was fixed (or changed) is no longer news, so
    /// the region empties and the same mistake made again is said again.
    fn refresh(&self) {
        let form = self.form();
        for view in &self.fields {
            view.show(self.shown_error(&form, view.field));
        }
        let brand = card::CardBrand::detect(&form.card_number);
        set_text(
            &self.brand,
            if brand == card::CardBrand::Unknown {
                ""
            } else {
                brand.display_name()
            },
        );
        if let Some((field, message)) = self.announced.get() {
            if self.shown_error(&form, field) != Some(message) {
                self.set_announced(None);
            }
        }
    }

    fn set_announced(&self, announced: Option<(Field, Msg)>) {
        self.announced.set(announced);
        let lang = self.page.lang;
        let said = announced.map(|(field, message)| {
            fill(
                Msg::FieldProblem.text(lang),
                &[field.label().text(lang), message.text(lang)],
            )
        });
        set_text(&self.announcer, said.as_deref().unwrap_or_default());
    }

    fn announce(&self, field: Field) {
        if let Some(message) = self.shown_error(&self.form(), field) {
            if self.announced.get() != Some((field, message)) {
                self.set_announced(Some((field, message)));
            }
        }
    }

    /// Leaving a field shows its error, and says it. When focus leaves for
    /// the pay button (a click on Pay), the submit's alert will say it
    /// instead: wait a moment, and stay quiet if the submit comes.
    fn leave(self: &Rc<Self>, field: Field, to_submit: bool) {
        {
            let mut touched = self.touched.borrow_mut();
            if !touched.contains(&field) {
                touched.push(field);
            }
        }
        self.refresh();
        if self.submit_moves_focus.get() {
            return;
        }
        if to_submit {
            let weak = Rc::downgrade(self);
            let handle = set_timeout(
                move || {
                    if let Some(column) = weak.upgrade() {
                        column.deferred_announcement.set(None);
                        column.announce(field);
                    }
                },
                500,
            );
            self.deferred_announcement.set(handle);
        } else {
            self.announce(field);
        }
    }

    fn cancel_deferred_announcement(&self) {
        if let Some(handle) = self.deferred_announcement.take() {
            clear_timeout(handle);
        }
    }

    /// A saved card (or, with `None`, a new card) was chosen.
    fn choose_card(&self, card: Option<String>) {
        let new_card = card.is_none();
        *self.chosen.borrow_mut() = card;
        match (&self.saved_cards, new_card) {
            (Some(saved), true) => {
                let _ = self
                    .form
                    .insert_before(&self.card_fields, saved.next_sibling().as_ref());
            }
            _ => self.card_fields.remove(),
        }
        self.refresh();
    }

    fn busy(&self) -> bool {
        self.pending.get() || self.leaving.get()
    }

    /// The pay button, its spinner and the status line, as busy as the form is.
    fn show_busy(&self) {
        let busy = self.busy();
        let flag = |b: bool| if b { "true" } else { "false" };
        attrs(
            &self.button,
            &[
                ("aria-disabled", flag(busy || self.quantity_updating.get())),
                ("aria-busy", flag(busy)),
            ],
        );
        if busy {
            let _ = self.spinner.remove_attribute("hidden");
        } else {
            attrs(&self.spinner, &[("hidden", "")]);
        }
        let label = if busy {
            Msg::Processing.text(self.page.lang).to_owned()
        } else {
            self.pay_label.borrow().clone()
        };
        if let Some(node) = self.button.last_child() {
            if node.node_value().as_deref() != Some(label.as_str()) {
                node.set_node_value(Some(&label));
            }
        }
        set_text(&self.status, if busy { self.busy_status } else { "" });
    }

    fn set_alert(&self, said: &str) {
        set_text(&self.alert, said);
    }
}

impl Drop for PayColumn {
    fn drop(&mut self) {
        self.cancel_deferred_announcement();
    }
}

/// What a listener of the column does, given the column.
type Handler = Box<dyn Fn(&Rc<PayColumn>, web_sys::Event)>;

/// A radio choice of the saved-card fieldset (`value` empty: a new card).
fn radio(input_id: &str, value: &str, label_text: &str, checked: bool) -> Element {
    let choice = el("div", "co-choice");
    let input = el("input", "co-radio");
    attrs(
        &input,
        &[
            ("type", "radio"),
            ("id", input_id),
            ("name", "payment-method"),
            ("value", value),
        ],
    );
    if let Some(input) = input.dyn_ref::<HtmlInputElement>() {
        input.set_checked(checked);
    }
    let label = el("label", "");
    attrs(&label, &[("for", input_id)]);
    text(&label, label_text);
    append(&choice, &[&input, &label]);
    choice
}

/// Two fields side by side.
fn row(first: &FieldView, second: &FieldView) -> Element {
    let row = el("div", "co-row");
    append(&row, &[&first.wrap, &second.wrap]);
    row
}

/// "Pay $49.00", "Start trial", or "Save card" for a setup session.
pub fn pay_label(session: &HostedCheckoutSession, locale: &str) -> String {
    let lang = Lang::of(locale);
    let trial = session.trial_days.filter(|d| *d > 0).is_some() && session.total_due_today == 0;
    if session.session_type == CheckoutSessionType::AddPaymentMethod {
        // Nothing is charged, so the button must not say "Pay".
        Msg::SaveCard.text(lang).to_owned()
    } else if trial {
        Msg::StartTrial.text(lang).to_owned()
    } else {
        fill(
            Msg::Pay.text(lang),
            &[&format_money(
                session.total_due_today,
                &session.currency,
                locale,
            )],
        )
    }
}

/// Whether a card number has all its digits (15 for American Express, else 16),
/// so it can be judged before the customer leaves the field.
pub fn card_number_complete(number: &str) -> bool {
    let full = if card::CardBrand::detect(number) == card::CardBrand::Amex {
        15
    } else {
        16
    };
    card::digits_of(number).is_some_and(|d| d.len() >= full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(kind: &str, total: i64, trial_days: Option<u32>) -> HostedCheckoutSession {
        let mut s: HostedCheckoutSession = serde_json::from_str(
            r#"{"id":"cs_1","type":"product","status":"open","merchantName":"Acme",
                "currency":"usd","lineItems":[],"subtotal":0,"discount":0,
                "totalDueToday":0,"expires":0}"#,
        )
        .unwrap();
        s.session_type = serde_json::from_value(serde_json::Value::from(kind)).unwrap();
        s.total_due_today = total;
        s.trial_days = trial_days;
        s
    }

    #[test]
    fn the_button_says_pay_the_total_start_trial_or_save_card() {
        let pay = pay_label(&session("product", 4900, None), "en-US");
        assert!(pay.starts_with("Pay ") && pay.contains("49"), "{pay}");
        assert_eq!(
            pay_label(&session("product", 0, Some(14)), "en-US"),
            "Start trial"
        );
        // A trial that still charges today (a setup fee) says what it charges.
        assert!(pay_label(&session("product", 500, Some(14)), "en-US").starts_with("Pay "));
        assert_eq!(
            pay_label(&session("add_payment_method", 0, None), "en-US"),
            Msg::SaveCard.text(Lang::En)
        );
    }

    #[test]
    fn a_card_number_is_complete_at_its_brands_length() {
        assert!(!card_number_complete("4242 4242 4242 424"));
        assert!(card_number_complete("4242 4242 4242 4242"));
        assert!(!card_number_complete("3782 822463 1000"));
        assert!(card_number_complete("3782 822463 10005"));
        assert!(!card_number_complete(""));
    }
}
