// The console's commands, one typed function each. The window talks to nothing else: every
// call goes through Tauri's IPC to `src-tauri`, which runs it on `crates/console`.
import { invoke } from "@tauri-apps/api/core";
import type { Session } from "./bindings/Session";
import type { SessionQuery } from "./bindings/SessionQuery";
import type { Rows } from "./bindings/Rows";
import type { ConsoleState } from "./bindings/ConsoleState";
import type { SignInForm } from "./bindings/SignInForm";
import type { EndSessionForm } from "./bindings/EndSessionForm";
import type { ActionView } from "./bindings/ActionView";

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
  sessions: (query: SessionQuery, offset: number) =>
    call<Rows>("list_sessions", { query, offset }),
  session: (id: string) => call<Session | null>("get_session", { id }),
  endSession: (form: EndSessionForm) => call<ActionView>("end_session", { form }),
};

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
