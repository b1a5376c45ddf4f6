//! A merchant's own axum app taking the widget to production: a page with
//! the widget, the server route mounted at `/api/billing`, the customer
//! resolved from the shop's own cookie, and every billing call forwarded to
//! a Flowglad-compatible platform (Flowglad, or a checkout-server).
//!
//! `PLATFORM_URL=http://127.0.0.1:8080 PLATFORM_KEY=sk_test_… cargo run -p checkout-server --example production`

use axum::{http::HeaderMap, response::Html, routing::get, Router};
use checkout_server::{async_trait, server_route, ApiError, CustomerIdentity, CustomerResolver};
use checkout_server::{RemotePlatform, RemotePlatformOptions};
use std::sync::Arc;

/// The shop's sign-in: a `user` cookie (a real shop verifies its signed session here).
struct ShopSession;

#[async_trait]
impl CustomerResolver for ShopSession {
    async fn resolve(&self, headers: &HeaderMap) -> Result<Option<CustomerIdentity>, ApiError> {
        let cookies = headers
            .get("cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let user = cookies
            .split(';')
            .find_map(|c| c.trim().strip_prefix("user="));
        Ok(user.map(|id| CustomerIdentity {
            external_id: id.to_owned(),
            name: format!("Customer {id}"),
            email: format!("{id}@shop.example"),
        }))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("PLATFORM_URL")?;
    let platform = RemotePlatform::new(RemotePlatformOptions::new(
        &url,
        std::env::var("PLATFORM_KEY")?,
    ))?;
    // The widget's files come from the platform (CORS-enabled); it posts to /api/billing here.
    let page = format!(
        r#"<!doctype html><script type="module" src="{url}/checkout-widget.js"></script>
<checkout-widget price-slug="pro-monthly" success-url="/" cancel-url="/"></checkout-widget>"#
    );
    let app = Router::new()
        .route("/", get(move || std::future::ready(Html(page.clone()))))
        .nest(
            "/api/billing",
            server_route(Arc::new(platform), Arc::new(ShopSession)),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
