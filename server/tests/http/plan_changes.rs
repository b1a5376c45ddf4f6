//! `subscriptions/adjust` (issue 15): plan changes through the route and the
//! platform API — prorated upgrades charged to the saved card, downgrades at
//! the period end applied by the renewal, declines and missing cards that
//! change nothing, concurrency, ownership, and bad bodies.

use crate::support::{now_ms, Auth, Reply, TestServer, SECRET_KEY};
use serde_json::{json, Value};

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
const BOB: Auth<'static> = Auth::Bearer("demo-bob");
const SUB: &str = "sub_alice_pro";
const MONTHLY: i64 = 1200;
const YEARLY: i64 = 12_000;

impl TestServer {
    async fn adjust(&self, body: Value, auth: Auth<'_>) -> Reply {
        self.route("subscriptions/adjust", body, auth).await
    }

    /// Runs `sql` on the database file while the server runs.
    fn sql(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.db_path()).expect("db opens");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("busy timeout");
        conn.execute_batch(sql).expect("sql runs");
    }

    /// Alice's one subscription as customers/billing shows it.
    async fn alice_sub(&self) -> Value {
        self.billing("demo-alice").await["subscriptions"][0].clone()
    }

    /// Alice's invoices (newest first).
    async fn alice_invoices(&self) -> Vec<Value> {
        self.billing("demo-alice").await["invoices"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The recorded webhook bodies of `event_type`.
    async fn events_of(&self, event_type: &str) -> Vec<Value> {
        let log = self.webhook_events("limit=100", Some(SECRET_KEY)).await;
        assert_eq!(log.status.as_u16(), 200, "{}", log.body);
        log.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == event_type)
            .map(|e| e["payload"].clone())
            .collect()
    }
}

/// The credit for the unused part of the month at `at`, rounded half up.
fn credit_at(start: i64, end: i64, at: i64) -> i64 {
    let remaining = i128::from((end - at).max(0));
    let whole = i128::from(end - start);
    i64::try_from((i128::from(MONTHLY) * remaining * 2 + whole) / (whole * 2)).unwrap()
}

#[tokio::test]
async fn alice_upgrades_monthly_to_yearly_now_and_pays_the_prorated_difference() {
    let srv = TestServer::start().await;
    let before_sub = srv.alice_sub().await;
    let (start, end) = (
        before_sub["currentBillingPeriodStart"].as_i64().unwrap(),
        before_sub["currentBillingPeriodEnd"].as_i64().unwrap(),
    );
    let invoices_before = srv.alice_invoices().await.len();

    let before = now_ms();
    let reply = srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE).await;
    let after = now_ms();
    let data = reply.data();
    assert_eq!(data["isUpgrade"], true);
    assert_eq!(data["resolvedTiming"], "immediately");
    let sub = &data["subscription"];
    assert_eq!(sub["id"], SUB);
    assert_eq!(sub["priceId"], "price_pro_yearly");
    assert_eq!(sub["interval"], "year");
    let new_start = sub["currentBillingPeriodStart"].as_i64().unwrap();
    assert!(
        new_start >= before && new_start <= after,
        "a new yearly period starts now"
    );
    assert!(sub["currentBillingPeriodEnd"].as_i64().unwrap() > new_start + 364 * 86_400_000);
    let items = data["subscriptionItems"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["priceId"], "price_pro_yearly");
    assert_eq!(items[0]["unitPrice"], YEARLY);
    assert_eq!(items[0]["quantity"], 1);

    // Charged: the year less the unused part of the month.
    let invoices = srv.alice_invoices().await;
    assert_eq!(invoices.len(), invoices_before + 1);
    let invoice = &invoices[0]["invoice"];
    let amount = invoice["subtotal"].as_i64().unwrap();
    let (low, high) = (
        YEARLY - credit_at(start, end, before),
        YEARLY - credit_at(start, end, after),
    );
    assert!(
        amount >= low && amount <= high,
        "{amount} not in {low}..={high}"
    );
    assert!(amount < YEARLY && amount > YEARLY - MONTHLY);
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["subscriptionId"], SUB);
    let lines = invoices[0]["invoiceLineItems"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["price"], YEARLY);
    assert_eq!(
        lines[1]["price"].as_i64().unwrap(),
        amount - YEARLY,
        "the credit"
    );

    // Webhooks: the subscription changed and the saved card paid.
    let updated = srv.events_of("subscription.updated").await;
    assert_eq!(updated.len(), 1);
    assert_eq!(
        updated[0]["data"]["subscription"]["priceId"],
        "price_pro_yearly"
    );
    let paid = srv.events_of("payment.succeeded").await;
    assert_eq!(paid.len(), 1);
    let payment = &paid[0]["data"]["payment"];
    assert_eq!(payment["amount"], amount);
    assert_eq!(payment["subscriptionId"], SUB);
    assert_eq!(payment["paymentMethodId"], "pm_alice_visa");
    assert_eq!(payment["invoiceId"], invoice["id"]);
    assert_eq!(payment["checkoutSessionId"], Value::Null);

    // The same request again: already on this plan, nothing charged.
    srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .assert_error(409, "subscription_plan_unchanged");
    assert_eq!(srv.alice_invoices().await.len(), invoices_before + 1);
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 1);
}

