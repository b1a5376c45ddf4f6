//! The customer's own record (issue 15): `customers/find-or-create` and
//! `customers/update` on the server route, `PUT /api/v1/customers/{externalId}`
//! on the platform API and through `RemotePlatform`, and
//! `pricing-models/retrieve` answering the signed-in customer's model.

use crate::identity::{customer_jwt, route_only_with, JWT_SECRET};
use crate::support::{Auth, Reply, TestServer, SECRET_KEY};
use axum::routing::get;
use checkout_protocol::ErrorCode;
use checkout_server::{BillingPlatform, CustomerChanges, RemotePlatform, RemotePlatformOptions};
use serde_json::{json, Value};

impl TestServer {
    /// Events of `event_type` recorded so far (read from the database file).
    fn events_of_type(&self, event_type: &str) -> Vec<Value> {
        let conn = rusqlite::Connection::open(self.db_path()).expect("db opens");
        let mut statement = conn
            .prepare("SELECT payload FROM webhook_events WHERE type = ?1 ORDER BY created_at, id")
            .expect("query");
        let rows = statement
            .query_map([event_type], |r| r.get::<_, String>(0))
            .expect("rows");
        rows.map(|p| serde_json::from_str(&p.expect("row")).expect("payload is JSON"))
            .collect()
    }

    /// `PUT /api/v1/customers/{external_id}` with `key` and `body`.
    async fn platform_update(&self, external_id: &str, key: Option<&str>, body: Value) -> Reply {
        let mut request = self
            .client
            .put(self.url(&format!("/api/v1/customers/{external_id}")))
            .json(&body);
        if let Some(key) = key {
            request = request.header("authorization", key);
        }
        self.send(request).await
    }
}

#[tokio::test]
async fn find_or_create_answers_the_signed_in_customer_never_the_bodys() {
    let srv = TestServer::start_with(|c| c.customer_jwt_secret = Some(JWT_SECRET.to_owned())).await;
    // The body's externalId (Bob) is not consulted: Alice is who signed in.
    let alice = srv
        .route(
            "customers/find-or-create",
            json!({"externalId": "bob", "customer": {"externalId": "bob"}}),
            Auth::Bearer("demo-alice"),
        )
        .await;
    assert_eq!(alice.data()["customer"]["id"], "cus_alice");
    assert_eq!(alice.data()["customer"]["externalId"], "alice");
    srv.route("customers/find-or-create", json!({}), Auth::None)
        .await
        .assert_error(401, "customer_required");
    // A sign-in the platform has not seen yet is created, once.
    let before = srv.count_rows("customers");
    let gus = customer_jwt("jwt-gus");
    for _ in 0..2 {
        let reply = srv
            .route("customers/find-or-create", json!({}), Auth::Bearer(&gus))
            .await;
        assert_eq!(reply.data()["customer"]["externalId"], "jwt-gus");
    }
    assert_eq!(srv.count_rows("customers"), before + 1);
    assert_eq!(srv.events_of_type("customer.created").len(), 1);
}

#[tokio::test]
async fn a_customer_updates_their_name_and_email_and_customer_updated_fires_once() {
    let srv = TestServer::start().await;
    let body = json!({"customer": {"id": "cus_alice", "name": "  Alice Liddell ",
        "email": "alice.liddell@example.com"}, "externalId": "alice"});
    let reply = srv
        .route("customers/update", body.clone(), Auth::Bearer("demo-alice"))
        .await;
    let customer = &reply.data()["customer"];
    assert_eq!(customer["name"], "Alice Liddell");
    assert_eq!(customer["email"], "alice.liddell@example.com");
    let billing = srv.billing("demo-alice").await;
    assert_eq!(billing["customer"]["name"], "Alice Liddell");
    assert_eq!(billing["customer"]["email"], "alice.liddell@example.com");
    let events = srv.events_of_type("customer.updated");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["data"]["customer"]["name"], "Alice Liddell");
    assert_eq!(events[0]["data"]["customer"]["id"], "cus_alice");

    // The same update again changes nothing and reports nothing.
    srv.route("customers/update", body, Auth::Bearer("demo-alice"))
        .await
        .data();
    // Only the id (Flowglad's schema requires it) is a valid no-op too.
    let only_id = srv
        .route(
            "customers/update",
            json!({"customer": {"id": "cus_alice"}}),
            Auth::Bearer("demo-alice"),
        )
        .await;
    assert_eq!(only_id.data()["customer"]["name"], "Alice Liddell");
    assert_eq!(srv.events_of_type("customer.updated").len(), 1);

    // Only the email: the name stays.
    let email_only = srv
        .route(
            "customers/update",
            json!({"customer": {"email": "a@example.org"}}),
            Auth::Bearer("demo-alice"),
        )
        .await;
    assert_eq!(email_only.data()["customer"]["name"], "Alice Liddell");
    assert_eq!(email_only.data()["customer"]["email"], "a@example.org");
    assert_eq!(srv.events_of_type("customer.updated").len(), 2);
}

