//! The bench binaries against each other: loadgen drives trivial-server for a moment, and
//! argon2-rate hashes a little. Kept short: these check the tools, they measure nothing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn json_line(out: std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    serde_json::from_str(stdout.lines().last().expect("one line")).unwrap()
}

#[test]
fn loadgen_drives_the_trivial_server() {
    let mut server = Command::new(env!("CARGO_BIN_EXE_trivial-server"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let server = Killed(server);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));

    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.txt");
    let key = dir.path().join("apikey.txt");
    std::fs::write(&tokens, "tok_a\ntok_b/+=\n").unwrap();
    std::fs::write(&key, "sdk_secret\n").unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args(["--url", &format!("http://{addr}"), "--mode", "introspect"])
        .args(["--concurrency", "4", "--duration-secs", "0.5"])
        .args(["--warmup-secs", "0.1"])
        .arg("--tokens")
        .arg(&tokens)
        .arg("--api-key")
        .arg(&key)
        .output()
        .unwrap();
    let v = json_line(out);
    assert!(v["requests"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["errors"], 0, "{v}");
    assert_eq!(v["non_2xx"], 0, "{v}");
    // The trivial server says {"active":false}.
    assert_eq!(v["active_fraction"], 0.0, "{v}");
    assert!(v["p50_us"].as_u64().unwrap() <= v["p99_us"].as_u64().unwrap());

    // Login mode against a server without that route: every answer is a 404.
    let out = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args(["--url", &format!("http://{addr}"), "--mode", "login"])
        .args(["--concurrency", "2", "--duration-secs", "0.3"])
        .args(["--warmup-secs", "0", "--users", "10"])
        .output()
        .unwrap();
    let v = json_line(out);
    assert!(v["requests"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["non_2xx"], v["requests"], "{v}");
    drop(server);
}

#[test]
fn loadgen_fails_fast_when_nothing_listens() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::new(env!("CARGO_BIN_EXE_loadgen"))
        .args([
            "--url",
            &format!("http://127.0.0.1:{port}"),
            "--mode",
            "login",
        ])
        .args(["--duration-secs", "0.2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"));
}

#[test]
fn argon2_rate_reports_hashes_per_second() {
    let out = Command::new(env!("CARGO_BIN_EXE_argon2-rate"))
        .args(["--duration-secs", "0.2", "--threads", "1"])
        .output()
        .unwrap();
    let v = json_line(out);
    assert_eq!(v["threads"], 1);
    assert!(v["hashes"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["hashes_per_sec"].as_f64().unwrap() > 0.0, "{v}");
    assert_eq!(v["m_kib"], 19456);
}
