//! The console's window over WebDriver: waits and actions by CSS selector, and screenshots.
//!
//! Once the window is open, WebDriver is only asked to execute scripts. Typing and clicking
//! happen through the page's own DOM (the native value setter and an `input` event, as React
//! expects; `click()`), and screenshots are taken from the X display (ImageMagick's `import`):
//! WebKitWebDriver's element and screenshot commands wait on page-load and paint bookkeeping
//! that now and then never completes for a single-page window under Xvfb. Every command is
//! bounded: a WebDriver answer that never comes is an error, not a hang.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

/// How long a wait for something on screen may take.
const PATIENCE: Duration = Duration::from_secs(60);
/// How long one WebDriver command may take.
const COMMAND: Duration = Duration::from_secs(30);

/// Marks the error of a WebDriver command that never answered (the runner exits with its
/// own status for it).
pub const STOPPED_ANSWERING: &str = "the window stopped answering WebDriver";

pub struct Window {
    client: Client,
    shots: PathBuf,
}

/// `fut`, or an error once `limit` has passed.
async fn bounded<T>(
    what: &str,
    limit: Duration,
    fut: impl Future<Output = Result<T, fantoccini::error::CmdError>>,
) -> Result<T> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r.with_context(|| format!("WebDriver: {what}")),
        Err(_) => Err(anyhow!("{STOPPED_ANSWERING} ({what}, {limit:?})")),
    }
}

impl Window {
    /// Starts the window (a new WebDriver session launches `app`).
    pub async fn open(driver: &str, app: &Path, shots: &Path) -> Result<Self> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        // The window never navigates: no command should wait for a page load.
        caps.insert("pageLoadStrategy".into(), json!("none"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app.display().to_string() }),
        );
        let connect = async {
            ClientBuilder::rustls()
                .context("WebDriver client")?
                .capabilities(caps)
                .connect(driver)
                .await
                .context("could not open a WebDriver session on the window")
        };
        let client = tokio::time::timeout(Duration::from_secs(60), connect)
            .await
            .map_err(|_| anyhow!("{STOPPED_ANSWERING} (new session)"))??;
        bounded(
            "timeouts",
            COMMAND,
            client.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(20)),
                Some(Duration::from_secs(20)),
                Some(Duration::ZERO),
            )),
        )
        .await?;
        Ok(Window {
            client,
            shots: shots.to_path_buf(),
        })
    }

    /// Runs `js` (with `args`) in the page and returns its result.
    async fn run(&self, js: &str, args: Vec<Value>) -> Result<Value> {
        bounded("execute", COMMAND, self.client.execute(js, args)).await
    }

    /// Waits until `js` answers `true` (errors while the page starts count as not yet).
    async fn until(&self, what: &str, js: &str, args: Vec<Value>) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            match self.run(js, args.clone()).await {
                Ok(v) if v.as_bool() == Some(true) => return Ok(()),
                Err(e) if e.to_string().contains(STOPPED_ANSWERING) => return Err(e),
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{what} did not happen within {PATIENCE:?}")
    }

    /// Types `text` into the field `css` (replacing what it holds), as a person would.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        self.until(
            &format!("{css} appearing"),
            "const e = document.querySelector(arguments[0]); if (!e) return false;\
             e.focus();\
             const proto = e instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype\
               : e instanceof HTMLSelectElement ? HTMLSelectElement.prototype\
               : HTMLInputElement.prototype;\
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(e, arguments[1]);\
             e.dispatchEvent(new Event('input', { bubbles: true }));\
             e.dispatchEvent(new Event('change', { bubbles: true }));\
             return true",
            vec![json!(css), json!(text)],
        )
        .await
    }

    /// Clicks the first element matching `css` once it is there and enabled.
    pub async fn press(&self, css: &str) -> Result<()> {
        self.until(
            &format!("{css} appearing"),
            "const e = document.querySelector(arguments[0]);\
             if (!e || e.disabled) return false; e.click(); return true",
            vec![json!(css)],
        )
        .await
    }

    /// Clicks the first enabled element matching `css` whose text is `text`.
    pub async fn press_text(&self, css: &str, text: &str) -> Result<()> {
        self.until(
            &format!("{css} reading {text:?}"),
            "const e = [...document.querySelectorAll(arguments[0])]\
             .find(e => e.innerText.trim() === arguments[1] && !e.disabled);\
             if (e) { e.click(); return true } return false",
            vec![json!(css), json!(text)],
        )
        .await
    }

    /// Waits until the element's text (as rendered, `innerText`) satisfies `ok`; returns it.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < PATIENCE {
            let v = self
                .run(
                    "const e = document.querySelector(arguments[0]); return e ? e.innerText : null",
                    vec![json!(css)],
                )
                .await?;
            if let Some(t) = v.as_str() {
                if ok(t) {
                    return Ok(t.to_string());
                }
                last = t.to_string();
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("{css} never showed the expected text; last: {last:?}")
    }

    /// Runs `js` in the page and returns its result.
    pub async fn value(&self, js: &str) -> Result<Value> {
        self.run(js, vec![]).await
    }

    /// Runs `js`, which answers by calling its last argument, for up to `timeout`.
    pub async fn value_async(&self, js: &str, timeout: Duration) -> Result<Value> {
        bounded(
            "timeouts",
            COMMAND,
            self.client
                .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                    Some(timeout),
                    Some(Duration::from_secs(20)),
                    Some(Duration::ZERO),
                )),
        )
        .await?;
        bounded(
            "execute async",
            timeout + COMMAND,
            self.client.execute_async(js, vec![]),
        )
        .await
    }

    /// Polls `js` every 10 ms until it answers `true`, for up to `timeout`.
    pub async fn wait_script(&self, js: &str, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < timeout {
            match self.run(js, vec![]).await {
                Ok(v) if v.as_bool() == Some(true) => return Ok(()),
                Err(e) if e.to_string().contains(STOPPED_ANSWERING) => return Err(e),
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        bail!("the page never answered true to {js}")
    }

    /// Runs `js` in the page and returns its string result.
    pub async fn script(&self, js: &str) -> Result<String> {
        let v = self.run(js, vec![]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Saves what the display shows as `SHOTS/name.png`, once the page has painted.
    pub async fn shot(&self, name: &str) -> Result<()> {
        // Two animation frames: whatever the last action changed has been painted.
        self.value_async(
            "const done = arguments[arguments.length - 1];\
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)))",
            Duration::from_secs(10),
        )
        .await?;
        let path = self.shots.join(format!("{name}.png"));
        let status = tokio::task::spawn_blocking({
            let path = path.clone();
            move || {
                std::process::Command::new("timeout")
                    .args(["20", "import", "-window", "root"])
                    .arg(&path)
                    .status()
            }
        })
        .await?
        .context("could not run ImageMagick's import")?;
        if !status.success() {
            bail!("import could not capture {} ({status})", path.display());
        }
        Ok(())
    }

    /// Ends the session (the window closes); bounded like every command.
    pub async fn close(self) {
        let _ = tokio::time::timeout(COMMAND, self.client.close()).await;
    }
}
