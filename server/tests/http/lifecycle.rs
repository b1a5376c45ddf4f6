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
    let (price_type, amount): (String, i64) = conn
        .query_row(
            "SELECT price_type, amount FROM purchases WHERE checkout_session_id = ?1",
            [&trial],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (price_type.as_str(), amount),
        ("subscription", 0),
        "a customer's subscription checkout makes a subscription purchase, free during the trial"
    );
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

/// The schema the first release wrote (`user_version` 1).
const VERSION_1_SCHEMA: &str = r#"
CREATE TABLE customers (id TEXT PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, token TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL, email TEXT NOT NULL) STRICT;
CREATE TABLE checkout_sessions (
    id TEXT PRIMARY KEY, type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'succeeded', 'failed', 'expired')),
    customer_id TEXT REFERENCES customers(id), price_id TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 1), success_url TEXT, cancel_url TEXT, output_name TEXT,
    output_metadata TEXT, customer_email TEXT, line_items TEXT NOT NULL, card_brand TEXT,
    card_last4 TEXT CHECK (card_last4 IS NULL OR length(card_last4) = 4), card_exp_month INTEGER,
    card_exp_year INTEGER, purchase_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL) STRICT;
CREATE INDEX checkout_sessions_by_customer ON checkout_sessions(customer_id, created_at);
CREATE TABLE purchases (id TEXT PRIMARY KEY, customer_id TEXT REFERENCES customers(id),
    checkout_session_id TEXT NOT NULL UNIQUE REFERENCES checkout_sessions(id), price_id TEXT NOT NULL,
    quantity INTEGER NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL, name TEXT NOT NULL,
    metadata TEXT, created_at INTEGER NOT NULL) STRICT;
