//! Customer identity in production: a route-only server (B, forwarding to
//! an embedded server A) knows customers only from a verified JWT of the
//! merchant's sign-in, answers 401 to every token it cannot verify — forged,
//! expired, `alg: none`, algorithm confusion, wrong issuer or audience, the
//! demo's `demo-alice` — and does not start without a customer source. The
//! demo's sign-in tokens live only in the embedded demo shape.

use crate::support::{config_in, create_body, Auth, TestServer, SECRET_KEY};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use checkout_server::{spawn, Config, ServerError};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The HS256 secret route-only test servers verify customer JWTs with.
pub const JWT_SECRET: &str = "integration-customer-jwt-secret-0123456789";

/// Seconds since the epoch.
fn now() -> i64 {
    crate::support::now_ms() / 1000
}

/// `claims` signed with HS256 and `secret`.
pub fn hs256_with(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret).expect("secret key"),
    )
    .expect("token signed")
}

/// A valid HS256 customer JWT for `sub` (ten minutes), signed with [`JWT_SECRET`].
pub fn customer_jwt(sub: &str) -> String {
    hs256_with(
        JWT_SECRET.as_bytes(),
        &json!({"sub": sub, "exp": now() + 600}),
    )
}

/// A server forwarding to `upstream` that verifies customer JWTs with
/// [`JWT_SECRET`], after `adjust` changes the config.
pub async fn route_only_with(upstream: &str, adjust: impl FnOnce(&mut Config)) -> TestServer {
    let upstream = upstream.to_owned();
    TestServer::start_with(move |c| {
        c.platform_url = Some(upstream);
        c.platform_key = Some(SECRET_KEY.to_owned());
        c.platform_timeout = std::time::Duration::from_secs(2);
        c.customer_jwt_secret = Some(JWT_SECRET.to_owned());
        adjust(c);
    })
    .await
}

/// The test key fixtures (see server/tests/fixtures/jwt/README.md).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt")
        .join(name)
}

fn pem(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture read")
}

/// `claims` signed with `alg` by the private key in fixture `key`, with `kid`.
fn signed_with_fixture(alg: Algorithm, key: &str, kid: Option<&str>, claims: &Value) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem(key)),
        _ => EncodingKey::from_rsa_pem(&pem(key)),
    }
    .expect("fixture key parses");
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &key).expect("token signed")
}

/// An unsigned `alg: none` token for `claims` (the classic JWT bypass).
fn alg_none(claims: &Value) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.",
        part(&json!({"alg": "none", "typ": "JWT"})),
        part(claims)
    )
}

/// `customers/billing` with `auth`.
async fn billing(srv: &TestServer, auth: Auth<'_>) -> crate::support::Reply {
    srv.route("customers/billing", json!({}), auth).await
}

/// `GET /api/v1/customers/{external_id}` on the platform.
async fn platform_customer(a: &TestServer, external_id: &str) -> crate::support::Reply {
    a.send(
        a.client
            .get(a.url(&format!("/api/v1/customers/{external_id}")))
            .header("authorization", SECRET_KEY),
    )
    .await
}

#[tokio::test]
async fn a_valid_jwt_bills_its_subject_and_creates_the_customer_on_the_platform() {
    let a = TestServer::start().await;
    let b = route_only_with(&a.server.base_url, |_| {}).await;
    assert_eq!(
        b.server.sign_in_tokens, 0,
        "no sign-in tokens when forwarding"
    );
    platform_customer(&a, "jwt-carol")
        .await
        .assert_error(404, "customer_not_found");

    let carol = hs256_with(
        JWT_SECRET.as_bytes(),
        &json!({"sub": "jwt-carol", "email": "carol@shop.example", "name": "Carol Diaz", "exp": now() + 600}),
    );
    let read = billing(&b, Auth::Bearer(&carol)).await;
    assert_eq!(read.data()["customer"]["externalId"], "jwt-carol");
    let on_a = platform_customer(&a, "jwt-carol").await;
    assert_eq!(on_a.status.as_u16(), 200, "{}", on_a.body);
    assert_eq!(on_a.body["customer"]["email"], "carol@shop.example");
    assert_eq!(on_a.body["customer"]["name"], "Carol Diaz");

    // The same token in the `session` cookie.
    let by_cookie = billing(&b, Auth::Cookie(&carol)).await;
    assert_eq!(
        by_cookie.data()["customer"]["id"],
        on_a.body["customer"]["id"]
    );
    let created = b
        .route(
            "checkout-sessions/create",
            create_body(json!({"priceSlug": "onboarding"})),
            Auth::Cookie(&carol),
        )
        .await;
    assert_eq!(
        created.data()["checkoutSession"]["customerId"],
        on_a.body["customer"]["id"]
    );

    // `email` and `name` are optional.
    let bare = customer_jwt("jwt-dan");
    assert_eq!(
        billing(&b, Auth::Bearer(&bare)).await.data()["customer"]["externalId"],
        "jwt-dan"
    );
    // A customer A already has is billed as it is (here the demo's Alice).
    let alice = customer_jwt("alice");
    assert_eq!(
        billing(&b, Auth::Bearer(&alice)).await.data()["customer"]["id"],
        "cus_alice"
    );
}

