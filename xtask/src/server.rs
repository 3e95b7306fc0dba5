//! Starting and stopping server processes that announce `listening on http://ADDR` on stdout.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{describe, parse_listening_line, send_sigterm};

/// Where a server's output goes.
pub enum Output {
    /// Echoed to our stdout (stderr inherited): `cargo xtask run`.
    Echo,
    /// Written to a log file (stdout and stderr): benchmarks.
    Log(PathBuf),
}

/// A running server process; stopped with SIGTERM when dropped.
pub struct Server {
    name: String,
    child: Option<Child>,
    /// The address from its `listening on http://ADDR` line.
    pub addr: String,
    log: Option<PathBuf>,
}

impl Server {
    /// Starts `cmd` and waits up to `timeout` for its `listening on http://ADDR` line.
    pub fn start(name: &str, mut cmd: Command, output: Output, timeout: Duration) -> Result<Self> {
        cmd.stdin(Stdio::null()).stdout(Stdio::piped());
        let log = match &output {
            Output::Echo => None,
            Output::Log(path) => {
                let file = File::create(path)
                    .with_context(|| format!("could not create {}", path.display()))?;
                cmd.stderr(file.try_clone()?);
                Some(path.clone())
            }
        };
        let mut child = cmd
            .spawn()
            .with_context(|| format!("could not start {name}: {}", describe(&cmd)))?;
        let stdout = child.stdout.take().context("child has no stdout")?;
        let (tx, rx) = mpsc::channel::<String>();
        let mut sink: Box<dyn Write + Send> = match &output {
            Output::Echo => Box::new(std::io::stdout()),
            Output::Log(path) => Box::new(File::options().append(true).open(path)?),
        };
        // Keeps draining stdout for the server's whole life so it never blocks on a full pipe.
        thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(sink, "{line}");
                let _ = sink.flush();
                if let Some(addr) = parse_listening_line(&line) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr.to_string());
                    }
                }
            }
        });
        let mut server = Server {
            name: name.to_string(),
            child: Some(child),
            addr: String::new(),
            log,
        };
        match rx.recv_timeout(timeout) {
            Ok(addr) => {
                server.addr = addr;
                Ok(server)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let tail = server.log_tail();
                server.stop();
                bail!(
                    "{name} printed no `listening on http://ADDR` line within {}s{tail}",
                    timeout.as_secs()
                )
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = server.wait_exit(Duration::from_secs(5));
                let tail = server.log_tail();
                bail!(
                    "{name} exited before it was listening ({}){tail}",
                    status.map_or("still running".into(), |s| s.to_string())
                )
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits for the process to exit on its own (e.g. after Ctrl-C was forwarded to it).
    pub fn wait(&mut self) -> Result<ExitStatus> {
        let child = self.child.as_mut().context("server already stopped")?;
        let status = child.wait()?;
        self.child = None;
        Ok(status)
    }

    /// Sends SIGTERM and waits up to 90 s (the authority writes the activity it holds in memory before it exits), then kills it.
    pub fn stop(&mut self) -> Option<ExitStatus> {
        let pid = self.pid();
        self.child.as_ref()?;
        send_sigterm(pid);
        let status = self.wait_exit(Duration::from_secs(90));
        if status.is_none() {
            eprintln!("    {} did not stop on SIGTERM: killing it", self.name);
            if let Some(child) = self.child.as_mut() {
                let _ = child.kill();
                let status = child.wait().ok();
                self.child = None;
                return status;
            }
        }
        status
    }

    fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        let deadline = Instant::now() + timeout;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    self.child = None;
                    return Some(status);
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
                _ => return None,
            }
        }
    }

    /// The last lines of the log file, for error messages.
    pub fn log_tail(&self) -> String {
        self.log.as_deref().map(log_tail).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last 20 lines of a log file (before any backtrace), formatted for an error message.
pub fn log_tail(path: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(path) else {
        return String::new();
    };
    let text = text.split("Stack backtrace:").next().unwrap_or_default();
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let tail = lines[lines.len().saturating_sub(20)..].join("\n    ");
    format!("\n  log {}:\n    {tail}", path.display())
}

/// VmRSS of a process in KiB, from /proc/PID/status.
pub fn vm_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
