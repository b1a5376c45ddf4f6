//! Promises: the JS API's results, and one asynchronous result awaited by any
//! number of callers (a pricing model every element on the page needs, a
//! create call clicked twice). The browser's Promise does the waking, which
//! costs the bundle far less than `futures`' `Shared` (atomics, a waker slab,
//! a mutex); and every Promise is made by one non-generic function, so the
//! bundle holds one copy of `future_to_promise` instead of one per caller.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// A boxed task resolving or rejecting a Promise.
pub type Task = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// Runs `task` on the microtask queue and answers its Promise.
pub fn promise(task: Task) -> js_sys::Promise {
    future_to_promise(task)
}

/// Runs `task` on the microtask queue. Boxed, not generic: the bundle
/// holds one copy of `spawn_local`'s task code (and of its JSPI path)
/// instead of one per caller.
pub fn spawn(task: Pin<Box<dyn Future<Output = ()>>>) {
    wasm_bindgen_futures::spawn_local(task)
}

/// A started task whose output every [`Joined::output`] caller gets a clone of.
pub struct Joined<T> {
    slot: Rc<RefCell<Option<T>>>,
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
        let slot = Rc::new(RefCell::new(None));
        let filled = slot.clone();
        let done = promise(Box::pin(async move {
            let output = task.await;
            *filled.borrow_mut() = Some(output);
            Ok(JsValue::UNDEFINED)
        }));
        Self { slot, done }
    }

    /// The task's output once it has finished (`None` only if it never
    /// could, which an aborting panic rules out).
    pub async fn output(&self) -> Option<T> {
        let _ = JsFuture::from(self.done.clone()).await;
        self.slot.borrow().clone()
    }

    /// Whether both handles are the same task.
    pub fn same(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.slot, &other.slot)
    }
}
