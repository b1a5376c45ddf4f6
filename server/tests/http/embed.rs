//! `GET /api/embed`: the versioned embed script of the running build.

use crate::dist;
use reqwest::header;
use serde_json::Value;

#[tokio::test]
async fn embed_names_the_versioned_script_and_types() {
    let srv = dist::server().await;
    let id = srv.server.build_id.clone();
    let response = srv.client.get(srv.url("/api/embed")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "version": id,
            "script": srv.url(&format!("/v/{id}/checkout-widget.js")),
            "types": srv.url(&format!("/v/{id}/checkout-widget.d.ts")),
        })
    );
    for key in ["script", "types"] {
        let url = body[key].as_str().unwrap();
        let file = srv.client.get(url).send().await.unwrap();
        assert_eq!(file.status().as_u16(), 200, "{url}");
    }
}

#[tokio::test]
async fn embed_urls_use_the_public_url() {
    let srv = dist::server_with(|c| c.public_url = Some("https://pay.example".into())).await;
    let body: Value = srv
        .client
        .get(srv.url("/api/embed"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = &srv.server.build_id;
    assert_eq!(
        body["script"],
        format!("https://pay.example/v/{id}/checkout-widget.js")
    );
}

#[tokio::test]
async fn embed_is_get_only() {
    let srv = dist::server().await;
    srv.send(srv.client.post(srv.url("/api/embed")))
        .await
        .assert_error(404, "not_found");
}

/// The binary, started on a free port; killed when dropped.
struct Binary(std::process::Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_the_versioned_script_url_at_start() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let files = dist::files();
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_slice())).collect();
    crate::support::write_files(&dir.path().join("dist"), &borrowed);
    let id = checkout_server::Bundle::load(&dir.path().join("dist"))
        .unwrap()
        .id()
        .to_owned();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_checkout-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--public-url",
            "https://pay.example",
        ])
        .arg("--db")
        .arg(dir.path().join("db.sqlite3"))
        .arg("--dist")
        .arg(dir.path().join("dist"))
        .env(
            "CHECKOUT_SECRET_KEY",
            "sk_test_binary_0123456789abcdef012345",
        )
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _guard = Binary(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
        let done = line.starts_with("embed script: ");
        lines.push(line);
        if done {
            break;
        }
    }
    assert_eq!(
        lines.last().map(String::as_str),
        Some(format!("embed script: https://pay.example/v/{id}/checkout-widget.js").as_str()),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("checkout-server listening on http://")),
        "{lines:?}"
    );
}
