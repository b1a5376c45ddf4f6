//! Signed success redirects (issue 16, item 4): what a paid session's
//! success URL carries, and that the signature verifies with the platform
//! secret key, computed here independently of the server's code (own
//! canonical string, the `hmac` crate), and fails for any tampering.

use crate::support::{now_ms, Auth, TestServer, SECRET_KEY};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

const ALICE: Auth<'static> = Auth::Bearer("demo-alice");

/// The URL's query, decoded, in order.
pub fn query(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .expect("an absolute URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The one value of `name`; panics when it appears more than once.
pub fn param(url: &str, name: &str) -> Option<String> {
    let values: Vec<String> = query(url)
        .into_iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v)
        .collect();
    assert!(
        values.len() <= 1,
        "{name} appears {} times in {url}",
        values.len()
    );
    values.into_iter().next()
}

// README "Verifying a success redirect": the merchant's verifier, word for
// word, so the snippet there is compiled and run by these tests.
/// The parameters the checkout signs, sorted by name: the order the signature covers them.
const SIGNED: [&str; 5] = [
    "checkout_id",
    "customer_id",
    "purchase_id",
    "request_id",
    "subscription_id",
];

/// The signed parameters of a success redirect, or `None` if its signature does not verify.
pub fn verify_success_redirect(href: &str, secret_key: &str) -> Option<Vec<(String, String)>> {
    let url = url::Url::parse(href).ok()?;
    let values = |name: &str| -> Vec<String> {
        url.query_pairs()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .collect()
    };
    let [signature] = <[String; 1]>::try_from(values("signature")).ok()?;
    let mut signed = Vec::new();
    for name in SIGNED {
        match values(name).as_slice() {
            [] => {}
            [value] => signed.push((name.to_owned(), value.clone())),
            _ => return None, // a signed name twice: refuse rather than guess
        }
    }
    let canonical: Vec<String> = signed.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).ok()?;
    mac.update(canonical.join("&").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    bool::from(expected.as_bytes().ct_eq(signature.as_bytes())).then_some(signed)
}

/// Whether `url`'s signature verifies with `key` (the README's verifier).
pub fn verifies(url: &str, key: &str) -> bool {
    verify_success_redirect(url, key).is_some()
}

/// The row of `table` (`purchases`, `subscriptions`) session `id` made,
/// read from the database.
fn row_of(srv: &TestServer, table: &str, id: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(srv.db_path()).expect("db opens");
    conn.query_row(
        &format!("SELECT id FROM {table} WHERE checkout_session_id = ?1"),
        [id],
        |r| r.get(0),
    )
    .ok()
}

/// Creates and pays a session; returns its id and the confirm's redirect.
async fn pay(srv: &TestServer, extra: Value, auth: Auth<'_>) -> (String, String) {
    let id = srv.buy(extra, auth).await;
    let page = srv.hosted(&id).await;
    let url = page.data()["successRedirectUrl"]
        .as_str()
        .expect("a paid session has a success redirect")
        .to_owned();
    (id, url)
}

#[tokio::test]
async fn a_paid_product_redirect_carries_the_checkout_and_purchase_signed() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    let paid = srv.confirm(&id, "4242 4242 4242 4242").await;
    let url = paid.data()["redirectUrl"].as_str().unwrap().to_owned();
    let purchase_id = param(&url, "purchase_id").expect("purchase_id");
    assert!(purchase_id.starts_with("pur_"), "{url}");
    assert_eq!(
        url,
        format!(
            "https://shop.test/success?session_id={id}&checkout_id={id}&purchase_id={purchase_id}&signature={}",
            param(&url, "signature").unwrap()
        ),
        "the merchant's query first, then ours, signature last"
    );
    assert_eq!(param(&url, "customer_id"), None, "an anonymous buyer");
    assert_eq!(param(&url, "subscription_id"), None);
    assert_eq!(param(&url, "request_id"), None);
    assert!(verifies(&url, SECRET_KEY), "{url}");
    assert!(!verifies(&url, "sk_test_some_other_key_0123456789abcdef"));
    // The paid page hands out the same URL later (a reload after paying).
    assert_eq!(srv.hosted(&id).await.data()["successRedirectUrl"], url);
    // The purchase named is the one recorded for the session.
    assert_eq!(row_of(&srv, "purchases", &id), Some(purchase_id));
}

