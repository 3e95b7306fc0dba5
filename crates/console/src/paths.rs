//! Where the console keeps its files: profiles in the OS config folder, one cache database
//! per profile in the OS data folder.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The console's folders.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl Paths {
    /// The OS's folders for this app (`~/.config/sessiondesk`, `~/.local/share/sessiondesk`
    /// on Linux; Application Support on macOS; AppData on Windows).
    pub fn for_this_user() -> Result<Self> {
        let dirs = directories::ProjectDirs::from("", "", "sessiondesk")
            .ok_or_else(|| Error::Io("this system has no home folder".into()))?;
        Ok(Paths {
            config: dirs.config_dir().to_path_buf(),
            data: dirs.data_dir().to_path_buf(),
        })
    }

    /// Both folders under one root (tests, portable installs).
    pub fn under(root: &Path) -> Self {
        Paths {
            config: root.join("config"),
            data: root.join("data"),
        }
    }

    pub fn profiles_file(&self) -> PathBuf {
        self.config.join("profiles.json")
    }

    /// The offline cache of one profile.
    pub fn cache_file(&self, profile_id: &str) -> PathBuf {
        self.data.join("cache").join(format!("{profile_id}.db"))
    }
}

/// Writes a file whole or not at all (a crash never leaves half a file).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io =
        |what: &str, e: std::io::Error| Error::Io(format!("cannot {what} {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("create the folder of", e))?;
    }
    let tmp = path.with_extension("tmp");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(|e| io("write", e))?;
        f.write_all(bytes).map_err(|e| io("write", e))?;
        f.sync_all().map_err(|e| io("write", e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io("replace", e))
}
