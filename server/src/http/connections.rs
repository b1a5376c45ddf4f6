//! Serving HTTP/1 connections with limits, so slow and half-open clients
//! cannot hold the server: a client must send a request's headers within
//! `--header-read-timeout` (counted from its first byte, or from connecting
//! for the first request) and its body within `--body-timeout` (counted from
//! the end of its headers; past it the request is answered 408
//! `request_timeout` and the connection closed), a kept-alive connection
//! may sit idle for `--idle-timeout`, and at most `--max-connections` are
//! served at once — further ones wait in the kernel's listen queue until
//! one closes, so a flood of idle sockets costs the server nothing but
//! queue slots.
//!
//! Why not `axum::serve`: it has none of these. Why not hyper's own
//! `header_read_timeout`: hyper starts it as soon as a connection waits for
//! a request, idle or not, so it cannot tell an idle keep-alive (harmless,
//! allowed a minute) from a half-sent header (an attack, allowed seconds).
//! A small watchdog per connection does both from what the connection has
//! read and whether a request is in flight.

use crate::http::extract::BodyDeadline;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// The connection limits in force (`--header-read-timeout`,
/// `--body-timeout`, `--idle-timeout`, `--max-connections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a request's headers may take to arrive.
    pub header_read_timeout: Duration,
    /// How long a request's body may take to arrive, after its headers.
    pub body_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// How many connections are served at once.
    pub max_connections: usize,
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops
/// accepting, lets each connection finish its request in flight (idle ones
/// close at once) and returns when all are closed. Handlers see the TCP
/// peer as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(());
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    let mut full_logged = false;
    loop {
        // Finished connections are reaped here so the set stays small.
        while connections.try_join_next().is_some() {}
        // A permit first: past the cap, new connections wait in the listen
        // queue (not accepted, so not read from and not timed).
        if permits.available_permits() == 0 && !full_logged {
            tracing::warn!(
                max = limits.max_connections,
                "connection cap reached; new connections wait"
            );
            full_logged = true;
        }
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        if permits.available_permits() > 0 {
            full_logged = false;
        }
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        // Small JSON answers should not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let stopping = stopping.clone();
        connections.spawn(async move {
            serve_connection(stream, peer, app, limits, stopping).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(());
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Waits a little after a failed accept: a full file table (EMFILE) would
/// otherwise spin the loop. Errors of one connection (reset before it was
/// accepted) need no wait.
async fn accept_failed(e: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// What the watchdog concludes about a connection at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Within its limits.
    Fine,
    /// A request's headers took too long: close now.
    SlowHeader,
    /// Idle too long between requests: close once nothing is in flight.
    Idle,
}

/// "No request head is being read" in [`Activity::head_started`].
const NO_HEAD: u64 = u64::MAX;

/// What a connection is doing, as the watchdog needs it: shared by the
/// socket wrapper (bytes read), the service (requests in and out) and the
/// watchdog. Times are milliseconds since `epoch`.
#[derive(Debug)]
struct Activity {
    epoch: Instant,
    /// When the first byte of a request head not yet complete arrived
    /// ([`NO_HEAD`] when none is being read). Starts at 0: a new
    /// connection owes its first request's headers from the start.
    head_started: AtomicU64,
    /// When the last response was done (the connection's start before one).
    idle_since: AtomicU64,
    /// Requests whose response is not yet fully written.
    in_flight: AtomicUsize,
    /// Wakes the watchdog when any of the above changes its deadline.
    changed: Notify,
}

impl Activity {
    fn new() -> Self {
        Self {
            epoch: Instant::now(),
            head_started: AtomicU64::new(0),
            idle_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            changed: Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(NO_HEAD - 1)
    }

    fn at(&self, ms: u64) -> Instant {
        self.epoch + Duration::from_millis(ms)
    }

    /// Bytes arrived: between requests they start a request head.
    fn bytes_read(&self) {
        if self.in_flight.load(Ordering::Acquire) == 0
            && self
                .head_started
                .compare_exchange(NO_HEAD, self.now_ms(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            self.changed.notify_one();
        }
    }

    /// A request's head is complete and its handler called.
    fn request_started(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_started.store(NO_HEAD, Ordering::Release);
        self.changed.notify_one();
        InFlight(Arc::clone(self))
    }

    fn verdict(&self, limits: &ConnectionLimits) -> Verdict {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Verdict::Fine;
        }
        let now = Instant::now();
        let head = self.head_started.load(Ordering::Acquire);
        if head != NO_HEAD {
            if now >= self.at(head) + limits.header_read_timeout {
                return Verdict::SlowHeader;
            }
            return Verdict::Fine;
        }
        if now >= self.at(self.idle_since.load(Ordering::Acquire)) + limits.idle_timeout {
            return Verdict::Idle;
        }
        Verdict::Fine
    }

    /// When the verdict may next change, short of a notification.
    fn next_check(&self, limits: &ConnectionLimits) -> Instant {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            // The watchdog is woken when the request ends; this is a backstop.
            return Instant::now() + limits.idle_timeout;
        }
        let head = self.head_started.load(Ordering::Acquire);
        if head != NO_HEAD {
            return self.at(head) + limits.header_read_timeout;
        }
        self.at(self.idle_since.load(Ordering::Acquire)) + limits.idle_timeout
    }
}

/// One request in flight; dropped when its response is written (or the
/// connection gives up on it).
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let activity = &self.0;
        activity
            .idle_since
            .store(activity.now_ms(), Ordering::Release);
        activity.in_flight.fetch_sub(1, Ordering::AcqRel);
        activity.changed.notify_one();
    }
}

/// Serves one connection under the watchdog.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<()>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: Arc::clone(&activity),
    });
    let service = {
        let activity = Arc::clone(&activity);
        service_fn(move |request: hyper::Request<Incoming>| {
            let in_flight = activity.request_started();
            let (mut parts, body) = request.into_parts();
            parts.extensions.insert(ConnectInfo(peer));
            let deadline = BodyDeadline::new();
            parts.extensions.insert(deadline.clone());
            let body = Body::new(TimedBody {
                inner: body,
                deadline: Instant::now() + limits.body_timeout,
                sleep: None,
                hit: deadline,
            });
            let call = app
                .clone()
                .oneshot(axum::http::Request::from_parts(parts, body));
            async move {
                let response = match call.await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                // The request counts as in flight until its body is written.
                Ok::<_, Infallible>(response.map(|inner| {
                    Body::new(Tracked {
                        inner,
                        _in_flight: in_flight,
                    })
                }))
            }
        })
    };
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let mut closing = false;
    loop {
        let check = activity.next_check(&limits);
        tokio::select! {
            ended = connection.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(check) => match activity.verdict(&limits) {
                Verdict::Fine => {}
                Verdict::SlowHeader => {
                    tracing::info!(%peer, "closing a connection whose request headers did not arrive in time");
                    return;
                }
                Verdict::Idle if closing => {
                    // Asked to close and still idle a whole timeout later
                    // (a partial request buffered by hyper): close now.
                    return;
                }
                Verdict::Idle => {
                    closing = true;
                    connection.as_mut().graceful_shutdown();
                    // Give the graceful close one more idle period.
                    activity.idle_since.store(activity.now_ms(), Ordering::Release);
                }
            },
            () = activity.changed.notified() => {}
            _ = stopping.changed(), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The socket, telling [`Activity`] when bytes arrive.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The error a request body ends with when its time is up.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// A request body that ends in [`BodyTimedOut`] at its deadline (and marks
/// the request's [`BodyDeadline`], so the handler answers 408).
struct TimedBody {
    inner: Incoming,
    deadline: Instant,
    sleep: Option<Pin<Box<Sleep>>>,
    hit: BodyDeadline,
}

impl hyper::body::Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        // The timer is made only for bodies that keep the handler waiting.
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            this.hit.mark();
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A response body holding its request's [`InFlight`] until written.
struct Tracked {
    inner: Body,
    _in_flight: InFlight,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ConnectionLimits = ConnectionLimits {
        header_read_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(60),
        max_connections: 4,
    };

    #[tokio::test(start_paused = true)]
    async fn a_new_connection_owes_its_headers_from_the_start() {
        let activity = Arc::new(Activity::new());
        assert_eq!(activity.verdict(&LIMITS), Verdict::Fine);
        assert_eq!(
            activity.next_check(&LIMITS),
            activity.epoch + LIMITS.header_read_timeout
        );
        // Bytes do not move the deadline of the first head.
        tokio::time::advance(Duration::from_secs(9)).await;
        activity.bytes_read();
        assert_eq!(activity.verdict(&LIMITS), Verdict::Fine);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(activity.verdict(&LIMITS), Verdict::SlowHeader);
    }

    #[tokio::test(start_paused = true)]
    async fn between_requests_the_idle_timeout_applies_until_a_byte_arrives() {
        let activity = Arc::new(Activity::new());
        let request = activity.request_started();
        // A request in flight is never timed here (its body has its own deadline).
        tokio::time::advance(Duration::from_secs(120)).await;
        assert_eq!(activity.verdict(&LIMITS), Verdict::Fine);
        drop(request);
        // Idle: a minute, not the header's ten seconds.
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(activity.verdict(&LIMITS), Verdict::Fine);
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(activity.verdict(&LIMITS), Verdict::Idle);
        // The next request's first byte starts its header deadline.
        activity.bytes_read();
        assert_eq!(activity.verdict(&LIMITS), Verdict::Fine);
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(activity.verdict(&LIMITS), Verdict::SlowHeader);
        // Its head completing clears it.
        let _request = activity.request_started();
        assert_eq!(activity.verdict(&LIMITS), Verdict::Fine);
    }
}
