//! A payment interrupted by a dead process or a processor that never
//! answers does not leave its session stuck `pending`: the charge is
//! abandoned after the payment timeout, and a session a previous process
//! left pending is reopened, so the customer can pay (once).

use crate::support::{confirm_body, now_ms, TestServer};
use checkout_server::payment::{ChargeFuture, PaymentProcessor, TestCardProcessor, ValidatedCard};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

async fn wait_status(srv: &TestServer, id: &str, want: &str) {
    for _ in 0..100 {
        if srv.hosted(id).await.data()["status"] == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("session {id} never became {want}: {}", srv.hosted(id).await.body);
}

#[tokio::test]
async fn a_session_left_pending_by_a_dead_process_is_reopened() {
    let srv = TestServer::start_with(|c| {
        c.payment_timeout = Duration::from_millis(200);
        c.timing.expiry_sweep_interval = Duration::from_millis(100);
    })
    .await;
    let id = srv.create_session("onboarding").await;
    // What a process killed between claim and charge leaves in the file.
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let claimed = conn
        .execute(
            "UPDATE checkout_sessions SET status = 'pending', updated_at = ?2 WHERE id = ?1",
            rusqlite::params![id, now_ms() - 60_000],
        )
        .unwrap();
    assert_eq!(claimed, 1);
    // A fresh claim (a payment in progress right now) is left alone.
    let busy = srv.create_session("onboarding").await;
    conn.execute(
        "UPDATE checkout_sessions SET status = 'pending', updated_at = ?2 WHERE id = ?1",
        rusqlite::params![busy, now_ms() + 60_000],
    )
    .unwrap();
    let purchases = srv.count_rows("purchases");
    wait_status(&srv, &id, "open").await;
    assert_eq!(srv.hosted(&busy).await.data()["status"], "pending");
    srv.confirm(&id, "4242424242424242").await.data();
    assert_eq!(srv.count_rows("purchases"), purchases + 1);
}

/// Never answers its first charge; charges as the test cards say after that.
struct HangsOnce(AtomicUsize);

impl PaymentProcessor for HangsOnce {
    fn charge<'a>(&'a self, amount: i64, currency: &'a str, card: &'a ValidatedCard) -> ChargeFuture<'a> {
        Box::pin(async move {
            if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                std::future::pending::<()>().await;
            }
            TestCardProcessor.charge(amount, currency, card).await
        })
    }
}

#[tokio::test]
async fn a_charge_that_never_answers_is_abandoned_after_the_timeout() {
    let srv = TestServer::start_with_processor(Arc::new(HangsOnce(AtomicUsize::new(0))), |c| {
        c.payment_timeout = Duration::from_millis(300);
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let purchases = srv.count_rows("purchases");
    let started = std::time::Instant::now();
    srv.confirm_with(&id, confirm_body("4242424242424242"))
        .await
        .assert_error(500, "internal");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    srv.confirm(&id, "4242424242424242").await.data();
    assert_eq!(srv.count_rows("purchases"), purchases + 1);
}
