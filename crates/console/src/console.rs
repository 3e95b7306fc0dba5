//! What the desktop app holds: the profiles, the keyring, and for a signed-in profile its
//! client, cache, outbox and syncer. Signing in stores the token in the keyring; signing
//! out deletes it and the profile's cache.

use std::sync::{Arc, Mutex};

use sessiondesk_client::{Client, Options};
use sessiondesk_protocol::{DeviceClaim, LoginRequest, Secret, Session};

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::outbox::Outbox;
use crate::paths::Paths;
use crate::profiles::{NewProfile, Profile, Profiles};
use crate::secrets::Secrets;
use crate::sync::Syncer;

/// The console core.
pub struct Console {
    paths: Paths,
    profiles: Mutex<Profiles>,
    secrets: Arc<dyn Secrets>,
    options: Options,
}

/// A signed-in profile's working set.
#[derive(Clone)]
pub struct Workspace {
    pub profile: Profile,
    pub client: Client,
    pub cache: Cache,
    pub outbox: Outbox,
}

impl Workspace {
    pub fn syncer(&self) -> Syncer {
        Syncer::new(self.client.clone(), self.cache.clone())
    }

    /// Asks the server whose session this is. A token the server no longer takes
    /// (expired, revoked) is [`Error::SignInRequired`]; no answer is an offline error and
    /// the cache keeps answering.
    pub async fn check(&self) -> Result<Session> {
        self.client.current_session().await.map_err(|e| {
            if e.needs_sign_in() {
                Error::SignInRequired(self.profile.name.clone())
            } else {
                e.into()
            }
        })
    }
}

/// How the console's own session shows in the lists: this app on this machine (a desktop
/// session, not "Unknown device").
fn this_device() -> DeviceClaim {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        other => other,
    };
    DeviceClaim {
        app_name: Some("Sessiondesk console".into()),
        app_version: Some(env!("CARGO_PKG_VERSION").into()),
        device_name: std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("COMPUTERNAME").ok()),
        device_model: None,
        os: Some(os.into()),
        os_version: None,
        language: None,
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Keyring(format!("the keyring call did not finish: {e}")))?
}

impl Console {
    pub fn new(paths: Paths, secrets: Arc<dyn Secrets>) -> Result<Self> {
        let profiles = Profiles::load(paths.profiles_file())?;
        Ok(Console {
            paths,
            profiles: Mutex::new(profiles),
            secrets,
            options: Options::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Profiles> {
        self.profiles.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn profiles(&self) -> Vec<Profile> {
        self.lock().list().to_vec()
    }

    pub fn profile(&self, id: &str) -> Result<Profile> {
        self.lock().get(id).cloned()
    }

    pub fn add_profile(&self, new: NewProfile) -> Result<Profile> {
        self.lock().add(new)
    }

    /// Signs in with the profile's username and this password; keeps the token in the
    /// keyring. A full session limit answers the server's `session_limit` problem.
    pub async fn sign_in(&self, profile_id: &str, password: Secret) -> Result<Workspace> {
        let profile = self.profile(profile_id)?;
        let anon = Client::new(&profile.server_url, self.options.clone())?;
        let res = anon
            .login(&LoginRequest {
                org: profile.org.clone(),
                username: profile.username.clone(),
                password,
                remember_me: false,
                device: Some(this_device()),
            })
            .await?;
        let secrets = self.secrets.clone();
        let id = profile.id.clone();
        let token = res.token.clone();
        blocking(move || secrets.set(&id, &token)).await?;
        self.workspace(profile, res.token).await
    }

    /// The workspace of a profile signed in before (its token from the keyring).
    pub async fn open(&self, profile_id: &str) -> Result<Workspace> {
        let profile = self.profile(profile_id)?;
        let secrets = self.secrets.clone();
        let id = profile.id.clone();
        match blocking(move || secrets.get(&id)).await? {
            Some(token) => self.workspace(profile, token).await,
            None => Err(Error::SignInRequired(profile.name)),
        }
    }

    async fn workspace(&self, profile: Profile, token: Secret) -> Result<Workspace> {
        let client = Client::new(&profile.server_url, self.options.clone())?.with_token(token);
        let cache = Cache::open(&self.paths.cache_file(&profile.id)).await?;
        Ok(Workspace {
            outbox: Outbox::new(&cache),
            profile,
            client,
            cache,
        })
    }

    /// Ends the session on the server when it can be reached, then deletes the token from
    /// the keyring and the profile's cache (its queued actions with it). Close the
    /// profile's workspace ([`Cache::close`]) first.
    pub async fn sign_out(&self, profile_id: &str) -> Result<()> {
        let profile = self.profile(profile_id)?;
        let secrets = self.secrets.clone();
        let id = profile.id.clone();
        if let Some(token) = blocking(move || secrets.get(&id)).await? {
            let client = Client::new(&profile.server_url, self.options.clone())?.with_token(token);
            if let Err(e) = client.logout().await {
                tracing::info!(code = e.code(), "sign-out could not reach the server");
            }
        }
        let secrets = self.secrets.clone();
        let id = profile.id.clone();
        blocking(move || secrets.delete(&id)).await?;
        let file = self.paths.cache_file(&profile.id);
        for path in [
            file.clone(),
            with_suffix(&file, "-wal"),
            with_suffix(&file, "-shm"),
        ] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::Io(format!("cannot delete {}: {e}", path.display()))),
            }
        }
        Ok(())
    }

    /// Signs out and forgets the profile.
    pub async fn remove_profile(&self, profile_id: &str) -> Result<()> {
        self.sign_out(profile_id).await?;
        self.lock().remove(profile_id)?;
        Ok(())
    }
}

fn with_suffix(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}
