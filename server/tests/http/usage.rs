//! Usage metering: `usage-events/create` and `usage-meters/balances` on the
//! route, `POST /api/v1/usage-events` and `GET /api/v1/customers/{id}/usage-balances`
//! on the platform API, and `RemotePlatform` forwarding both. The ledger is
//! idempotent by `transactionId`, and a customer records usage only on their
//! own current subscription.

use crate::features::check_usage_balance;
use crate::support::{Auth, Reply, TestServer, SECRET_KEY};
use checkout_protocol::UsageEventInput;
use checkout_server::{BillingPlatform, CustomerIdentity, RemotePlatform, RemotePlatformOptions};
use serde_json::{json, Value};

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
const BOB: Auth<'static> = Auth::Bearer("demo-bob");

impl TestServer {
    async fn usage(&self, body: Value, auth: Auth<'_>) -> Reply {
        self.route("usage-events/create", body, auth).await
    }

    async fn minutes_left(&self, token: &str) -> Option<i64> {
        check_usage_balance(&self.billing(token).await, "build-minutes")
    }

    async fn alice_subscription(&self) -> String {
        self.billing("demo-alice").await["currentSubscriptions"][0]["id"]
            .as_str()
            .expect("alice has a current subscription")
            .to_owned()
    }

    async fn platform_usage(&self, body: Value, key: Option<&str>) -> Reply {
        let mut request = self
            .client
            .post(self.url("/api/v1/usage-events"))
            .json(&body);
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        self.send(request).await
    }

    async fn platform_balances(&self, path_and_query: &str) -> Reply {
        self.send(
            self.client
                .get(self.url(path_and_query))
                .header("authorization", SECRET_KEY),
        )
        .await
    }
}

#[tokio::test]
async fn alice_records_usage_and_her_balance_drops() {
    let srv = TestServer::start().await;
    let sub = srv.alice_subscription().await;
    let reply = srv
        .usage(
            json!({"usageMeterSlug": "build-minutes", "amount": 30, "transactionId": "build-1", "properties": {"run": 7}}),
            ALICE,
        )
        .await;
    let event = &reply.data()["usageEvent"];
    assert!(event["id"].as_str().unwrap().starts_with("ue_"), "{event}");
    assert_eq!(event["amount"], 30);
    assert_eq!(event["subscriptionId"], sub.as_str());
    assert_eq!(event["customerId"], "cus_alice");
    assert_eq!(event["usageMeterId"], "um_build_minutes");
    assert_eq!(event["transactionId"], "build-1");
    assert_eq!(event["priceId"], Value::Null);
    assert_eq!(event["properties"]["run"], 7);
    assert_eq!(event["pricingModelId"], "pm_demo");
    assert!(event["usageDate"].as_i64().unwrap() > 0);
    assert_eq!(srv.minutes_left("demo-alice").await, Some(970));

    // Defaults as @flowglad/server's: amount 1, a fresh transactionId, the
    // current subscription; usageMeterId names the meter too.
    let reply = srv
        .usage(json!({"usageMeterId": "um_build_minutes"}), ALICE)
        .await;
    let event = &reply.data()["usageEvent"];
    assert_eq!(event["amount"], 1);
    assert!(event["transactionId"].as_str().unwrap().starts_with("txn_"));
    assert_eq!(srv.minutes_left("demo-alice").await, Some(969));

    let balances = srv
        .route("usage-meters/balances", json!({}), ALICE)
        .await
        .data()["usageMeterBalances"]
        .clone();
    assert_eq!(balances.as_array().unwrap().len(), 1, "{balances}");
    assert_eq!(balances[0]["slug"], "build-minutes");
    assert_eq!(balances[0]["availableBalance"], 969);
    assert_eq!(balances[0]["subscriptionId"], sub.as_str());
    let one = srv
        .route(
            "usage-meters/balances",
            json!({"subscriptionId": sub}),
            ALICE,
        )
        .await;
    assert_eq!(one.data()["usageMeterBalances"], balances);
    // Usage past the credits shows as a negative balance.
    srv.usage(
        json!({"usageMeterSlug": "build-minutes", "amount": 1000, "transactionId": "big"}),
        ALICE,
    )
    .await
    .data();
    assert_eq!(srv.minutes_left("demo-alice").await, Some(-31));
}

