//! Integration tests: the real server over HTTP on loopback, each test with
//! its own SQLite file in a temporary folder.

mod support;

mod hosted;
mod lifecycle;
mod platform;
mod route;
mod static_files;
