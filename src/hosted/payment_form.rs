//! TEMPORARY placeholder until hostpay's pay column is merged (branch
//! `hostpay` replaces this file): an empty `<section class="co-pay">`.

use super::context::PageContext;
use checkout_protocol::HostedCheckoutSession;
use std::rc::Rc;

/// The pay column for an open session.
pub struct PayColumn {
    root: web_sys::Element,
}

impl PayColumn {
    /// The pay column for an open session (payment or setup).
    pub fn new(_page: &Rc<PageContext>, _session: &HostedCheckoutSession) -> Rc<Self> {
        Rc::new(Self {
            root: super::dom::el("section", "co-pay"),
        })
    }
    /// Its root element.
    pub fn root(&self) -> web_sys::Element {
        self.root.clone()
    }
    /// The session changed under the form.
    pub fn session_changed(&self, _session: &HostedCheckoutSession) {}
    /// A quantity change is in flight.
    pub fn set_quantity_updating(&self, _updating: bool) {}
}
