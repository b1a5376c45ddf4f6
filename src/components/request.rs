//! `Request`: a component's call to the merchant's route (create a
//! checkout, cancel, change a plan) as two signals, whether it is in flight
//! and its last answer, in place of Leptos's `Action`.
//!
//! Why: an `Action` brings its whole machinery (input and version signals,
//! abort handles, memos for `pending`) once per input and output type, and
//! the components only ever need "busy?" and "what came back?". The
//! callers still refuse a click while one is in flight, so nothing is sent
//! twice.

use crate::error::BillingError;
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;

/// One kind of call a component makes, one at a time.
pub(crate) struct Request<T: 'static> {
    pending: RwSignal<bool, LocalStorage>,
    /// The last answer, a `Result<T, BillingError>` boxed: one signal type
    /// for every `T`, so Leptos's signal code is in the wasm once, not once
    /// per answer type. Only [`Request::send`] writes it, with that type.
    value: RwSignal<Option<Box<dyn Any>>, LocalStorage>,
    /// The component's owner, as `Action` keeps it: a merchant's callback
    /// run inside the call (`on_created` navigating with the router, say)
    /// finds the component's contexts. Weak, so it keeps nothing alive.
    owner: StoredValue<Option<WeakOwner>, LocalStorage>,
    /// The answer type `value` holds.
    answer: PhantomData<fn() -> T>,
}

impl<T: 'static> Clone for Request<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Request<T> {}

impl<T: 'static> Request<T> {
    /// Nothing sent yet.
    pub(crate) fn new() -> Self {
        Self {
            pending: RwSignal::new_local(false),
            value: RwSignal::new_local(None),
            owner: StoredValue::new_local(Owner::current().map(|o| o.downgrade())),
            answer: PhantomData,
        }
    }

    /// Whether a call is in flight (tracked).
    pub(crate) fn pending(self) -> bool {
        self.pending.get()
    }

    /// Whether a call is in flight, for a click handler (not tracked).
    pub(crate) fn pending_untracked(self) -> bool {
        self.pending.get_untracked()
    }

    /// Reads the last answer (tracked); `None` before the first one.
    pub(crate) fn with_value<R>(
        self,
        read: impl FnOnce(Option<&Result<T, BillingError>>) -> R,
    ) -> R {
        // A read guard, not `with`: the signal's code is then the same for
        // every caller, not generated again for each closure.
        read(typed(&self.value.read()))
    }

    /// Reads the last answer, for a click handler (not tracked).
    pub(crate) fn with_value_untracked<R>(
        self,
        read: impl FnOnce(Option<&Result<T, BillingError>>) -> R,
    ) -> R {
        read(typed(&self.value.read_untracked()))
    }

    /// Forgets the last answer (a dialog opened again starts without the
    /// refusal it showed before). A call in flight still records its own.
    pub(crate) fn reset(self) {
        self.value.set(None);
    }

    /// Marks the call in flight and runs it under the component's owner,
    /// untracked; its answer replaces the last one. A component gone
    /// meanwhile makes the writes no-ops.
    pub(crate) fn send(self, call: impl Future<Output = Result<T, BillingError>> + 'static) {
        self.pending.set(true);
        let owner = self
            .owner
            .try_with_value(|o| o.as_ref().and_then(WeakOwner::upgrade))
            .flatten();
        let call = match owner {
            Some(owner) => owner.with(|| ScopedFuture::new_untracked(call)),
            None => ScopedFuture::new_untracked(call),
        };
        leptos::task::spawn_local(async move {
            let answer = call.await;
            self.value.set(Some(Box::new(answer)));
            self.pending.set(false);
        });
    }
}

/// The boxed answer as the `Result` [`Request::send`] stored.
fn typed<T: 'static>(value: &Option<Box<dyn Any>>) -> Option<&Result<T, BillingError>> {
    value.as_ref()?.downcast_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_read_back_only_as_its_own_type() {
        let stored: Option<Box<dyn Any>> = Some(Box::new(Ok::<u32, BillingError>(7)));
        assert!(matches!(typed::<u32>(&stored), Some(Ok(7))));
        assert!(typed::<String>(&stored).is_none());
        assert!(typed::<u32>(&None).is_none());
    }
}
