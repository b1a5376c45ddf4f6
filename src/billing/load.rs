//! How the provider and the hooks load: one request run in an effect, so it
//! runs again when a signal it reads changes, whose answer is kept only if
//! no newer load started since. What Leptos's `LocalResource` gave them,
//! without its async-derived machinery (half of the reactive code an app
//! with a provider linked).

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

/// Starts `fetch` on the next tick, and again whenever a signal it reads
/// changes; hands each answer to `settle`, unless a newer load has started
/// since (a slow stale answer never overwrites a newer one). Nothing is
/// fetched where effects do not run (a server-side render), as with a
/// `LocalResource`.
pub(crate) fn keep_loaded<Fut: Future + 'static>(
    fetch: impl Fn() -> Fut + 'static,
    settle: impl Fn(Fut::Output) + 'static,
) {
    let latest = Rc::new(Cell::new(0u32));
    let settle = Rc::new(settle);
    effect(Box::new(move || {
        let this = latest.get().wrapping_add(1);
        latest.set(this);
        let answer = fetch();
        let (latest, settle) = (latest.clone(), settle.clone());
        spawn_local(async move {
            let answer = answer.await;
            if latest.get() == this {
                settle(answer);
            }
        });
    }));
}

/// An effect: runs `run` on the next tick, and again whenever a signal it
/// read changes (Leptos's `Effect`; not where effects do not run, a
/// server-side render). One closure type for every effect of the crate:
/// each `Effect::new` closure type linked its own copy of the effect's task
/// (1–1.8 KB each).
pub(crate) fn effect(mut run: Box<dyn FnMut()>) {
    Effect::new(move |_| run());
}

/// A hook's load: `None` until the first answer, then the latest one (a
/// reload keeps the old answer until the new one arrives). `refresh` loads
/// again; so does any signal `fetch` reads.
#[derive(Debug)]
pub(crate) struct Loaded<T: Send + Sync + 'static> {
    /// The latest answer.
    pub(crate) value: RwSignal<Option<T>>,
    /// Notified to load again.
    pub(crate) refresh: Trigger,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Send + Sync + 'static> Loaded<T> {
    /// Loads with `fetch` (see [`keep_loaded`]).
    pub(crate) fn new<Fut: Future<Output = T> + 'static>(
        fetch: impl Fn() -> Fut + 'static,
    ) -> Self {
        let (value, refresh) = (RwSignal::new(None), Trigger::new());
        keep_loaded(
            move || {
                refresh.track();
                fetch()
            },
            move |answer| value.set(Some(answer)),
        );
        Self { value, refresh }
    }
}