#[tokio::test]
async fn the_same_transaction_id_counts_once_and_other_usage_under_it_is_a_conflict() {
    let srv = TestServer::start().await;
    let body = json!({"usageMeterSlug": "build-minutes", "amount": 25, "transactionId": "tx-42"});
    let first = srv.usage(body.clone(), ALICE).await.data().clone();
    let again = srv.usage(body, ALICE).await.data().clone();
    assert_eq!(first, again, "a retry answers the first event");
    assert_eq!(srv.minutes_left("demo-alice").await, Some(975));
    let m = srv
        .usage(
            json!({"usageMeterSlug": "build-minutes", "amount": 26, "transactionId": "tx-42"}),
            ALICE,
        )
        .await
        .assert_error(409, "usage_transaction_conflict");
    assert!(
        m.contains("tx-42") && m.contains("nothing was recorded"),
        "{m}"
    );
    assert_eq!(srv.minutes_left("demo-alice").await, Some(975));
    assert_eq!(srv.count_rows("usage_events"), 1);
}

#[tokio::test]
async fn bob_cannot_record_usage_on_alices_subscription_or_read_its_balances() {
    let srv = TestServer::start().await;
    let sub = srv.alice_subscription().await;
    // Bob has no subscription of his own.
    let m = srv
        .usage(json!({"usageMeterSlug": "build-minutes"}), BOB)
        .await
        .assert_error(400, "subscription_required");
    assert!(m.contains("no current subscription"), "{m}");
    let m = srv
        .usage(
            json!({"usageMeterSlug": "build-minutes", "amount": 500, "subscriptionId": sub}),
            BOB,
        )
        .await
        .assert_error(404, "subscription_not_found");
    assert!(m.contains(&sub), "{m}");
    srv.route("usage-meters/balances", json!({"subscriptionId": sub}), BOB)
        .await
        .assert_error(404, "subscription_not_found");
    let bobs = srv.route("usage-meters/balances", json!({}), BOB).await;
    assert_eq!(bobs.data()["usageMeterBalances"], json!([]));
    // Anonymous and forged callers get nothing either.
    for action in ["usage-events/create", "usage-meters/balances"] {
        srv.route(
            action,
            json!({"usageMeterSlug": "build-minutes"}),
            Auth::None,
        )
        .await
        .assert_error(401, "customer_required");
    }
    srv.usage(
        json!({"usageMeterSlug": "build-minutes", "customerId": "cus_alice"}),
        BOB,
    )
    .await
    .assert_error(400, "invalid_request");
    assert_eq!(srv.minutes_left("demo-alice").await, Some(1000));
    assert_eq!(srv.count_rows("usage_events"), 0);
}

