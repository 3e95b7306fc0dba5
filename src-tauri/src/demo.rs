//! `sessiondesk --demo` (what `cargo xtask run` starts): an authority inside this process,
//! seeded with the demo organisation on first start, and the console signed in to it as the
//! demo owner. Its files live in a `demo` folder of their own, apart from real profiles.

use std::path::Path;

use sessiondesk_console::app::App;
use sessiondesk_console::view::SignInForm;
use sessiondesk_server::embedded::Embedded;
use sessiondesk_server::seed::{DEMO_ORG, DEMO_OWNER, DEMO_PASSWORD};

/// Starts the demo authority (kept running for the life of the returned handle) and signs in.
pub async fn start(app: &App, root: &Path) -> Result<sessiondesk_server::app::Running, String> {
    std::fs::create_dir_all(root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let data = std::env::var_os("SESSIONDESK_DATA_DIR").map(Into::into);
    let running = Embedded::new(root.join("authority.db"), data)
        .map_err(|e| e.to_string())?
        .start_demo()
        .await
        .map_err(|e| e.to_string())?;
    let form = SignInForm {
        server_url: running.url(),
        org: DEMO_ORG.into(),
        username: DEMO_OWNER.into(),
        password: DEMO_PASSWORD.into(),
    };
    app.sign_in(form).await.map_err(|e| e.to_string())?;
    Ok(running)
}
