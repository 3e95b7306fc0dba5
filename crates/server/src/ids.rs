//! Prefixed ULIDs: `ses_…`, `usr_…`, `org_…`, `key_…`, `evt_…`, `att_…`.
//!
//! The prefix makes an id self-describing in logs and support tickets; the ULID part sorts by
//! creation time, which keeps cursor pagination and "oldest first" cheap.

use ulid::Ulid;

pub const SESSION: &str = "ses";
pub const USER: &str = "usr";
pub const ORG: &str = "org";
pub const API_KEY: &str = "key";
pub const EVENT: &str = "evt";
pub const ATTEMPT: &str = "att";

/// A new id with the given prefix, stamped with `at_ms`.
pub fn new_id(prefix: &str, at_ms: i64) -> String {
    let ulid = Ulid::from_parts(at_ms.max(0) as u64, rand::random::<u128>());
    format!("{prefix}_{}", ulid.to_string().to_lowercase())
}

/// A deterministic id (for seeded demo data).
pub fn id_from_parts(prefix: &str, at_ms: i64, random: u128) -> String {
    let ulid = Ulid::from_parts(at_ms.max(0) as u64, random);
    format!("{prefix}_{}", ulid.to_string().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_prefix_and_sort_by_time() {
        let a = new_id(SESSION, 1_000);
        let b = new_id(SESSION, 2_000);
        assert!(a.starts_with("ses_") && a.len() == 30, "{a}");
        assert!(a < b);
    }
}
