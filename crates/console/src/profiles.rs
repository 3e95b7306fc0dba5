//! Server profiles: a name, the authority's URL, the organisation and the username. Kept in
//! `profiles.json` in the config folder; the token is never in it (see [`crate::secrets`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::paths::write_atomically;

/// One authority the console signs in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable id: names the keyring entry and the cache file.
    pub id: String,
    pub name: String,
    /// `https://...` (or `http://` to this machine), with a trailing slash.
    pub server_url: String,
    /// The organisation's slug.
    pub org: String,
    pub username: String,
}

/// What a person types to add a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProfile {
    pub name: String,
    pub server_url: String,
    pub org: String,
    pub username: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    profiles: Vec<Profile>,
}

/// The profiles file.
#[derive(Debug)]
pub struct Profiles {
    path: PathBuf,
    file: File,
}

impl Profiles {
    /// Reads the file (none yet: no profiles).
    pub fn load(path: PathBuf) -> Result<Self> {
        let file = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::Io(format!("{} is not a profiles file: {e}", path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
            Err(e) => return Err(Error::Io(format!("cannot read {}: {e}", path.display()))),
        };
        Ok(Profiles { path, file })
    }

    pub fn list(&self) -> &[Profile] {
        &self.file.profiles
    }

    pub fn get(&self, id: &str) -> Result<&Profile> {
        self.file
            .profiles
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::NoProfile(id.into()))
    }

    /// Adds a profile after checking it: every field filled, a usable URL, a new name.
    pub fn add(&mut self, new: NewProfile) -> Result<Profile> {
        let field = |name: &str, v: &str| -> Result<String> {
            let v = v.trim();
            if v.is_empty() {
                return Err(Error::Invalid(format!("the {name} is missing")));
            }
            Ok(v.to_string())
        };
        let name = field("profile name", &new.name)?;
        let org = field("organisation", &new.org)?;
        let username = field("username", &new.username)?;
        let url = sessiondesk_client::server_url(&new.server_url)?;
        if self
            .file
            .profiles
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&name))
        {
            return Err(Error::Invalid(format!("a profile named {name:?} exists")));
        }
        let profile = Profile {
            id: format!("prf_{}", ulid::Ulid::new().to_string().to_lowercase()),
            name,
            server_url: url.to_string(),
            org,
            username,
        };
        self.file.profiles.push(profile.clone());
        self.save()?;
        Ok(profile)
    }

    /// Removes a profile (its keyring entry and cache are the caller's to delete).
    pub fn remove(&mut self, id: &str) -> Result<Profile> {
        let at = self
            .file
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| Error::NoProfile(id.into()))?;
        let gone = self.file.profiles.remove(at);
        self.save()?;
        Ok(gone)
    }

    fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&self.file).map_err(|e| Error::Io(e.to_string()))?;
        write_atomically(&self.path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, url: &str) -> NewProfile {
        NewProfile {
            name: name.into(),
            server_url: url.into(),
            org: "acme".into(),
            username: "owner".into(),
        }
    }

    #[test]
    fn profiles_survive_a_reload_and_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config/profiles.json");
        let mut p = Profiles::load(path.clone()).unwrap();
        assert!(p.list().is_empty());
        let a = p
            .add(new("Production", "https://auth.example.com"))
            .unwrap();
        p.add(new("Local", "http://127.0.0.1:8710")).unwrap();
        assert_eq!(a.server_url, "https://auth.example.com/");

        let err = p
            .add(new("production", "https://other.example.com"))
            .unwrap_err();
        assert_eq!(err.code(), "invalid");
        let err = p.add(new("Plain", "http://auth.example.com")).unwrap_err();
        assert_eq!(err.code(), "invalid_url");
        let err = p.add(new(" ", "https://x.example.com")).unwrap_err();
        assert_eq!(err.code(), "invalid");

        let again = Profiles::load(path.clone()).unwrap();
        assert_eq!(again.list(), p.list());
        assert_eq!(again.get(&a.id).unwrap().name, "Production");
        // The file holds no secret of any kind.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("token") && !text.contains("password"));

        p.remove(&a.id).unwrap();
        assert_eq!(Profiles::load(path).unwrap().list().len(), 1);
        assert_eq!(p.get(&a.id).unwrap_err().code(), "no_profile");
    }
}
