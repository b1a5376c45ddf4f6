//! A payment interrupted by a dead process or a processor that never
//! answers does not leave its session stuck `pending`: the charge is
//! abandoned after the payment timeout, and a session a previous process
//! left pending is settled, so the customer can pay (once). Before a
//! session is reopened the processor is asked what became of its attempt:
//! a charge whose answer was lost completes the session instead, and one
//! the processor cannot tell about yet keeps it pending.

use crate::support::{confirm_body, now_ms, TestServer};
use checkout_server::payment::{
    AttemptOutcome, ChargeFuture, OutcomeFuture, PaymentAttempt, PaymentProcessor,
    TestCardProcessor, ValidatedCard,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

async fn wait_status(srv: &TestServer, id: &str, want: &str) {
    for _ in 0..100 {
        if srv.hosted(id).await.data()["status"] == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "session {id} never became {want}: {}",
        srv.hosted(id).await.body
    );
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

/// Never answers its first charge (without charging); charges as the test
/// cards say after that.
struct HangsOnce(AtomicUsize, TestCardProcessor);

impl PaymentProcessor for HangsOnce {
    fn charge<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                std::future::pending::<()>().await;
            }
            self.1.charge(attempt, amount, currency, card).await
        })
    }

    fn attempt_outcome<'a>(&'a self, attempt: &'a PaymentAttempt) -> OutcomeFuture<'a> {
        self.1.attempt_outcome(attempt)
    }
}

#[tokio::test]
async fn a_charge_that_never_answers_is_abandoned_after_the_timeout() {
    let processor = HangsOnce(AtomicUsize::new(0), TestCardProcessor::new());
    let srv = TestServer::start_with_processor(Arc::new(processor), |c| {
        c.payment_timeout = Duration::from_millis(300);
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let purchases = srv.count_rows("purchases");
    let started = std::time::Instant::now();
    srv.confirm_with(&id, confirm_body("4242424242424242"))
        .await
        .assert_error(500, "internal");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(srv.hosted(&id).await.data()["status"], "open");
    srv.confirm(&id, "4242424242424242").await.data();
    assert_eq!(srv.count_rows("purchases"), purchases + 1);
}

/// A real processor's worst case: it charges the card, then the answer is
/// lost on the way back (the charge call never returns). Counts the charges
/// it made; while `knows` is false, it cannot tell what became of an
/// attempt either.
struct LosesAnswers {
    inner: TestCardProcessor,
    charges: AtomicUsize,
    outcome_queries: AtomicUsize,
    knows: AtomicBool,
}

impl LosesAnswers {
    fn new(knows: bool) -> Arc<Self> {
        Arc::new(Self {
            inner: TestCardProcessor::new(),
            charges: AtomicUsize::new(0),
            outcome_queries: AtomicUsize::new(0),
            knows: AtomicBool::new(knows),
        })
    }

    fn charges(&self) -> usize {
        self.charges.load(Ordering::SeqCst)
    }
}

impl PaymentProcessor for LosesAnswers {
    fn charge<'a>(
        &'a self,
        attempt: &'a PaymentAttempt,
        amount: i64,
        currency: &'a str,
        card: &'a ValidatedCard,
    ) -> ChargeFuture<'a> {
        Box::pin(async move {
            let charged = self.inner.charge(attempt, amount, currency, card).await;
            if charged.is_ok() {
                self.charges.fetch_add(1, Ordering::SeqCst);
            }
            // The money moved; the answer never arrives.
            std::future::pending::<()>().await;
            charged
        })
    }

    fn attempt_outcome<'a>(&'a self, attempt: &'a PaymentAttempt) -> OutcomeFuture<'a> {
        Box::pin(async move {
            self.outcome_queries.fetch_add(1, Ordering::SeqCst);
            if !self.knows.load(Ordering::SeqCst) {
                return AttemptOutcome::Unknown;
            }
            self.inner.attempt_outcome(attempt).await
        })
    }
}

