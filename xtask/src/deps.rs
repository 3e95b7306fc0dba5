//! Installs what a task needs, skipping whatever is already present.
//!
//! Three kinds of dependency, each listed per [`Purpose`]:
//! - Debian packages ([`APT`]): checked with `dpkg -s`; when any is missing, `apt-get update`
//!   runs once and `apt-get install -y --no-install-recommends` installs only the missing ones.
//! - Binaries from crates.io ([`CARGO_BINS`]): `cargo install --locked CRATE --version V` when the
//!   binary is on neither `PATH` nor `$CARGO_HOME/bin`.
//! - The enrichment data in `data/` (npm packages): `npm ci --prefix data` when
//!   `data/node_modules` is missing or older than `data/package-lock.json`
//!   (`npm install` when there is no lock file).
//!
//! To add a dependency, add it to the list of the purpose that needs it; nothing else changes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use anyhow::{bail, Context, Result};

use crate::{check_status, describe, repo_root, run_step, step};

/// What the dependencies are for: one per xtask task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `cargo xtask run`.
    Run,
    /// `cargo xtask test` (CI).
    Test,
    /// `cargo xtask bench`.
    Bench,
}

/// Debian 12 packages per purpose.
pub const APT: &[(Purpose, &[&str])] = &[
    (
        Purpose::Run,
        &[
            // The console's keyring (Secret Service over libdbus):
            "libdbus-1-dev",
            "pkg-config",
            // The desktop console (Tauri 2 on Linux: WebKitGTK 4.1 brings GTK 3 and libsoup 3):
            "libwebkit2gtk-4.1-dev",
            "librsvg2-dev",
            "build-essential",
        ],
    ),
    (
        Purpose::Test,
        &[
            // The API fuzz step (schemathesis from PyPI, in a venv):
            "python3",
            "python3-venv",
            // The desktop console's build (clippy and tests compile it):
            "libwebkit2gtk-4.1-dev",
            "librsvg2-dev",
            "build-essential",
            // Its end-to-end run: the real window under Xvfb, driven over WebDriver.
            "xvfb",
            "xauth",
            "webkit2gtk-driver",
            // Its screenshots, taken from the X display (ImageMagick's `import`).
            "imagemagick",
            // A notification server on that display, whose notifications it clicks
            // (`dunstctl action`).
            "dunst",
            // The console's keyring (Secret Service over libdbus) and its end-to-end test
            // against a real gnome-keyring:
            "libdbus-1-dev",
            "pkg-config",
            "dbus",
            "gnome-keyring",
            // The PostgreSQL store's tests:
            // "postgresql",
        ],
    ),
    // The console benchmark links the console core (its keyring uses libdbus).
    (Purpose::Bench, &["libdbus-1-dev", "pkg-config"]),
];

/// A binary installed from crates.io with `cargo install --locked`.
#[derive(Clone, Copy, Debug)]
pub struct CargoBin {
    /// The executable's name.
    pub bin: &'static str,
    /// The crate that provides it.
    pub krate: &'static str,
    /// The exact version to install.
    pub version: &'static str,
}

/// crates.io binaries per purpose.
pub const CARGO_BINS: &[(Purpose, &[CargoBin])] = &[
    // The end-to-end run drives the console's window through tauri-driver (WebDriver).
    (Purpose::Test, &[TAURI_DRIVER]),
];

pub const TAURI_DRIVER: CargoBin = CargoBin {
    bin: "tauri-driver",
    krate: "tauri-driver",
    version: "2.1.0",
};

/// Debian packages that provide `npm` when it is not on `PATH`.
const NPM_APT: &[&str] = &["nodejs", "npm"];

/// Installs everything `purpose` needs that is not present yet.
pub fn ensure(purpose: Purpose) -> Result<()> {
    step(&format!("dependencies for `{}`", purpose_name(purpose)));
    let apt: Vec<&str> = APT
        .iter()
        .filter(|(p, _)| *p == purpose)
        .flat_map(|(_, pkgs)| pkgs.iter().copied())
        .collect();
    ensure_apt(&apt)?;
    for (_, bins) in CARGO_BINS.iter().filter(|(p, _)| *p == purpose) {
        for bin in *bins {
            ensure_cargo_bin(bin)?;
        }
    }
    ensure_npm("data")?;
    if purpose != Purpose::Bench {
        ensure_npm("ui")?;
    }
    Ok(())
}

fn purpose_name(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Run => "run",
        Purpose::Test => "test",
        Purpose::Bench => "bench",
    }
}

