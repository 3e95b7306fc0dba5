import type { Session } from "../bindings/Session";
import type { ConsoleState } from "../bindings/ConsoleState";

export function session(i: number, over: Partial<Session> = {}): Session {
  return {
    id: `ses_${i}`,
    org_id: "org_1",
    user: { id: `usr_${i % 7}`, username: `user${i % 7}`, name: `User ${i % 7}`, role: "member" },
    kind: "browser",
    login_method: "password",
    app: { name: "Acme Portal", version: "1.0" },
    device: { browser: "Firefox", browser_version: "128", os: "Linux", os_version: null, model: null, type: "desktop", name: null },
    language: "en",
    ip: `203.0.113.${i % 250}`,
    location: { city: "Berlin", region: "Berlin", country_code: "DE", lat: null, lon: null, timezone: null },
    created_at: "2026-11-20T10:00:00.000Z",
    last_seen_at: "2026-11-24T10:00:00.000Z",
    idle_expires_at: null,
    expires_at: null,
    remember_me: false,
    status: "active",
    ended_at: null,
    end_reason: null,
    ended_by: null,
    reason: null,
    ticket: null,
    risk: { flags: [] },
    activity: { requests: 12, last_path: "/home" },
    ...over,
  };
}

export function state(over: Partial<ConsoleState> = {}): ConsoleState {
  const profile = { id: "p1", name: "acme", server_url: "http://127.0.0.1:8710/", org: "acme", username: "owner" };
  return {
    profiles: [profile],
    profile,
    sync: { state: "live", synced_at: Date.now(), message: null },
    reason_required: true,
    denied: { end_sessions: null, lock_users: null, end_all: null, edit_policy: null, manage_api_keys: null },
    role: "owner",
    own_session: "ses_own",
    ...over,
  };
}
