//! The console's keyring store against the real Secret Service: a fresh D-Bus session
//! (`dbus-run-session`) with a freshly unlocked gnome-keyring and fresh XDG folders. A
//! token set by one process is read by another (it survived a restart, so it is not in
//! memory), then deleted.

use std::process::Command;

use anyhow::Result;

use crate::{built_binary, cargo, run_step};

const SCRIPT: &str = r#"set -eu
export HOME="$(mktemp -d)" XDG_DATA_HOME="$(mktemp -d)" XDG_CONFIG_HOME="$(mktemp -d)"
export XDG_RUNTIME_DIR="$(mktemp -d)"
echo -n sessiondesk | gnome-keyring-daemon --unlock --components=secrets > /dev/null
check="$1"
"$check" set prf_e2e sds_token_from_the_first_process
got="$("$check" get prf_e2e)"
[ "$got" = sds_token_from_the_first_process ] || { echo "read back: $got"; exit 1; }
"$check" delete prf_e2e
got="$("$check" get prf_e2e)"
[ "$got" = "<none>" ] || { echo "after delete: $got"; exit 1; }
echo "the token survived a restart and was deleted"
"#;

pub fn keyring() -> Result<()> {
    run_step(
        "cargo build -p sessiondesk-console --example keyring-check",
        cargo().args([
            "build",
            "-p",
            "sessiondesk-console",
            "--example",
            "keyring-check",
        ]),
    )?;
    let check = built_binary("debug/examples", "keyring-check")?;
    run_step(
        "keyring: Secret Service in dbus-run-session with a fresh gnome-keyring",
        Command::new("dbus-run-session")
            .args(["--", "sh", "-c", SCRIPT, "sh"])
            .arg(check),
    )
}
