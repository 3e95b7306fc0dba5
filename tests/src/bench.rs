//! The window's benchmark (`cargo xtask bench --window`), on the release build with its UI
//! embedded, against an authority holding the benchmark org:
//!
//! 1. signs in once and waits for the first sync to fill the cache;
//! 2. cold start, three times: from asking WebDriver for a new window (the process starts,
//!    reopens the profile from the keyring, reads the cache) to the first row of the list;
//! 3. resident memory of the window's process and its WebKit children, with the list shown;
//! 4. scrolling from the top to the bottom of the list, one step per frame: the gaps between
//!    frames (a task longer than a frame delays the next one) and the most rows in the page;
//! 5. resident memory again, after the scroll.
//!
//! `window-bench APP_BINARY URL OUT_JSON SHOTS_DIR`; prints and writes one JSON object.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use sessiondesk_e2e::driver::Driver;
use sessiondesk_e2e::window::Window;

const ORG: &str = "bench";
const OWNER: &str = "user0000";
const PASSWORD: &str = "bench-password";
const COLD_STARTS: usize = 3;

#[tokio::main]
async fn main() -> Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let usage = "usage: window-bench APP_BINARY URL OUT_JSON SHOTS_DIR";
    let mut args = std::env::args().skip(1);
    let app = std::fs::canonicalize(args.next().context(usage)?)?;
    let url = args.next().context(usage)?;
    let out = PathBuf::from(args.next().context(usage)?);
    let shots = PathBuf::from(args.next().context(usage)?);
    std::fs::create_dir_all(&shots)?;

    let driver = Driver::start().await?;
    let rows = first_sync(&driver, &app, &url, &shots).await?;
    println!("window-bench: {rows} sessions cached");

    let mut starts = Vec::new();
    for i in 0..COLD_STARTS {
        let started = Instant::now();
        let w = Window::open(&driver.url(), &app, &shots).await?;
        w.wait_script(
            "const r = document.querySelector('#row-0'); \
             return !!r && !r.querySelector('.placeholder') && r.innerText.trim().length > 0",
            Duration::from_secs(30),
        )
        .await
        .context("the list never showed its first row")?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!("window-bench: cold start {} in {ms:.0} ms", i + 1);
        starts.push(ms);
        if i + 1 < COLD_STARTS {
            w.close().await;
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        // The last window stays for memory and scrolling.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (rss, processes) = tree_rss_kib(&app)?;
        let dom_rows = w
            .value("return document.querySelectorAll('.table-row').length")
            .await?;
        let idle = idle_frames(&w).await?;
        let scroll = scroll(&w).await?;
        // Again once every row has passed through the page and 3 s have passed, as at the
        // start: the heaps after real use.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (after_scroll, processes_after_scroll) = tree_rss_kib(&app)?;
        w.shot("bench-scrolled").await?;
        w.close().await;
        let report = json!({
            "sessions_cached": rows,
            "cold_start_ms": starts,
            "memory": rss,
            "memory_after_scroll": after_scroll,
            "processes_after_scroll": processes_after_scroll,
            "processes": processes,
            "dom_rows_at_start": dom_rows,
            "scroll": scroll,
            "idle": idle,
        });
        println!("{report}");
        std::fs::write(&out, report.to_string())?;
        return Ok(());
    }
    bail!("no cold start was measured")
}

