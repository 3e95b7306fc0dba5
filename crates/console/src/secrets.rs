//! Console tokens in the OS keyring: one entry per profile (service `sessiondesk`, account
//! the profile id). The token is in plaintext nowhere else on disk. The keyring's calls
//! block (D-Bus, Keychain); async callers run them on a blocking thread.

use std::collections::HashMap;
use std::sync::Mutex;

use sessiondesk_protocol::Secret;

use crate::error::{Error, Result};

/// Where the console keeps its tokens.
pub trait Secrets: Send + Sync + 'static {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>>;
    fn set(&self, profile_id: &str, token: &Secret) -> Result<()>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, profile_id: &str) -> Result<()>;
}

/// The OS keyring: Secret Service on Linux, the Keychain on macOS, Credential Manager on
/// Windows.
pub struct Keyring {
    service: String,
}

impl Keyring {
    pub fn new() -> Self {
        Keyring {
            service: "sessiondesk".into(),
        }
    }

    fn entry(&self, profile_id: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, profile_id).map_err(keyring_error)
    }
}

impl Default for Keyring {
    fn default() -> Self {
        Self::new()
    }
}

fn keyring_error(e: keyring::Error) -> Error {
    Error::Keyring(e.to_string())
}

impl Secrets for Keyring {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>> {
        match self.entry(profile_id)?.get_password() {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, profile_id: &str, token: &Secret) -> Result<()> {
        self.entry(profile_id)?
            .set_password(token.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, profile_id: &str) -> Result<()> {
        match self.entry(profile_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// Secrets in this process's memory: for tests of the layers above the keyring.
#[derive(Default)]
pub struct InMemory(Mutex<HashMap<String, Secret>>);

impl Secrets for InMemory {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>> {
        Ok(self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(profile_id)
            .cloned())
    }

    fn set(&self, profile_id: &str, token: &Secret) -> Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(profile_id.into(), token.clone());
        Ok(())
    }

    fn delete(&self, profile_id: &str) -> Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(profile_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// keyring's mock store: one entry object keeps what it was given.
    #[test]
    fn an_entry_of_the_mock_store_sets_reads_and_deletes() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let entry = keyring::Entry::new("sessiondesk", "prf_test").unwrap();
        assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
        entry.set_password("sds_token").unwrap();
        assert_eq!(entry.get_password().unwrap(), "sds_token");
        entry.delete_credential().unwrap();
        assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
    }

    #[test]
    fn in_memory_secrets_follow_the_trait() {
        let s = InMemory::default();
        assert!(s.get("p").unwrap().is_none());
        s.set("p", &Secret::new("t")).unwrap();
        assert_eq!(s.get("p").unwrap().unwrap().expose(), "t");
        s.delete("p").unwrap();
        s.delete("p").unwrap();
        assert!(s.get("p").unwrap().is_none());
    }
}
