//! The window's commands: each forwards to [`sessiondesk_console::app::App`] and answers
//! `{code, message}` on failure (the console's error serialises that way).

use std::sync::Arc;

use sessiondesk_console::app::App;
use sessiondesk_console::query::Rows;
use sessiondesk_console::view::{ActionView, ConsoleState, EndSessionForm, SignInForm};
use sessiondesk_console::Error;
use sessiondesk_protocol::{Session, SessionQuery};
use tauri::State;

type Answer<T> = Result<T, Error>;

#[tauri::command]
pub async fn console_state(app: State<'_, Arc<App>>) -> Answer<ConsoleState> {
    app.state().await
}

#[tauri::command]
pub async fn sign_in(app: State<'_, Arc<App>>, form: SignInForm) -> Answer<ConsoleState> {
    app.sign_in(form).await
}

#[tauri::command]
pub async fn list_sessions(
    app: State<'_, Arc<App>>,
    query: SessionQuery,
    offset: u64,
) -> Answer<Rows> {
    app.sessions(query, offset).await
}

#[tauri::command]
pub async fn get_session(app: State<'_, Arc<App>>, id: String) -> Answer<Option<Session>> {
    app.session(&id).await
}

#[tauri::command]
pub async fn end_session(app: State<'_, Arc<App>>, form: EndSessionForm) -> Answer<ActionView> {
    app.end_session(form).await
}
