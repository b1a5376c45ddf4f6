//! `GET /api/embed`: where a merchant's page loads the widget from — the
//! versioned embed script of the build the server started with, and its
//! TypeScript types.

use crate::http::state::AppState;
use crate::http::static_files::{versioned_url, EMBED_SCRIPT, EMBED_TYPES};
use axum::extract::State;
use axum::Json;
use serde::Serialize;

/// The answer of `GET /api/embed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmbedInfo {
    /// The build id (16 hex digits).
    pub version: String,
    /// The absolute URL of the versioned `checkout-widget.js`.
    pub script: String,
    /// The absolute URL of the versioned `checkout-widget.d.ts`.
    pub types: String,
}

impl EmbedInfo {
    /// The URLs of build `build_id` on `public_url`.
    pub fn new(public_url: &str, build_id: &str) -> Self {
        Self {
            version: build_id.to_owned(),
            script: versioned_url(public_url, build_id, EMBED_SCRIPT),
            types: versioned_url(public_url, build_id, EMBED_TYPES),
        }
    }
}

/// `GET /api/embed`.
pub async fn info(State(state): State<AppState>) -> Json<EmbedInfo> {
    Json(EmbedInfo::new(&state.billing.public_url, state.bundle.id()))
}
