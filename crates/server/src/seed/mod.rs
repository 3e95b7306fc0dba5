//! Demo and benchmark data: `sessiondesk-server seed --demo` and `seed --bench-sessions N`.
//!
//! - [`demo`]: two organisations with a believable, deterministic history (same seed and same
//!   `now`, same rows), placed with real geolocation lookups of the addresses in [`places`].
//! - [`bench`]: one organisation with as many active sessions as a load test needs, and their
//!   tokens in a file.
//!
//! Both write through the [`Store`](crate::store::Store) trait: users and API keys through the
//! ordinary calls (each with its audit event), sessions and sign-in attempts with
//! `bulk_insert`, and one `seed.loaded` audit event per org summing up the rest.

mod bench;
mod catalog;
mod demo;
pub mod places;

pub use bench::{
    bench, bench_policy, bench_token, bench_username, BENCH_ORG, BENCH_PASSWORD, BENCH_USERS,
};
pub use demo::{demo, DemoSummary, OrgSummary, DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};