CREATE INDEX purchases_by_customer ON purchases(customer_id, created_at);
CREATE TABLE subscriptions (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    price_id TEXT NOT NULL, status TEXT NOT NULL, checkout_session_id TEXT UNIQUE REFERENCES checkout_sessions(id),
    name TEXT, metadata TEXT, trial_ends_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
CREATE INDEX subscriptions_by_customer ON subscriptions(customer_id, created_at);
CREATE TABLE payment_methods (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    brand TEXT NOT NULL, last4 TEXT NOT NULL CHECK (length(last4) = 4), exp_month INTEGER NOT NULL,
    exp_year INTEGER NOT NULL, is_default INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL) STRICT;
CREATE INDEX payment_methods_by_customer ON payment_methods(customer_id);
PRAGMA user_version = 1;
"#;

#[tokio::test]
async fn a_file_from_the_first_release_still_opens_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path());
    std::fs::create_dir_all(config.db.parent().unwrap()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let line = r#"[{"priceId":"price_onboarding","name":"Onboarding","description":null,"quantity":1,"unitAmount":4900,"currency":"USD","priceType":"single_payment","intervalUnit":null,"intervalCount":null,"trialPeriodDays":null}]"#;
    let trial_line = r#"[{"priceId":"price_pro_monthly","name":"Pro","description":null,"quantity":1,"unitAmount":1200,"currency":"USD","priceType":"subscription","intervalUnit":"month","intervalCount":1,"trialPeriodDays":14}]"#;
    {
        let conn = Connection::open(&config.db).unwrap();
        conn.execute_batch(VERSION_1_SCHEMA).unwrap();
        // What the first release seeded, and what two payments wrote.
        conn.execute_batch(&format!(
            "INSERT INTO customers VALUES ('cus_alice', 'alice', 'demo-alice', 'Alice Martin', 'alice@example.com');
             INSERT INTO customers VALUES ('cus_bob', 'bob', 'demo-bob', 'Bob Chen', 'bob@example.com');
             INSERT INTO subscriptions (id, customer_id, price_id, status, created_at, updated_at)
                VALUES ('sub_alice_pro', 'cus_alice', 'price_pro_monthly', 'active', 1767225600000, 1767225600000);
             INSERT INTO payment_methods VALUES ('pm_alice_visa', 'cus_alice', 'visa', '4242', 12, 2030, 1, 1767225600000);
             INSERT INTO checkout_sessions (id, type, status, price_id, quantity, success_url, cancel_url, customer_email,
                line_items, card_brand, card_last4, card_exp_month, card_exp_year, purchase_id, created_at, updated_at, expires_at)
                VALUES ('cs_old_paid', 'product', 'succeeded', 'price_onboarding', 1, 'https://shop.test/ok', 'https://shop.test/no',
                'old@example.com', '{line}', 'visa', '4242', 12, 2040, 'pur_old', {t}, {t}, {e});
             INSERT INTO purchases VALUES ('pur_old', NULL, 'cs_old_paid', 'price_onboarding', 1, 4900, 'USD', 'Onboarding', NULL, {t});
             INSERT INTO checkout_sessions (id, type, status, customer_id, price_id, quantity, success_url, cancel_url,
                customer_email, line_items, created_at, updated_at, expires_at)
                VALUES ('cs_old_trial', 'product', 'succeeded', 'cus_bob', 'price_pro_monthly', 1, 'https://shop.test/ok',
                'https://shop.test/no', 'bob@example.com', '{trial_line}', {t}, {t}, {e});
             INSERT INTO subscriptions (id, customer_id, price_id, status, checkout_session_id, trial_ends_at, created_at, updated_at)
                VALUES ('sub_bob_old', 'cus_bob', 'price_pro_monthly', 'trialing', 'cs_old_trial', {trial_end}, {t}, {t});
             INSERT INTO checkout_sessions (id, type, status, price_id, quantity, success_url, cancel_url, line_items,
                created_at, updated_at, expires_at)
                VALUES ('cs_old_open', 'product', 'open', 'price_onboarding', 1, 'https://shop.test/ok', 'https://shop.test/no',
                '{line}', {t}, {t}, {e});",
            t = now - 60_000,
            e = now + 3_600_000,
            trial_end = now + 13 * 86_400_000,
        ))
        .unwrap();
    }

    let server = spawn(config).await.expect("a version-1 file opens");
    let srv = TestServer {
        server,
        dir,
        client: reqwest::Client::new(),
    };

    // The old sessions read as before, and the open one can still be paid.
    let old = srv
        .platform_get("cs_old_paid", Some(crate::support::SECRET_KEY))
        .await;
    assert_eq!(old.status.as_u16(), 200, "{}", old.body);
    assert_eq!(old.body["checkoutSession"]["purchaseId"], "pur_old");
    assert_eq!(old.body["checkoutSession"]["priceId"], "price_onboarding");
    assert!(old.body["checkoutSession"].get("requestId").is_none());
    assert_eq!(
        srv.hosted("cs_old_paid").await.data()["paymentMethod"]["last4"],
        "4242"
    );
    let page = srv.hosted("cs_old_open").await;
    assert_eq!(
        (
            page.data()["totalDueToday"].as_i64(),
            page.data()["discount"].as_i64()
        ),
        (Some(4900), Some(0))
    );
    srv.confirm("cs_old_open", "4242424242424242").await.data();
    // Session fields (issue 16): old paid sessions say so and name what
    // they made; the subscription an old trial created is found by its
    // `checkout_session_id` (migration 10).
    let key = Some(crate::support::SECRET_KEY);
    let old = srv.platform_get("cs_old_paid", key).await.body["checkoutSession"].clone();
    assert_eq!(
        (&old["paymentStatus"], &old["subscriptionId"]),
        (&serde_json::json!("paid"), &serde_json::Value::Null)
    );
    let trial = srv.platform_get("cs_old_trial", key).await.body["checkoutSession"].clone();
    assert_eq!(trial["paymentStatus"], "no_payment_required", "{trial}");
    assert_eq!(trial["subscriptionId"], "sub_bob_old", "{trial}");
    let paid_now = srv.platform_get("cs_old_open", key).await.body["checkoutSession"].clone();
    assert_eq!(paid_now["paymentStatus"], "paid");
    assert!(paid_now["purchaseId"].as_str().is_some(), "{paid_now}");

    // The old subscriptions got their periods; Alice's seeded one its invoice and purchase.
    let alice = srv.billing("demo-alice").await;
    let sub = &alice["subscriptions"][0];
    assert_eq!(sub["status"], "active");
    assert!(sub["currentBillingPeriodEnd"].as_i64().unwrap() > now);
    assert_eq!(sub["defaultPaymentMethodId"], "pm_alice_visa");
    assert_eq!(
        alice["invoices"][0]["invoice"]["invoiceNumber"],
        "ALICE-0001"
    );
    assert_eq!(alice["paymentMethods"].as_array().unwrap().len(), 1);
    let bob = srv.billing("demo-bob").await;
    let sub = &bob["subscriptions"][0];
    assert_eq!(sub["id"], "sub_bob_old");
    assert_eq!(sub["status"], "trialing");
    assert_eq!(sub["startDate"], now - 60_000);
    assert_eq!(sub["currentBillingPeriodStart"], now - 60_000);
    assert_eq!(sub["interval"], "month");

    // New features work on the upgraded file.
    let reply = srv
        .merchant_create(
            serde_json::json!({"priceSlug": "lifetime", "requestId": "after-upgrade"}),
            None,
        )
        .await;
    assert_eq!(
        reply.data()["checkoutSession"]["requestId"],
        "after-upgrade"
    );
    let db_path = srv.db_path();
    srv.server.shutdown().await;
    let conn = Connection::open(&db_path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    // v5: retention indexes; v6: payment attempt columns (issue 13);
    // v7: the usage ledger; v8: resource claims; v9: plan changes (issue 15);
    // v10: the subscription a session's payment made (issue 16);
    // v11: the 3-D Secure challenges waiting on sessions (issue 16).
    // v12: removed saved cards and the card a purchase was paid with (issue 16).
    // v13: adjustable quantity bounds and tax IDs (issue 16, item 8).
    assert_eq!(version, 13, "brought up to the latest schema");
    let kept: (i64, String) = conn
        .query_row(
            "SELECT amount, price_type FROM purchases WHERE id = 'pur_old'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kept, (4900, "single_payment".to_owned()));
}

#[tokio::test]
async fn billing_changes_survive_a_restart_and_seeding_does_not_undo_them() {
    let srv = TestServer::start().await;
    srv.route(
        "subscriptions/cancel",
        serde_json::json!({"id": "sub_alice_pro", "cancellation": {"timing": "immediately"}}),
        Auth::Bearer("demo-alice"),
    )
    .await
    .data();
    srv.buy(
        serde_json::json!({"priceSlug": "lifetime"}),
        Auth::Bearer("demo-alice"),
    )
    .await;
    let before = srv.billing("demo-alice").await;
    let TestServer {
        server,
        dir,
        client,
    } = srv;
    server.shutdown().await;
    let server = spawn(config_in(dir.path())).await.unwrap();
    let srv = TestServer {
        server,
        dir,
        client,
    };
    let after = srv.billing("demo-alice").await;
    assert_eq!(after, before);
    assert_eq!(after["subscriptions"][0]["status"], "canceled");
    assert_eq!(after["invoices"].as_array().unwrap().len(), 2);
    assert_eq!(after["purchases"].as_array().unwrap().len(), 2);
    srv.server.shutdown().await;
}