#[tokio::test]
async fn a_downgrade_waits_for_the_period_end_then_the_renewal_takes_the_new_price() {
    let srv = TestServer::start().await;
    srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .data();
    let invoices = srv.alice_invoices().await.len();
    let yearly_end = srv.alice_sub().await["currentBillingPeriodEnd"].clone();

    let reply = srv.adjust(json!({"priceSlug": "pro-monthly"}), ALICE).await;
    let data = reply.data();
    assert_eq!(data["isUpgrade"], false);
    assert_eq!(data["resolvedTiming"], "at_end_of_current_billing_period");
    assert_eq!(
        data["subscription"]["priceId"], "price_pro_yearly",
        "not yet"
    );
    assert_eq!(data["subscription"]["currentBillingPeriodEnd"], yearly_end);
    // Asking again answers the same, and nothing is charged either time.
    let again = srv.adjust(json!({"priceSlug": "pro-monthly"}), ALICE).await;
    assert_eq!(
        again.data()["resolvedTiming"],
        "at_end_of_current_billing_period"
    );
    assert_eq!(srv.alice_invoices().await.len(), invoices);
    assert_eq!(srv.alice_sub().await["priceId"], "price_pro_yearly");
    let updates = srv.events_of("subscription.updated").await.len();

    // The year ends: the renewal bills the monthly plan from the boundary.
    let boundary = now_ms() - 1_000;
    srv.sql(&format!(
        "UPDATE subscriptions SET current_period_start = {}, current_period_end = {boundary} WHERE id = '{SUB}'",
        boundary - 365 * 86_400_000
    ));
    let sub = srv.alice_sub().await;
    assert_eq!(sub["priceId"], "price_pro_monthly");
    assert_eq!(sub["interval"], "month");
    assert_eq!(sub["currentBillingPeriodStart"], boundary);
    assert!(sub["currentBillingPeriodEnd"].as_i64().unwrap() > now_ms());
    let updated = srv.events_of("subscription.updated").await;
    assert_eq!(
        updated.len(),
        updates + 1,
        "one event when the change takes effect"
    );
    // Applied once: on the monthly plan now, so asking again is "unchanged".
    srv.adjust(json!({"priceSlug": "pro-monthly"}), ALICE)
        .await
        .assert_error(409, "subscription_plan_unchanged");
}