#[tokio::test]
async fn bob_cannot_change_alices_customer() {
    let srv = TestServer::start().await;
    let alice_before = srv.billing("demo-alice").await["customer"].clone();
    for body in [
        json!({"customer": {"id": "cus_alice", "name": "Mallory"}}),
        json!({"customer": {"name": "Mallory"}, "externalId": "alice"}),
        json!({"customer": {"id": "cus_alice", "name": "Mallory"}, "externalId": "alice"}),
    ] {
        let m = srv
            .route("customers/update", body, Auth::Bearer("demo-bob"))
            .await
            .assert_error(404, "customer_not_found");
        assert!(m.contains("only your own"), "{m}");
    }
    assert_eq!(srv.billing("demo-alice").await["customer"], alice_before);
    assert_ne!(srv.billing("demo-bob").await["customer"]["name"], "Mallory");
    // Bob's own update changes Bob only.
    let bob = srv
        .route(
            "customers/update",
            json!({"customer": {"name": "Robert"}}),
            Auth::Bearer("demo-bob"),
        )
        .await;
    assert_eq!(bob.data()["customer"]["externalId"], "bob");
    assert_eq!(srv.billing("demo-alice").await["customer"], alice_before);
    // Nobody signed in changes nobody.
    srv.route(
        "customers/update",
        json!({"customer": {"id": "cus_alice", "name": "Mallory"}}),
        Auth::None,
    )
    .await
    .assert_error(401, "customer_required");
    assert_eq!(srv.events_of_type("customer.updated").len(), 1);
}

#[tokio::test]
async fn updates_are_checked_field_by_field() {
    let srv = TestServer::start().await;
    let alice_before = srv.billing("demo-alice").await["customer"].clone();
    let update = |customer: Value| {
        srv.route(
            "customers/update",
            json!({ "customer": customer }),
            Auth::Bearer("demo-alice"),
        )
    };
    for bad in ["not-an-email", "a@b", "a b@example.com", ""] {
        update(json!({"email": bad}))
            .await
            .assert_error(400, "invalid_email");
    }
    let long_email = format!("{}@example.com", "a".repeat(400));
    update(json!({ "email": long_email }))
        .await
        .assert_error(400, "invalid_email");
    for blank in ["", "   "] {
        let m = update(json!({ "name": blank }))
            .await
            .assert_error(400, "invalid_request");
        assert!(m.contains("blank"), "{m}");
    }
    update(json!({"name": "x".repeat(201)}))
        .await
        .assert_error(400, "field_too_long");
    update(json!({"name": "Alice\nAdmin"}))
        .await
        .assert_error(400, "invalid_request");
    for (field, value) in [
        ("phone", json!("+1 555 0100")),
        ("billingAddress", json!({"address": {"country": "US"}})),
        ("archived", json!(true)),
    ] {
        let m = update(json!({ field: value }))
            .await
            .assert_error(400, "invalid_request");
        assert!(m.contains(field), "{m}");
    }
    update(json!({"id": "x".repeat(300)}))
        .await
        .assert_error(400, "field_too_long");
    update(json!({"name": 42}))
        .await
        .assert_error(400, "invalid_request");
    srv.route("customers/update", json!({}), Auth::Bearer("demo-alice"))
        .await
        .assert_error(400, "invalid_request");
    // A refused update leaves her as she was, with no event.
    assert_eq!(srv.billing("demo-alice").await["customer"], alice_before);
    assert!(srv.events_of_type("customer.updated").is_empty());
}

#[tokio::test]
async fn the_platform_api_updates_a_customer_by_external_id() {
    let srv = TestServer::start().await;
    let body = json!({"customer": {"name": "Bobby", "email": "bobby@example.com"}});
    srv.platform_update("bob", None, body.clone())
        .await
        .assert_error(401, "unauthorized");
    srv.platform_update("nobody", Some(SECRET_KEY), body.clone())
        .await
        .assert_error(404, "customer_not_found");
    // As @flowglad/server forwards its route's body: id and externalId
    // ride along; the path decides.
    let forwarded = json!({"customer": {"id": "cus_bob", "name": "Bobby",
        "email": "bobby@example.com"}, "externalId": "bob"});
    let reply = srv
        .platform_update("bob", Some(SECRET_KEY), forwarded)
        .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
    assert_eq!(reply.body["customer"]["name"], "Bobby");
    assert_eq!(reply.body["customer"]["externalId"], "bob");
    assert_eq!(
        srv.billing("demo-bob").await["customer"]["email"],
        "bobby@example.com"
    );
    srv.platform_update(
        "bob",
        Some(SECRET_KEY),
        json!({"customer": {"email": "nope"}}),
    )
    .await
    .assert_error(400, "invalid_email");
    srv.platform_update(
        "bob",
        Some(SECRET_KEY),
        json!({"customer": {"logoURL": "https://x.example/l.png"}}),
    )
    .await
    .assert_error(400, "invalid_request");
    assert_eq!(srv.events_of_type("customer.updated").len(), 1);
}