#[tokio::test]
async fn the_cookie_is_the_one_named_by_customer_cookie() {
    let a = TestServer::start().await;
    let b = route_only_with(&a.server.base_url, |c| {
        c.customer_cookie = "shop_session".into();
    })
    .await;
    let erin = customer_jwt("jwt-erin");
    let in_shop_cookie = b
        .send(
            b.client
                .post(b.url("/api/billing/customers/billing"))
                .header("cookie", format!("theme=dark; shop_session={erin}"))
                .json(&json!({})),
        )
        .await;
    assert_eq!(in_shop_cookie.data()["customer"]["externalId"], "jwt-erin");
    // The default cookie is not read any more: anonymous.
    billing(&b, Auth::Cookie(&erin))
        .await
        .assert_error(401, "customer_required");
    // Bearer still wins.
    assert_eq!(
        billing(&b, Auth::Bearer(&erin)).await.data()["customer"]["externalId"],
        "jwt-erin"
    );
}

#[tokio::test]
async fn tokens_that_do_not_verify_are_unauthorized_never_anonymous() {
    let a = TestServer::start().await;
    let b = route_only_with(&a.server.base_url, |c| {
        c.customer_jwt_issuer = Some("https://shop.example".into());
        c.customer_jwt_audience = Some("billing".into());
    })
    .await;
    let claims = |extra: Value| {
        let mut v = json!({"sub": "alice", "iss": "https://shop.example", "aud": "billing", "exp": now() + 600});
        for (k, val) in extra.as_object().expect("object") {
            if val.is_null() {
                v.as_object_mut().expect("object").remove(k);
            } else {
                v[k] = val.clone();
            }
        }
        v
    };
    let valid = hs256_with(JWT_SECRET.as_bytes(), &claims(json!({})));
    assert_eq!(
        billing(&b, Auth::Bearer(&valid)).await.data()["customer"]["id"],
        "cus_alice"
    );

    let attacks = [
        (
            "forged signature",
            hs256_with(
                b"an-attackers-own-secret-0123456789abcdef",
                &claims(json!({})),
            ),
        ),
        ("tampered payload", {
            let mut parts: Vec<String> = valid.split('.').map(str::to_owned).collect();
            parts[1] = URL_SAFE_NO_PAD.encode(claims(json!({"sub": "bob"})).to_string());
            parts.join(".")
        }),
        (
            "expired",
            hs256_with(JWT_SECRET.as_bytes(), &claims(json!({"exp": now() - 120}))),
        ),
        ("alg none", alg_none(&claims(json!({})))),
        (
            "missing exp",
            hs256_with(JWT_SECRET.as_bytes(), &claims(json!({"exp": null}))),
        ),
        (
            "wrong issuer",
            hs256_with(
                JWT_SECRET.as_bytes(),
                &claims(json!({"iss": "https://evil.example"})),
            ),
        ),
        (
            "wrong audience",
            hs256_with(
                JWT_SECRET.as_bytes(),
                &claims(json!({"aud": "another-app"})),
            ),
        ),
        (
            "no sub",
            hs256_with(JWT_SECRET.as_bytes(), &claims(json!({"sub": null}))),
        ),
        ("the demo's token", "demo-alice".to_owned()),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in &attacks {
        for auth in [Auth::Bearer(token), Auth::Cookie(token)] {
            let m = billing(&b, auth).await.assert_error(401, "unauthorized");
            assert!(m.contains("Sign in again"), "{what}: {m}");
            // A create with a bad token is refused too, not made anonymous.
            b.route(
                "checkout-sessions/create",
                create_body(json!({"priceSlug": "onboarding"})),
                auth,
            )
            .await
            .assert_error(401, "unauthorized");
        }
    }
    // An expired sign-in says so.
    let m = billing(&b, Auth::Bearer(&attacks[2].1))
        .await
        .assert_error(401, "unauthorized");
    assert!(m.contains("expired"), "{m}");
    // The pricing model stays public: a bad token reads it anonymously.
    let pricing = b
        .route(
            "pricing-models/retrieve",
            json!({}),
            Auth::Bearer("demo-alice"),
        )
        .await;
    assert_eq!(pricing.data()["source"], "default");
    assert_eq!(a.count_rows("checkout_sessions"), 0, "no session was made");
}

#[tokio::test]
async fn a_jwks_file_verifies_rs256_and_es256_and_refuses_everything_else() {
    let a = TestServer::start().await;
    let b = route_only_with(&a.server.base_url, |c| {
        c.customer_jwt_secret = None;
        c.customer_jwks = Some(fixture("jwks.json"));
    })
    .await;
    let claims = |sub: &str| json!({"sub": sub, "exp": now() + 600});

    let rs = signed_with_fixture(
        Algorithm::RS256,
        "rs256-private.pem",
        Some("shop-rsa-1"),
        &claims("jwt-rs"),
    );
    assert_eq!(
        billing(&b, Auth::Bearer(&rs)).await.data()["customer"]["externalId"],
        "jwt-rs"
    );
    let es = signed_with_fixture(
        Algorithm::ES256,
        "es256-private.pem",
        Some("shop-ec-1"),
        &claims("jwt-es"),
    );
    assert_eq!(
        billing(&b, Auth::Cookie(&es)).await.data()["customer"]["externalId"],
        "jwt-es"
    );

    // Algorithm confusion: HS256 "signed" with the server's own public key
    // (what a verifier that lets the token pick the algorithm would accept).
    let jwks = std::fs::read_to_string(fixture("jwks.json")).expect("jwks read");
    let confused = hs256_with(jwks.as_bytes(), &claims("alice"));
    let rsa_public_pem = {
        let n = serde_json::from_str::<Value>(&jwks).expect("json")["keys"][0]["n"].clone();
        n.as_str().unwrap_or_default().as_bytes().to_vec()
    };
    let confused_n = hs256_with(&rsa_public_pem, &claims("alice"));
    let attacks = [
        (
            "HS256 with only JWKS configured",
            hs256_with(JWT_SECRET.as_bytes(), &claims("alice")),
        ),
        ("HS256 keyed with the JWKS", confused),
        ("HS256 keyed with the RSA modulus", confused_n),
        (
            "RS256 by a key the server does not know",
            signed_with_fixture(
                Algorithm::RS256,
                "other-rs256-private.pem",
                Some("shop-rsa-1"),
                &claims("alice"),
            ),
        ),
        (
            "an unknown kid",
            signed_with_fixture(
                Algorithm::RS256,
                "rs256-private.pem",
                Some("rotated-away"),
                &claims("alice"),
            ),
        ),
        (
            "ES256 claiming the RSA key's kid",
            signed_with_fixture(
                Algorithm::ES256,
                "es256-private.pem",
                Some("shop-rsa-1"),
                &claims("alice"),
            ),
        ),
        ("alg none", alg_none(&claims("alice"))),
        (
            "expired RS256",
            signed_with_fixture(
                Algorithm::RS256,
                "rs256-private.pem",
                Some("shop-rsa-1"),
                &json!({"sub": "alice", "exp": now() - 120}),
            ),
        ),
        ("the demo's token", "demo-alice".to_owned()),
    ];
    for (what, token) in &attacks {
        let reply = billing(&b, Auth::Bearer(token)).await;
        assert_eq!(reply.status.as_u16(), 401, "{what}: {}", reply.body);
        reply.assert_error(401, "unauthorized");
    }
}

#[tokio::test]
async fn forwarding_without_a_customer_source_refuses_to_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        platform_url: Some("http://127.0.0.1:9".into()),
        platform_key: Some(SECRET_KEY.into()),
        ..config_in(dir.path())
    };
    let e = spawn(config.clone()).await.expect_err("must not start");
    assert!(matches!(e, ServerError::CustomerSourceRequired), "{e}");
    let m = e.to_string();
    for flag in ["--platform-url", "--customer-jwt-secret", "--customer-jwks"] {
        assert!(m.contains(flag), "{m}");
    }

    // A secret too short to resist guessing is refused, in every shape.
    for embedded in [false, true] {
        let mut short = Config {
            customer_jwt_secret: Some("abc".into()),
            ..config.clone()
        };
        if embedded {
            short.platform_url = None;
            short.platform_key = None;
        }
        let e = spawn(short).await.expect_err("must not start");
        assert!(matches!(e, ServerError::CustomerJwt(_)), "{e}");
        assert!(e.to_string().contains("at least 32"), "{e}");
    }
    // So is an unreadable or keyless JWKS file, and an issuer without a key.
    let empty_jwks = dir.path().join("empty.json");
    std::fs::write(&empty_jwks, r#"{"keys": []}"#).expect("written");
    for bad in [
        Config {
            customer_jwt_secret: None,
            customer_jwks: Some(dir.path().join("missing.json")),
            ..config.clone()
        },
        Config {
            customer_jwks: Some(empty_jwks),
            ..config.clone()
        },
        Config {
            platform_url: None,
            platform_key: None,
            customer_jwt_issuer: Some("https://shop.example".into()),
            ..config.clone()
        },
    ] {
        let e = spawn(bad).await.expect_err("must not start");
        assert!(matches!(e, ServerError::CustomerJwt(_)), "{e}");
    }
}

