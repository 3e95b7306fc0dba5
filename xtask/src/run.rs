//! `cargo xtask run`: build the console and open its window on an authority inside it,
//! seeded with the demo organisation on first start and signed in as the demo owner.
//! `cargo xtask run --server`: only the authority, seeded the same way, on a fixed port
//! (for the API, or a console elsewhere).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::deps::{self, Purpose};
use crate::server::{Output, Server};
use crate::{built_binary, cargo, repo_root, run_step, send_sigterm, step, target_dir};

/// The demo organisation and its owner, as `sessiondesk-server seed --demo` creates them.
pub mod demo {
    pub const ORG: &str = "acme";
    pub const USERNAME: &str = "owner";
    pub const PASSWORD: &str = "sessiondesk-demo";
}

/// Where `cargo xtask run` serves when the port is free.
const LISTEN: &str = "127.0.0.1:8710";
/// Where it serves when that port is busy: any free port.
const LISTEN_FALLBACK: &str = "127.0.0.1:0";

/// The console's window on the embedded demo authority.
pub fn run() -> Result<()> {
    deps::ensure(Purpose::Run)?;
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        anyhow::bail!(
            "no display: `cargo xtask run` opens the console's window, so run it in a desktop \
             session (or use `cargo xtask run --server` for the authority alone)"
        );
    }
    let app = crate::window::build_window("debug")?;
    println!();
    println!(
        "  Opening the console on the demo authority, signed in as `{}` of `{}` \
         (every demo user's password is `{}`).",
        demo::USERNAME,
        demo::ORG,
        demo::PASSWORD
    );
    println!("  Close the window to stop.");
    println!();
    let status = Command::new(&app)
        .arg("--demo")
        .env("SESSIONDESK_DATA_DIR", repo_root().join("data"))
        .status()
        .with_context(|| format!("could not start {}", app.display()))?;
    if status.success() {
        Ok(())
    } else {
        anyhow::bail!("the console exited with {status}")
    }
}

/// Only the authority, with the demo data, on 127.0.0.1:8710.
pub fn serve() -> Result<()> {
    deps::ensure(Purpose::Run)?;
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
    let server = built_binary("debug", "sessiondesk-server")?;

    let demo_dir = target_dir()?.join("demo");
    std::fs::create_dir_all(&demo_dir)
        .with_context(|| format!("could not create {}", demo_dir.display()))?;
    let db_path = demo_dir.join("sessiondesk.db");
    let data_dir = repo_root().join("data");

    if db_path.exists() {
        step(&format!(
            "demo database {} (already seeded)",
            db_path.display()
        ));
    } else {
        // Seed under another name and rename once done, so a database that exists is complete.
        let partial = demo_dir.join("sessiondesk.seeding.db");
        remove_db(&partial);
        let mut seed = Command::new(&server);
        seed.args(["seed", "--demo", "--db"])
            .arg(format!("sqlite:{}", partial.display()))
            .env("SESSIONDESK_DATA_DIR", &data_dir);
        let seeded = run_step(
            &format!("seed the demo database {}", db_path.display()),
            &mut seed,
        )
        .and_then(|()| rename_db(&partial, &db_path));
        if let Err(err) = seeded {
            remove_db(&partial);
            return Err(err);
        }
    }

    let listen = if TcpListener::bind(LISTEN).is_ok() {
        LISTEN
    } else {
        println!("    {LISTEN} is busy: using a free port instead");
        LISTEN_FALLBACK
    };
    step(&format!("sessiondesk-server serve --listen {listen}"));
    let mut cmd = Command::new(&server);
    cmd.args(["serve", "--db", &format!("sqlite:{}", db_path.display())])
        .args(["--listen", listen])
        .env("SESSIONDESK_DATA_DIR", &data_dir);
    // Its own process group: Ctrl-C reaches only us, and we stop the server with SIGTERM.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut server = Server::start(
        "sessiondesk-server",
        cmd,
        Output::Echo,
        Duration::from_secs(120),
    )?;

    static PID: AtomicU32 = AtomicU32::new(0);
    static SIGNALS: AtomicU32 = AtomicU32::new(0);
    PID.store(server.pid(), Ordering::SeqCst);
    ctrlc::set_handler(|| {
        let pid = PID.load(Ordering::SeqCst);
        if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
            println!("\n==> stopping sessiondesk-server (Ctrl-C again to kill it)");
            send_sigterm(pid);
        } else {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    })
    .context("could not install the Ctrl-C handler")?;

    println!();
    println!("  Sessiondesk authority: {}", server.url());
    println!(
        "  Demo sign-in:          org `{}`, username `{}`, password `{}`",
        demo::ORG,
        demo::USERNAME,
        demo::PASSWORD
    );
    println!("  Database:              {}", db_path.display());
    println!("  Press Ctrl-C to stop.");
    println!();

    let status = server.wait()?;
    if SIGNALS.load(Ordering::SeqCst) > 0 {
        println!("==> sessiondesk-server stopped");
        Ok(())
    } else {
        anyhow::bail!("sessiondesk-server exited on its own ({status})")
    }
}

/// An SQLite database's files: the database, its write-ahead log and its shared memory.
fn db_files(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    ["", "-wal", "-shm"].into_iter().map(move |suffix| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    })
}

fn remove_db(path: &Path) {
    for file in db_files(path) {
        let _ = std::fs::remove_file(file);
    }
}

/// Moves a closed SQLite database (with its -wal and -shm files, if any) to `to`.
fn rename_db(from: &Path, to: &Path) -> Result<()> {
    // The main file last: its presence is what marks the demo database as seeded.
    for (src, dst) in db_files(from)
        .zip(db_files(to))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        if src.exists() {
            std::fs::rename(&src, &dst).with_context(|| {
                format!("could not move {} to {}", src.display(), dst.display())
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seeded_database_moves_with_its_wal() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("a.seeding.db");
        let to = dir.path().join("a.db");
        std::fs::write(&from, "db").unwrap();
        std::fs::write(dir.path().join("a.seeding.db-wal"), "wal").unwrap();
        rename_db(&from, &to).unwrap();
        assert_eq!(std::fs::read_to_string(&to).unwrap(), "db");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.db-wal")).unwrap(),
            "wal"
        );
        assert!(!from.exists());
        remove_db(&to);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
