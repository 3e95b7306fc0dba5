//! The Sessiondesk console's window: Tauri around `crates/console`. The window's code is in
//! `ui/`; the logic is in `sessiondesk_console::app`, reached through [`commands`].

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod alerts;
mod commands;
mod demo;

use std::sync::Arc;

use sessiondesk_console::app::App;
use sessiondesk_console::paths::Paths;
use sessiondesk_console::secrets::Keyring;
use sessiondesk_console::Console;
use tauri::Manager;

/// Keeps the demo authority alive as long as the window.
struct DemoAuthority(
    #[allow(dead_code)] tokio::sync::Mutex<Option<sessiondesk_server::app::Running>>,
);

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SESSIONDESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let demo = std::env::args().any(|a| a == "--demo");
    tauri::Builder::default()
        // First: a second start focuses the running window instead of opening another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let user = Paths::for_this_user()?;
            let demo_root = user.data.join("demo");
            let paths = if demo { Paths::under(&demo_root) } else { user };
            let console = Console::new(paths, Arc::new(Keyring::new()))?;
            let desk = App::new(console);
            app.manage(desk.clone());
            alerts::watch(app.handle().clone(), desk.clone());
            app.manage(DemoAuthority(tokio::sync::Mutex::new(None)));
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if demo {
                    match demo::start(&desk, &demo_root.join("authority")).await {
                        Ok(running) => {
                            *handle.state::<DemoAuthority>().0.lock().await = Some(running);
                        }
                        Err(e) => tracing::error!("the demo authority did not start: {e}"),
                    }
                } else if let Err(e) = desk.resume().await {
                    tracing::warn!("could not reopen the last profile: {e}");
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::console_state,
            commands::sign_in,
            commands::open_profile,
            commands::close_profile,
            commands::sign_out,
            commands::list_sessions,
            commands::sessions_by_user,
            commands::filter_options,
            commands::get_session,
            commands::end_all_preview,
            commands::act,
            commands::list_actions,
            commands::list_users,
            commands::list_logins,
            commands::list_audit,
            commands::verify_audit,
            commands::export_audit,
            commands::get_policy,
            commands::preview_policy,
            commands::save_policy,
            commands::list_api_keys,
            commands::create_api_key,
            commands::revoke_api_key,
            commands::user_devices,
            commands::contain,
            commands::export_receipt,
            commands::alert_settings,
            commands::set_alerts,
            commands::watch_user,
            commands::take_open_request,
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the window could not start");
}
