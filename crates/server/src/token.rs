//! Bearer secrets: 256-bit random tokens and API keys, and the digests stored in their place.
//!
//! The database only ever sees `SHA-256(token)`. A plain (unsalted) hash is right here: the
//! input has 256 bits of entropy, so there is nothing to brute-force, and an index on the
//! digest makes the hot-path lookup a single B-tree probe.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::TryRngCore;
use sessiondesk_protocol::Secret;
use sha2::{Digest, Sha256};

/// Digest of a token as stored in the database.
pub type TokenHash = [u8; 32];

/// Prefix of session tokens, so a leaked token is recognisable by secret scanners.
pub const SESSION_PREFIX: &str = "sds_";
/// Prefix of resource-server API keys.
pub const API_KEY_PREFIX: &str = "sdk_";
/// Prefix of login tickets (session limit in `ask` mode).
pub const TICKET_PREFIX: &str = "sdt_";

/// A fresh secret: the prefix and 32 random bytes from the OS generator, base64url.
pub fn generate(prefix: &str) -> Secret {
    let mut bytes = [0u8; 32];
    // Without OS randomness no secret can be made safely; failing loudly is the only option.
    #[allow(clippy::expect_used)]
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random generator failed");
    Secret::new(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// A secret derived from a seed, for deterministic demo and benchmark data only.
pub fn from_seed(prefix: &str, seed: &[u8]) -> Secret {
    let bytes: [u8; 32] = Sha256::digest(seed).into();
    Secret::new(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The digest stored for a secret.
pub fn hash(secret: &str) -> TokenHash {
    Sha256::digest(secret.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_distinct() {
        let a = generate(SESSION_PREFIX);
        let b = generate(SESSION_PREFIX);
        assert_ne!(a, b);
        let body = a.expose().strip_prefix(SESSION_PREFIX).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(body).unwrap().len(), 32);
        assert_ne!(hash(a.expose()), hash(b.expose()));
    }
}
