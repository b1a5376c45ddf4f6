//! Connection limits (issue 13): a client that sends half a request header,
//! a slow body or nothing at all is cut off, an idle kept-alive connection
//! is closed, and connections beyond the cap wait until one closes. The
//! timeouts are configured short; each wait below is an upper bound for
//! something the old server never did at all.

use crate::support::TestServer;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// How long a test waits for what should happen well before.
const PATIENCE: Duration = Duration::from_secs(5);

/// Everything the server sends until it closes the connection, or `None`
/// if it is still open after [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut answer = Vec::new();
    match timeout(PATIENCE, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

async fn short_timeouts() -> TestServer {
    TestServer::start_with(|c| {
        c.header_read_timeout = Duration::from_millis(300);
        c.body_timeout = Duration::from_millis(300);
        c.idle_timeout = Duration::from_millis(300);
    })
    .await
}

#[tokio::test]
async fn half_a_request_header_is_closed_after_the_header_read_timeout() {
    let srv = TestServer::start_with(|c| {
        c.header_read_timeout = Duration::from_millis(300);
        // Longer than the test's patience: only the header timeout can close it.
        c.idle_timeout = Duration::from_secs(60);
    })
    .await;
    let mut stream = TcpStream::connect(srv.server.addr).await.unwrap();
    stream
        .write_all(
            b"POST /api/billing/checkout-sessions/create HTTP/1.1\r\nHost: shop\r\nContent-Ty",
        )
        .await
        .unwrap();
    let answer = until_closed(&mut stream).await;
    assert!(answer.is_some(), "the half-open connection was held open");
    // A connection that sends nothing at all is closed the same way.
    let mut silent = TcpStream::connect(srv.server.addr).await.unwrap();
    assert!(
        until_closed(&mut silent).await.is_some(),
        "a silent connection was held open"
    );
    // Everyone else is still served.
    srv.route(
        "pricing-models/retrieve",
        serde_json::json!({}),
        crate::support::Auth::None,
    )
    .await
    .data();
}

#[tokio::test]
async fn a_header_sent_byte_by_byte_cannot_outlast_the_timeout() {
    // Slowloris: each byte well within any per-read timeout, the whole
    // header never within the header timeout.
    let srv = TestServer::start_with(|c| {
        c.header_read_timeout = Duration::from_millis(400);
        c.idle_timeout = Duration::from_secs(60);
    })
    .await;
    let mut stream = TcpStream::connect(srv.server.addr).await.unwrap();
    let head = b"GET /healthz HTTP/1.1\r\nHost: shop\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut closed = false;
    for byte in head {
        if stream.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut probe = [0u8; 1];
        if let Ok(Ok(0)) = timeout(Duration::from_millis(1), stream.read(&mut probe)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "the trickled header was served");
}

#[tokio::test]
async fn a_slow_body_is_cut_off_with_408() {
    let srv = short_timeouts().await;
    let mut stream = TcpStream::connect(srv.server.addr).await.unwrap();
    let body = br#"{"priceSlug":"onboarding","successUrl":"https://shop.test/ok","cancelUrl":"https://shop.test/no"}"#;
    let head = format!(
        "POST /api/billing/checkout-sessions/create HTTP/1.1\r\nHost: shop\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // A tenth of the body, then nothing.
    stream.write_all(&body[..10]).await.unwrap();
    let answer = until_closed(&mut stream)
        .await
        .expect("the slow body was waited for");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");
    assert_eq!(
        srv.count_rows("checkout_sessions"),
        0,
        "nothing was created"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let srv = TestServer::start_with(|c| {
        c.idle_timeout = Duration::from_millis(300);
        // Longer than the test's patience: only the idle timeout can close it.
        c.header_read_timeout = Duration::from_secs(60);
    })
    .await;
    let mut stream = TcpStream::connect(srv.server.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n")
        .await
        .unwrap();
    let answer = until_closed(&mut stream)
        .await
        .expect("the idle connection was held open");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(answer.matches("HTTP/1.1").count(), 1);
}

#[tokio::test]
async fn a_kept_alive_connection_serves_request_after_request() {
    // The timeouts do not cut off a well-behaved client reusing its connection.
    let srv = short_timeouts().await;
    let client = reqwest::Client::new();
    for _ in 0..5 {
        let response = client.get(srv.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let srv = TestServer::start_with(|c| {
        c.max_connections = 2;
        c.header_read_timeout = Duration::from_secs(60);
        c.idle_timeout = Duration::from_secs(60);
    })
    .await;
    // Two connections hold the cap (a client that connects and waits).
    let first = TcpStream::connect(srv.server.addr).await.unwrap();
    let _second = TcpStream::connect(srv.server.addr).await.unwrap();
    // Let the server accept both before the third arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut third = TcpStream::connect(srv.server.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let early = timeout(Duration::from_millis(300), third.read(&mut buf)).await;
    assert!(early.is_err(), "a connection beyond the cap was served");
    // One closes: the waiting connection is served.
    drop(first);
    let answer = until_closed(&mut third)
        .await
        .expect("the waiting connection was never served");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn shutdown_closes_idle_connections_and_finishes() {
    let srv = TestServer::start_with(|c| {
        c.idle_timeout = Duration::from_secs(60);
        c.header_read_timeout = Duration::from_secs(60);
    })
    .await;
    let mut idle = TcpStream::connect(srv.server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 16];
    assert!(idle.read(&mut buf).await.unwrap() > 0);
    let TestServer { server, dir, .. } = srv;
    timeout(PATIENCE, server.shutdown())
        .await
        .expect("shutdown waited on an idle connection");
    drop(dir);
}
