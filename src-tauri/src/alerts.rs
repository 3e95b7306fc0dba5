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
use sessiondesk_console::Error;
use tauri::{AppHandle, Manager};

/// How often the cache is looked at for new sessions; the live feed itself is faster.
const EVERY: Duration = Duration::from_secs(2);

/// Raises a notification for every alert, for as long as the window lives.
pub fn watch(handle: AppHandle, desk: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            let alerts = match desk.take_alerts().await {
                Ok(alerts) => alerts,
                // No profile open: nothing to look at yet.
                Err(Error::SignInRequired(_)) => continue,
                Err(e) => {
                    tracing::warn!("could not look for alerts: {e}");
                    continue;
                }
            };
            if alerts.is_empty() {
                continue;
            }
            // Raising talks to the notification server and may wait on it.
            let (handle, desk) = (handle.clone(), desk.clone());
            let _ = tauri::async_runtime::spawn_blocking(move || {
                for alert in alerts {
                    raise(&handle, &desk, alert);
                }
            })
            .await;
        }
    });
}

/// Brings the window forward and asks it to open the session.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn open(handle: &AppHandle, desk: &App, session_id: String) {
    desk.request_open(session_id);
    if let Some(w) = handle.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

#[cfg(target_os = "linux")]
mod click {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Notifications whose click is waited for at once. Each waits on a thread until it is
    /// clicked or closed; past this many, new ones are shown without waiting, so a server
    /// that keeps notifications forever cannot pile threads up.
    const MAX_WAITING: usize = 16;
    static WAITING: AtomicUsize = AtomicUsize::new(0);

    /// A place among the waiting threads, given back when dropped.
    pub struct Slot;

    impl Slot {
        pub fn take() -> Option<Slot> {
            WAITING
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                    (n < MAX_WAITING).then_some(n + 1)
                })
                .ok()
                .map(|_| Slot)
        }
    }

    impl Drop for Slot {
        fn drop(&mut self) {
            WAITING.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

#[cfg(target_os = "linux")]
fn raise(handle: &AppHandle, desk: &Arc<App>, alert: Alert) {
    let slot = click::Slot::take();
    let mut n = notify_rust::Notification::new();
    n.appname("Sessiondesk")
        .summary(&alert.title)
        .body(&alert.body);
    if slot.is_some() {
        n.action("default", "Open");
    }
    match n.show() {
        Ok(shown) => {
            let Some(slot) = slot else { return };
            let (handle, desk) = (handle.clone(), desk.clone());
            std::thread::spawn(move || {
                let _slot = slot;
                shown.wait_for_action(|action| {
                    if action == "default" {
                        open(&handle, &desk, alert.session_id);
                    }
                });
            });
        }
        Err(e) => tracing::warn!("no notification server answered: {e}"),
    }
}

#[cfg(not(target_os = "linux"))]
fn raise(handle: &AppHandle, _desk: &Arc<App>, alert: Alert) {
    use tauri_plugin_notification::NotificationExt;
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
