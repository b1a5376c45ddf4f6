//! [`Slot`], the embed's `RefCell`: its value is lent out by taking it and
//! putting it back, so there is no borrow flag to check and nothing that can
//! panic (a `RefCell`'s "already borrowed" panics cost the bundle code).

use std::cell::Cell;

/// A cell lent out by [`Slot::with`].
#[derive(Default)]
pub struct Slot<T>(Cell<T>);

impl<T> Slot<T> {
    /// A slot holding `value`; `const`, for `thread_local!`s that need no
    /// lazy initialisation.
    pub const fn new(value: T) -> Self {
        Self(Cell::new(value))
    }

    /// Puts `value` in; the old value is dropped after, outside the slot.
    pub fn set(&self, value: T) {
        self.0.set(value);
    }
}

impl<T: Default> Slot<T> {
    /// Runs `f` on the value. While `f` runs the slot holds the default: a
    /// nested `with` sees that (where a `RefCell` would panic) and what it
    /// stores is overwritten when `f` returns — so `f` must not reach back
    /// into the same slot.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut value = self.0.take();
        let result = f(&mut value);
        self.0.set(value);
        result
    }

    /// Takes the value out, leaving the default.
    pub fn take(&self) -> T {
        self.0.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lends_the_value_and_keeps_what_was_done_to_it() {
        let slot = Slot::new(vec![1]);
        assert_eq!(slot.with(|v| v.len()), 1);
        slot.with(|v| v.push(2));
        // Inside, the slot is empty; the outer value is what stays.
        let inner = slot.with(|v| {
            v.push(3);
            slot.with(|inner| inner.clone())
        });
        assert!(inner.is_empty());
        assert_eq!(slot.take(), [1, 2, 3]);
        assert!(slot.take().is_empty());
        slot.set(vec![4]);
        assert_eq!(slot.with(|v| v.clone()), [4]);
    }
}
