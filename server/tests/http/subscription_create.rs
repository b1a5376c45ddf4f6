//! `subscriptions/create` (issue 15): the route starts a free plan for the
//! signed-in customer only, refuses paid prices (a checkout is needed)
//! unless the merchant's policy allows trials, refuses what only the
//! merchant decides, and starts one subscription per price however often it
//! is asked; `POST /api/v1/subscriptions` (the merchant names the customer,
//! behind the secret key) and `RemotePlatform` forwarding; and checkout
//! `outputMetadata` riding on every later event about the subscription.

use crate::identity::{customer_jwt, route_only_with};
use crate::support::{write_files, Auth, Reply, ShopCookie, TestServer, SECRET_KEY};
use axum::http::HeaderMap;
use checkout_protocol::{Customer, MerchantCheckoutOptions};
use checkout_server::{
    async_trait, refuse_browser_options, ApiError, CheckoutPolicy, CheckoutRequest, RemotePlatform,
    RemotePlatformOptions, RouteState, SubscriptionsWithoutCheckout,
};
use serde_json::{json, Value};
use std::sync::Arc;

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");
const BOB: Auth<'static> = Auth::Bearer("demo-bob");
const CREATE: &str = "subscriptions/create";

/// The demo catalog with a free `hobby` plan (the demo file itself has
/// none: screenshots and e2e count its cards).
fn hobby_catalog(dir: &std::path::Path) -> std::path::PathBuf {
    let mut catalog: Value = serde_json::from_str(checkout_server::DEMO_CATALOG).unwrap();
    catalog["products"].as_array_mut().unwrap().push(json!({
        "id": "prod_hobby",
        "slug": "hobby",
        "name": "Hobby",
        "description": "One project, free forever.",
        "prices": [{
            "id": "price_hobby",
            "slug": "hobby",
            "name": "Hobby",
            "type": "subscription",
            "unitPrice": 0,
            "currency": "USD",
            "intervalUnit": "month",
            "intervalCount": 1,
            "isDefault": true
        }]
    }));
    // A catalog file's customers sign in with the tokens it gives them.
    catalog["customers"][0]["signInToken"] = json!("demo-alice");
    catalog["customers"][1]["signInToken"] = json!("demo-bob");
    let text = serde_json::to_vec(&catalog).unwrap();
    write_files(dir, &[("catalog.json", &text)]);
    dir.join("catalog.json")
}

/// A server (the embedded platform) selling the free `hobby` plan too.
async fn hobby_server() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = hobby_catalog(dir.path());
    (
        TestServer::start_with(|c| c.catalog = Some(path)).await,
        dir,
    )
}

impl TestServer {
    /// The subscription events in the log, oldest first: (type, the
    /// subscription in the payload).
    async fn subscription_events(&self) -> Vec<(String, Value)> {
        let log = self.webhook_events("limit=100", Some(SECRET_KEY)).await;
        assert_eq!(log.status.as_u16(), 200, "{}", log.body);
        let mut events: Vec<(String, Value)> = log.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["type"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("subscription.")
            })
            .map(|e| {
                (
                    e["type"].as_str().unwrap().to_owned(),
                    e["payload"]["data"]["subscription"].clone(),
                )
            })
            .collect();
        events.reverse();
        events
    }

    /// How many subscription rows `customer_id` has on `price_id`.
    fn subscriptions_on(&self, customer_id: &str, price_id: &str) -> i64 {
        let db = rusqlite::Connection::open(self.db_path()).unwrap();
        db.query_row(
            "SELECT COUNT(*) FROM subscriptions WHERE customer_id = ?1 AND price_id = ?2",
            [customer_id, price_id],
            |r| r.get(0),
        )
        .unwrap()
    }

    /// `POST /api/v1/subscriptions` with `key`.
    async fn platform_subscribe(&self, body: Value, key: Option<&str>) -> Reply {
        let mut request = self
            .client
            .post(self.url("/api/v1/subscriptions"))
            .json(&body);
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        self.send(request).await
    }
}

