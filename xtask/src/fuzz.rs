//! The API fuzz step of `cargo xtask test`: schemathesis (from PyPI, in a venv under the
//! target folder) against a live authority on demo data, for every operation of its
//! OpenAPI description. It fails on any 5xx, any answer that does not match the schema
//! (body, status or content type).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::run::demo;
use crate::server::{Output, Server};
use crate::{built_binary, cargo, repo_root, run_step, step, target_dir};

/// The schemathesis release the step is written against.
const SCHEMATHESIS: &str = "4.32.5";
/// Test cases per operation and phase.
const EXAMPLES: &str = "60";
const CHECKS: &str = "not_a_server_error,response_schema_conformance,\
                      content_type_conformance,status_code_conformance";

pub fn fuzz() -> Result<()> {
    let venv = ensure_schemathesis()?;
    run_step(
        "cargo build -p sessiondesk-server",
        cargo().args([
            "build",
            "-p",
            "sessiondesk-server",
            "--bin",
            "sessiondesk-server",
        ]),
    )?;
    let server_bin = built_binary("debug", "sessiondesk-server")?;
    let work = tempfile::Builder::new()
        .prefix("sessiondesk-fuzz")
        .tempdir_in(target_dir()?)
        .context("could not create the fuzz folder")?;
    let db = format!("sqlite:{}", work.path().join("fuzz.db").display());
    let data_dir = repo_root().join("data");
    run_step(
        "seed the fuzz database with demo data",
        Command::new(&server_bin)
            .args(["seed", "--demo", "--db", &db])
            .env("SESSIONDESK_DATA_DIR", &data_dir),
    )?;
    let mut serve = Command::new(&server_bin);
    serve
        .args(["serve", "--db", &db, "--listen", "127.0.0.1:0"])
        .env("SESSIONDESK_DATA_DIR", &data_dir)
        // The fuzzer signs in again whenever its session ends: no per-IP sign-in quota.
        .env("SESSIONDESK_LOGIN_RATE_PER_MIN", "1000000000");
    let log = work.path().join("server.log");
    let server = Server::start(
        "sessiondesk-server",
        serve,
        Output::Log(log),
        Duration::from_secs(60),
    )?;
    let url = server.url();

    let run = |name: &str, selection: &[&str]| -> Result<()> {
        let mut cmd = Command::new(venv.join("bin").join("schemathesis"));
        cmd.args(["run", &format!("{url}/openapi.json")])
            .args(["--checks", CHECKS, "--max-examples", EXAMPLES])
            .args(["--request-timeout", "30", "--no-color"])
            .args(selection)
            .current_dir(work.path())
            .env("SCHEMATHESIS_HOOKS", "hooks")
            .env("PYTHONPATH", repo_root().join("xtask").join("fuzz"))
            .env("SESSIONDESK_FUZZ_URL", &url)
            .env("SESSIONDESK_FUZZ_ORG", demo::ORG)
            .env("SESSIONDESK_FUZZ_USERNAME", demo::USERNAME)
            .env("SESSIONDESK_FUZZ_PASSWORD", demo::PASSWORD);
        run_step(name, &mut cmd).map_err(|e| e.context(server.log_tail()))
    };
    // The event stream never ends, so it is tested in the Rust tests, not here. Saving the
    // policy runs last and alone: a random policy may stop the owner from signing in.
    run(
        "schemathesis: every operation but the event stream and saving the policy",
        &[
            "--exclude-path",
            "/v1/admin/events",
            "--exclude-method",
            "PUT",
        ],
    )?;
    run(
        "schemathesis: saving the policy",
        &["--include-method", "PUT"],
    )?;
    drop(server);
    Ok(())
}

/// A venv under the target folder with schemathesis installed; made or fixed when needed.
fn ensure_schemathesis() -> Result<PathBuf> {
    let venv = target_dir()?.join("schemathesis-venv");
    let bin = venv.join("bin").join("schemathesis");
    if installed_version(&bin).as_deref() == Some(SCHEMATHESIS) {
        return Ok(venv);
    }
    step(&format!(
        "schemathesis {SCHEMATHESIS} into {}",
        venv.display()
    ));
    if !venv.join("bin").join("pip").is_file() {
        run_step(
            "python3 -m venv",
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
        )?;
    }
    run_step(
        &format!("pip install schemathesis=={SCHEMATHESIS}"),
        Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={SCHEMATHESIS}"),
        ]),
    )?;
    Ok(venv)
}

/// The version `schemathesis --version` reports (`schemathesis, version X`).
fn installed_version(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.trim().rsplit(' ').next()?.to_string())
}