#[tokio::test]
async fn canceling_drops_a_scheduled_change_and_asking_for_the_current_plan_drops_it_too() {
    let srv = TestServer::start().await;
    srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .data();
    let scheduled = srv.adjust(json!({"priceSlug": "pro-monthly"}), ALICE).await;
    assert_eq!(
        scheduled.data()["resolvedTiming"],
        "at_end_of_current_billing_period"
    );
    // "Keep my plan" drops it.
    let keep = srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE).await;
    assert_eq!(keep.data()["subscription"]["priceId"], "price_pro_yearly");
    srv.adjust(json!({"priceSlug": "pro-monthly"}), ALICE)
        .await
        .data();
    srv.route(
        "subscriptions/cancel",
        json!({"id": SUB, "cancellation": {"timing": "at_end_of_current_billing_period"}}),
        ALICE,
    )
    .await
    .data();
    // A scheduled cancellation refuses plan changes until it is undone.
    srv.adjust(json!({"priceSlug": "pro-monthly"}), ALICE)
        .await
        .assert_error(409, "subscription_not_adjustable");
    srv.route("subscriptions/uncancel", json!({"id": SUB}), ALICE)
        .await
        .data();
    let boundary = now_ms() - 1_000;
    srv.sql(&format!(
        "UPDATE subscriptions SET current_period_start = {}, current_period_end = {boundary} WHERE id = '{SUB}'",
        boundary - 365 * 86_400_000
    ));
    assert_eq!(
        srv.alice_sub().await["priceId"],
        "price_pro_yearly",
        "the cancel dropped the scheduled change"
    );
}

