//! Integration tests: the real server over HTTP on loopback, each test with
//! its own SQLite file in a temporary folder.

mod dist;
mod receiver;
mod support;

mod abuse;
// Adjustable quantity (issue 16, item 8).
mod adjustable_quantity;
mod billing;
mod billing_address;
mod browser_contract;
mod caching;
mod compression;
mod concurrency;
mod connections;
mod cors;
mod create_options;
mod customers;
mod discounts;
mod embed;
mod features;
mod hosted;
mod idempotency;
mod identity;
mod invoices;
mod lifecycle;
mod limits;
mod openapi;
mod platform;
mod platform_customers;
// Receipts and branding (issue 16, items 3 and 6).
mod receipts;
// Plan changes (issue 15).
mod plan_changes;
mod rate_limits;
mod recovery;
mod redirects;
mod remote_platform;
mod resources;
mod retention;
mod route;
// Saved cards (issue 16).
mod saved_cards;
mod security_headers;
// Session fields and modes (issue 16).
mod session_fields;
// Signed success redirects (issue 16, item 4).
mod signed_redirects;
mod static_files;
mod subscriptions;
// Subscription create (issue 15).
mod subscription_create;
// 3-D Secure in test mode (issue 16).
mod three_d_secure;
// Tax IDs (issue 16, item 8).
mod tax_id;
mod two_servers;
mod usage;
mod webhooks;
