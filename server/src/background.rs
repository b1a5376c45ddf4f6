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

/// How often and how patiently the server's background tasks work. The
/// defaults suit production; tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// The wait before each retry of a failed webhook delivery: entry `n` is
    /// the wait after failed attempt `n + 1`. When they are used up the
    /// delivery is marked `failed`. Each wait gets up to 10 % random jitter on top.
    pub retry_delays: Vec<Duration>,
    /// How long one webhook attempt may take.
    pub webhook_timeout: Duration,
    /// How often open sessions past their expiry are expired.
    pub expiry_sweep_interval: Duration,
}

/// The default retry schedule: 5 s, 30 s, 2 min, 10 min, 1 h, 6 h, then
/// 12 h five times — 12 attempts over about 2.8 days (3 days with jitter).
pub fn default_retry_delays() -> Vec<Duration> {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    [5, 30, 2 * MINUTE, 10 * MINUTE, HOUR, 6 * HOUR]
        .into_iter()
        .chain([12 * HOUR; 5])
        .map(Duration::from_secs)
        .collect()
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            retry_delays: default_retry_delays(),
            webhook_timeout: Duration::from_secs(10),
            expiry_sweep_interval: Duration::from_secs(5),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_retry_schedule_gives_up_after_about_three_days() {
        let delays = default_retry_delays();
        assert_eq!(delays[0], Duration::from_secs(5));
        assert_eq!(delays[1], Duration::from_secs(30));
        let total: Duration = delays.iter().sum();
        let days = total.as_secs_f64() / 86_400.0;
        assert!((2.5..=3.0).contains(&days), "{days}");
        assert!(delays.windows(2).all(|w| w[0] <= w[1]), "never shrinks");
        // With the largest jitter the last attempt is still about 3 days out.
        assert!(days * 1.1 <= 3.1);
    }

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