#[tokio::test]
async fn a_catalog_file_has_no_demo_tokens_even_on_a_demo_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    // First the demo shape on this database: its tokens are live.
    let demo = spawn(config_in(dir.path())).await.expect("demo starts");
    assert_eq!(demo.sign_in_tokens, 2);
    demo.shutdown().await;

    // Then the demo's own catalog as a file, on the same database.
    let catalog = dir.path().join("catalog.json");
    std::fs::write(&catalog, checkout_server::DEMO_CATALOG).expect("written");
    let copied = TestServer::start_with(|c| {
        *c = config_in(dir.path());
        c.catalog = Some(catalog.clone());
    })
    .await;
    assert_eq!(copied.server.sign_in_tokens, 0);
    for auth in [Auth::Bearer("demo-alice"), Auth::Cookie("demo-bob")] {
        billing(&copied, auth)
            .await
            .assert_error(401, "unauthorized");
    }
    copied.server.shutdown().await;

    // A file that gives a customer a token explicitly signs that one in.
    let mut v: Value = serde_json::from_str(checkout_server::DEMO_CATALOG).expect("json");
    v["customers"][1]["signInToken"] = json!("staging-bob-5c1e");
    std::fs::write(&catalog, v.to_string()).expect("written");
    let explicit = TestServer::start_with(|c| {
        *c = config_in(dir.path());
        c.catalog = Some(catalog.clone());
    })
    .await;
    assert_eq!(explicit.server.sign_in_tokens, 1);
    assert_eq!(
        explicit.billing("staging-bob-5c1e").await["customer"]["externalId"],
        "bob"
    );
    billing(&explicit, Auth::Bearer("demo-alice"))
        .await
        .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn embedded_with_a_jwt_secret_takes_jwts_and_keeps_the_demo_tokens() {
    let srv = TestServer::start_with(|c| {
        c.customer_jwt_secret = Some(JWT_SECRET.to_owned());
    })
    .await;
    assert_eq!(
        srv.server.sign_in_tokens, 2,
        "the demo shape keeps its tokens"
    );
    // A JWT customer the embedded platform has not seen is created.
    let fay = customer_jwt("jwt-fay");
    assert_eq!(
        billing(&srv, Auth::Bearer(&fay)).await.data()["customer"]["externalId"],
        "jwt-fay"
    );
    assert_eq!(srv.count_rows("customers"), 3);
    // A JWT names Alice as well as her demo token does.
    assert_eq!(
        billing(&srv, Auth::Cookie(&customer_jwt("alice")))
            .await
            .data()["customer"]["id"],
        "cus_alice"
    );
    assert_eq!(
        srv.billing("demo-alice").await["customer"]["id"],
        "cus_alice"
    );
    // Something shaped like a JWT is verified as one, never taken for a token.
    let forged = hs256_with(
        b"an-attackers-own-secret-0123456789abcdef",
        &json!({"sub": "alice", "exp": now() + 600}),
    );
    for token in [
        forged,
        alg_none(&json!({"sub": "alice", "exp": now() + 600})),
    ] {
        billing(&srv, Auth::Bearer(&token))
            .await
            .assert_error(401, "unauthorized");
    }
}
