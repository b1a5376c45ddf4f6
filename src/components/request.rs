//! `Request`: a component's call to the merchant's route (create a
//! checkout, cancel, change a plan): whether it is in flight and whether
//! its last attempt went through, in place of Leptos's `Action`.
//!
//! Why: an `Action` brings its whole machinery (input and version signals,
//! abort handles, memos for `pending`) once per input and output type, and
//! the components only ever need "busy?" and "did it fail, and why?". The
//! server's answer itself goes to whoever needs it inside the call (a
//! merchant's `on_created`, the plan change's `done`), moved, so nothing
//! here is generic over it: one [`State`] type, one spawned future type.
//! The callers still refuse a click while one is in flight, so nothing is
//! sent twice.

use super::state::State;
use crate::client::{self, Call};
use crate::error::BillingError;
use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;
use std::future::Future;
use std::pin::Pin;

/// How a call ended: `Ok` when it went through, else why not.
pub(crate) type Outcome = Result<(), BillingError>;

/// A call's future, boxed: every component's call is spawned as this one type.
type Task = Pin<Box<dyn Future<Output = Outcome>>>;

/// One kind of call a component makes, one at a time.
#[derive(Clone, Copy)]
pub(crate) struct Request(State<Calls>);

/// A [`Request`]'s state, in one component state (no signal of its own).
struct Calls {
    /// A call is in flight.
    pending: bool,
    /// How the last call ended; `None` before the first one.
    outcome: Option<Outcome>,
    /// The component's owner, as `Action` keeps it: a merchant's callback
    /// run inside the call (`on_created` navigating with the router, say)
    /// finds the component's contexts. Weak, so it keeps nothing alive.
    owner: Option<WeakOwner>,
}

impl Request {
    /// Nothing sent yet.
    pub(crate) fn new() -> Self {
        Self(State::new(Calls {
            pending: false,
            outcome: None,
            owner: Owner::current().map(|o| o.downgrade()),
        }))
    }

    /// Whether a call is in flight (tracked).
    pub(crate) fn pending(self) -> bool {
        self.0.with(|c| c.pending).unwrap_or(false)
    }

    /// Whether a call is in flight, for a click handler (not tracked).
    pub(crate) fn pending_untracked(self) -> bool {
        self.0.with_untracked(|c| c.pending).unwrap_or(false)
    }

    /// How the last call ended (tracked); `None` before the first one.
    pub(crate) fn outcome(self) -> Option<Outcome> {
        self.0.with(|c| c.outcome.clone()).flatten()
    }

    /// How the last call ended, for a click handler (not tracked).
    pub(crate) fn outcome_untracked(self) -> Option<Outcome> {
        self.0.with_untracked(|c| c.outcome.clone()).flatten()
    }

    /// Forgets the last outcome (a dialog opened again starts without the
    /// refusal it showed before). A call in flight still records its own.
    pub(crate) fn reset(self) {
        self.0.update(&mut |c| c.outcome = None);
    }

    /// Marks the call in flight and runs it under the component's owner,
    /// untracked; how it ends replaces the last outcome. A component gone
    /// meanwhile makes the writes no-ops.
    pub(crate) fn send(self, call: impl Future<Output = Outcome> + 'static) {
        self.spawn(Box::pin(call));
    }

    /// [`Self::send`] of one of `use_billing`'s actions taken apart: every
    /// such call is the one future type of [`client::drive`].
    pub(crate) fn call(self, call: Box<dyn Call>) {
        self.spawn(Box::pin(client::drive(call)));
    }

    /// [`Self::send`] past the call's own type, so this is in the wasm once.
    fn spawn(self, call: Task) {
        let mut owner = None;
        self.0.update(&mut |c| {
            c.pending = true;
            owner = c.owner.as_ref().and_then(WeakOwner::upgrade);
        });
        spawn(call, owner, Some(self));
    }
}

/// Runs one of `use_billing`'s actions for a component that records how it
/// ended itself (in the `then` it gave the action), not in a [`Request`].
pub(crate) fn run(call: Box<dyn Call>) {
    spawn(Box::pin(client::drive(call)), None, None);
}

/// Spawns `call` untracked, under `owner` when given (else the current
/// one); how it ends replaces `record`'s last outcome. One spawned future
/// type for [`Request`]'s calls and [`run`]'s.
fn spawn(call: Task, owner: Option<Owner>, record: Option<Request>) {
    let call = match owner {
        Some(owner) => owner.with(|| ScopedFuture::new_untracked(call)),
        None => ScopedFuture::new_untracked(call),
    };
    leptos::task::spawn_local(async move {
        let mut outcome = Some(call.await);
        if let Some(request) = record {
            request.0.update(&mut |c| {
                c.outcome = outcome.take();
                c.pending = false;
            });
        }
    });
}
