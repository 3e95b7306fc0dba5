//! The Sessiondesk session authority.
//!
//! Products call it to sign users in (`/v1/auth/*`), resource servers call it to validate a
//! token on every request (`/oauth2/introspect`), and admins manage sessions through it.
//! Handlers in [`api`] are thin adapters over [`auth::Authority`], which owns the rules
//! (policies, locks, risk) and talks to the database through the [`store::Store`] trait.

pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod embedded;
pub mod enrich;
pub mod error;
pub mod expiry;
pub mod ids;
pub mod keys;
pub mod live;
pub mod metrics;
pub mod password;
pub mod policies;
pub mod ratelimit;
pub mod risk;
pub mod roles;
pub mod seed;
pub mod store;
pub mod stripes;
pub mod token;
