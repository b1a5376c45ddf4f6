//! The issuer's 3-D Secure challenge in test mode (issue 16): a modal
//! dialog that stands in for the bank, asking the customer to complete or
//! fail the authentication of the payment they just confirmed.
//!
//! A native `<dialog>` opened with `showModal()`: the page behind it is
//! inert, focus starts on "Complete authentication" and Tab cycles between
//! the two buttons. Escape does nothing — the bank's question is answered
//! with one of the buttons, as a real issuer's page offers no other way out
//! (a reload shows the dialog again until it is answered or expires).

use super::context::PageContext;
use super::dom::{append, attrs, el, text, Scope};
use super::errors::capitalise;
use super::field_view::{set_text, set_timeout};
use crate::error::BillingError;
use crate::hosted::embedding;
use crate::i18n::{fill, page::Msg, Message};
use crate::money::format_money;
use checkout_protocol::{
    AuthenticateRequest, AuthenticationOutcome, ConfirmPaymentResponse, PendingAuthentication,
};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDialogElement, HtmlElement};

/// The dialog's title, which labels it.
const TITLE_ID: &str = "co-3ds-title";
/// The first and last of its buttons, between which Tab cycles.
const COMPLETE_ID: &str = "co-3ds-complete";
const FAIL_ID: &str = "co-3ds-fail";
/// A bank's columns, drawn: no emoji font is needed.
const BANK_LOGO: &str = r#"<svg class="co-3ds-logo" viewBox="0 0 24 24" width="22" height="22" focusable="false"><path fill="currentColor" d="M12 2 2 7v2h20V7L12 2zM4 11v7h3v-7H4zm6.5 0v7h3v-7h-3zM17 11v7h3v-7h-3zM2 20v2h20v-2H2z"></path></svg>"#;

/// What the dialog's owner hears: the paid answer (completed and charged),
/// or why the challenge ended without a payment (failed, declined after
/// it, expired). Either way the owner closes the dialog.
pub struct Outcome {
    /// Completed and charged.
    pub paid: Box<dyn Fn(ConfirmPaymentResponse)>,
    /// Ended without a payment.
    pub ended: Box<dyn Fn(BillingError)>,
}

/// The simulated bank's challenge for one waiting payment.
pub struct AuthenticationDialog {
    root: Element,
    complete: Element,
    fail: Element,
    status: Element,
    page: Rc<PageContext>,
    session_id: String,
    authentication_id: String,
    outcome: Outcome,
    /// An answer is on its way to the server.
    busy: Cell<bool>,
    /// Answered "complete" successfully: the page is leaving, stay busy.
    answered: Cell<bool>,
    scope: Scope,
}

impl AuthenticationDialog {
    /// The dialog for `pending` on session `session_id`, charged by `merchant`.
    pub fn new(
        page: &Rc<PageContext>,
        session_id: &str,
        pending: &PendingAuthentication,
        merchant: &str,
        outcome: Outcome,
    ) -> Rc<Self> {
        let lang = page.lang;
        let root = el("dialog", "co-3ds");
        attrs(
            &root,
            &[
                ("role", "dialog"),
                ("aria-modal", "true"),
                ("aria-labelledby", TITLE_ID),
                ("aria-describedby", "co-3ds-body"),
            ],
        );
        let bank = el("p", "co-3ds-bank");
        attrs(&bank, &[("aria-hidden", "true")]);
        bank.set_inner_html(BANK_LOGO);
        let _ = bank.append_with_str_1(Msg::BankName.text(lang));
        let title = el("h2", "co-3ds-title");
        attrs(&title, &[("id", TITLE_ID)]);
        text(&title, Msg::AuthenticateTitle.text(lang));
        let body = el("p", "");
        attrs(&body, &[("id", "co-3ds-body"), ("dir", "auto")]);
        text(
            &body,
            &fill(
                Msg::AuthenticateBody.text(lang),
                &[
                    merchant,
                    &format_money(pending.amount, &pending.currency, &page.locale),
                    &capitalise(&pending.card.brand),
                    &pending.card.last4,
                ],
            ),
        );
        let hint = el("p", "co-3ds-hint");
        text(&hint, Msg::AuthenticateHint.text(lang));
        let status = el("p", "cw-visually-hidden");
        attrs(&status, &[("role", "status")]);
        let actions = el("div", "co-3ds-actions");
        let complete = el("button", "cw-button");
        attrs(&complete, &[("type", "button"), ("id", COMPLETE_ID)]);
        text(&complete, Msg::CompleteAuthentication.text(lang));
        let fail = el("button", "cw-button cw-button-secondary");
        attrs(&fail, &[("type", "button"), ("id", FAIL_ID)]);
        text(&fail, Msg::FailAuthentication.text(lang));
        append(&actions, &[&complete, &fail]);
        append(&root, &[&bank, &title, &body, &hint, &status, &actions]);

        let dialog = Rc::new(Self {
            root,
            complete,
            fail,
            status,
            page: page.clone(),
            session_id: session_id.to_owned(),
            authentication_id: pending.id.clone(),
            outcome,
            busy: Cell::new(false),
            answered: Cell::new(false),
            scope: Scope::default(),
        });
        dialog.show_waiting();
        dialog.listen();
        dialog
    }