#[tokio::test]
async fn a_free_plan_starts_for_the_signed_in_customer_with_subscription_created() {
    let (srv, _dir) = hobby_server().await;
    let reply = srv
        .route(
            CREATE,
            json!({"priceSlug": "hobby", "name": "Bob's hobby", "metadata": {"team": "t_1", "seats": 1, "beta": true}}),
            BOB,
        )
        .await;
    let sub = reply.data()["subscription"].clone();
    let id = sub["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("sub_"), "{sub}");
    assert_eq!(sub["customerId"], "cus_bob");
    assert_eq!(sub["priceId"], "price_hobby");
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["name"], "Bob's hobby");
    assert_eq!(sub["metadata"]["team"], "t_1");
    assert_eq!(sub["current"], true);
    assert_eq!(sub["isFreePlan"], true);
    // Bob's billing shows it as current; Alice's is untouched.
    let billing = srv.billing("demo-bob").await;
    let current = billing["currentSubscriptions"].as_array().unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["id"], id.as_str());
    assert_eq!(srv.subscriptions_on("cus_alice", "price_hobby"), 0);
    // One subscription.created, carrying the metadata, written with it.
    let events = srv.subscription_events().await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "subscription.created");
    assert_eq!(events[0].1["id"], id.as_str());
    assert_eq!(events[0].1["metadata"]["beta"], true);
    // Without a name the product's is used; the quantity defaults to 1.
    let alices = srv
        .route(CREATE, json!({"priceId": "price_hobby"}), ALICE)
        .await;
    assert_eq!(alices.data()["subscription"]["name"], "Hobby");
    assert_eq!(
        alices.data()["subscription"]["subscriptionItems"][0]["quantity"],
        1
    );
    assert_eq!(alices.data()["subscription"]["customerId"], "cus_alice");
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_paid_price_needs_a_checkout_and_cannot_be_waived_by_the_page() {
    let (srv, _dir) = hobby_server().await;
    let before = srv.count_rows("subscriptions");
    // No trial, and a 14-day trial: both cost money, both need a checkout
    // under the default policy.
    for slug in ["pro-yearly", "pro-monthly"] {
        let m = srv
            .route(CREATE, json!({"priceSlug": slug}), BOB)
            .await
            .assert_error(402, "checkout_required");
        assert!(m.contains("checkout-sessions/create"), "{m}");
    }
    let m = srv
        .route(
            CREATE,
            json!({"priceSlug": "pro-yearly", "doNotCharge": true}),
            BOB,
        )
        .await
        .assert_error(400, "field_not_allowed");
    assert!(m.contains("`doNotCharge`"), "{m}");
    // On a free plan, doNotCharge changes nothing and is accepted.
    srv.route(
        CREATE,
        json!({"priceSlug": "hobby", "doNotCharge": true}),
        BOB,
    )
    .await
    .data();
    assert_eq!(srv.count_rows("subscriptions"), before + 1);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_double_click_or_concurrent_creates_start_one_subscription() {
    let (srv, _dir) = hobby_server().await;
    let first = srv.route(CREATE, json!({"priceSlug": "hobby"}), BOB).await;
    let id = first.data()["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let m = srv
        .route(CREATE, json!({"priceSlug": "hobby"}), BOB)
        .await
        .assert_error(409, "already_subscribed");
    assert!(m.contains(&id), "{m}");
    assert_eq!(srv.subscriptions_on("cus_bob", "price_hobby"), 1);

    // Eight at once for Alice: one starts, the others are told she has it.
    let replies = srv
        .route_all_at_once(CREATE, "demo-alice", vec![json!({"priceSlug": "hobby"}); 8])
        .await;
    let ok: Vec<_> = replies.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(ok.len(), 1, "{replies:?}");
    for (status, body) in &replies {
        if *status != 200 {
            assert_eq!(
                (*status, &body["error"]["code"]),
                (409, &json!("already_subscribed"))
            );
        }
    }
    assert_eq!(srv.subscriptions_on("cus_alice", "price_hobby"), 1);
    let created = srv
        .subscription_events()
        .await
        .into_iter()
        .filter(|(t, s)| t == "subscription.created" && s["priceId"] == "price_hobby")
        .count();
    assert_eq!(created, 2, "one for Bob, one for Alice");

    // Once it has ended, the plan can be started again.
    srv.route(
        "subscriptions/cancel",
        json!({"id": id, "cancellation": {"timing": "immediately"}}),
        BOB,
    )
    .await
    .data();
    srv.route(CREATE, json!({"priceSlug": "hobby"}), BOB)
        .await
        .data();
    assert_eq!(srv.subscriptions_on("cus_bob", "price_hobby"), 2);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn bob_cannot_create_a_subscription_for_alice() {
    let (srv, _dir) = hobby_server().await;
    for other in ["cus_alice", "alice"] {
        let m = srv
            .route(
                CREATE,
                json!({"priceSlug": "hobby", "customerId": other}),
                BOB,
            )
            .await
            .assert_error(400, "field_not_allowed");
        assert!(m.contains("`customerId`"), "{m}");
    }
    assert_eq!(srv.subscriptions_on("cus_alice", "price_hobby"), 0);
    assert_eq!(srv.subscriptions_on("cus_bob", "price_hobby"), 0);
    // His own id (as Flowglad's schema sends it) is fine.
    let own = srv
        .route(
            CREATE,
            json!({"priceSlug": "hobby", "customerId": "cus_bob"}),
            BOB,
        )
        .await;
    assert_eq!(own.data()["subscription"]["customerId"], "cus_bob");
    assert_eq!(srv.subscriptions_on("cus_alice", "price_hobby"), 0);
    // Nobody signed in: nothing.
    srv.route(CREATE, json!({"priceSlug": "hobby"}), Auth::None)
        .await
        .assert_error(401, "customer_required");
    srv.server.shutdown().await;
}

#[tokio::test]
async fn bad_bodies_have_stable_codes_and_write_nothing() {
    let (srv, _dir) = hobby_server().await;
    let before = srv.count_rows("subscriptions");
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
    let cases = [
        (json!({}), 400, "price_missing"),
        (
            json!({"priceSlug": "hobby", "priceId": "price_hobby"}),
            400,
            "price_ambiguous",
        ),
        (json!({"priceSlug": "gold"}), 404, "price_not_found"),
        (
            json!({"priceId": "price_onboarding"}),
            400,
            "price_not_recurring",
        ),
        (json!({"priceSlug": "lifetime"}), 400, "price_not_recurring"),
        (
            json!({"priceSlug": "hobby", "quantity": 0}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "hobby", "quantity": 1.5}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "hobby", "quantity": -2}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "hobby", "quantity": 1e12}),
            400,
            "invalid_quantity",
        ),
        (
            json!({"priceSlug": "hobby", "quantity": "2"}),
            400,
            "invalid_request",
        ),
        (
            json!({"priceSlug": "hobby", "metadata": {"a": {"b": 1}}}),
            400,
            "invalid_metadata",
        ),
        (
            json!({"priceSlug": "hobby", "metadata": many}),
            400,
            "invalid_metadata",
        ),
        (
            json!({"priceSlug": "hobby", "name": "n".repeat(201)}),
            400,
            "field_too_long",
        ),
        (json!({"priceSlug": "x".repeat(300)}), 400, "field_too_long"),
        (
            json!({"priceSlug": "hobby", "trialEnd": 4_102_444_800_000_i64}),
            400,
            "field_not_allowed",
        ),
        (
            json!({"priceSlug": "hobby", "startDate": "2030-01-01T00:00:00Z"}),
            400,
            "field_not_allowed",
        ),
        (
            json!({"priceSlug": "hobby", "interval": "day"}),
            400,
            "field_not_allowed",
        ),
        (
            json!({"priceSlug": "hobby", "intervalCount": 3}),
            400,
            "field_not_allowed",
        ),
        (
            json!({"priceSlug": "hobby", "defaultPaymentMethodId": "pm_alice_visa"}),
            400,
            "field_not_allowed",
        ),
        (
            json!({"priceSlug": "hobby", "backupPaymentMethodId": "pm_x"}),
            400,
            "field_not_allowed",
        ),
        (
            json!({"priceSlug": "hobby", "customerExternalId": "alice"}),
            400,
            "field_not_allowed",
        ),
        (json!([1, 2]), 400, "invalid_request"),
    ];
    for (body, status, code) in cases {
        let reply = srv.route(CREATE, body.clone(), BOB).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        reply.assert_error(status, code);
    }
    assert_eq!(srv.count_rows("subscriptions"), before);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn the_platform_api_creates_for_the_customer_it_names_behind_the_key() {
    let (srv, _dir) = hobby_server().await;
    let body = json!({"customerExternalId": "bob", "priceSlug": "pro-yearly"});
    srv.platform_subscribe(body.clone(), None)
        .await
        .assert_error(401, "unauthorized");
    srv.platform_subscribe(body.clone(), Some("sk_test_wrong"))
        .await
        .assert_error(401, "unauthorized");
    assert_eq!(srv.subscriptions_on("cus_bob", "price_pro_yearly"), 0);
    // The merchant decides: a paid price starts, on Bob's default card if he has one.
    let made = srv.platform_subscribe(body.clone(), Some(SECRET_KEY)).await;
    assert_eq!(made.status.as_u16(), 200, "{}", made.body);
    let sub = &made.body["subscription"];
    assert_eq!(sub["customerId"], "cus_bob");
    assert_eq!(sub["status"], "active");
    srv.platform_subscribe(body, Some(SECRET_KEY))
        .await
        .assert_error(409, "already_subscribed");
    // Alice by the platform's id, with a merchant's trial end; her card is kept on it.
    let trial_end = crate::support::now_ms() + 3 * 86_400_000;
    let alices = srv
        .platform_subscribe(
            json!({"customerId": "cus_alice", "priceId": "price_pro_yearly", "trialEnd": trial_end, "quantity": 2}),
            Some(SECRET_KEY),
        )
        .await;
    assert_eq!(alices.status.as_u16(), 200, "{}", alices.body);
    assert_eq!(alices.body["subscription"]["status"], "trialing");
    assert_eq!(
        alices.body["subscription"]["subscriptionItems"][0]["quantity"],
        2
    );
    assert_eq!(alices.body["subscription"]["isFreePlan"], false);
    assert_eq!(
        alices.body["subscription"]["defaultPaymentMethodId"],
        "pm_alice_visa"
    );
    let cases = [
        (json!({"priceSlug": "hobby"}), 400, "invalid_request"),
        (
            json!({"customerId": "cus_alice", "customerExternalId": "bob", "priceSlug": "hobby"}),
            400,
            "invalid_request",
        ),
        (
            json!({"customerId": "cus_nobody", "priceSlug": "hobby"}),
            404,
            "customer_not_found",
        ),
        (
            json!({"customerExternalId": "nobody", "priceSlug": "hobby"}),
            404,
            "customer_not_found",
        ),
        (
            json!({"customerId": "cus_bob", "priceSlug": "hobby", "startDate": "2030-01-01T00:00:00Z"}),
            400,
            "invalid_request",
        ),
        (
            json!({"customerId": "cus_bob", "priceSlug": "hobby", "trialEnd": 5}),
            400,
            "invalid_request",
        ),
        (
            json!({"customerId": "cus_bob", "priceSlug": "onboarding"}),
            400,
            "price_not_recurring",
        ),
    ];
    for (body, status, code) in cases {
        srv.platform_subscribe(body, Some(SECRET_KEY))
            .await
            .assert_error(status, code);
    }
    assert_eq!(srv.subscriptions_on("cus_bob", "price_hobby"), 0);
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_route_only_server_forwards_create_to_its_platform() {
    let (a, _dir) = hobby_server().await;
    let b = route_only_with(&a.server.base_url, |_| {}).await;
    let bob_jwt = customer_jwt("bob");
    let bob = Auth::Bearer(&bob_jwt);
    let made = b
        .route(
            CREATE,
            json!({"priceSlug": "hobby", "metadata": {"ref": "b"}}),
            bob,
        )
        .await;
    let id = made.data()["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(made.data()["subscription"]["customerId"], "cus_bob");
    assert_eq!(a.subscriptions_on("cus_bob", "price_hobby"), 1);
    let on_a = a.billing("demo-bob").await;
    assert_eq!(on_a["currentSubscriptions"][0]["id"], id.as_str());
    assert_eq!(on_a["currentSubscriptions"][0]["metadata"]["ref"], "b");
    // B's rules hold before A is asked; A's conflict comes back as it is.
    b.route(CREATE, json!({"priceSlug": "pro-yearly"}), bob)
        .await
        .assert_error(402, "checkout_required");
    b.route(
        CREATE,
        json!({"priceSlug": "hobby", "customerId": "cus_alice"}),
        bob,
    )
    .await
    .assert_error(400, "field_not_allowed");
    b.route(CREATE, json!({"priceSlug": "hobby"}), bob)
        .await
        .assert_error(409, "already_subscribed");
    assert_eq!(a.subscriptions_on("cus_alice", "price_hobby"), 0);
    b.server.shutdown().await;
    a.server.shutdown().await;
}

/// A merchant who lets signed-in customers start trials without a checkout.
struct TrialsWithoutCheckout;

#[async_trait]
impl CheckoutPolicy for TrialsWithoutCheckout {
    async fn decide(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<MerchantCheckoutOptions, ApiError> {
        refuse_browser_options(request.requested)?;
        Ok(MerchantCheckoutOptions::default())
    }

    async fn subscriptions_without_checkout(
        &self,
        _customer: &Customer,
        _headers: &HeaderMap,
    ) -> SubscriptionsWithoutCheckout {
        SubscriptionsWithoutCheckout::FreeAndTrials
    }
}

#[tokio::test]
async fn a_policy_allowing_trials_starts_one_without_a_card_and_nothing_else_paid() {
    let (a, _dir) = hobby_server().await;
    let platform =
        RemotePlatform::new(RemotePlatformOptions::new(&a.server.base_url, SECRET_KEY)).unwrap();
    let route = RouteState::new(Arc::new(platform), Arc::new(ShopCookie))
        .with_policy(Arc::new(TrialsWithoutCheckout))
        .into_router();
    let app = axum::Router::new().nest("/api/billing", route);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let create = |body: Value| {
        a.send(
            a.client
                .post(format!("{shop}/api/billing/{CREATE}"))
                .header("cookie", "shop_user=u7")
                .json(&body),
        )
    };
    // pro-monthly has a 14-day trial: it starts trialing, no card asked.
    let trial = create(json!({"priceSlug": "pro-monthly"})).await;
    let sub = &trial.data()["subscription"];
    assert_eq!(sub["status"], "trialing");
    assert_eq!(sub["defaultPaymentMethodId"], Value::Null);
    let trial_end = sub["trialEnd"].as_i64().unwrap();
    let days = (trial_end - crate::support::now_ms()) as f64 / 86_400_000.0;
    assert!((13.9..=14.0).contains(&days), "{days}");
    // pro-yearly has no trial: still a checkout; the page still cannot waive it.
    create(json!({"priceSlug": "pro-yearly"}))
        .await
        .assert_error(402, "checkout_required");
    create(json!({"priceSlug": "pro-monthly", "trialEnd": trial_end + 86_400_000}))
        .await
        .assert_error(400, "field_not_allowed");
    a.server.shutdown().await;
}

#[tokio::test]
async fn checkout_output_metadata_rides_on_every_event_about_its_subscription() {
    let srv = TestServer::start().await;
    let metadata = json!({"team": "t_9", "seats": 4, "annual": true});
    let reply = srv
        .merchant_create(
            json!({"priceSlug": "pro-yearly", "outputMetadata": metadata}),
            Some("bob"),
        )
        .await;
    let session = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    srv.confirm(&session, "4242424242424242").await.data();
    let id = srv.billing("demo-bob").await["currentSubscriptions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cancel = |timing: &str| json!({"id": id, "cancellation": {"timing": timing}});
    srv.route(
        "subscriptions/cancel",
        cancel("at_end_of_current_billing_period"),
        BOB,
    )
    .await
    .data();
    srv.route("subscriptions/uncancel", json!({"id": id}), BOB)
        .await
        .data();
    srv.route("subscriptions/cancel", cancel("immediately"), BOB)
        .await
        .data();
    let events: Vec<(String, Value)> = srv
        .subscription_events()
        .await
        .into_iter()
        .filter(|(_, s)| s["id"] == id.as_str())
        .collect();
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "subscription.created",
            "subscription.updated",
            "subscription.updated",
            "subscription.canceled"
        ]
    );
    for (event_type, subscription) in &events {
        assert_eq!(subscription["metadata"], metadata, "{event_type}");
    }
    srv.server.shutdown().await;
}

#[tokio::test]
async fn a_free_plan_bought_through_a_checkout_charges_nothing() {
    let (srv, _dir) = hobby_server().await;
    let id = srv.buy(json!({"priceSlug": "hobby"}), BOB).await;
    let page = srv.hosted(&id).await;
    assert_eq!(page.data()["status"], "succeeded", "{}", page.body);
    assert_eq!(srv.subscriptions_on("cus_bob", "price_hobby"), 1);
    let billing = srv.billing("demo-bob").await;
    assert_eq!(billing["currentSubscriptions"][0]["isFreePlan"], true);
    // Nothing was charged: no payment event.
    let log = srv.webhook_events("limit=100", Some(SECRET_KEY)).await;
    let types: Vec<&str> = log.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(types.contains(&"subscription.created"), "{types:?}");
    assert!(!types.contains(&"payment.succeeded"), "{types:?}");
    srv.server.shutdown().await;
}