#[tokio::test]
async fn immediately_without_proration() {
    let srv = TestServer::start().await;
    let invoices = srv.alice_invoices().await.len();
    let period_end = srv.alice_sub().await["currentBillingPeriodEnd"].clone();
    // Same interval: the new quantity now, nothing charged until the renewal.
    let reply = srv
        .adjust(
            json!({"priceSlug": "pro-monthly", "quantity": 2, "timing": "immediately", "prorate": false}),
            ALICE,
        )
        .await;
    let data = reply.data();
    assert_eq!(data["resolvedTiming"], "immediately");
    assert_eq!(data["isUpgrade"], true);
    assert_eq!(data["subscriptionItems"][0]["quantity"], 2);
    assert_eq!(data["subscription"]["currentBillingPeriodEnd"], period_end);
    assert_eq!(srv.alice_invoices().await.len(), invoices);
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 0);
    // Another interval: a new period now at the full price, no credit.
    let reply = srv
        .adjust(
            json!({"subscriptionItems": [{"priceId": "price_pro_yearly"}], "timing": "immediately", "prorate": false}),
            ALICE,
        )
        .await;
    assert_eq!(reply.data()["subscription"]["priceId"], "price_pro_yearly");
    let all = srv.alice_invoices().await;
    assert_eq!(all.len(), invoices + 1);
    assert_eq!(all[0]["invoice"]["subtotal"], YEARLY);
    assert_eq!(all[0]["invoiceLineItems"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn without_a_saved_card_nothing_changes() {
    let srv = TestServer::start().await;
    srv.sql("DELETE FROM payment_methods WHERE customer_id = 'cus_alice'");
    let invoices = srv.alice_invoices().await.len();
    let m = srv
        .adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .assert_error(402, "payment_method_required");
    assert!(m.contains("Nothing was changed"), "{m}");
    assert_eq!(srv.alice_sub().await["priceId"], "price_pro_monthly");
    assert_eq!(srv.alice_invoices().await.len(), invoices);
    assert!(srv.events_of("subscription.updated").await.is_empty());
    // A change that charges nothing needs no card.
    let later = srv.adjust(json!({"priceSlug": "pro-monthly", "quantity": 2, "prorate": false, "timing": "immediately"}), ALICE).await;
    assert_eq!(later.data()["subscriptionItems"][0]["quantity"], 2);
}

#[tokio::test]
async fn a_declined_saved_card_changes_nothing_and_reports_payment_failed() {
    let srv = TestServer::start().await;
    srv.sql("UPDATE payment_methods SET last4 = '0002' WHERE id = 'pm_alice_visa'");
    let invoices = srv.alice_invoices().await.len();
    let m = srv
        .adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .assert_error(402, "card_declined");
    assert!(m.contains("not changed"), "{m}");
    assert_eq!(srv.alice_sub().await["priceId"], "price_pro_monthly");
    assert_eq!(srv.alice_invoices().await.len(), invoices);
    let failed = srv.events_of("payment.failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["data"]["payment"]["failureCode"], "card_declined");
    assert_eq!(failed[0]["data"]["payment"]["subscriptionId"], SUB);
    assert!(srv.events_of("payment.succeeded").await.is_empty());
    // The decline left nothing in progress: with a good card it goes through.
    srv.sql("UPDATE payment_methods SET last4 = '4242' WHERE id = 'pm_alice_visa'");
    srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .data();
    assert_eq!(srv.alice_invoices().await.len(), invoices + 1);
}

#[tokio::test]
async fn changes_at_once_are_charged_once_each_and_never_twice_for_one_version() {
    let srv = TestServer::start().await;
    let invoices = srv.alice_invoices().await.len();
    let body = json!({"priceSlug": "pro-yearly"});
    let replies = srv
        .route_all_at_once(
            "subscriptions/adjust",
            "demo-alice",
            vec![body.clone(), body.clone(), body.clone(), body],
        )
        .await;
    for (status, reply) in &replies {
        let code = reply["error"]["code"].as_str().unwrap_or_default();
        assert!(
            *status == 200
                || code == "subscription_plan_unchanged"
                || code == "subscription_change_in_progress",
            "{status} {reply}"
        );
    }
    assert!(replies.iter().any(|(s, _)| *s == 200));
    assert_eq!(srv.alice_invoices().await.len(), invoices + 1, "one charge");
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 1);

    // Different changes at once: each charge is its own change, decided on
    // the version the one before it left.
    let replies = srv
        .route_all_at_once(
            "subscriptions/adjust",
            "demo-alice",
            vec![
                json!({"priceSlug": "pro-yearly", "quantity": 2}),
                json!({"priceSlug": "pro-yearly", "quantity": 3}),
                json!({"priceSlug": "pro-yearly", "quantity": 4}),
            ],
        )
        .await;
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let mut stmt = conn
        .prepare("SELECT from_quantity, to_quantity, amount FROM subscription_adjustments ORDER BY created_at, rowid")
        .unwrap();
    let rows: Vec<(i64, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // A change that became a downgrade (decided after a bigger one) is
    // scheduled, not written as an adjustment.
    let applied = replies
        .iter()
        .filter(|(s, r)| *s == 200 && r["data"]["resolvedTiming"] == "immediately")
        .count();
    assert_eq!(rows.len(), 1 + applied, "{rows:?} {replies:?}");
    for pair in rows.windows(2) {
        assert_eq!(
            pair[0].1, pair[1].0,
            "each change starts where the last ended: {rows:?}"
        );
    }
    let charged = rows.iter().filter(|r| r.2 > 0).count();
    assert_eq!(srv.events_of("payment.succeeded").await.len(), charged);
    assert_eq!(srv.alice_invoices().await.len(), invoices + charged);
}

#[tokio::test]
async fn bob_cannot_change_alices_plan() {
    let srv = TestServer::start().await;
    srv.adjust(
        json!({"priceSlug": "pro-yearly", "subscriptionId": SUB}),
        BOB,
    )
    .await
    .assert_error(404, "subscription_not_found");
    srv.adjust(json!({"priceSlug": "pro-yearly"}), BOB)
        .await
        .assert_error(400, "subscription_required");
    srv.adjust(json!({"priceSlug": "pro-yearly"}), Auth::None)
        .await
        .assert_error(401, "customer_required");
    assert_eq!(srv.alice_sub().await["priceId"], "price_pro_monthly");
    assert!(srv.events_of("payment.succeeded").await.is_empty());
    // Alice names her own subscription explicitly.
    srv.adjust(
        json!({"priceSlug": "pro-yearly", "subscriptionId": SUB}),
        ALICE,
    )
    .await
    .data();
}

#[tokio::test]
async fn bad_bodies_are_refused_with_stable_codes() {
    let srv = TestServer::start().await;
    let invoices = srv.alice_invoices().await.len();
    let cases = [
        (json!({}), 400, "invalid_request"),
        (
            json!({"priceSlug": "pro-yearly", "priceId": "price_pro_yearly"}),
            400,
            "invalid_request",
        ),
        (json!({"subscriptionItems": []}), 400, "invalid_request"),
        (
            json!({"subscriptionItems": [{"quantity": 1}]}),
            400,
            "price_missing",
        ),
        (json!({"priceSlug": "nope"}), 404, "price_not_found"),
        (json!({"priceId": "price_nope"}), 404, "price_not_found"),
        (json!({"priceSlug": "lifetime"}), 400, "price_not_recurring"),
        (
            json!({"priceSlug": "credits-jpy"}),
            400,
            "price_not_recurring",
        ),
        (
            json!({"priceSlug": "pro-yearly", "quantity": 0}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "pro-yearly", "quantity": 1.5}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "pro-yearly", "quantity": 1e9}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "pro-yearly", "quantity": -1}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"subscriptionItems": [{"priceSlug": "pro-yearly"}, {"priceSlug": "pro-monthly", "quantity": 2}]}),
            400,
            "multiple_subscription_items",
        ),
        (
            json!({"priceSlug": "p".repeat(5000)}),
            400,
            "field_too_long",
        ),
        (
            json!({"priceSlug": "pro-yearly", "subscriptionId": "s".repeat(300)}),
            400,
            "field_too_long",
        ),
        (
            json!({"priceSlug": "pro-yearly", "timing": "someday"}),
            400,
            "invalid_request",
        ),
        (
            json!({"priceSlug": "pro-yearly", "prorate": "yes"}),
            400,
            "invalid_request",
        ),
    ];
    for (body, status, code) in cases {
        let reply = srv.adjust(body.clone(), ALICE).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        reply.assert_error(status, code);
    }
    assert_eq!(srv.alice_sub().await["priceId"], "price_pro_monthly");
    assert_eq!(srv.alice_invoices().await.len(), invoices);
    assert!(srv.events_of("payment.succeeded").await.is_empty());
}