#[tokio::test]
async fn a_route_only_server_forwards_updates_to_the_platform() {
    let a = TestServer::start().await;
    let b = route_only_with(&a.server.base_url, |_| {}).await;
    let alice = customer_jwt("alice");
    let reply = b
        .route(
            "customers/update",
            json!({"customer": {"id": "cus_alice", "name": "Alice L."}}),
            Auth::Bearer(&alice),
        )
        .await;
    assert_eq!(reply.data()["customer"]["name"], "Alice L.");
    assert_eq!(
        a.billing("demo-alice").await["customer"]["name"],
        "Alice L."
    );
    assert_eq!(a.events_of_type("customer.updated").len(), 1);
    // B checks ownership before it forwards anything.
    b.route(
        "customers/update",
        json!({"customer": {"id": "cus_alice", "name": "Mallory"}}),
        Auth::Bearer(&customer_jwt("bob")),
    )
    .await
    .assert_error(404, "customer_not_found");
    assert_eq!(
        a.billing("demo-alice").await["customer"]["name"],
        "Alice L."
    );

    // The client on its own: errors keep their code.
    let platform =
        RemotePlatform::new(RemotePlatformOptions::new(&a.server.base_url, SECRET_KEY)).unwrap();
    let bob = platform
        .find_or_create_customer(&checkout_server::CustomerIdentity {
            external_id: "bob".into(),
            name: String::new(),
            email: String::new(),
        })
        .await
        .unwrap();
    let changed = platform
        .update_customer(
            &bob,
            CustomerChanges {
                name: Some("Rob".into()),
                email: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "Rob");
    let e = platform
        .update_customer(
            &bob,
            CustomerChanges {
                name: None,
                email: Some("not-an-email".into()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidEmail);
}

#[tokio::test]
async fn the_pricing_model_is_the_signed_in_customers_own() {
    // An upstream whose customer billing carries another pricing model than
    // its default: the route must answer the customer's.
    let a = TestServer::start().await;
    let default: Value = a
        .send(
            a.client
                .get(a.url("/api/v1/pricing-models/default"))
                .header("authorization", SECRET_KEY),
        )
        .await
        .body;
    let mut billing = a.billing("demo-alice").await;
    billing["pricingModel"]["id"] = json!("pm_for_alice");
    let customer = json!({ "customer": billing["customer"].clone() });
    let app = axum::Router::new()
        .route(
            "/api/v1/pricing-models/default",
            get(move || async move { axum::Json(default) }),
        )
        .route(
            "/api/v1/customers/alice",
            get(move || async move { axum::Json(customer) }),
        )
        .route(
            "/api/v1/customers/alice/billing",
            get(move || async move { axum::Json(billing) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let b = route_only_with(&upstream, |_| {}).await;
    let signed_in = b
        .route(
            "pricing-models/retrieve",
            json!({}),
            Auth::Bearer(&customer_jwt("alice")),
        )
        .await;
    assert_eq!(signed_in.data()["source"], "customer");
    assert_eq!(signed_in.data()["pricingModel"]["id"], "pm_for_alice");
    let anonymous = b
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    assert_eq!(anonymous.data()["source"], "default");
    assert_ne!(anonymous.data()["pricingModel"]["id"], "pm_for_alice");
}

#[tokio::test]
async fn reading_the_pricing_model_signed_in_finds_or_creates_the_customer() {
    // As @flowglad/server's getBilling does: a new sign-in becomes a customer.
    let srv = TestServer::start_with(|c| c.customer_jwt_secret = Some(JWT_SECRET.to_owned())).await;
    let before = srv.count_rows("customers");
    let reply = srv
        .route(
            "pricing-models/retrieve",
            json!({}),
            Auth::Bearer(&customer_jwt("jwt-hal")),
        )
        .await;
    assert_eq!(reply.data()["source"], "customer");
    assert_eq!(srv.count_rows("customers"), before + 1);
    // Anonymous reads create nobody.
    let anonymous = srv
        .route("pricing-models/retrieve", json!({}), Auth::None)
        .await;
    assert_eq!(anonymous.data()["source"], "default");
    assert_eq!(srv.count_rows("customers"), before + 1);
}

#[tokio::test]
async fn concurrent_identical_updates_report_one_change() {
    // Each update reads and writes in one immediate transaction, so only
    // the first of eight identical updates sees a difference to report.
    let srv = TestServer::start().await;
    let body = json!({"customer": {"name": "Alice Concurrent"}});
    let url = srv.url("/api/billing/customers/update");
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let request = srv.client.post(&url).bearer_auth("demo-alice").json(&body);
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                let response = request.send().await.expect("answered");
                let body: Value = response.json().await.unwrap_or(Value::Null);
                body["data"]["customer"]["name"].clone()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), "Alice Concurrent");
    }
    assert_eq!(srv.events_of_type("customer.updated").len(), 1);
}
