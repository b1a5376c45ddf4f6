//! Tasks and promises: the embed's own small executor. Tasks run on the
//! browser's microtask queue; a Promise is awaited through one callback
//! (`js/custom-element.js` `settle`). It replaces `wasm-bindgen-futures`
//! here: that crate's queue, `JsFuture` and `future_to_promise` (with
//! their `RefCell` borrow checks and its JSPI path) weighed 0.6 KB brotli
//! more. Nothing here can panic: state lives in `Cell`s, taken and put
//! back. One asynchronous result awaited by any number of callers (a
//! pricing model every element on the page needs, a create call clicked
//! twice) is a [`Joined`].

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// `catch` routes each through wasm-bindgen's glue, as `js.rs` says why.
#[wasm_bindgen(module = "/js/custom-element.js")]
extern "C" {
    /// Calls `then(ok, value)` once `promise` settles.
    #[wasm_bindgen(catch)]
    fn settle(promise: &js_sys::Promise, then: JsValue) -> Result<(), JsValue>;
    /// A pending Promise and the function that settles it: `[promise,
    /// settle(ok, value)]`.
    #[wasm_bindgen(catch)]
    fn deferred() -> Result<js_sys::Array, JsValue>;
    /// `queueMicrotask(run)`.
    #[wasm_bindgen(catch)]
    fn later(run: &JsValue) -> Result<(), JsValue>;
}

/// A boxed task resolving or rejecting a Promise.
pub type Task = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// A spawned future and whether it is waiting in the queue.
struct Spawned {
    future: Cell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    queued: Cell<bool>,
}

thread_local! {
    /// The tasks woken since the queue last ran.
    static QUEUE: Cell<Vec<Rc<Spawned>>> = const { Cell::new(Vec::new()) };
    /// The function the microtask calls ([`run`]), made once.
    static RUN: Cell<Option<JsValue>> = const { Cell::new(None) };
    /// Whether a microtask will run the queue.
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `task` on the microtask queue. Boxed, not generic: one copy of the
/// task code for every caller.
pub fn spawn(task: Pin<Box<dyn Future<Output = ()>>>) {
    wake(Rc::new(Spawned {
        future: Cell::new(Some(task)),
        queued: Cell::new(false),
    }));
}

/// Queues `task` (once however often it is woken) and, when the queue is
/// not already due to run, asks the browser for a microtask.
fn wake(task: Rc<Spawned>) {
    if task.queued.replace(true) {
        return;
    }
    QUEUE.with(|q| {
        let mut queue = q.take();
        queue.push(task);
        q.set(queue);
    });
    if !SCHEDULED.with(|s| s.replace(true)) {
        let run = RUN.with(|r| {
            r.take()
                .unwrap_or_else(|| Closure::<dyn FnMut()>::new(run).into_js_value())
        });
        let _ = later(&run);
        RUN.with(|r| r.set(Some(run)));
    }
}

/// Polls every queued task, and those they wake, until none is left.
fn run() {
    loop {
        let queue = QUEUE.with(Cell::take);
        if queue.is_empty() {
            break;
        }
        for task in queue {
            task.queued.set(false);
            // Taken out while it runs: a task that wakes itself is queued
            // and polled again after this poll has put it back.
            if let Some(mut future) = task.future.take() {
                // SAFETY: the vtable's functions treat the pointer as the
                // `Rc<Spawned>` that `into_raw` made of it.
                let waker = unsafe { Waker::from_raw(raw(Rc::into_raw(task.clone()))) };
                if future
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
                {
                    task.future.set(Some(future));
                }
            }
        }
    }
    SCHEDULED.with(|s| s.set(false));
}

/// A waker for the `Rc<Spawned>` behind `task`. The page runs one thread,
/// so `Rc` is enough (as in `wasm-bindgen-futures`).
fn raw(task: *const Spawned) -> RawWaker {
    RawWaker::new(task.cast(), &VTABLE)
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(
    |task| {
        // SAFETY: `task` came from `Rc::into_raw` and is still counted.
        unsafe { Rc::increment_strong_count(task.cast::<Spawned>()) };
        raw(task.cast())
    },
    // SAFETY (these three): `task` came from `Rc::into_raw` and is still
    // counted; `wake` and `drop` take that count over.
    |task| wake(unsafe { Rc::from_raw(task.cast::<Spawned>()) }),
    |task| {
        unsafe { Rc::increment_strong_count(task.cast::<Spawned>()) };
        wake(unsafe { Rc::from_raw(task.cast::<Spawned>()) })
    },
    |task| drop(unsafe { Rc::from_raw(task.cast::<Spawned>()) }),
);

/// Runs `task` on the microtask queue and answers its Promise.
pub fn promise(task: Task) -> js_sys::Promise {
    let pending = deferred().unwrap_or_default();
    let settle: js_sys::Function = pending.get(1).unchecked_into();
    spawn(Box::pin(async move {
        let (ok, value) = match task.await {
            Ok(value) => (true, value),
            Err(error) => (false, error),
        };
        let _ = settle.call2(&JsValue::NULL, &ok.into(), &value);
    }));
    pending.get(0).unchecked_into()
}

/// What a Promise settled with, and the task waiting for it.
#[derive(Default)]
struct Outcome {
    value: Cell<Option<Result<JsValue, JsValue>>>,
    waker: Cell<Option<Waker>>,
}

/// `promise`'s value (`Ok`) or rejection (`Err`), once it settles.
pub fn settled(promise: &js_sys::Promise) -> impl Future<Output = Result<JsValue, JsValue>> {
    let outcome = Rc::new(Outcome::default());
    let filled = outcome.clone();
    let _ = settle(
        promise,
        Closure::once_into_js(move |ok: bool, value: JsValue| {
            filled
                .value
                .set(Some(if ok { Ok(value) } else { Err(value) }));
            if let Some(waker) = filled.waker.take() {
                waker.wake();
            }
        }),
    );
    std::future::poll_fn(move |cx| match outcome.value.take() {
        Some(value) => Poll::Ready(value),
        None => {
            outcome.waker.set(Some(cx.waker().clone()));
            Poll::Pending
        }
    })
}

/// A started task whose output every [`Joined::output`] caller gets a clone of.
pub struct Joined<T> {
    slot: Rc<Cell<Option<T>>>,
    done: js_sys::Promise,
}

impl<T> Clone for Joined<T> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
            done: self.done.clone(),
        }
    }
}

