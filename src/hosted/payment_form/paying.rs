//! Submitting the pay column: the checks, one confirm at a time, the
//! bank's 3-D Secure challenge, and leaving once paid (or saying why not).

use super::PayColumn;
use crate::browser;
use crate::error::BillingError;
use crate::hosted::authentication::{AuthenticationDialog, Outcome};
use crate::hosted::dom::append;
use crate::hosted::embedding;
use crate::hosted::field_view::{focus, set_timeout};
use crate::hosted::form::Field;
use crate::hosted::tax_id;
use crate::i18n::Message;
use checkout_protocol::{
    ConfirmPaymentRequest, ConfirmPaymentResponse, NextAction, PendingAuthentication,
};
use std::rc::{Rc, Weak};

/// Codes after which the session must be read again (paid elsewhere,
/// expired, or waiting for a bank's challenge the page does not show yet).
const SESSION_GONE: [&str; 4] = [
    "checkout_session_not_open",
    "checkout_session_expired",
    "checkout_session_not_found",
    "authentication_pending",
];

impl PayColumn {
    /// The form was submitted (Pay, or Enter in a field): the first problem
    /// is said in the alert and focused, else the payment is confirmed.
    /// Nothing happens while a confirm is in flight or the page is leaving:
    /// a double click charges once.
    pub(super) fn submit(self: &Rc<Self>) {
        self.cancel_deferred_announcement();
        if self.busy() || self.quantity_updating.get() {
            return;
        }
        self.submitted.set(true);
        self.refresh();
        let tax_id = self.tax.as_ref().map(|t| t.to_request()).transpose();
        match self.form().to_request(browser::utc_year_month()) {
            Ok(mut request) => match tax_id {
                Err(problem) => {
                    if let Some(tax) = &self.tax {
                        self.set_alert(&tax.problem_text(problem));
                        focus(tax_id::VALUE_ID);
                    }
                }
                Ok(tax_id) => {
                    request.tax_id = tax_id.flatten();
                    self.set_alert("");
                    self.pay(request);
                }
            },
            Err(errors) => {
                if let Some((field, message)) = errors.first() {
                    self.set_alert(message.text(self.page.lang));
                    self.submit_moves_focus.set(true);
                    focus(field.input_id());
                    self.submit_moves_focus.set(false);
                }
            }
        }
    }

    /// Confirms the payment; one at a time (the button waits meanwhile).
    fn pay(self: &Rc<Self>, request: ConfirmPaymentRequest) {
        self.pending.set(true);
        self.show_busy();
        let column = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let id = column.session_id.clone();
            embedding::post_processing(&id, true);
            let answer = column.page.client.confirm(&id, &request).await;
            // Said after the outcome's own message, so the page around us
            // never sees a gap between "not processing" and "paid". While
            // the bank's challenge waits nothing is charged: not processing.
            let leaving = match answer {
                Ok(answer) if answer.next_action == Some(NextAction::Authenticate) => {
                    match &answer.checkout_session.authentication {
                        Some(pending) => column.open_challenge(pending),
                        None => column.page.reload(),
                    }
                    false
                }
                Ok(paid) => column.leave_paid(&paid),
                Err(e) if SESSION_GONE.contains(&e.code()) => {
                    column.page.reload();
                    false
                }
                Err(e) => {
                    column.refused(&e);
                    column.set_alert(&crate::hosted::errors::error_text(&e, column.page.lang));
                    false
                }
            };
            embedding::post_processing(&id, false);
            column.pending.set(false);
            column.leaving.set(leaving);
            column.show_busy();
        });
    }

    /// Tells the page around us that a payment was refused (a decline, a
    /// failed authentication), so its code hears it.
    fn refused(&self, e: &BillingError) {
        if e.is_payment_refused() {
            embedding::post_payment_failed(&self.session_id, e.code(), &e.message());
        }
    }

    /// Shows the bank's challenge for `pending`.
    pub(super) fn open_challenge(self: &Rc<Self>, pending: &PendingAuthentication) {
        self.close_challenge();
        let (paid, ended) = (Rc::downgrade(self), Rc::downgrade(self));
        let outcome = Outcome {
            paid: Box::new(move |answer| {
                if let Some(column) = paid.upgrade() {
                    column.challenge_paid(&answer);
                }
            }),
            ended: Box::new(move |e| {
                if let Some(column) = ended.upgrade() {
                    column.challenge_ended(&e);
                }
            }),
        };
        let dialog = AuthenticationDialog::new(
            &self.page,
            &self.session_id,
            pending,
            &self.merchant,
            outcome,
        );
        append(&self.root, &[dialog.root()]);
        dialog.open();
        *self.challenge.borrow_mut() = Some(dialog);
    }

    fn close_challenge(&self) {
        if let Some(dialog) = self.challenge.take() {
            dialog.root().remove();
        }
    }

    /// Paid through the bank's challenge: the page is leaving.
    fn challenge_paid(&self, paid: &ConfirmPaymentResponse) {
        let leaving = self.leave_paid(paid);
        self.leaving.set(self.leaving.get() || leaving);
        self.close_challenge();
        self.show_busy();
    }

    /// The challenge ended without a payment.
    fn challenge_ended(self: &Rc<Self>, e: &BillingError) {
        self.close_challenge();
        self.refused(e);
        if SESSION_GONE.contains(&e.code()) {
            self.page.reload();
            return;
        }
        // Once the modal is gone (the page behind it is inert until then):
        // say why in the alert, and go back to the card to try again.
        let said = crate::hosted::errors::error_text(e, self.page.lang);
        let weak: Weak<Self> = Rc::downgrade(self);
        set_timeout(
            move || {
                if let Some(column) = weak.upgrade() {
                    column.set_alert(&said);
                    focus(Field::CardNumber.input_id());
                }
            },
            0,
        );
    }

    /// Sends the customer on after a payment: the page around us decides
    /// when embedded, else the browser goes to the signed success URL.
    /// `true` when the page is leaving; else the reason is in the alert.
    fn leave_paid(&self, paid: &ConfirmPaymentResponse) -> bool {
        // A paid answer always has one; the session's own is the same URL.
        let Some(url) = paid
            .redirect_url
            .as_deref()
            .or(paid.checkout_session.success_redirect_url.as_deref())
        else {
            return false;
        };
        if embedding::is_embedded() {
            // The page around us redirects (or not, if its code says so).
            embedding::post_success(&paid.checkout_session, url);
            return true;
        }
        // No success URL: this page itself shows the receipt (and keeps its ?theme=).
        if browser::is_current_page(url) {
            self.page.reload();
            return true;
        }
        match browser::navigate(url) {
            Ok(()) => true,
            Err(e) => {
                self.set_alert(&e.message_in(self.page.lang));
                false
            }
        }
    }
}
