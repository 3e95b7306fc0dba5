//! A typed client of the Sessiondesk authority's HTTP API (the v1 contract): one method per
//! endpoint, problem+json answers mapped to [`Error::Api`] with their stable `code`, and
//! retries only where repeating a call is safe (reads, and writes that carry an
//! Idempotency-Key).

mod admin;
mod auth;
mod client;
mod error;
mod events;

pub use client::{server_url, Client, Options};
pub use error::{Error, Result};
pub use events::IDLE_LIMIT;
pub use sessiondesk_protocol as protocol;
