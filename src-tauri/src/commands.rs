//! The window's commands: each forwards to [`sessiondesk_console::app::App`] and answers
//! `{code, message}` on failure (the console's error serialises that way).

use std::sync::Arc;

use sessiondesk_console::app::{
    ActionForm, AlertSettings, App, AuditFilter, AuditRows, ContainForm, ContainReceipt, CsvExport,
    EndAllPreview, FilterOptions, LoginFilter, LoginRows, NewKeyView, ReceiptFormat, UserDevices,
    UserFilter, UserRows,
};
use sessiondesk_console::query::{Rows, TimeOfDay, UserGroup};
use sessiondesk_console::view::{ActionView, ConsoleState, SignInForm};
use sessiondesk_console::Error;
use sessiondesk_protocol::{
    ApiKeyInfo, AuditVerification, Policy, PolicyPreview, Session, SessionQuery,
};
use tauri::State;

type Answer<T> = Result<T, Error>;
type Console<'a> = State<'a, Arc<App>>;

#[tauri::command]
pub async fn console_state(app: Console<'_>) -> Answer<ConsoleState> {
    app.state().await
}

#[tauri::command]
pub async fn sign_in(app: Console<'_>, form: SignInForm) -> Answer<ConsoleState> {
    app.sign_in(form).await
}

#[tauri::command]
pub async fn open_profile(app: Console<'_>, id: String) -> Answer<ConsoleState> {
    app.open_profile(&id).await
}

#[tauri::command]
pub async fn close_profile(app: Console<'_>) -> Answer<ConsoleState> {
    app.close_profile().await
}

#[tauri::command]
pub async fn sign_out(app: Console<'_>) -> Answer<ConsoleState> {
    app.sign_out().await
}

#[tauri::command]
pub async fn list_sessions(
    app: Console<'_>,
    query: SessionQuery,
    hours: Option<TimeOfDay>,
    offset: u64,
) -> Answer<Rows> {
    app.sessions(query, hours, offset).await
}

#[tauri::command]
pub async fn sessions_by_user(
    app: Console<'_>,
    query: SessionQuery,
    hours: Option<TimeOfDay>,
) -> Answer<Vec<UserGroup>> {
    app.sessions_by_user(query, hours).await
}

#[tauri::command]
pub async fn filter_options(app: Console<'_>) -> Answer<FilterOptions> {
    app.filter_options().await
}

#[tauri::command]
pub async fn get_session(app: Console<'_>, id: String) -> Answer<Option<Session>> {
    app.session(&id).await
}

#[tauri::command]
pub async fn end_all_preview(app: Console<'_>) -> Answer<EndAllPreview> {
    app.end_all_preview().await
}

#[tauri::command]
pub async fn act(app: Console<'_>, form: ActionForm) -> Answer<ActionView> {
    app.act(form).await
}

#[tauri::command]
pub async fn list_actions(app: Console<'_>) -> Answer<Vec<ActionView>> {
    app.actions().await
}

#[tauri::command]
pub async fn list_users(app: Console<'_>, filter: UserFilter) -> Answer<UserRows> {
    app.users(filter).await
}

#[tauri::command]
pub async fn list_logins(app: Console<'_>, filter: LoginFilter) -> Answer<LoginRows> {
    app.logins(filter).await
}

#[tauri::command]
pub async fn list_audit(app: Console<'_>, filter: AuditFilter) -> Answer<AuditRows> {
    app.audit(filter).await
}

#[tauri::command]
pub async fn verify_audit(app: Console<'_>) -> Answer<AuditVerification> {
    app.verify_audit().await
}

#[tauri::command]
pub async fn export_audit(app: Console<'_>, filter: AuditFilter) -> Answer<CsvExport> {
    app.export_audit(filter).await
}

#[tauri::command]
pub async fn get_policy(app: Console<'_>) -> Answer<Option<Policy>> {
    app.policy().await
}

#[tauri::command]
pub async fn preview_policy(app: Console<'_>, policy: Policy) -> Answer<PolicyPreview> {
    app.preview_policy(policy).await
}

#[tauri::command]
pub async fn save_policy(app: Console<'_>, policy: Policy) -> Answer<Policy> {
    app.save_policy(policy).await
}

#[tauri::command]
pub async fn list_api_keys(app: Console<'_>) -> Answer<Vec<ApiKeyInfo>> {
    app.api_keys().await
}

#[tauri::command]
pub async fn create_api_key(app: Console<'_>, name: String) -> Answer<NewKeyView> {
    app.create_api_key(name).await
}

#[tauri::command]
pub async fn revoke_api_key(app: Console<'_>, id: String) -> Answer<ApiKeyInfo> {
    app.revoke_api_key(id).await
}

#[tauri::command]
pub async fn user_devices(app: Console<'_>, user_id: String) -> Answer<UserDevices> {
    app.user_devices(&user_id).await
}

#[tauri::command]
pub async fn contain(app: Console<'_>, form: ContainForm) -> Answer<ContainReceipt> {
    app.contain(form).await
}

#[tauri::command]
pub async fn export_receipt(
    app: Console<'_>,
    receipt: ContainReceipt,
    format: ReceiptFormat,
) -> Answer<CsvExport> {
    app.export_receipt(receipt, format).await
}

#[tauri::command]
pub async fn alert_settings(app: Console<'_>) -> Answer<AlertSettings> {
    app.alert_settings().await
}

#[tauri::command]
pub async fn set_alerts(app: Console<'_>, enabled: bool) -> Answer<AlertSettings> {
    app.set_alerts(enabled).await
}

#[tauri::command]
pub async fn watch_user(app: Console<'_>, user_id: String, watched: bool) -> Answer<AlertSettings> {
    app.watch(user_id, watched).await
}

/// The session a clicked notification asked to open, once.
#[tauri::command]
pub fn take_open_request(app: Console<'_>) -> Option<String> {
    app.take_open_request()
}
