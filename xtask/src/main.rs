//! `cargo xtask run|test|bench`: the one place that sets the workspace up and drives it.
//!
//! - `deps`: installs what the other tasks need (npm data packages now; apt packages and cargo
//!   binaries later), skipping whatever is already present.
//! - `test`: the CI gate (`.ci/run` calls `cargo xtask test` and nothing else).
//! - `run`: builds the authority, seeds a demo database on first start and serves it.
//! - `bench`: benchmarks (not tests); writes `bench/RESULTS.md`.
//! - `fuzz`: only the API fuzz step of `test`.
//!
//! Every step prints `==> step` before it starts and the task stops at the first failure.

mod bench;
mod bench_window;
mod deps;
mod e2e;
mod fuzz;
mod keyring;
mod run;
mod server;
mod test;
mod window;

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, ExitStatus};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Sessiondesk workspace tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what is missing, build the console and open it on an embedded demo authority.
    Run {
        /// Only the authority (demo data, 127.0.0.1:8710), no window.
        #[arg(long)]
        server: bool,
    },
    /// Install what is missing, then check formatting, run clippy and run every test (CI).
    Test,
    /// Run the benchmarks and write bench/RESULTS.md.
    Bench(bench::Args),
    /// Only the API fuzz step of `test` (schemathesis against a live authority).
    Fuzz,
    /// Only the end-to-end step of `test` (the real window over WebDriver).
    E2e {
        /// Write the lost-device flow's timing into bench/RESULTS.md.
        #[arg(long)]
        record: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Run { server: false } => run::run(),
        Task::Run { server: true } => run::serve(),
        Task::Test => test::test(),
        Task::Bench(args) => bench::bench(&args),
        Task::Fuzz => deps::ensure(deps::Purpose::Test).and_then(|()| fuzz::fuzz()),
        Task::E2e { record } => deps::ensure(deps::Purpose::Test).and_then(|()| e2e::e2e(record)),
    };
    if let Err(err) = result {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

/// The workspace root (the folder holding the root Cargo.toml).
pub fn repo_root() -> PathBuf {
    // Read when run (`cargo run` sets it), not only when built: checkouts that share one
    // CARGO_TARGET_DIR share this binary, and each must work on its own tree.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

/// The cargo that runs us (`$CARGO`), so the same toolchain builds everything.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(repo_root());
    cmd
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` when set, else what `cargo metadata` says
/// (which also honours `build.target-dir` in a cargo config).
pub fn target_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return Ok(if dir.is_absolute() {
            dir
        } else {
            repo_root().join(dir)
        });
    }
    let out = cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("could not run `cargo metadata`")?;
    if !out.status.success() {
        bail!(
            "`cargo metadata` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("`cargo metadata` printed invalid JSON")?;
    let dir = meta["target_directory"]
        .as_str()
        .context("`cargo metadata` has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Path of a binary that cargo built into `<target>/<profile>/`.
pub fn built_binary(profile: &str, name: &str) -> Result<PathBuf> {
    let path = target_dir()?
        .join(profile)
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        bail!("expected the built binary at {}", path.display());
    }
    Ok(path)
}

/// Prints `==> step`.
pub fn step(name: &str) {
    println!("==> {name}");
}

/// Prints `==> step`, runs the command and fails with a clear message when it does not succeed.
pub fn run_step(name: &str, cmd: &mut Command) -> Result<()> {
    step(name);
    let status = cmd
        .status()
        .with_context(|| format!("step `{name}`: could not start {}", describe(cmd)))?;
    check_status(name, cmd, status)
}

/// Turns an unsuccessful exit status into an error naming the step and the command.
pub fn check_status(name: &str, cmd: &Command, status: ExitStatus) -> Result<()> {
    if status.success() {
        return Ok(());
    }
    let how = match status.code() {
        Some(code) => format!("exit code {code}"),
        None => "killed by a signal".to_string(),
    };
    bail!("step `{name}` failed ({how}): {}", describe(cmd))
}

/// A command as a person would type it.
pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sends SIGTERM to a process (no libc needed: the `kill` utility does it).
pub fn send_sigterm(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}

/// The address in a server's `listening on http://ADDR` line.
pub fn parse_listening_line(line: &str) -> Option<&str> {
    let rest = line.trim().split("listening on http://").nth(1)?;
    let addr = rest.split_whitespace().next()?.trim_end_matches('/');
    (!addr.is_empty()).then_some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_line_is_parsed() {
        assert_eq!(
            parse_listening_line("listening on http://127.0.0.1:8710"),
            Some("127.0.0.1:8710")
        );
        assert_eq!(
            parse_listening_line("2026-01-01T00:00:00Z INFO listening on http://[::1]:41234/\n"),
            Some("[::1]:41234")
        );
        assert_eq!(parse_listening_line("starting"), None);
        assert_eq!(parse_listening_line("listening on http://"), None);
    }

    #[test]
    fn commands_are_described() {
        let mut cmd = Command::new("cargo");
        cmd.args(["fmt", "--all", "--check"]);
        assert_eq!(describe(&cmd), "cargo fmt --all --check");
    }
}