#[tokio::test]
async fn a_signed_in_customer_is_named_and_a_subscription_replaces_the_purchase() {
    let srv = TestServer::start().await;
    let (_, url) = pay(&srv, json!({"priceSlug": "onboarding"}), ALICE).await;
    assert_eq!(param(&url, "customer_id").as_deref(), Some("cus_alice"));
    assert!(param(&url, "purchase_id").is_some());
    assert!(verifies(&url, SECRET_KEY));

    let (id, url) = pay(&srv, json!({"priceSlug": "pro-monthly"}), ALICE).await;
    let sub = row_of(&srv, "subscriptions", &id).expect("the checkout started a subscription");
    assert_eq!(param(&url, "subscription_id"), Some(sub));
    assert_eq!(
        param(&url, "purchase_id"),
        None,
        "one of the two, what was made"
    );
    assert_eq!(param(&url, "customer_id").as_deref(), Some("cus_alice"));
    assert!(verifies(&url, SECRET_KEY), "{url}");
}

#[tokio::test]
async fn an_activation_names_the_subscription_it_set_billing() {
    let srv = TestServer::start().await;
    let reply = srv
        .route(
            "checkout-sessions/create-activate-subscription",
            json!({"successUrl": "https://shop.test/active", "cancelUrl": "https://shop.test/billing",
                   "targetSubscriptionId": "sub_alice_pro"}),
            ALICE,
        )
        .await;
    let id = reply.data()["checkoutSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let paid = srv.confirm(&id, "4242424242424242").await;
    let url = paid.data()["redirectUrl"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("https://shop.test/active?checkout_id={id}&")),
        "{url}"
    );
    assert_eq!(
        param(url, "subscription_id").as_deref(),
        Some("sub_alice_pro")
    );
    assert!(verifies(url, SECRET_KEY));
}

#[tokio::test]
async fn the_request_id_is_percent_encoded_in_the_url_and_signed_raw() {
    let srv = TestServer::start().await;
    let request_id = "order 7/é+#x?;";
    let (id, url) = pay(
        &srv,
        json!({"priceSlug": "onboarding", "requestId": request_id}),
        Auth::None,
    )
    .await;
    assert!(
        url.contains("&request_id=order%207%2F%C3%A9%2B%23x%3F%3B&"),
        "every reserved character encoded: {url}"
    );
    assert_eq!(param(&url, "request_id").as_deref(), Some(request_id));
    assert_eq!(param(&url, "checkout_id"), Some(id));
    assert!(url::Url::parse(&url).unwrap().fragment().is_none());
    assert!(verifies(&url, SECRET_KEY), "{url}");
    // `&` and `=` would make the raw signed string ambiguous
    // (`x&subscription_id=sub_1`): such a request id is refused up front.
    srv.merchant_create(
        json!({"priceSlug": "onboarding", "requestId": "x&subscription_id=sub_1"}),
        None,
    )
    .await
    .assert_error(400, "invalid_request");
}

#[tokio::test]
async fn tampering_with_any_signed_value_fails_verification() {
    let srv = TestServer::start().await;
    let (_, url) = pay(
        &srv,
        json!({"priceSlug": "onboarding", "requestId": "order-1"}),
        ALICE,
    )
    .await;
    assert!(verifies(&url, SECRET_KEY));
    let pairs = query(&url);
    let rebuild = |pairs: &[(String, String)]| {
        let mut u = url::Url::parse(&url).unwrap();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    };
    assert!(
        verifies(&rebuild(&pairs), SECRET_KEY),
        "re-encoding alone keeps it valid"
    );
    let signed_names: Vec<&str> = pairs
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| SIGNED.contains(k))
        .collect();
    assert_eq!(
        signed_names,
        ["checkout_id", "request_id", "customer_id", "purchase_id"]
    );
    for (i, (name, _)) in pairs.iter().enumerate() {
        if !SIGNED.contains(&name.as_str()) && name != "signature" {
            continue;
        }
        let mut changed = pairs.clone();
        changed[i].1.push('x');
        assert!(
            !verifies(&rebuild(&changed), SECRET_KEY),
            "changing {name} must break the signature"
        );
        if SIGNED.contains(&name.as_str()) {
            let mut removed = pairs.clone();
            removed.remove(i);
            assert!(!verifies(&rebuild(&removed), SECRET_KEY), "dropping {name}");
        }
    }
    let mut added = pairs.clone();
    added.push(("subscription_id".into(), "sub_alice_pro".into()));
    assert!(
        !verifies(&rebuild(&added), SECRET_KEY),
        "adding a subscription"
    );
    // The merchant's own `session_id` is not signed: changing it keeps the
    // signature valid, which is why a verifier reads only our names.
    let mut merchant = pairs.clone();
    merchant[0].1 = "cs_other".into();
    assert_eq!(merchant[0].0, "session_id");
    assert!(verifies(&rebuild(&merchant), SECRET_KEY));
}

