//! What outlives a request: restarts on the same file, lazy expiry, the rows
//! a payment writes, and that no full card number reaches the disk.

use crate::support::{config_in, Auth, TestServer};
use checkout_server::spawn;
use rusqlite::Connection;

#[tokio::test]
async fn sessions_survive_a_restart_on_the_same_file() {
    let srv = TestServer::start().await;
    let id = srv.create_session("pro-yearly").await;
    let TestServer {
        server,
        dir,
        client,
    } = srv;
    server.shutdown().await;

    let server = spawn(config_in(dir.path()))
        .await
        .expect("restarts on the same file");
    let srv = TestServer {
        server,
        dir,
        client,
    };
    let reply = srv.hosted(&id).await;
    let page = reply.data();
    assert_eq!(page["status"], "open");
    assert_eq!(page["totalDueToday"], 12000);
    // Seeding again at start is idempotent and the session can still be paid.
    assert_eq!(
        srv.confirm(&id, "4242424242424242").await.data()["checkoutSession"]["status"],
        "succeeded"
    );
    srv.server.shutdown().await;
}

#[tokio::test]
async fn an_open_session_past_its_expiry_reads_as_expired_and_stays_so() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let db_path = srv.db_path();
    let TestServer {
        server,
        dir,
        client,
    } = srv;
    server.shutdown().await;
    {
        let conn = Connection::open(&db_path).unwrap();
        let changed = conn
            .execute(
                "UPDATE checkout_sessions SET expires_at = 1 WHERE id = ?1",
                [&id],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let server = spawn(config_in(dir.path())).await.unwrap();
    let srv = TestServer {
        server,
        dir,
        client,
    };
    assert_eq!(srv.hosted(&id).await.data()["status"], "expired");
    srv.confirm(&id, "4242424242424242")
        .await
        .assert_error(410, "checkout_session_expired");
    srv.server.shutdown().await;
    let conn = Connection::open(&db_path).unwrap();
    let status: String = conn
        .query_row(
            "SELECT status FROM checkout_sessions WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "expired", "lazy expiry is persisted");
}

#[tokio::test]
async fn payments_write_purchases_and_subscriptions_but_never_the_card_number() {
    let srv = TestServer::start().await;
    let single = srv
        .create_session_as("credits-jpy", Auth::Cookie("demo-bob"))
        .await;
    let trial = srv
        .create_session_as("pro-monthly", Auth::Bearer("demo-alice"))
        .await;
    srv.confirm(&single, "4242424242424242").await.data();
    srv.confirm(&trial, "4242424242424242").await.data();

    // While running (WAL in use), neither file holds the number.
    assert_no_card_number_on_disk(&srv);
    let db_path = srv.db_path();
    let TestServer { server, dir, .. } = srv;
    server.shutdown().await;
    assert_no_card_number_in(&db_path);

    let conn = Connection::open(&db_path).unwrap();
    let (customer, amount, currency, quantity): (String, i64, String, i64) = conn
        .query_row(
            "SELECT customer_id, amount, currency, quantity FROM purchases WHERE checkout_session_id = ?1",
            [&single],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (customer.as_str(), amount, currency.as_str(), quantity),
        ("cus_bob", 1200, "JPY", 1)
    );
    let (sub_customer, status, price): (String, String, String) = conn
        .query_row(
            "SELECT customer_id, status, price_id FROM subscriptions WHERE checkout_session_id = ?1",
            [&trial],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (sub_customer.as_str(), status.as_str(), price.as_str()),
        ("cus_alice", "trialing", "price_pro_monthly")
    );
    let no_purchase: i64 = conn
        .query_row(
            "SELECT count(*) FROM purchases WHERE checkout_session_id = ?1",
            [&trial],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(no_purchase, 0, "a subscription checkout makes no purchase");
    let (brand, last4): (String, String) = conn
        .query_row(
            "SELECT card_brand, card_last4 FROM checkout_sessions WHERE id = ?1",
            [&single],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((brand.as_str(), last4.as_str()), ("visa", "4242"));
    drop(dir);
}

fn assert_no_card_number_on_disk(srv: &TestServer) {
    assert_no_card_number_in(&srv.db_path());
}

fn assert_no_card_number_in(db_path: &std::path::Path) {
    let wal = db_path.with_extension("sqlite3-wal");
    let mut checked = 0;
    for path in [db_path.to_owned(), wal] {
        if let Ok(bytes) = std::fs::read(&path) {
            checked += 1;
            let needle = b"4242424242424242";
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} contains a full card number",
                path.display()
            );
        }
    }
    assert!(checked >= 1, "the database file exists");
}