#[tokio::test]
async fn ended_subscriptions_cannot_change_plan() {
    let srv = TestServer::start().await;
    srv.route(
        "subscriptions/cancel",
        json!({"id": SUB, "cancellation": {"timing": "immediately"}}),
        ALICE,
    )
    .await
    .data();
    let m = srv
        .adjust(
            json!({"priceSlug": "pro-yearly", "subscriptionId": SUB}),
            ALICE,
        )
        .await
        .assert_error(409, "subscription_not_adjustable");
    assert!(m.contains("ended"), "{m}");
    // Without an id there is no current subscription to pick.
    srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .assert_error(400, "subscription_required");
}

#[tokio::test]
async fn the_platform_api_adjusts_with_the_secret_key_only() {
    let srv = TestServer::start().await;
    let url = srv.url(&format!("/api/v1/subscriptions/{SUB}/adjust"));
    let body = json!({"adjustment": {"timing": "auto",
        "newSubscriptionItems": [{"priceSlug": "pro-yearly", "quantity": 1}],
        "prorateCurrentBillingPeriod": true}});
    srv.send(srv.client.post(&url).json(&body))
        .await
        .assert_error(401, "unauthorized");
    srv.send(
        srv.client
            .post(&url)
            .header("authorization", "sk_test_wrong")
            .json(&body),
    )
    .await
    .assert_error(401, "unauthorized");
    assert_eq!(srv.alice_sub().await["priceId"], "price_pro_monthly");

    let reply = srv
        .send(
            srv.client
                .post(&url)
                .header("authorization", SECRET_KEY)
                .json(&body),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["isUpgrade"], true);
    assert_eq!(reply.body["resolvedTiming"], "immediately");
    assert_eq!(reply.body["subscription"]["priceId"], "price_pro_yearly");
    assert_eq!(
        reply.body["subscriptionItems"][0]["priceId"],
        "price_pro_yearly"
    );
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 1);

    let missing = srv.url("/api/v1/subscriptions/sub_nope/adjust");
    srv.send(
        srv.client
            .post(&missing)
            .header("authorization", SECRET_KEY)
            .json(&body),
    )
    .await
    .assert_error(404, "subscription_not_found");
    let two = json!({"adjustment": {"timing": "immediately",
        "newSubscriptionItems": [{"priceSlug": "pro-yearly"}, {"priceSlug": "pro-monthly"}]}});
    srv.send(
        srv.client
            .post(&url)
            .header("authorization", SECRET_KEY)
            .json(&two),
    )
    .await
    .assert_error(400, "multiple_subscription_items");
}

