//! [`ServerError`]: what can stop the server from starting (or running).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the server could not start (or stopped).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The catalog could not be read or is invalid.
    #[error(transparent)]
    Catalog(#[from] crate::domain::catalog::CatalogError),
    /// A catalog file could not be read.
    #[error("cannot read catalog file {path}: {source}")]
    CatalogRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database could not be opened, migrated or seeded.
    #[error("database {path}: {source}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What failed.
        source: crate::store::DbError,
    },
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The requested address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The widget build in `--dist` could not be loaded.
    #[error("cannot load the widget build {path}: {source}")]
    Dist {
        /// The folder.
        path: PathBuf,
        /// What failed.
        source: crate::http::static_files::bundle::BundleError,
    },
    /// `--frame-ancestors` cannot be put in a header.
    #[error("the frame ancestors (--frame-ancestors / CHECKOUT_FRAME_ANCESTORS) cannot be sent in a header: {0}")]
    FrameAncestors(http::header::InvalidHeaderValue),
    /// The route prefix is invalid or taken by the server's own routes.
    #[error("invalid route prefix (--route-prefix / CHECKOUT_ROUTE_PREFIX): {0}")]
    RoutePrefix(String),
    /// `--platform-url` or `--platform-key` is unusable.
    #[error("cannot forward to the billing platform (--platform-url / --platform-key): {0}")]
    Platform(String),
    /// `--secret-key` was given but is blank or shorter than
    /// [`crate::app::config::MIN_SECRET_KEY_CHARS`] characters: a short key can be
    /// guessed, and it guards every customer and payment on the platform API.
    #[error("the secret key (--secret-key / CHECKOUT_SECRET_KEY) has {0} characters; it must have at least 32 random ones (leave it unset to generate one)")]
    SecretKeyTooShort(usize),
    /// `--public-url` does not parse (a `Config` built in code; the flag is
    /// checked when parsed).
    #[error("unusable public URL (--public-url / CHECKOUT_PUBLIC_URL): {0}")]
    PublicUrl(String),
    /// The operating system supplied no randomness.
    #[error("cannot generate a secret: {0}")]
    Random(getrandom::Error),
    /// The webhook dispatcher could not start (bad secret, no HTTP client).
    #[error(transparent)]
    Webhooks(#[from] crate::webhook::dispatcher::DispatcherError),
    /// The OpenAPI document could not be rendered.
    #[error("cannot render the OpenAPI document: {0}")]
    OpenApi(serde_json::Error),
    // --- Customer identity ---
    /// `--platform-url` was given without a way to identify customers.
    #[error("a server forwarding to a billing platform (--platform-url) needs a customer source: give --customer-jwt-secret (CHECKOUT_CUSTOMER_JWT_SECRET) or --customer-jwks (CHECKOUT_CUSTOMER_JWKS) so the route bills the customer your own sign-in names; the demo's sign-in tokens exist only in embedded mode")]
    CustomerSourceRequired,
    /// The customer JWT flags cannot be used.
    #[error("customer sign-in (--customer-jwt-secret / --customer-jwks / --customer-jwt-issuer / --customer-jwt-audience / --customer-cookie): {0}")]
    CustomerJwt(String),
    /// The HTTP server failed while running.
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}
