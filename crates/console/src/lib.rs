//! The console's core, with no Tauri and no window: server profiles, the credential in the
//! OS keyring, the offline SQLite cache with its sync from the change feed, the query
//! engine over the cache, and the outbox of actions.

pub mod app;
pub mod cache;
mod cache_writer;
pub mod console;
pub mod error;
pub mod outbox;
pub mod paths;
pub mod profiles;
pub mod query;
pub mod secrets;
pub mod sync;
pub mod view;

pub use console::{Console, Workspace};
pub use error::{Error, Result};
