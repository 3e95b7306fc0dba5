//! OS notifications for the alerts the console finds in the live feed (a high-risk sign-in,
//! a watched user's new session). Clicking one brings the window forward with the session's
//! details open.
//!
//! The notification plugin raises them on every platform, but on the desktop it drops the
//! notification's handle, so a click on it reaches nobody. On Linux they are raised through
//! notify-rust directly, with a default action, and a thread waits for the click.

use std::sync::Arc;
use std::time::Duration;

use sessiondesk_console::app::{Alert, App};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// How often the cache is looked at for new sessions; the live feed itself is faster.
const EVERY: Duration = Duration::from_secs(2);

/// Raises a notification for every alert, for as long as the window lives.
pub fn watch(handle: AppHandle, desk: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            // No profile open: nothing to look at yet.
            let Ok(alerts) = desk.take_alerts().await else {
                continue;
            };
            for alert in alerts {
                raise(&handle, &desk, alert);
            }
        }
    });
}

/// Brings the window forward and asks it to open the session.
fn open(handle: &AppHandle, desk: &App, session_id: String) {
    desk.request_open(session_id);
    if let Some(w) = handle.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

#[cfg(target_os = "linux")]
fn raise(handle: &AppHandle, desk: &Arc<App>, alert: Alert) {
    let shown = notify_rust::Notification::new()
        .appname("Sessiondesk")
        .summary(&alert.title)
        .body(&alert.body)
        .action("default", "Open")
        .show();
    match shown {
        Ok(notification) => {
            let (handle, desk) = (handle.clone(), desk.clone());
            std::thread::spawn(move || {
                notification.wait_for_action(|action| {
                    if action == "default" {
                        open(&handle, &desk, alert.session_id);
                    }
                });
            });
        }
        Err(e) => {
            tracing::warn!("no notification server answered ({e}); trying the plugin");
            plugin(handle, &alert);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn raise(handle: &AppHandle, _desk: &Arc<App>, alert: Alert) {
    plugin(handle, &alert);
}

fn plugin(handle: &AppHandle, alert: &Alert) {
    if let Err(e) = handle
        .notification()
        .builder()
        .title(&alert.title)
        .body(&alert.body)
        .show()
    {
        tracing::warn!("could not raise a notification: {e}");
    }
}