#[tokio::test]
async fn a_trial_changes_plan_for_free_and_events_keep_the_checkouts_metadata() {
    let srv = TestServer::start().await;
    srv.buy(
        json!({"priceSlug": "pro-monthly", "outputMetadata": {"team": "red"}}),
        BOB,
    )
    .await;
    let bob = srv.billing("demo-bob").await;
    let sub = &bob["subscriptions"][0];
    assert_eq!(sub["status"], "trialing");
    assert_eq!(sub["metadata"]["team"], "red");
    let trial_end = sub["trialEnd"].clone();
    let invoices = bob["invoices"].as_array().unwrap().len();

    let reply = srv.adjust(json!({"priceSlug": "pro-yearly"}), BOB).await;
    let data = reply.data();
    assert_eq!(data["resolvedTiming"], "immediately");
    assert_eq!(data["subscription"]["status"], "trialing");
    assert_eq!(
        data["subscription"]["trialEnd"], trial_end,
        "the trial continues"
    );
    assert_eq!(data["subscription"]["priceId"], "price_pro_yearly");
    assert_eq!(data["subscription"]["metadata"]["team"], "red");
    let bob = srv.billing("demo-bob").await;
    assert_eq!(
        bob["invoices"].as_array().unwrap().len(),
        invoices,
        "nothing charged"
    );
    assert!(srv
        .events_of("payment.succeeded")
        .await
        .iter()
        .all(|e| e["data"]["payment"]["subscriptionId"] != data["subscription"]["id"]));
    let updated = srv.events_of("subscription.updated").await;
    let ours: Vec<_> = updated
        .iter()
        .filter(|e| e["data"]["subscription"]["priceId"] == "price_pro_yearly")
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["data"]["subscription"]["metadata"]["team"], "red");
    assert_eq!(ours[0]["customer"]["externalId"], "bob");
}

/// The demo catalog with a euro Pro price, and Alice (`staging-alice-1`)
/// on two subscriptions.
async fn two_subscription_server() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog: Value = serde_json::from_str(checkout_server::DEMO_CATALOG).unwrap();
    let prices = catalog["products"][0]["prices"].as_array_mut().unwrap();
    prices.push(
        json!({"id": "price_pro_eur", "slug": "pro-monthly-eur", "name": "Pro (EUR)",
        "type": "subscription", "unitPrice": 1100, "currency": "EUR",
        "intervalUnit": "month", "intervalCount": 1}),
    );
    let subs = catalog["customers"][0]["subscriptions"]
        .as_array_mut()
        .unwrap();
    subs.push(json!({"id": "sub_alice_second", "priceSlug": "pro-yearly", "status": "active", "startedDaysAgo": 3}));
    catalog["customers"][0]["signInToken"] = json!("staging-alice-1");
    crate::support::serve_catalog(dir, &catalog).await
}

