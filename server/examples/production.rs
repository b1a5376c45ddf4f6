//! A merchant's own axum app taking the widget to production: a page with
//! the widget, the server route mounted at `/api/billing`, the customer
//! taken from the shop's own signed session (a JWT, verified), and every
//! billing call forwarded to a Flowglad-compatible platform (Flowglad, or a
//! checkout-server).
//!
//! `PLATFORM_URL=http://127.0.0.1:8080 PLATFORM_KEY=sk_test_… SESSION_SECRET=$(openssl rand -hex 32) cargo run -p checkout-server --example production`

use axum::{response::Html, routing::get, Router};
use checkout_server::{server_route, JwtCustomers, RemotePlatform, RemotePlatformOptions};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("PLATFORM_URL")?;
    let platform = RemotePlatform::new(RemotePlatformOptions::new(
        &url,
        std::env::var("PLATFORM_KEY")?,
    ))?;
    // The shop's sign-in sets a `session` cookie (or the page sends
    // `Authorization: Bearer …`) holding an HS256 JWT signed with
    // SESSION_SECRET: `sub` is the shop's user id, `exp` is required, `email`
    // and `name` are optional. A forged, expired or `alg: none` token is a
    // 401, never anonymous. (`JwtCustomers::jwks` takes RS256/ES256 public keys.)
    let customers = JwtCustomers::hs256(std::env::var("SESSION_SECRET")?.as_bytes())?;
    // The widget's files come from the platform (CORS-enabled); it posts to /api/billing here.
    let page = format!(
        r#"<!doctype html><script type="module" src="{url}/checkout-widget.js"></script>
<checkout-widget price-slug="pro-monthly" success-url="/" cancel-url="/"></checkout-widget>"#
    );
    let app = Router::new()
        .route("/", get(move || std::future::ready(Html(page.clone()))))
        .nest(
            "/api/billing",
            server_route(Arc::new(platform), Arc::new(customers)),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    Ok(())
}
