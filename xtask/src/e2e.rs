//! The end-to-end run: the console's real window (UI embedded) against a real authority,
//! driven over WebDriver by `tests/` (`sessiondesk-e2e`), under Xvfb, inside a fresh D-Bus
//! session with a freshly unlocked gnome-keyring and fresh XDG folders. Screenshots of every
//! screen go to `target/e2e-shots/`.

use std::process::Command;

use anyhow::{Context, Result};

use crate::deps::{self, TAURI_DRIVER};
use crate::{built_binary, cargo, check_status, describe, repo_root, run_step, step, target_dir};

/// Runs its arguments in a fresh desktop: fresh XDG folders, an unlocked gnome-keyring (in
/// the D-Bus session it is started in) and Xvfb.
pub const SESSION_SCRIPT: &str = r#"set -eu
export HOME="$(mktemp -d)" XDG_DATA_HOME="$(mktemp -d)" XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_RUNTIME_DIR="$(mktemp -d)"
echo -n sessiondesk | gnome-keyring-daemon --unlock --components=secrets > /dev/null
# WebKitGTK paints nothing under Xvfb's software GL without these.
export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
export NO_AT_BRIDGE=1
exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
"#;

pub fn e2e() -> Result<()> {
    let app = crate::window::build_window("debug")?;
    run_step(
        "cargo build -p sessiondesk-e2e",
        cargo().args(["build", "-p", "sessiondesk-e2e"]),
    )?;
    let runner = built_binary("debug", "e2e")?;
    let driver = deps::installed(&TAURI_DRIVER).context("tauri-driver is not installed")?;
    let shots = target_dir()?.join("e2e-shots");
    let name = format!(
        "end-to-end: the window over WebDriver (screenshots in {})",
        shots.display()
    );
    let command = || {
        let mut cmd = Command::new("dbus-run-session");
        cmd.args(["--", "sh", "-c", SESSION_SCRIPT, "sh"])
            .arg(&runner)
            .arg(&app)
            .arg(&shots)
            .env("SESSIONDESK_DATA_DIR", repo_root().join("data"))
            .env("TAURI_DRIVER", &driver);
        cmd
    };
    // WebKitWebDriver (Debian 12's WebKitGTK) now and then loses the answer to a command and
    // the session stops answering; the runner tells that apart (exit status 3) from a failed
    // check, and only then is the whole run started once more, in a fresh desktop.
    for attempt in 1..=2 {
        let mut cmd = command();
        step(&name);
        let status = cmd
            .status()
            .with_context(|| format!("could not start {}", describe(&cmd)))?;
        if status.code() == Some(STOPPED_ANSWERING) && attempt == 1 {
            step("the window stopped answering WebDriver: running the end-to-end test once more");
            continue;
        }
        return check_status(&name, &cmd, status);
    }
    unreachable!("the loop returns")
}

/// The runner's exit status when the window stopped answering WebDriver.
const STOPPED_ANSWERING: i32 = 3;