/// True when `dpkg -s` reports the package as installed.
fn dpkg_installed(pkg: &str) -> bool {
    let Ok(out) = Command::new("dpkg").args(["-s", pkg]).output() else {
        return false;
    };
    out.status.success()
        && String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.starts_with("Status:") && l.trim_end().ends_with(" installed"))
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// Installs the Debian packages of `pkgs` that are missing (`apt-get update` at most once).
pub fn ensure_apt(pkgs: &[&str]) -> Result<()> {
    let missing: Vec<&str> = pkgs
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if find_executable("apt-get").is_none() {
        bail!(
            "missing system packages: {} (this set-up installs them with apt-get on Debian; \
             install them by hand on this system)",
            missing.join(" ")
        );
    }
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        run_step("apt-get update", privileged("apt-get").arg("update"))?;
    }
    let mut cmd = privileged("apt-get");
    cmd.args(["install", "-y", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run_step(&format!("apt-get install {}", missing.join(" ")), &mut cmd)
}

/// `program` run as root: directly when we are root, else through sudo.
fn privileged(program: &str) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if is_root || find_executable("sudo").is_none() {
        Command::new(program)
    } else {
        let mut cmd = Command::new("sudo");
        cmd.arg(program);
        cmd
    }
}

/// Installs `bin` with `cargo install --locked` when it is on neither `PATH` nor
/// `$CARGO_HOME/bin`.
pub fn ensure_cargo_bin(bin: &CargoBin) -> Result<()> {
    if find_executable(bin.bin).is_some() || cargo_home_bin(bin.bin).is_some() {
        return Ok(());
    }
    run_step(
        &format!("cargo install {} {}", bin.krate, bin.version),
        crate::cargo().args(["install", "--locked", bin.krate, "--version", bin.version]),
    )
}

/// Where an installed binary is: on `PATH`, or in cargo's own bin folder.
pub fn installed(bin: &CargoBin) -> Option<PathBuf> {
    find_executable(bin.bin).or_else(|| cargo_home_bin(bin.bin))
}

fn cargo_home_bin(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let path = home
        .join("bin")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    is_executable(&path).then_some(path)
}

/// The first executable called `name` on `PATH`.
pub fn find_executable(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Installs the npm packages of `folder` (`data`, `ui`) when they are missing or stale.
pub fn ensure_npm(folder: &str) -> Result<()> {
    let dir = repo_root().join(folder);
    if !dir.join("package.json").is_file() {
        println!("    no {folder}/package.json: skipping its npm packages");
        return Ok(());
    }
    let has_lock = dir.join("package-lock.json").is_file();
    let Some(reason) = install_reason(&dir, has_lock) else {
        return Ok(());
    };
    if find_executable("npm").is_none() {
        println!("    npm is not installed: installing it from Debian's packages");
        ensure_apt(NPM_APT)?;
    }
    let verb = if has_lock { "ci" } else { "install" };
    let mut cmd = Command::new("npm");
    cmd.current_dir(repo_root())
        .args([verb, "--prefix", folder, "--no-audit", "--no-fund"]);
    step(&format!("npm {verb} --prefix {folder} ({folder}/{reason})"));
    let status = cmd
        .status()
        .with_context(|| format!("could not start {}", describe(&cmd)))?;
    check_status(&format!("npm {verb} --prefix {folder}"), &cmd, status)
}

/// Why `node_modules` in `dir` needs (re)installing, or `None` when it is up to date.
fn install_reason(dir: &Path, has_lock: bool) -> Option<&'static str> {
    let modules = dir.join("node_modules");
    if !modules.is_dir() {
        return Some("node_modules is missing");
    }
    // npm writes node_modules/.package-lock.json on every install: its time is the install's.
    let installed_at = mtime(&modules.join(".package-lock.json")).or_else(|| mtime(&modules))?;
    let wanted_at = if has_lock {
        mtime(&dir.join("package-lock.json"))
    } else {
        mtime(&dir.join("package.json"))
    }?;
    (wanted_at > installed_at).then_some(if has_lock {
        "package-lock.json is newer than node_modules"
    } else {
        "package.json is newer than node_modules"
    })
}

fn mtime(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::time::Duration;

    fn touch(path: &Path, at: SystemTime) {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .unwrap();
        file.set_modified(at).unwrap();
    }

    #[test]
    fn data_is_installed_when_missing_or_stale() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        let t0 = SystemTime::now() - Duration::from_secs(3600);
        touch(&data.join("package.json"), t0);
        touch(&data.join("package-lock.json"), t0);
        assert!(install_reason(data, true).is_some(), "no node_modules");

        fs::create_dir(data.join("node_modules")).unwrap();
        touch(
            &data.join("node_modules/.package-lock.json"),
            t0 + Duration::from_secs(60),
        );
        assert_eq!(install_reason(data, true), None, "fresh install");

        touch(
            &data.join("package-lock.json"),
            t0 + Duration::from_secs(120),
        );
        assert!(install_reason(data, true).is_some(), "lock changed");
    }

    #[test]
    fn executables_are_found_on_path() {
        assert!(find_executable("sh").is_some());
        assert!(find_executable("no-such-binary-sessiondesk").is_none());
    }

    #[test]
    fn every_purpose_has_an_apt_list() {
        for purpose in [Purpose::Run, Purpose::Test, Purpose::Bench] {
            assert!(APT.iter().any(|(p, _)| *p == purpose));
        }
    }
}