#[tokio::test]
async fn merchant_parameters_are_kept_and_ours_cannot_be_forged_by_them() {
    let srv = TestServer::start().await;
    let success = "https://shop.test/thanks?utm_source=mail&x=a%26b&checkout_id=forged&signature=00&purchase_id=pur_fake#done";
    let (id, url) = pay(
        &srv,
        json!({"priceSlug": "onboarding", "successUrl": success}),
        Auth::None,
    )
    .await;
    assert!(
        url.starts_with("https://shop.test/thanks?utm_source=mail&x=a%26b&checkout_id="),
        "{url}"
    );
    assert!(url.ends_with("#done"), "the fragment stays last: {url}");
    assert_eq!(param(&url, "utm_source").as_deref(), Some("mail"));
    assert_eq!(param(&url, "x").as_deref(), Some("a&b"));
    // `param` panics on a second value: the merchant's ones are gone.
    assert_eq!(param(&url, "checkout_id"), Some(id));
    assert_ne!(param(&url, "purchase_id").as_deref(), Some("pur_fake"));
    assert_ne!(param(&url, "signature").as_deref(), Some("00"));
    assert!(verifies(&url, SECRET_KEY));
}

#[tokio::test]
async fn the_cancel_url_is_not_signed_or_changed() {
    let srv = TestServer::start().await;
    let (id, _) = pay(&srv, json!({"priceSlug": "onboarding"}), Auth::None).await;
    assert_eq!(
        srv.hosted(&id).await.data()["cancelUrl"],
        format!("https://shop.test/pricing?cancelled={id}")
    );
}

#[tokio::test]
async fn a_declined_or_unpaid_session_has_no_signed_success_url() {
    let srv = TestServer::start().await;
    let id = srv.create_session("onboarding").await;
    assert_eq!(
        srv.hosted(&id).await.data()["successRedirectUrl"],
        Value::Null
    );
    srv.confirm(&id, "4000000000000002")
        .await
        .assert_error(402, "card_declined");
    let page = srv.hosted(&id).await;
    assert_eq!(page.data()["status"], "open");
    assert_eq!(page.data()["successRedirectUrl"], Value::Null);
    assert!(!page.body.to_string().contains("signature"));
    // An expired session has none either.
    let other = srv.create_session("onboarding").await;
    srv.set_expires_at(&other, now_ms() - 1);
    let page = srv.hosted(&other).await;
    assert_eq!(page.data()["status"], "expired");
    assert_eq!(page.data()["successRedirectUrl"], Value::Null);
}

#[tokio::test]
async fn bobs_redirect_never_names_alice() {
    let srv = TestServer::start().await;
    let (_, alice) = pay(&srv, json!({"priceSlug": "onboarding"}), ALICE).await;
    let (_, bob) = pay(
        &srv,
        json!({"priceSlug": "onboarding"}),
        Auth::Bearer("demo-bob"),
    )
    .await;
    assert_eq!(param(&bob, "customer_id").as_deref(), Some("cus_bob"));
    assert_ne!(param(&bob, "purchase_id"), param(&alice, "purchase_id"));
    // Alice's signature does not vouch for Bob's ids, nor the other way.
    let swapped = bob.replace(
        &param(&bob, "signature").unwrap(),
        &param(&alice, "signature").unwrap(),
    );
    assert!(!verifies(&swapped, SECRET_KEY));
}

/// The README's example URL and key (the unit test vector of
/// `domain::redirect_signing`) verify with the README's verifier.
#[tokio::test]
async fn the_readme_example_verifies() {
    let key = "sk_test_0123456789abcdef0123456789abcdef";
    let url = "https://shop.test/thanks?utm=mail&x=a%26b&checkout_id=cs_test_1\
               &request_id=order%207%26a%3Db%2F%C3%A9&customer_id=cus_alice&purchase_id=pur_1\
               &signature=631130e2a770c0a80d17427e58aee8771bccec128f48845a5ecceb12bf9aa55e#top";
    let signed = verify_success_redirect(url, key).expect("the example verifies");
    let as_str: Vec<(&str, &str)> = signed
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        as_str,
        [
            ("checkout_id", "cs_test_1"),
            ("customer_id", "cus_alice"),
            ("purchase_id", "pur_1"),
            ("request_id", "order 7&a=b/é"),
        ]
    );
    assert!(!verifies(&url.replace("pur_1", "pur_2"), key));
    assert!(!verifies(url, "sk_test_0123456789abcdef0123456789abcdeF"));
    let twice = url.replace("#top", "&checkout_id=cs_test_1#top");
    assert!(!verifies(&twice, key), "a signed name twice is refused");
}
