//! DOM helpers for the hosted pages: the embed's ([`crate::dom`]), and a few
//! the pages' screens share.

pub use crate::dom::{append, attrs, document, el, text, Scope};
use std::rc::{Rc, Weak};
use web_sys::Element;

/// A new element with a class and its text.
pub fn el_text(tag: &str, class: &str, words: &str) -> Element {
    let element = el(tag, class);
    text(&element, words);
    element
}

/// Calls `handler` with `owner` for `event` on `target` while the scope
/// lives. The listener holds `owner` weakly, so a view's listeners never keep
/// the view alive (no cycle through its own scope).
pub fn on<T: 'static>(
    scope: &Scope,
    target: &Element,
    event: &str,
    owner: &Rc<T>,
    handler: impl Fn(&Rc<T>, web_sys::Event) + 'static,
) {
    let owner: Weak<T> = Rc::downgrade(owner);
    scope.listen(target, event, move |ev| {
        if let Some(owner) = owner.upgrade() {
            handler(&owner, ev);
        }
    });
}

/// Puts `new` where `old` is in the document.
pub fn replace(old: &Element, new: &Element) {
    let _ = old.replace_with_with_node_1(new);
}

/// `<div class="co-total-row"><dt>{label}</dt><dd class?>{value}</dd></div>`:
/// one row of the totals and the receipt.
pub fn total_row(class: &str, label: &str, value: &str, value_class: &str) -> Element {
    let row = el("div", class);
    append(
        &row,
        &[
            &el_text("dt", "", label),
            &el_text("dd", value_class, value),
        ],
    );
    row
}
