// The console's commands, one typed function each. The window talks to nothing else: every
// call goes through Tauri's IPC to `src-tauri`, which runs it on `crates/console`.
import { invoke } from "@tauri-apps/api/core";
import type { Session } from "./bindings/Session";
import type { SessionQuery } from "./bindings/SessionQuery";
import type { Rows } from "./bindings/Rows";
import type { UserGroup } from "./bindings/UserGroup";
import type { TimeOfDay } from "./bindings/TimeOfDay";
import type { FilterOptions } from "./bindings/FilterOptions";
import type { ConsoleState } from "./bindings/ConsoleState";
import type { SignInForm } from "./bindings/SignInForm";
import type { ActionForm } from "./bindings/ActionForm";
import type { ActionView } from "./bindings/ActionView";
import type { EndAllPreview } from "./bindings/EndAllPreview";
import type { UserFilter } from "./bindings/UserFilter";
import type { UserRows } from "./bindings/UserRows";
import type { LoginFilter } from "./bindings/LoginFilter";
import type { LoginRows } from "./bindings/LoginRows";
import type { AuditFilter } from "./bindings/AuditFilter";
import type { AuditRows } from "./bindings/AuditRows";
import type { AuditVerification } from "./bindings/AuditVerification";
import type { CsvExport } from "./bindings/CsvExport";
import type { Policy } from "./bindings/Policy";
import type { PolicyPreview } from "./bindings/PolicyPreview";
import type { ApiKeyInfo } from "./bindings/ApiKeyInfo";
import type { NewKeyView } from "./bindings/NewKeyView";
import type { UserDevices } from "./bindings/UserDevices";
import type { ContainForm } from "./bindings/ContainForm";
import type { ContainReceipt } from "./bindings/ContainReceipt";
import type { ReceiptFormat } from "./bindings/ReceiptFormat";
import type { AlertSettings } from "./bindings/AlertSettings";

/** What every failed command answers with (`{code, message}`). */
export type UiError = { code: string; message: string };

export function isUiError(e: unknown): e is UiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as UiError).code === "string" &&
    typeof (e as UiError).message === "string"
  );
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isUiError(e)) throw e;
    throw { code: "ipc", message: String(e) } satisfies UiError;
  }
}

export const api = {
  state: () => call<ConsoleState>("console_state"),
  signIn: (form: SignInForm) => call<ConsoleState>("sign_in", { form }),
  openProfile: (id: string) => call<ConsoleState>("open_profile", { id }),
  closeProfile: () => call<ConsoleState>("close_profile"),
  signOut: () => call<ConsoleState>("sign_out"),
  sessions: (query: SessionQuery, offset: number, hours: TimeOfDay | null = null) =>
    call<Rows>("list_sessions", { query, hours, offset }),
  sessionsByUser: (query: SessionQuery, hours: TimeOfDay | null = null) =>
    call<UserGroup[]>("sessions_by_user", { query, hours }),
  filterOptions: () => call<FilterOptions>("filter_options"),
  session: (id: string) => call<Session | null>("get_session", { id }),
  endAllPreview: () => call<EndAllPreview>("end_all_preview"),
  act: (form: ActionForm) => call<ActionView>("act", { form }),
  actions: () => call<ActionView[]>("list_actions"),
  users: (filter: Partial<UserFilter>) => call<UserRows>("list_users", { filter }),
  logins: (filter: Partial<LoginFilter>) => call<LoginRows>("list_logins", { filter }),
  audit: (filter: Partial<AuditFilter>) => call<AuditRows>("list_audit", { filter }),
  verifyAudit: () => call<AuditVerification>("verify_audit"),
  exportAudit: (filter: Partial<AuditFilter>) => call<CsvExport>("export_audit", { filter }),
  policy: () => call<Policy | null>("get_policy"),
  previewPolicy: (policy: Policy) => call<PolicyPreview>("preview_policy", { policy }),
  savePolicy: (policy: Policy) => call<Policy>("save_policy", { policy }),
  apiKeys: () => call<ApiKeyInfo[]>("list_api_keys"),
  createApiKey: (name: string) => call<NewKeyView>("create_api_key", { name }),
  revokeApiKey: (id: string) => call<ApiKeyInfo>("revoke_api_key", { id }),
  userDevices: (userId: string) => call<UserDevices>("user_devices", { userId }),
  contain: (form: ContainForm) => call<ContainReceipt>("contain", { form }),
  exportReceipt: (receipt: ContainReceipt, format: ReceiptFormat) =>
    call<CsvExport>("export_receipt", { receipt, format }),
  alertSettings: () => call<AlertSettings>("alert_settings"),
  setAlerts: (enabled: boolean) => call<AlertSettings>("set_alerts", { enabled }),
  watchUser: (userId: string, watched: boolean) => call<AlertSettings>("watch_user", { userId, watched }),
  /** The session a clicked notification asked to open, once. */
  takeOpenRequest: () => call<string | null>("take_open_request"),
};

/** The message of anything a command threw. */
export function messageOf(e: unknown): string {
  return isUiError(e) ? e.message : (e as { message?: string })?.message ?? String(e);
}

/** What the screen says once an action is taken: the server's receipt, or where it waits. */
export function resultText(a: ActionView): string {
  if (a.state === "pending") return `Queued: "${a.description}" runs as soon as the server is reachable.`;
  if (a.state === "failed") return `The server refused "${a.description}": ${a.error ?? "no reason given"}`;
  const n = a.ended === 1 ? "1 session" : `${a.ended} sessions`;
  const when = a.ended_at ? new Date(a.ended_at).toLocaleString() : null;
  return a.ended > 0 && when
    ? `Done: ${a.description}. The server ended ${n} at ${when} (receipt ${a.id}).`
    : `Done: ${a.description} (receipt ${a.id}).`;
}

/** An empty query: every filter off, active sessions, newest first. */
export function emptyQuery(): SessionQuery {
  return {
    q: null,
    user_id: [],
    status: null,
    kind: null,
    app: null,
    country: null,
    risk: null,
    login_from: null,
    login_to: null,
    active_from: null,
    active_to: null,
    sort: null,
    order: null,
    limit: null,
    cursor: null,
  };
}
