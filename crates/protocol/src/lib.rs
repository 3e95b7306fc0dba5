//! Wire types of the Sessiondesk HTTP API (v1 contract).
//!
//! These types are the single source of truth for the JSON the authority speaks: the server
//! serialises them, the client deserialises them and the console UI gets TypeScript copies
//! generated from them. Keep them free of behaviour beyond (de)serialisation.

mod admin;
mod auth;
pub mod countries;
mod problem;
pub mod search;
mod secret;
mod session;
mod timestamp;

pub use admin::*;
pub use auth::*;
pub use problem::Problem;
pub use secret::Secret;
pub use session::*;
pub use timestamp::Timestamp;