    /// The `<dialog>` element, which the owner places in the page.
    pub fn root(&self) -> &Element {
        &self.root
    }

    fn listen(self: &Rc<Self>) {
        // Escape: the bank's question has to be answered.
        self.scope
            .listen(&self.root, "cancel", |ev| ev.prevent_default());
        self.scope.listen(&self.root, "keydown", trap_tab);
        for (button, outcome) in [
            (&self.complete, AuthenticationOutcome::Succeeded),
            (&self.fail, AuthenticationOutcome::Failed),
        ] {
            let weak = Rc::downgrade(self);
            self.scope.listen(button, "click", move |_| {
                if let Some(dialog) = weak.upgrade() {
                    dialog.choose(outcome);
                }
            });
        }
    }

    /// Opens the dialog modally, with focus on "Complete authentication",
    /// once its owner has put it in the document.
    pub fn open(self: &Rc<Self>) {
        open_when_connected(Rc::downgrade(self), 20);
    }

    fn choose(self: &Rc<Self>, outcome: AuthenticationOutcome) {
        if self.busy.get() || self.answered.get() {
            return;
        }
        self.answered
            .set(outcome == AuthenticationOutcome::Succeeded);
        self.busy.set(true);
        self.show_waiting();
        let request = AuthenticateRequest {
            authentication_id: self.authentication_id.clone(),
            outcome,
        };
        let dialog = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let id = &dialog.session_id;
            // Completing charges the card: the page around us must not
            // close meanwhile (as for Pay), and hears the outcome first.
            embedding::post_processing(id, true);
            match dialog.page.client.authenticate(id, &request).await {
                Ok(paid) => (dialog.outcome.paid)(paid),
                Err(e) => (dialog.outcome.ended)(e),
            }
            embedding::post_processing(id, false);
            dialog.busy.set(false);
            dialog.show_waiting();
        });
    }

    fn show_waiting(&self) {
        let waiting = if self.busy.get() || self.answered.get() {
            "true"
        } else {
            "false"
        };
        attrs(
            &self.complete,
            &[("aria-disabled", waiting), ("aria-busy", waiting)],
        );
        attrs(&self.fail, &[("aria-disabled", waiting)]);
        set_text(
            &self.status,
            if waiting == "true" {
                Msg::Authenticating.text(self.page.lang)
            } else {
                ""
            },
        );
    }
}

/// `showModal()` needs the dialog in the document: the owner may place it
/// only after building it, so wait a turn (a few times) for that.
fn open_when_connected(dialog: Weak<AuthenticationDialog>, tries: u32) {
    let Some(this) = dialog.upgrade() else {
        return;
    };
    if !this.root.is_connected() {
        if tries > 0 {
            set_timeout(move || open_when_connected(dialog, tries - 1), 0);
        }
        return;
    }
    if let Some(modal) = this.root.dyn_ref::<HtmlDialogElement>() {
        if !modal.open() {
            let _ = modal.show_modal();
        }
    }
    if let Some(button) = this.complete.dyn_ref::<HtmlElement>() {
        let _ = button.focus();
    }
}

/// Keeps Tab inside the dialog: past the last button it comes back to the
/// first, and Shift+Tab before the first goes to the last.
fn trap_tab(ev: web_sys::Event) {
    let Some(key) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
        return;
    };
    if key.key() != "Tab" {
        return;
    }
    let active = super::dom::document()
        .and_then(|d| d.active_element())
        .map(|el| el.id())
        .unwrap_or_default();
    let wrap_to = match (key.shift_key(), active.as_str()) {
        (false, FAIL_ID) => COMPLETE_ID,
        (true, COMPLETE_ID) => FAIL_ID,
        (_, COMPLETE_ID | FAIL_ID) => return,
        // Focus on the dialog itself (or its text): start from the first button.
        _ => COMPLETE_ID,
    };
    ev.prevent_default();
    super::field_view::focus(wrap_to);
}
