//! A component's own state: a value in a `RefCell`, with one trigger saying
//! it changed; and [`effect`], the one effect type the components run.
//!
//! Why not `RwSignal<T>` / `StoredValue<T>`: Leptos's signal code (the
//! arena slot, the lock, tracking and notifying, the drop glue) is
//! instantiated once per `T`, and its update is inlined at every call site.
//! Here every `T` shares one arena type (`Rc<dyn Any>`) and one
//! [`Trigger`]; what is generic is a downcast and a `RefCell` borrow.

use leptos::prelude::*;
use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

/// A value owned by the component that made it (gone with its owner), whose
/// reads in a drawing ([`State::with`]) redraw when [`State::update`]
/// changes it. `Copy`, so every handler can hold it.
pub(crate) struct State<T> {
    cell: StoredValue<Rc<dyn Any>, LocalStorage>,
    changed: Trigger,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for State<T> {}

impl<T: 'static> State<T> {
    /// State starting at `value`, owned by the current owner.
    pub(crate) fn new(value: T) -> Self {
        Self {
            cell: StoredValue::new_local(Rc::new(RefCell::new(value)) as Rc<dyn Any>),
            changed: Trigger::new(),
            value: PhantomData,
        }
    }

    /// The value's cell; `None` once the owner is gone.
    fn cell(self) -> Option<Rc<RefCell<T>>> {
        cell_of(self.cell)?.downcast().ok()
    }

    /// Reads the value, subscribing the running effect to its changes;
    /// `None` once the owner is gone.
    pub(crate) fn with<R>(self, read: impl FnOnce(&T) -> R) -> Option<R> {
        self.changed.track();
        self.with_untracked(read)
    }

    /// Reads the value without subscribing (for a handler).
    pub(crate) fn with_untracked<R>(self, read: impl FnOnce(&T) -> R) -> Option<R> {
        let cell = self.cell()?;
        let value = cell.borrow();
        Some(read(&value))
    }

    /// Changes the value and redraws what read it; nothing once the owner
    /// is gone. Not generic over the change: one copy per `T`.
    pub(crate) fn update(self, change: &mut dyn FnMut(&mut T)) {
        if let Some(cell) = self.cell() {
            change(&mut cell.borrow_mut());
            self.changed.notify();
        }
    }
}

/// The shared cell behind a [`State`]; not generic, so linked once.
fn cell_of(stored: StoredValue<Rc<dyn Any>, LocalStorage>) -> Option<Rc<dyn Any>> {
    stored.try_get_value()
}