impl<T: Clone + 'static> Joined<T> {
    /// Starts `task` now (on the microtask queue). Boxed, not generic: one
    /// copy of this for every caller.
    pub fn start(task: Pin<Box<dyn Future<Output = T>>>) -> Self {
        let slot = Rc::new(Cell::new(None));
        let filled = slot.clone();
        let done = promise(Box::pin(async move {
            filled.set(Some(task.await));
            Ok(JsValue::UNDEFINED)
        }));
        Self { slot, done }
    }

    /// The task's output once it has finished (`None` only if it never
    /// could, which an aborting panic rules out).
    pub async fn output(&self) -> Option<T> {
        let _ = settled(&self.done).await;
        let output = self.slot.take();
        self.slot.set(output.clone());
        output
    }

    /// Whether both handles are the same task.
    pub fn same(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.slot, &other.slot)
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// A future that is pending `times` times, waking itself each time.
    fn yields(times: u32) -> impl Future<Output = ()> {
        let mut left = times;
        std::future::poll_fn(move |cx| {
            if left == 0 {
                return Poll::Ready(());
            }
            left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        })
    }

    #[wasm_bindgen_test]
    async fn a_promise_settles_with_its_task_and_is_awaited_either_way() {
        let resolved = promise(Box::pin(async {
            yields(3).await;
            Ok(JsValue::from_str("paid"))
        }));
        assert_eq!(settled(&resolved).await, Ok(JsValue::from_str("paid")));
        let rejected = promise(Box::pin(async { Err(JsValue::from_f64(402.0)) }));
        assert_eq!(settled(&rejected).await, Err(JsValue::from_f64(402.0)));
        // Another executor's Promise too.
        let theirs = js_sys::Promise::reject(&"declined".into());
        assert_eq!(settled(&theirs).await, Err(JsValue::from_str("declined")));
    }

    #[wasm_bindgen_test]
    async fn spawned_tasks_run_to_the_end_in_the_order_they_were_woken() {
        let log = Rc::new(Cell::new(Vec::new()));
        for (name, pauses) in [("a", 2), ("b", 0), ("c", 1)] {
            let log = log.clone();
            spawn(Box::pin(async move {
                yields(pauses).await;
                let mut seen = log.take();
                seen.push(name);
                log.set(seen);
            }));
        }
        // Queued behind the three, and settled after the longest.
        let done = promise(Box::pin(async {
            yields(3).await;
            Ok(JsValue::UNDEFINED)
        }));
        let _ = settled(&done).await;
        assert_eq!(log.take(), ["b", "c", "a"]);
    }

    #[wasm_bindgen_test]
    async fn every_caller_of_a_joined_task_gets_its_output_once_it_ran_once() {
        let runs = Rc::new(Cell::new(0));
        let counted = runs.clone();
        let first: Joined<String> = Joined::start(Box::pin(async move {
            counted.set(counted.get() + 1);
            yields(2).await;
            "cs_1".to_owned()
        }));
        let second = first.clone();
        assert!(first.same(&second));
        assert_eq!(second.output().await.as_deref(), Some("cs_1"));
        assert_eq!(first.output().await.as_deref(), Some("cs_1"));
        assert_eq!(runs.get(), 1);
        let other: Joined<String> = Joined::start(Box::pin(async { String::new() }));
        assert!(!other.same(&first));
    }
}
