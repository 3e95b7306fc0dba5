//! `cargo xtask test`: the CI gate. `.ci/run` calls this and nothing else.

use std::process::Command;

use anyhow::Result;

use crate::deps::{self, Purpose};
use crate::{cargo, repo_root, run_step};

pub fn test() -> Result<()> {
    deps::ensure(Purpose::Test)?;

    run_step(
        "cargo fmt --all --check",
        cargo().args(["fmt", "--all", "--check"]),
    )?;
    run_step(
        "cargo clippy --workspace --all-targets -- -D warnings",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // --no-fail-fast: report every failing test binary, not only the first.
    run_step(
        "cargo test --workspace",
        cargo()
            .args(["test", "--workspace", "--no-fail-fast"])
            .env("SESSIONDESK_DATA_DIR", repo_root().join("data")),
    )?;

    // The console's token store against the real Secret Service.
    crate::keyring::keyring()?;

    // Bad input never gets a 5xx or an answer outside the OpenAPI description.
    crate::fuzz::fuzz()?;

    // The window's code: types (against the generated bindings, which a cargo test keeps
    // equal to the Rust types) and its component tests with mocked IPC.
    run_step(
        "npm run typecheck --prefix ui",
        Command::new("npm")
            .current_dir(repo_root())
            .args(["run", "typecheck", "--prefix", "ui"]),
    )?;
    run_step(
        "npm test --prefix ui",
        Command::new("npm")
            .current_dir(repo_root())
            .args(["test", "--prefix", "ui"]),
    )?;

    // The real window against a real authority, over WebDriver.
    crate::e2e::e2e(false)?;

    println!("==> all checks passed");
    Ok(())
}
