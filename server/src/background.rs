//! Tasks that run beside the HTTP server (the webhook dispatcher, the
//! expiry sweep): started with the server, told to stop by a shutdown, and
//! given a moment to finish what they are doing.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running background task.
#[derive(Debug)]
pub struct BackgroundTask {
    name: &'static str,
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

/// What a background task watches to know it should stop.
#[derive(Debug, Clone)]
pub struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    /// Resolves once a stop is asked for (or the task's owner is gone).
    pub async fn stopped(&mut self) {
        while !*self.0.borrow_and_update() {
            if self.0.changed().await.is_err() {
                return;
            }
        }
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }
}

impl BackgroundTask {
    /// Spawns `run` on the runtime with its stop signal.
    pub fn spawn<F, Fut>(name: &'static str, run: F) -> Self
    where
        F: FnOnce(StopSignal) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (stop, signal) = watch::channel(false);
        let handle = tokio::spawn(run(StopSignal(signal)));
        Self { name, stop, handle }
    }

    /// Asks the task to stop and waits up to `grace` for it; then aborts it.
    pub async fn stop(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        match tokio::time::timeout(grace, &mut self.handle).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(task = self.name, error = %e, "background task failed"),
            Err(_) => {
                tracing::warn!(task = self.name, "background task still busy; stopping it");
                self.handle.abort();
                let _ = self.handle.await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_task_sees_the_stop_and_ends() {
        let ended = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ended);
        let task = BackgroundTask::spawn("test", |mut stop| async move {
            stop.stopped().await;
            assert!(stop.is_stopped());
            flag.store(true, Ordering::SeqCst);
        });
        task.stop(Duration::from_secs(5)).await;
        assert!(ended.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_task_that_ignores_the_stop_is_aborted_after_the_grace() {
        let task = BackgroundTask::spawn("stubborn", |_stop| async move {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        let started = std::time::Instant::now();
        task.stop(Duration::from_millis(50)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
