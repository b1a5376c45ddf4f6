//! A change call in flight, joined by every identical caller: what
//! `futures`' `Shared` did for the client, single-threaded, without its
//! atomics, notifier and slab (about 2 KB of wasm in every panel).
//!
//! Any caller may drive the call: whoever polls it polls the call with its
//! own waker, and the others wait for the answer. A caller dropped before
//! the answer wakes the others, so one of them drives the call on.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// The call and, once it came, its answer.
struct Flight<F: Future + ?Sized> {
    /// The call, while it has not answered and nobody is polling it.
    call: Option<Pin<Box<F>>>,
    /// Its answer, handed to every caller.
    answer: Option<F::Output>,
    /// The callers waiting for it.
    waiting: Vec<Waker>,
}

/// One caller's share of a call in flight; a clone is another caller.
pub(crate) struct Joined<F: Future + ?Sized> {
    flight: Rc<RefCell<Flight<F>>>,
    /// Whether this share was polled: only a caller that polled may be the
    /// one the call wakes (the client's own list of calls never polls).
    polled: bool,
}

impl<F: Future + ?Sized> Joined<F> {
    /// `call`, not yet polled, for a first caller.
    pub(crate) fn new(call: Pin<Box<F>>) -> Self {
        Self {
            flight: Rc::new(RefCell::new(Flight {
                call: Some(call),
                answer: None,
                waiting: Vec::new(),
            })),
            polled: false,
        }
    }
}

impl<F: Future + ?Sized> Clone for Joined<F> {
    fn clone(&self) -> Self {
        Self {
            flight: self.flight.clone(),
            polled: false,
        }
    }
}

impl<F: Future + ?Sized> Future for Joined<F>
where
    F::Output: Clone,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        this.polled = true;
        let call = {
            let mut flight = this.flight.borrow_mut();
            if let Some(answer) = &flight.answer {
                return Poll::Ready(answer.clone());
            }
            if !flight.waiting.iter().any(|w| w.will_wake(cx.waker())) {
                flight.waiting.push(cx.waker().clone());
            }
            flight.call.take()
        };
        // `None`: polled from inside its own call; its waker is kept.
        let Some(mut call) = call else {
            return Poll::Pending;
        };
        // Not borrowed meanwhile: the call may touch other callers' shares.
        let polled = call.as_mut().poll(cx);
        let mut flight = this.flight.borrow_mut();
        match polled {
            Poll::Pending => {
                flight.call = Some(call);
                Poll::Pending
            }
            Poll::Ready(answer) => {
                flight.answer = Some(answer.clone());
                let mut waiting = std::mem::take(&mut flight.waiting);
                drop(flight);
                // The others: this caller has its answer.
                waiting.retain(|w| !w.will_wake(cx.waker()));
                waiting.into_iter().for_each(Waker::wake);
                Poll::Ready(answer)
            }
        }
    }
}

impl<F: Future + ?Sized> Drop for Joined<F> {
    fn drop(&mut self) {
        // Only the last caller that polled the call is woken by it: if that
        // was this one, another must take over.
        if !self.polled {
            return;
        }
        let waiting = match self.flight.try_borrow_mut() {
            Ok(mut flight) if flight.answer.is_none() => std::mem::take(&mut flight.waiting),
            _ => return,
        };
        waiting.into_iter().for_each(Waker::wake);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    /// A call that answers 7 once opened; it wakes only the last waker that
    /// polled it, as a fetch does.
    #[derive(Default)]
    struct Gate {
        open: Cell<bool>,
        waker: RefCell<Option<Waker>>,
        polls: Cell<u32>,
    }

    impl Gate {
        fn call(self: &Rc<Self>) -> Pin<Box<impl Future<Output = u32>>> {
            let gate = self.clone();
            Box::pin(std::future::poll_fn(move |cx| {
                gate.polls.set(gate.polls.get() + 1);
                if gate.open.get() {
                    return Poll::Ready(7);
                }
                *gate.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }))
        }

        fn answer(&self) {
            self.open.set(true);
            if let Some(waker) = self.waker.borrow_mut().take() {
                waker.wake();
            }
        }
    }

    /// A waker that counts its wakes.
    #[derive(Default)]
    struct Wakes(AtomicUsize);

    impl Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn wakes(w: &Arc<Wakes>) -> usize {
        w.0.load(Ordering::SeqCst)
    }

    fn poll<F: Future<Output = u32> + ?Sized>(
        joined: &mut Joined<F>,
        waker: &Arc<Wakes>,
    ) -> Poll<u32> {
        let waker = Waker::from(waker.clone());
        Pin::new(joined).poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn every_caller_gets_the_one_answer_and_waiting_callers_are_woken() {
        let gate = Rc::new(Gate::default());
        let mut waiter = Joined::new(gate.call());
        let mut driver = waiter.clone();
        let (w1, w2) = (Arc::new(Wakes::default()), Arc::new(Wakes::default()));
        assert_eq!(poll(&mut waiter, &w1), Poll::Pending);
        assert_eq!(poll(&mut driver, &w2), Poll::Pending);
        gate.answer();
        assert_eq!(
            (wakes(&w1), wakes(&w2)),
            (0, 1),
            "the call wakes its last poller"
        );
        assert_eq!(poll(&mut driver, &w2), Poll::Ready(7));
        assert_eq!(wakes(&w1), 1, "the answer wakes the caller waiting");
        assert_eq!(poll(&mut waiter, &w1), Poll::Ready(7));
        assert_eq!(
            gate.polls.get(),
            3,
            "the call ran once, not again for the second caller"
        );
        let mut late = waiter.clone();
        assert_eq!(poll(&mut late, &w1), Poll::Ready(7));
        assert_eq!(gate.polls.get(), 3);
    }

    #[test]
    fn a_caller_gone_before_the_answer_hands_the_call_to_the_others() {
        let gate = Rc::new(Gate::default());
        let mut waiter = Joined::new(gate.call());
        let mut driver = waiter.clone();
        let (w1, w2) = (Arc::new(Wakes::default()), Arc::new(Wakes::default()));
        assert_eq!(poll(&mut waiter, &w1), Poll::Pending);
        assert_eq!(poll(&mut driver, &w2), Poll::Pending);
        drop(driver);
        assert_eq!(wakes(&w1), 1, "woken to take over");
        assert_eq!(poll(&mut waiter, &w1), Poll::Pending);
        gate.answer();
        assert_eq!(wakes(&w1), 2, "the call now wakes the caller left");
        assert_eq!(poll(&mut waiter, &w1), Poll::Ready(7));
        // Gone after the answer: nobody is woken for nothing.
        drop(waiter);
        assert_eq!(wakes(&w1), 2);
    }

    #[test]
    fn a_share_never_polled_wakes_nobody_when_dropped() {
        let gate = Rc::new(Gate::default());
        let listed = Joined::new(gate.call());
        let mut caller = listed.clone();
        let w = Arc::new(Wakes::default());
        assert_eq!(poll(&mut caller, &w), Poll::Pending);
        // The client's list lets go of its share when the call settles.
        drop(listed);
        assert_eq!(wakes(&w), 0);
        gate.answer();
        assert_eq!(poll(&mut caller, &w), Poll::Ready(7));
    }
}
