//! Builds the console's window with its UI embedded (`custom-protocol`): what `run`, the
//! end-to-end run and the window benchmark all start from.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Result;

use crate::{built_binary, cargo, repo_root, run_step};

/// Builds the UI, then the window in `profile` ("debug" or "release"); answers its binary.
pub fn build_window(profile: &str) -> Result<PathBuf> {
    run_step(
        "npm run build --prefix ui",
        Command::new("npm")
            .current_dir(repo_root())
            .args(["run", "build", "--prefix", "ui"]),
    )?;
    let mut args = vec!["build"];
    if profile == "release" {
        args.push("--release");
    }
    args.extend(["-p", "sessiondesk", "--features", "custom-protocol"]);
    run_step(&format!("cargo {}", args.join(" ")), cargo().args(&args))?;
    built_binary(profile, "sessiondesk")
}