/// Signs in and waits until the cache holds every active session (the sync is live and the
/// count stops moving); answers the count.
async fn first_sync(driver: &Driver, app: &Path, url: &str, shots: &Path) -> Result<u64> {
    let w = Window::open(&driver.url(), app, shots).await?;
    w.fill("input[name=server]", url).await?;
    w.fill("input[name=org]", ORG).await?;
    w.fill("input[name=username]", OWNER).await?;
    w.fill("input[name=password]", PASSWORD).await?;
    w.press("button[type=submit]").await?;
    let started = Instant::now();
    let mut last = 0;
    let mut steady = 0;
    while started.elapsed() < Duration::from_secs(600) {
        let live = w
            .value(
                "const s = document.querySelector('.titlebar .sync'); \
                 const c = document.querySelector('.count'); \
                 return s && c ? [s.innerText, c.innerText] : null",
            )
            .await?;
        if let Some([state, count]) = live.as_array().map(|a| [a[0].clone(), a[1].clone()]) {
            let n: u64 = count
                .as_str()
                .unwrap_or_default()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap_or(0);
            if state
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("live"))
                && n > 0
            {
                steady = if n == last { steady + 1 } else { 0 };
                if steady >= 3 {
                    w.shot("bench-synced").await?;
                    w.close().await;
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    return Ok(n);
                }
            }
            last = n;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    bail!("the first sync did not finish within 10 minutes")
}

/// The same frame timing with nothing happening for 10 s: what the page and WebKit cost on
/// their own, to tell the list's long frames from the machine's.
async fn idle_frames(w: &Window) -> Result<Value> {
    w.value_async(
        r#"const done = arguments[arguments.length - 1];
        const gaps = [];
        let last = performance.now(), start = last;
        function frame(now) {
          gaps.push(now - last);
          last = now;
          if (now - start > 10000) {
            gaps.sort((a, b) => a - b);
            done({ frames: gaps.length, max_gap_ms: gaps[gaps.length - 1],
                   over_50ms: gaps.filter((g) => g > 50).length });
            return;
          }
          requestAnimationFrame(frame);
        }
        requestAnimationFrame((t) => { last = t; start = t; requestAnimationFrame(frame); });"#,
        Duration::from_secs(60),
    )
    .await
}

/// Scrolls the list from top to bottom, `STEP` pixels a frame, and reports the frames.
async fn scroll(w: &Window) -> Result<Value> {
    let v = w
        .value_async(
            r#"const done = arguments[arguments.length - 1];
            const body = document.querySelector('.table-body');
            body.focus();
            const STEP = 3200;
            const gaps = [], long = [];
            let maxRows = 0, last = performance.now(), start = last;
            function frame(now) {
              if (now - last > 50) long.push({ frame: gaps.length, ms: now - last, row: Math.round(body.scrollTop / 32) });
              gaps.push(now - last);
              last = now;
              maxRows = Math.max(maxRows, document.querySelectorAll('.table-row').length);
              if (body.scrollTop + body.clientHeight >= body.scrollHeight - 1) {
                gaps.sort((a, b) => a - b);
                const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
                done({ frames: gaps.length, secs: (now - start) / 1000, p50_gap_ms: at(0.5),
                       p99_gap_ms: at(0.99), max_gap_ms: gaps[gaps.length - 1],
                       over_50ms: gaps.filter((g) => g > 50).length, max_dom_rows: maxRows,
                       rows: Math.round(body.scrollHeight / 32), long_frames: long });
                return;
              }
              body.scrollTop += STEP;
              requestAnimationFrame(frame);
            }
            requestAnimationFrame((t) => { last = t; start = t; requestAnimationFrame(frame); });"#,
            Duration::from_secs(300),
        )
        .await?;
    ensure!(v.is_object(), "the scroll script answered {v}");
    Ok(v)
}

/// The process's five largest mappings by PSS (KiB), to see what the memory is.
fn largest(pid: u32) -> Value {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut by: std::collections::BTreeMap<String, u64> = Default::default();
    let mut current = String::from("[anon]");
    for line in smaps.lines() {
        let head = line.split_whitespace().next().unwrap_or_default();
        if head.contains('-') && head.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            current = line
                .split_whitespace()
                .nth(5)
                .unwrap_or("[anon]")
                .to_string();
        } else if let Some(v) = line.strip_prefix("Pss:") {
            let kib: u64 = v
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            *by.entry(current.clone()).or_default() += kib;
        }
    }
    let mut all: Vec<(String, u64)> = by.into_iter().collect();
    all.sort_by_key(|(_, kib)| std::cmp::Reverse(*kib));
    all.truncate(5);
    Value::Array(
        all.into_iter()
            .map(|(name, kib)| json!({ "mapping": name, "pss_kib": kib }))
            .collect(),
    )
}

/// Resident memory of the window's process and every process under it (WebKit's web and
/// network processes), in KiB: the total, and per process its name, resident, anonymous
/// and file-backed memory (mapped files, such as the cache's memory map, count as resident
/// once touched).
fn tree_rss_kib(app: &Path) -> Result<(Value, Value)> {
    struct Proc {
        pid: u32,
        ppid: u32,
        name: String,
        rss: u64,
        anon: u64,
        file: u64,
        /// Proportional: pages shared with other processes (WebKit's libraries are mapped
        /// by all three) count in part.
        pss: u64,
        exe: Option<PathBuf>,
    }
    let procs: Vec<Proc> = std::fs::read_dir("/proc")?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let text = |name: &str| {
                status
                    .lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .map(str::to_string)
            };
            let kib = |name: &str| text(name).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            let rollup =
                std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
            let pss = rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            Some(Proc {
                pid,
                ppid: kib("PPid:") as u32,
                name: text("Name:").unwrap_or_default(),
                rss: kib("VmRSS:"),
                anon: kib("RssAnon:"),
                file: kib("RssFile:"),
                pss,
                exe: std::fs::read_link(format!("/proc/{pid}/exe")).ok(),
            })
        })
        .collect();
    let root = procs
        .iter()
        .find(|p| p.exe.as_deref() == Some(app))
        .map(|p| p.pid)
        .context("the window's process is not running")?;
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(procs.iter().filter(|p| p.ppid == parent).map(|p| p.pid));
        i += 1;
    }
    let mine: Vec<&Proc> = procs.iter().filter(|p| tree.contains(&p.pid)).collect();
    let each = mine
        .iter()
        .filter(|p| p.rss > 0)
        .map(|p| {
            json!({ "name": p.name, "rss_kib": p.rss, "pss_kib": p.pss,
                    "anon_kib": p.anon, "file_kib": p.file, "largest": largest(p.pid) })
        })
        .collect();
    let total = json!({
        "rss_kib": mine.iter().map(|p| p.rss).sum::<u64>(),
        "pss_kib": mine.iter().map(|p| p.pss).sum::<u64>(),
        "anon_kib": mine.iter().map(|p| p.anon).sum::<u64>(),
    });
    Ok((total, Value::Array(each)))
}
