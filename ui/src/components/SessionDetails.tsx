// The details pane: every fact about one session, its risk in words, and its actions.
import { useEffect, useState } from "react";
import type { Session } from "../bindings/Session";
import type { LoginAttempt } from "../bindings/LoginAttempt";
import { api, emptyQuery } from "../api";
import { ago, deviceLabel, formatDateTime, outcome, placeLabel } from "../format";

type Props = {
  session: Session;
  now: number;
  onEnd: () => void;
  onLogOutEverywhere: () => void;
  onLock: () => void;
  onClose: () => void;
  /** Why ending is not allowed, when it is not. */
  endDisabled?: string;
  lockDisabled?: string;
};

/** The user's other active sessions and their latest sign-in attempts. */
function useUserContext(s: Session) {
  const [others, setOthers] = useState<Session[]>([]);
  const [logins, setLogins] = useState<LoginAttempt[]>([]);
  const [signIns, setSignIns] = useState<{ all: number; failed: number } | null>(null);
  useEffect(() => {
    let live = true;
    api.sessions({ ...emptyQuery(), user_id: [s.user.id], status: "active", limit: 11 }, 0).then(
      (r) => live && setOthers(r.items.filter((o) => o.id !== s.id).slice(0, 10)),
      () => live && setOthers([]),
    );
    Promise.all([api.logins({ user_id: s.user.id, limit: 5 }), api.logins({ user_id: s.user.id, failures_only: true, limit: 1 })]).then(
      ([all, failed]) => {
        if (!live) return;
        setLogins(all.items);
        setSignIns({ all: Number(all.total), failed: Number(failed.total) });
      },
      () => {
        if (!live) return;
        setLogins([]);
        setSignIns(null);
      },
    );
    return () => {
      live = false;
    };
  }, [s.id, s.user.id]);
  return { others, logins, signIns };
}

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value || "—"}</dd>
    </>
  );
}

/** Whether the session's user is on the alerts watchlist (null until known), and a toggle. */
function useWatched(userId: string) {
  const [watched, setWatched] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    api.alertSettings().then(
      (a) => live && setWatched(a.watchlist.some((w) => w.id === userId)),
      () => live && setWatched(null),
    );
    return () => {
      live = false;
    };
  }, [userId]);
  const toggle = () =>
    api.watchUser(userId, !watched).then(
      (a) => setWatched(a.watchlist.some((w) => w.id === userId)),
      () => {},
    );
  return { watched, toggle };
}

export function SessionDetails({ session: s, now, onEnd, onLogOutEverywhere, onLock, onClose, endDisabled, lockDisabled }: Props) {
  const { others, logins, signIns } = useUserContext(s);
  const { watched, toggle } = useWatched(s.user.id);
  const d = s.device;
  const l = s.location;
  return (
    <aside className="details" aria-label="Session details">
      <header>
        <h2>{s.user.name || s.user.username}</h2>
        <button className="icon" onClick={onClose} aria-label="Close details" title="Close (Esc)">×</button>
      </header>
      <p className="muted">@{s.user.username} · {s.user.role}</p>
      {s.risk.flags.length > 0 && (
        <section className="risk" aria-label="Risk">
          <h3>Risk</h3>
          <ul>
            {s.risk.flags.map((f) => (
              <li key={f.kind}>
                <strong>{f.kind.replace(/_/g, " ")}</strong>: {f.detail}
              </li>
            ))}
          </ul>
        </section>
      )}
      <dl>
        <Row label="Status" value={s.status === "active" ? "Active" : `Ended (${s.end_reason ?? "unknown"})`} />
        <Row label="Browser" value={[d.browser, d.browser_version].filter(Boolean).join(" ")} />
        <Row label="OS" value={[d.os, d.os_version].filter(Boolean).join(" ")} />
        <Row label="Device model" value={d.model} />
        <Row label="Device name" value={d.name} />
        <Row label="App" value={[s.app.name, s.app.version].filter(Boolean).join(" ")} />
        <Row label="Kind" value={s.kind} />
        <Row label="IP" value={s.ip} />
        <Row label="City" value={[l.city, l.region].filter(Boolean).join(", ")} />
        <Row label="Country" value={l.country_code} />
        <Row label="Created" value={formatDateTime(s.created_at)} />
        <Row label="Last active" value={`${formatDateTime(s.last_seen_at)} (${ago(s.last_seen_at, now)})`} />
        <Row label="Expires" value={formatDateTime(s.expires_at)} />
        <Row
          label="Sign-ins"
          value={signIns ? `${signIns.all - signIns.failed} by this user${signIns.failed ? ` (${signIns.failed} failed)` : ""}` : null}
        />
        <Row label="Actions" value={`${s.activity.requests} requests`} />
        <Row label="Last page" value={s.activity.last_path} />
        <Row label="Signed in with" value={s.login_method} />
        <Row label="Session ID" value={s.id} />
        {s.status === "ended" && <Row label="Ended" value={`${formatDateTime(s.ended_at)}${s.ended_by ? ` by ${s.ended_by}` : ""}`} />}
        {s.reason && <Row label="Reason" value={s.reason} />}
        {s.ticket && <Row label="Ticket" value={s.ticket} />}
      </dl>
      <section aria-label="Their other sessions">
        <h3>Their other active sessions ({others.length === 10 ? "10+" : others.length})</h3>
        {others.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="compact">
            {others.map((o) => (
              <li key={o.id}>
                {deviceLabel(o)} · {placeLabel(o)} · {ago(o.last_seen_at, now)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Recent sign-ins">
        <h3>Recent sign-ins</h3>
        {logins.length === 0 ? (
          <p className="muted">None recorded.</p>
        ) : (
          <ul className="compact">
            {logins.map((l) => (
              <li key={l.id} className={l.success ? "" : "failed"}>
                {formatDateTime(l.at)} · {outcome(l)} · {[l.location.city, l.location.country_code].filter(Boolean).join(", ") || l.ip || "—"}
              </li>
            ))}
          </ul>
        )}
      </section>
      <footer>
        <button
          className="danger"
          onClick={onEnd}
          disabled={s.status !== "active" || !!endDisabled}
          title={endDisabled ?? (s.status !== "active" ? "This session has already ended" : "End session (Delete)")}
        >
          End session
        </button>
        <button onClick={onLogOutEverywhere} disabled={!!endDisabled} title={endDisabled ?? "End every session of this user"}>
          Log out from all devices
        </button>
        <button onClick={onLock} disabled={!!lockDisabled} title={lockDisabled ?? "End their sessions and block sign-in"}>
          Lock account
        </button>
        {watched !== null && (
          <button onClick={toggle} aria-pressed={watched} title="A notification whenever they sign in (Alerts screen)">
            {watched ? "Stop watching" : "Watch user"}
          </button>
        )}
      </footer>
    </aside>
  );
}