#[tokio::test]
async fn bad_usage_events_are_refused_with_a_clear_message() {
    let srv = TestServer::start().await;
    let meter = |extra: Value| {
        let mut body = json!({"usageMeterSlug": "build-minutes", "transactionId": "t"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for amount in [
        json!(0),
        json!(-5),
        json!(1.5),
        json!(1_000_001),
        json!(1e300),
    ] {
        let m = srv
            .usage(meter(json!({"amount": amount})), ALICE)
            .await
            .assert_error(400, "invalid_usage_amount");
        assert_eq!(m, "amount must be a whole number from 1 to 1,000,000.");
    }
    srv.usage(meter(json!({"amount": "3"})), ALICE)
        .await
        .assert_error(400, "invalid_request");
    let m = srv
        .usage(json!({"amount": 1}), ALICE)
        .await
        .assert_error(400, "invalid_request");
    assert!(
        m.contains("exactly one of priceId, priceSlug, usageMeterId or usageMeterSlug"),
        "{m}"
    );
    srv.usage(meter(json!({"usageMeterId": "um_build_minutes"})), ALICE)
        .await
        .assert_error(400, "invalid_request");
    let m = srv
        .usage(json!({"usageMeterSlug": "cpu-hours"}), ALICE)
        .await
        .assert_error(404, "usage_meter_not_found");
    assert!(m.contains("cpu-hours"), "{m}");
    // A subscription price is no usage price.
    srv.usage(json!({"priceSlug": "pro-monthly"}), ALICE)
        .await
        .assert_error(404, "usage_meter_not_found");
    srv.usage(meter(json!({"transactionId": "  "})), ALICE)
        .await
        .assert_error(400, "invalid_request");
    srv.usage(meter(json!({"transactionId": "x".repeat(256)})), ALICE)
        .await
        .assert_error(400, "field_too_long");
    srv.usage(
        meter(json!({"properties": {"blob": "x".repeat(5000)}})),
        ALICE,
    )
    .await
    .assert_error(400, "field_too_long");
    for date in [json!(-1), json!(1.5), json!(1e20)] {
        srv.usage(meter(json!({"usageDate": date})), ALICE)
            .await
            .assert_error(400, "invalid_request");
    }
    assert_eq!(srv.minutes_left("demo-alice").await, Some(1000));
    assert_eq!(srv.count_rows("usage_events"), 0);
}

#[tokio::test]
async fn an_ended_subscription_takes_no_more_usage() {
    let srv = TestServer::start().await;
    let sub = srv.alice_subscription().await;
    srv.usage(
        json!({"usageMeterSlug": "build-minutes", "amount": 5, "transactionId": "before"}),
        ALICE,
    )
    .await
    .data();
    srv.route(
        "subscriptions/cancel",
        json!({"id": sub, "cancellation": {"timing": "immediately"}}),
        ALICE,
    )
    .await
    .data();
    let m = srv
        .usage(
            json!({"usageMeterSlug": "build-minutes", "subscriptionId": sub, "transactionId": "after"}),
            ALICE,
        )
        .await
        .assert_error(409, "subscription_not_current");
    assert!(m.contains("has ended"), "{m}");
    // The platform API checks the same in the ledger's transaction.
    srv.platform_usage(
        json!({"usageEvent": {"amount": 1, "subscriptionId": sub, "transactionId": "after", "usageMeterSlug": "build-minutes"}}),
        Some(SECRET_KEY),
    )
    .await
    .assert_error(409, "subscription_not_current");
    // A retry of the event made before the end still answers it.
    let replay = srv
        .platform_usage(
            json!({"usageEvent": {"amount": 5, "subscriptionId": sub, "transactionId": "before", "usageMeterSlug": "build-minutes"}}),
            Some(SECRET_KEY),
        )
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(srv.count_rows("usage_events"), 1);
}

#[tokio::test]
async fn twenty_concurrent_events_with_one_transaction_id_count_once() {
    let srv = TestServer::start().await;
    let body = json!({"usageMeterSlug": "build-minutes", "amount": 7, "transactionId": "same"});
    let replies = srv
        .route_all_at_once("usage-events/create", "demo-alice", vec![body; 20])
        .await;
    let ids: std::collections::HashSet<String> = replies
        .iter()
        .map(|(status, r)| {
            assert_eq!(*status, 200, "{r}");
            r["data"]["usageEvent"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every reply names the one event");
    assert_eq!(srv.count_rows("usage_events"), 1);
    assert_eq!(srv.minutes_left("demo-alice").await, Some(993));
}

#[tokio::test]
async fn twenty_concurrent_distinct_events_all_count() {
    let srv = TestServer::start().await;
    let bodies = (0..20)
        .map(|i| json!({"usageMeterSlug": "build-minutes", "amount": 3, "transactionId": format!("run-{i}")}))
        .collect();
    for (status, r) in srv
        .route_all_at_once("usage-events/create", "demo-alice", bodies)
        .await
    {
        assert_eq!(status, 200, "{r}");
    }
    assert_eq!(srv.count_rows("usage_events"), 20);
    assert_eq!(srv.minutes_left("demo-alice").await, Some(1000 - 60));
}

#[tokio::test]
async fn the_platform_api_records_usage_and_answers_balances() {
    let srv = TestServer::start().await;
    let sub = srv.alice_subscription().await;
    let body = json!({"usageEvent": {"amount": 40, "subscriptionId": sub, "transactionId": "api-1", "usageMeterSlug": "build-minutes"}});
    srv.platform_usage(body.clone(), None)
        .await
        .assert_error(401, "unauthorized");
    srv.platform_usage(body.clone(), Some("sk_test_wrong"))
        .await
        .assert_error(401, "unauthorized");
    let reply = srv.platform_usage(body, Some(SECRET_KEY)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["usageEvent"]["amount"], 40);
    assert_eq!(reply.body["usageEvent"]["customerId"], "cus_alice");
    srv.platform_usage(
        json!({"usageEvent": {"amount": 1, "subscriptionId": "sub_nope", "transactionId": "x", "usageMeterSlug": "build-minutes"}}),
        Some(SECRET_KEY),
    )
    .await
    .assert_error(404, "subscription_not_found");
    srv.platform_usage(json!({"usageEvent": {"amount": 1}}), Some(SECRET_KEY))
        .await
        .assert_error(400, "invalid_request");

    let balances = srv
        .platform_balances("/api/v1/customers/alice/usage-balances")
        .await;
    assert_eq!(balances.status, 200, "{}", balances.body);
    assert_eq!(
        balances.body["usageMeterBalances"][0]["availableBalance"],
        960
    );
    let one = srv
        .platform_balances(&format!(
            "/api/v1/customers/alice/usage-balances?subscriptionId={sub}"
        ))
        .await;
    assert_eq!(one.body, balances.body);
    srv.platform_balances(&format!(
        "/api/v1/customers/bob/usage-balances?subscriptionId={sub}"
    ))
    .await
    .assert_error(404, "subscription_not_found");
    srv.platform_balances("/api/v1/customers/alice/usage-balances?customerId=cus_bob")
        .await
        .assert_error(400, "invalid_request");
    srv.platform_balances("/api/v1/customers/nobody/usage-balances")
        .await
        .assert_error(404, "customer_not_found");
    let bob = srv
        .platform_balances("/api/v1/customers/bob/usage-balances")
        .await;
    assert_eq!(bob.body["usageMeterBalances"], json!([]));
    let unauthorized = srv
        .send(
            srv.client
                .get(srv.url("/api/v1/customers/alice/usage-balances")),
        )
        .await;
    unauthorized.assert_error(401, "unauthorized");
}

#[tokio::test]
async fn a_remote_platform_forwards_usage_events_and_balances() {
    let a = TestServer::start().await;
    let platform = RemotePlatform::new(RemotePlatformOptions::new(&a.server.base_url, SECRET_KEY))
        .expect("client");
    let alice = platform
        .find_or_create_customer(&CustomerIdentity {
            external_id: "alice".into(),
            name: "Alice".into(),
            email: "alice@example.com".into(),
        })
        .await
        .unwrap();
    // The billing read through the remote platform keeps `experimental`.
    let billing = platform.customer_billing(&alice).await.unwrap();
    let sub = billing.current_subscriptions.unwrap_or_default()[0].clone();
    let experimental = sub.experimental.clone().expect("experimental kept");
    assert!(experimental.has_feature("priority-builds"));
    assert_eq!(
        experimental
            .usage_balance("build-minutes")
            .unwrap()
            .available_balance,
        1000
    );
    let input = UsageEventInput {
        amount: 12.0,
        subscription_id: sub.id.clone(),
        transaction_id: "remote-1".into(),
        price_id: None,
        price_slug: None,
        usage_meter_id: None,
        usage_meter_slug: Some("build-minutes".into()),
        properties: None,
        usage_date: None,
    };
    let event = platform
        .create_usage_event(&alice, input.clone())
        .await
        .unwrap();
    let again = platform.create_usage_event(&alice, input).await.unwrap();
    assert_eq!(event, again);
    assert_eq!(event.amount, 12);
    let balances = platform.usage_meter_balances(&alice, None).await.unwrap();
    assert_eq!(balances[0].available_balance, 988);
    let only = platform
        .usage_meter_balances(&alice, Some(&sub.id))
        .await
        .unwrap();
    assert_eq!(only, balances);
    assert!(platform
        .usage_meter_balances(&alice, Some("sub_other"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(a.minutes_left("demo-alice").await, Some(988));
}

/// A server on the demo catalog with a second meter, `deploys`, that Pro
/// grants 3 of `once`, and Alice signed in as `staging-alice-1`.
async fn two_meter_server() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog: Value = serde_json::from_str(checkout_server::DEMO_CATALOG).unwrap();
    catalog["usageMeters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "um_deploys", "slug": "deploys", "name": "Deploys"}));
    catalog["features"].as_array_mut().unwrap().push(json!({
        "id": "feat_deploys", "slug": "three-deploys", "name": "3 deploys", "type": "usage_credit_grant",
        "amount": 3, "renewalFrequency": "once", "usageMeterSlug": "deploys"
    }));
    catalog["products"][0]["features"]
        .as_array_mut()
        .unwrap()
        .push(json!("three-deploys"));
    catalog["customers"][0]["signInToken"] = json!("staging-alice-1");
    crate::support::serve_catalog(dir, &catalog).await
}

#[tokio::test]
async fn one_transaction_id_on_another_meter_is_a_conflict_and_meters_count_apart() {
    let (srv, _dir) = two_meter_server().await;
    let alice = Auth::Bearer("staging-alice-1");
    srv.usage(
        json!({"usageMeterSlug": "build-minutes", "amount": 2, "transactionId": "t-1"}),
        alice,
    )
    .await
    .data();
    srv.usage(
        json!({"usageMeterSlug": "deploys", "amount": 2, "transactionId": "t-1"}),
        alice,
    )
    .await
    .assert_error(409, "usage_transaction_conflict");
    srv.usage(
        json!({"usageMeterSlug": "deploys", "amount": 1, "transactionId": "t-2"}),
        alice,
    )
    .await
    .data();
    let billing = srv.billing("staging-alice-1").await;
    assert_eq!(check_usage_balance(&billing, "build-minutes"), Some(998));
    assert_eq!(check_usage_balance(&billing, "deploys"), Some(2));
}

#[tokio::test]
async fn usage_of_an_earlier_period_lapses_with_its_credits_but_draws_on_once_credits() {
    let (srv, _dir) = two_meter_server().await;
    let alice = Auth::Bearer("staging-alice-1");
    for (meter, tx) in [("build-minutes", "old-minutes"), ("deploys", "old-deploy")] {
        srv.usage(
            json!({"usageMeterSlug": meter, "amount": 1, "transactionId": tx}),
            alice,
        )
        .await
        .data();
    }
    srv.usage(
        json!({"usageMeterSlug": "build-minutes", "amount": 10, "transactionId": "now"}),
        alice,
    )
    .await
    .data();
    // Move the first two events into the period before this one.
    let conn = rusqlite::Connection::open(srv.db_path()).unwrap();
    let moved = conn
        .execute(
            "UPDATE usage_events SET period_start = period_start - 86400000 WHERE transaction_id LIKE 'old-%'",
            [],
        )
        .unwrap();
    assert_eq!(moved, 2);
    drop(conn);
    let billing = srv.billing("staging-alice-1").await;
    // Per-period minutes: only this period's 10 count.
    assert_eq!(check_usage_balance(&billing, "build-minutes"), Some(990));
    // Once-granted deploys: the earlier deploy still used one of the three.
    assert_eq!(check_usage_balance(&billing, "deploys"), Some(2));
}
