//! The console's window over WebDriver: a few waits and actions by CSS selector, and
//! screenshots.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const PATIENCE: Duration = Duration::from_secs(60);

pub struct Window {
    client: Client,
    shots: PathBuf,
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
        let client = ClientBuilder::rustls()
            .context("WebDriver client")?
            .capabilities(caps)
            .connect(driver)
            .await
            .context("could not open a WebDriver session on the window")?;
        // No WebDriver call may hang the run: the window never navigates, so a page-load wait
        // is a bug, not something to sit through for five minutes.
        client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(30)),
                Some(Duration::from_secs(20)),
                Some(Duration::ZERO),
            ))
            .await
            .context("setting the WebDriver timeouts")?;
        Ok(Window {
            client,
            shots: shots.to_path_buf(),
        })
    }

    async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("{css} did not appear"))
    }

    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css).await?;
        e.clear().await?;
        e.send_keys(text).await?;
        Ok(())
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// Clicks through the page's own `click()`: for a button whose handler closes what it is
    /// in (WebKitWebDriver's click can then wait for a page load that never comes).
    pub async fn press(&self, css: &str) -> Result<()> {
        self.find(css).await?;
        self.client
            .execute(
                "document.querySelector(arguments[0]).click()",
                vec![json!(css)],
            )
            .await?;
        Ok(())
    }

    /// Waits until the element's text (as rendered, `innerText`) satisfies `ok`; returns it.
    pub async fn wait_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < PATIENCE {
            let v = self
                .client
                .execute(
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

    /// Runs `js` in the page and returns its string result.
    pub async fn script(&self, js: &str) -> Result<String> {
        let v = self.client.execute(js, vec![]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    pub async fn shot(&self, name: &str) -> Result<()> {
        let png = self.client.screenshot().await?;
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
