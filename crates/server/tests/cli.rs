//! The `sessiondesk-server` binary end to end: administer a database with the CLI, serve it,
//! and use what the CLI made over HTTP.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{data_dir, PASSWORD};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_sessiondesk-server");

fn run(args: &[&str], db: &str, stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .env("SESSIONDESK_DB", db)
        .env("SESSIONDESK_DATA_DIR", data_dir())
        .env_remove("SESSIONDESK_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn administer_with_the_cli_then_serve() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("cli.db").display());
    let (ok, out, err) = run(&["migrate"], &db, None);
    assert!(ok, "{err}");
    assert_eq!(out, "database is up to date");

    let (ok, org_id, err) = run(
        &["org", "create", "--slug", "acme", "--name", "Acme"],
        &db,
        None,
    );
    assert!(ok, "{err}");
    assert!(org_id.starts_with("org_"));
    let (ok, _, err) = run(&["org", "create", "--slug", "acme"], &db, None);
    assert!(
        !ok && err.contains("exists"),
        "duplicate slug refused: {err}"
    );

    let (ok, user_id, err) = run(
        &[
            "user",
            "create",
            "--org",
            "acme",
            "--username",
            "olivia",
            "--role",
            "owner",
        ],
        &db,
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(ok, "{err}");
    assert!(user_id.starts_with("usr_"));
    let (ok, _, err) = run(
        &[
            "user",
            "create",
            "--org",
            "acme",
            "--username",
            "x",
            "--role",
            "emperor",
        ],
        &db,
        Some("pw\n"),
    );
    assert!(!ok && err.contains("unknown role"), "{err}");
    let (ok, _, err) = run(
        &["user", "create", "--org", "acme", "--username", "nopw"],
        &db,
        None,
    );
    assert!(!ok && err.contains("no password"), "{err}");
    let set = |user: &'static str| ["user", "set-password", "--org", "acme", "--username", user];
    let (ok, _, err) = run(&set("ghost"), &db, Some("pw\n"));
    assert!(!ok && err.contains("no user"), "{err}");
    let (ok, out, err) = run(&set("olivia"), &db, Some(&format!("{PASSWORD}\n")));
    assert!(ok && out.contains("changed"), "{err}");

    let (ok, key, err) = run(
        &["api-key", "create", "--org", "acme", "--name", "gateway"],
        &db,
        None,
    );
    assert!(ok, "{err}");
    assert!(key.starts_with("sdk_"), "the secret is printed once: {key}");
    assert!(err.contains("shown only once"));

    // Serve, read the bound address, sign in as the CLI-made user, introspect with the key.
    let mut server = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SESSIONDESK_DB", &db)
        .env("SESSIONDESK_DATA_DIR", data_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect(&line)
        .to_string();
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{url}/v1/auth/login"))
        .json(&json!({"org": "acme", "username": "olivia", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("signed in");
    let i: Value = http
        .post(format!("{url}/oauth2/introspect"))
        .bearer_auth(&key)
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(i["active"], true);
    assert_eq!(i["sub"], user_id.as_str());
    let health: Value = http
        .get(format!("{url}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    // SIGTERM stops it cleanly, after writing the activity it holds.
    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    let requests: i64 = sqlx::query_scalar("SELECT requests FROM sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(requests, 1, "the introspection was flushed on shutdown");
}

#[test]
fn bad_arguments_fail_with_a_message() {
    let (ok, _, err) = run(
        &[
            "serve",
            "--db",
            "postgres://nowhere/x",
            "--listen",
            "127.0.0.1:0",
        ],
        "sqlite::memory:",
        None,
    );
    assert!(!ok);
    assert!(err.contains("unsupported database URL"), "{err}");
    let (ok, _, err) = run(&["seed"], "sqlite::memory:", None);
    assert!(!ok && err.contains("nothing to seed"), "{err}");
}
