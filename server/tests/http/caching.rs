//! Caching: unversioned files revalidate (strong `ETag`, `Last-Modified`,
//! `304`); versioned copies under `/v/{build_id}/` are immutable and keep
//! the bytes of the build the server started with.

use crate::dist;
use checkout_server::Bundle;
use reqwest::{header, Response};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

async fn get(srv: &crate::support::TestServer, path: &str) -> Response {
    srv.client.get(srv.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn unversioned_files_carry_validators_and_answer_conditional_requests() {
    let srv = dist::server().await;
    let first = get(&srv, "/checkout-widget.js").await;
    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34,
        "strong: {etag}"
    );
    let last_modified = first.headers()[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(last_modified.ends_with(" GMT"), "{last_modified}");

    for if_none_match in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".into(),
    ] {
        let again = srv
            .client
            .get(srv.url("/checkout-widget.js"))
            .header(header::IF_NONE_MATCH, &if_none_match)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{if_none_match}");
        assert_eq!(again.headers()[header::ETAG], etag.as_str());
        assert_eq!(again.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(again.bytes().await.unwrap().len(), 0);
    }
    let changed = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .header(
            header::IF_NONE_MATCH,
            "\"0123456789abcdef0123456789abcdef\"",
        )
        .header(header::IF_MODIFIED_SINCE, &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status().as_u16(),
        200,
        "If-None-Match wins over If-Modified-Since"
    );

    let since = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .header(header::IF_MODIFIED_SINCE, &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status().as_u16(), 304);
    let long_ago = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .header(header::IF_MODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:37 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(long_ago.status().as_u16(), 200);
}

#[tokio::test]
async fn the_app_shell_revalidates_too() {
    let srv = dist::server().await;
    for (first, then) in [
        ("/", "/success"),
        ("/checkout/cs_x", "/add-payment-method/cs_y"),
    ] {
        let page = get(&srv, first).await;
        let etag = page.headers()[header::ETAG].to_str().unwrap().to_owned();
        let again = srv
            .client
            .get(srv.url(then))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(
            again.status().as_u16(),
            304,
            "one file, one tag, on every path of a shell: {first} then {then}"
        );
    }
    // The hosted shell is another file: the app's tag does not match it.
    let app = get(&srv, "/").await;
    let etag = app.headers()[header::ETAG].to_str().unwrap().to_owned();
    let hosted = srv
        .client
        .get(srv.url("/checkout/cs_x"))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(hosted.status().as_u16(), 200);
}

#[tokio::test]
async fn versioned_copies_are_immutable_and_other_ids_are_404() {
    let srv = dist::server().await;
    let id = srv.server.build_id.clone();
    assert_eq!(id.len(), 16);
    assert_eq!(
        id,
        Bundle::load(&srv.dist()).unwrap().id(),
        "the id of dist as it is"
    );

    for file in [
        "checkout-widget.js",
        "checkout-widget-app_bg.wasm",
        "checkout-widget.d.ts",
        "index.html",
    ] {
        let response = get(&srv, &format!("/v/{id}/{file}")).await;
        assert_eq!(response.status().as_u16(), 200, "{file}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            IMMUTABLE,
            "{file}"
        );
        let unversioned = get(&srv, &format!("/{file}")).await;
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            unversioned.headers()[header::CONTENT_TYPE],
            "{file}"
        );
        assert_eq!(
            response.headers()[header::ETAG],
            unversioned.headers()[header::ETAG],
            "{file}"
        );
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            dist::contents(file).as_slice(),
            "{file}"
        );
    }

    let stale = "0123456789abcdef";
    assert_ne!(stale, id);
    for path in [
        format!("/v/{stale}/checkout-widget.js"),
        format!("/v/{}/checkout-widget.js", id.to_uppercase()),
        format!("/v/{id}/nope.js"),
        format!("/v/{id}/examples/..%2Findex.html"),
        format!("/v/{id}"),
        "/v/checkout-widget.js".to_owned(),
    ] {
        let response = get(&srv, &path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert!(
            response.headers().get(header::CACHE_CONTROL).is_none(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_versioned_entry_loads_versioned_dependencies() {
    let srv = dist::server().await;
    let entry_url =
        url::Url::parse(&srv.url(&format!("/v/{}/checkout-widget.js", srv.server.build_id)))
            .unwrap();
    let entry = get(&srv, entry_url.path()).await.text().await.unwrap();
    // Follow the module graph as a browser would: relative to each module's URL.
    let app_url = entry_url
        .join(import_of(&entry, "import init from '"))
        .unwrap();
    assert!(
        app_url
            .path()
            .starts_with(&format!("/v/{}/", srv.server.build_id)),
        "{app_url}"
    );
    let app = get(&srv, app_url.path()).await;
    assert_eq!(app.status().as_u16(), 200, "{app_url}");
    assert_eq!(app.headers()[header::CACHE_CONTROL], IMMUTABLE);
    let app = app.text().await.unwrap();
    for dependency in [
        import_of(&app, "import { define } from '"),
        import_of(&app, "new URL('"),
    ] {
        let url = app_url.join(dependency).unwrap();
        assert!(
            url.path()
                .starts_with(&format!("/v/{}/", srv.server.build_id)),
            "{url}"
        );
        let response = get(&srv, url.path()).await;
        assert_eq!(response.status().as_u16(), 200, "{url}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            IMMUTABLE,
            "{url}"
        );
    }
}

/// The quoted specifier after `before` in `source`.
fn import_of<'a>(source: &'a str, before: &str) -> &'a str {
    let start = source
        .find(before)
        .map(|i| i + before.len())
        .expect("specifier");
    let rest = &source[start..];
    &rest[..rest.find('\'').expect("closing quote")]
}

#[tokio::test]
async fn a_rebuild_changes_unversioned_files_but_not_the_running_build() {
    let srv = dist::server().await;
    let id = srv.server.build_id.clone();
    let before = get(&srv, "/checkout-widget.js").await;
    let old_etag = before.headers()[header::ETAG].to_str().unwrap().to_owned();

    std::fs::write(
        srv.dist().join("checkout-widget.js"),
        "// rebuilt\nexport {};\n",
    )
    .unwrap();
    std::fs::write(srv.dist().join("new-chunk.js"), "export {};\n").unwrap();

    let current = srv
        .client
        .get(srv.url("/checkout-widget.js"))
        .header(header::IF_NONE_MATCH, &old_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        current.status().as_u16(),
        200,
        "the old tag no longer matches"
    );
    assert_ne!(current.headers()[header::ETAG], old_etag.as_str());
    assert_eq!(current.text().await.unwrap(), "// rebuilt\nexport {};\n");

    let versioned = get(&srv, &format!("/v/{id}/checkout-widget.js")).await;
    assert_eq!(versioned.headers()[header::ETAG], old_etag.as_str());
    assert_eq!(
        versioned.text().await.unwrap(),
        dist::ENTRY,
        "the id keeps its bytes"
    );
    assert_eq!(
        get(&srv, &format!("/v/{id}/new-chunk.js"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert_ne!(
        Bundle::load(&srv.dist()).unwrap().id(),
        id,
        "a restart would get a new id"
    );
}

#[tokio::test]
async fn without_dist_the_build_is_empty_and_versioned_paths_are_404() {
    let srv = crate::support::TestServer::start().await;
    let id = srv.server.build_id.clone();
    assert_eq!(id, "e3b0c44298fc1c14");
    let response = get(&srv, &format!("/v/{id}/checkout-widget.js")).await;
    assert_eq!(response.status().as_u16(), 404);
}