#[tokio::test]
async fn a_charge_whose_answer_was_lost_is_recorded_once_and_never_reopened() {
    let processor = LosesAnswers::new(true);
    let srv = TestServer::start_with_processor(processor.clone(), |c| {
        c.payment_timeout = Duration::from_millis(300);
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let purchases = srv.count_rows("purchases");
    // The charge times out, the processor says the attempt was charged: the
    // customer is told it is paid instead of being invited to pay again.
    let paid = srv
        .confirm_with(&id, confirm_body("4242424242424242"))
        .await;
    assert_eq!(paid.data()["checkoutSession"]["status"], "succeeded");
    assert!(paid.data()["redirectUrl"]
        .as_str()
        .is_some_and(|u| u.contains(&id)));
    assert_eq!(srv.hosted(&id).await.data()["status"], "succeeded");
    // The customer's retry (another click, a reload) takes no second charge.
    srv.confirm_with(&id, confirm_body("4242424242424242"))
        .await
        .assert_error(409, "checkout_session_not_open");
    assert_eq!(processor.charges(), 1);
    assert_eq!(srv.count_rows("purchases"), purchases + 1);
}

#[tokio::test]
async fn an_attempt_the_processor_cannot_tell_about_stays_pending_until_it_can() {
    let processor = LosesAnswers::new(false);
    let srv = TestServer::start_with_processor(processor.clone(), |c| {
        c.payment_timeout = Duration::from_millis(200);
        c.timing.expiry_sweep_interval = Duration::from_millis(50);
    })
    .await;
    let id = srv.create_session("onboarding").await;
    let purchases = srv.count_rows("purchases");
    let m = srv
        .confirm_with(&id, confirm_body("4242424242424242"))
        .await
        .assert_error(409, "checkout_session_not_open");
    assert!(m.contains("Do not pay again"), "{m}");
    assert_eq!(srv.hosted(&id).await.data()["status"], "pending");
    srv.confirm_with(&id, confirm_body("4242424242424242"))
        .await
        .assert_error(409, "checkout_session_not_open");
    // Past the recovery cutoff (twice the timeout) the sweep asks again and
    // again, and never reopens a session that may have been charged.
    let asked = processor.outcome_queries.load(Ordering::SeqCst);
    for _ in 0..100 {
        if processor.outcome_queries.load(Ordering::SeqCst) >= asked + 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(processor.outcome_queries.load(Ordering::SeqCst) >= asked + 2);
    assert_eq!(srv.hosted(&id).await.data()["status"], "pending");
    // Once the processor knows, the sweep records the one payment.
    processor.knows.store(true, Ordering::SeqCst);
    wait_status(&srv, &id, "succeeded").await;
    let session = srv.hosted(&id).await;
    assert_eq!(
        session.data()["paymentMethod"]["last4"],
        "4242",
        "{}",
        session.body
    );
    assert_eq!(processor.charges(), 1);
    assert_eq!(srv.count_rows("purchases"), purchases + 1);
}

/// What a process killed mid-charge leaves in the file: the session
/// pending since long ago, with the attempt it stored before the charge.
fn left_pending_mid_charge(srv: &TestServer, id: &str, key: &str) {
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let payer = serde_json::json!({
        "card": {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2040},
        "email": "crash@example.com",
        "billingAddress": null,
    });
    let changed = conn
        .execute(
            "UPDATE checkout_sessions SET status = 'pending', updated_at = ?2,
                payment_attempt_key = ?3, payment_attempt_payer = ?4 WHERE id = ?1",
            rusqlite::params![id, now_ms() - 60_000, key, payer.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[tokio::test]
async fn a_crash_after_the_charge_completes_the_session_instead_of_reopening_it() {
    let processor = Arc::new(TestCardProcessor::new());
    let srv = TestServer::start_with_processor(processor.clone(), |c| {
        c.payment_timeout = Duration::from_millis(200);
        c.timing.expiry_sweep_interval = Duration::from_millis(50);
    })
    .await;
    let purchases = srv.count_rows("purchases");
    // One attempt the processor charged before the process died…
    let charged = srv.create_session("onboarding").await;
    let attempt = PaymentAttempt {
        session_id: charged.clone(),
        key: "pa_charged_before_the_crash".into(),
    };
    let card = ValidatedCard::new("4242424242424242".into(), 12, 2040);
    processor
        .charge(&attempt, 4900, "USD", &card)
        .await
        .unwrap();
    left_pending_mid_charge(&srv, &charged, &attempt.key);
    // …and one it never received.
    let lost = srv.create_session("onboarding").await;
    left_pending_mid_charge(&srv, &lost, "pa_never_received");
    wait_status(&srv, &charged, "succeeded").await;
    wait_status(&srv, &lost, "open").await;
    let paid = srv.hosted(&charged).await;
    assert_eq!(
        paid.data()["customerEmail"],
        "crash@example.com",
        "{}",
        paid.body
    );
    assert_eq!(srv.count_rows("purchases"), purchases + 1);
    // The reopened one can be paid, once.
    srv.confirm(&lost, "4242424242424242").await.data();
    assert_eq!(srv.count_rows("purchases"), purchases + 2);
}