#[tokio::test]
async fn several_subscriptions_need_an_id_and_another_currency_is_refused() {
    let (srv, _dir) = two_subscription_server().await;
    let alice = Auth::Bearer("staging-alice-1");
    srv.adjust(json!({"priceSlug": "pro-yearly"}), alice)
        .await
        .assert_error(400, "subscription_ambiguous");
    srv.adjust(
        json!({"priceSlug": "pro-monthly-eur", "subscriptionId": SUB}),
        alice,
    )
    .await
    .assert_error(400, "currency_mismatch");
    let reply = srv
        .adjust(
            json!({"priceSlug": "pro-yearly", "subscriptionId": SUB}),
            alice,
        )
        .await;
    assert_eq!(reply.data()["subscription"]["id"], SUB);
    assert_eq!(reply.data()["subscription"]["priceId"], "price_pro_yearly");
}

#[tokio::test]
async fn while_a_change_is_being_charged_other_changes_and_cancels_wait() {
    let (srv, processor) = TestServer::start_slow(std::time::Duration::from_millis(600)).await;
    let srv = std::sync::Arc::new(srv);
    let first = {
        let srv = std::sync::Arc::clone(&srv);
        tokio::spawn(async move {
            let reply = srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE).await;
            (reply.status.as_u16(), reply.body)
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // A different change decided on the same version: refused, not charged.
    srv.adjust(
        json!({"priceSlug": "pro-monthly", "quantity": 3, "timing": "immediately"}),
        ALICE,
    )
    .await
    .assert_error(409, "subscription_change_in_progress");
    srv.route(
        "subscriptions/cancel",
        json!({"id": SUB, "cancellation": {"timing": "immediately"}}),
        ALICE,
    )
    .await
    .assert_error(409, "subscription_change_in_progress");
    let (status, body) = first.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["subscription"]["priceId"], "price_pro_yearly");
    assert_eq!(processor.charges(), 1);
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 1);
    // Once written, cancel works again.
    srv.route(
        "subscriptions/cancel",
        json!({"id": SUB, "cancellation": {"timing": "immediately"}}),
        ALICE,
    )
    .await
    .data();
}

#[tokio::test]
async fn a_change_left_unfinished_blocks_until_stale_then_is_released_when_never_charged() {
    let srv = TestServer::start().await;
    // As a crash between marking and writing would leave it.
    srv.sql(&format!(
        "UPDATE subscriptions SET adjust_key = 'pa_left_behind', adjust_started_at = {} WHERE id = '{SUB}'",
        now_ms()
    ));
    srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE)
        .await
        .assert_error(409, "subscription_change_in_progress");
    // Eleven minutes later: the processor never saw that attempt, so it is
    // released and this change goes through.
    srv.sql(&format!(
        "UPDATE subscriptions SET adjust_started_at = {} WHERE id = '{SUB}'",
        now_ms() - 11 * 60 * 1000
    ));
    let reply = srv.adjust(json!({"priceSlug": "pro-yearly"}), ALICE).await;
    assert_eq!(reply.data()["subscription"]["priceId"], "price_pro_yearly");
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 1);
}

#[tokio::test]
async fn a_double_click_charges_once_and_both_get_the_same_answer() {
    let (srv, processor) = TestServer::start_slow(std::time::Duration::from_millis(400)).await;
    let body = json!({"priceSlug": "pro-yearly"});
    let replies = srv
        .route_all_at_once(
            "subscriptions/adjust",
            "demo-alice",
            vec![body.clone(), body],
        )
        .await;
    for (status, reply) in &replies {
        assert_eq!(*status, 200, "{reply}");
        assert_eq!(reply["data"]["subscription"]["priceId"], "price_pro_yearly");
        assert_eq!(reply["data"]["resolvedTiming"], "immediately");
    }
    assert_eq!(
        replies[0].1["data"]["subscription"]["updatedAt"],
        replies[1].1["data"]["subscription"]["updatedAt"],
        "one change, answered twice"
    );
    assert_eq!(processor.charges(), 1, "the processor was asked once");
    assert_eq!(srv.events_of("payment.succeeded").await.len(), 1);
    assert_eq!(srv.alice_invoices().await.len(), 2);
}
