//! The client module as the plain-DOM hosted pages build it without Leptos
//! (feature `hosted-checkout` alone): the hosted page's client and its wire
//! readers, not the route client.

mod envelope;
mod hosted_client;
mod hosted_wire;
mod json;

pub use hosted_client::HostedClient;
