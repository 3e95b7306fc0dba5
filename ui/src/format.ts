// How values read on screen: dates in the user's locale, durations in words.
import type { Session } from "./bindings/Session";
import type { LoginAttempt } from "./bindings/LoginAttempt";

const dateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** "3 min ago", "2 h ago", "5 days ago", relative to `now` (ms). */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** "Chrome 126 on macOS 14", or what is known of it. */
export function deviceLabel(s: Session): string {
  const d = s.device;
  const browser = [d.browser, d.browser_version].filter(Boolean).join(" ");
  const os = [d.os, d.os_version].filter(Boolean).join(" ");
  if (browser && os) return `${browser} on ${os}`;
  return browser || os || d.model || s.app.name || "Unknown device";
}

export function placeLabel(s: Session): string {
  const l = s.location;
  return [l.city, l.country_code].filter(Boolean).join(", ") || "Unknown place";
}

export function count(n: number | bigint): string {
  return new Intl.NumberFormat().format(n);
}

const FAILURES: Record<string, string> = {
  invalid_credentials: "Wrong username or password",
  account_locked: "Account locked",
  temporarily_locked: "Locked after failed attempts",
  session_limit: "Session limit reached",
  password_reset_required: "Password reset required",
};

/** A sign-in attempt's result in words. */
export function outcome(l: LoginAttempt): string {
  if (l.success) return "Signed in";
  const r = l.failure_reason ?? "unknown";
  return FAILURES[r] ?? r.replace(/_/g, " ");
}
