//! What every part of an open hosted page shares: the client, the language
//! and locale, and how to read the session again.

use crate::client::HostedClient;
use crate::i18n::Lang;
use std::rc::Rc;

/// What every part of an open hosted page shares.
pub struct PageContext {
    /// The hosted page's API (`session`, `apply_discount`, `change_quantity`,
    /// `authenticate`, `confirm`).
    pub client: HostedClient,
    /// The page's language.
    pub lang: Lang,
    /// BCP 47 locale for amounts and dates.
    pub locale: String,
    /// Reads the session again and redraws the page (after a payment that
    /// changed the session under the form, or "check again").
    pub reload: Rc<dyn Fn()>,
}

impl PageContext {
    /// Reads the session again and redraws the page: `(page.reload)()`.
    pub fn reload(&self) {
        (self.reload)()
    }
}
