//! Everything that speaks HTTP: the shared state, error rendering,
//! extractors, middleware, the merchant's server route, the hosted-page API,
//! the platform API, the widget's files and the OpenAPI document.

pub mod auth_throttle;
pub mod body_limit;
pub mod compression;
pub mod connections;
pub mod cors;
pub mod embed_info;
pub mod error;
pub mod extract;
pub mod frame_ancestors;
pub mod hosted_page;
pub mod openapi;
pub mod platform_api;
pub mod route;
pub mod router;
pub mod security_headers;
pub mod state;
pub mod static_files;
