// The details pane: every fact about one session, its risk in words, and its actions.
import type { Session } from "../bindings/Session";
import { ago, formatDateTime } from "../format";

type Props = {
  session: Session;
  now: number;
  onEnd: () => void;
  onClose: () => void;
  /** Why ending is not allowed, when it is not. */
  endDisabled?: string;
};

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value || "—"}</dd>
    </>
  );
}

export function SessionDetails({ session: s, now, onEnd, onClose, endDisabled }: Props) {
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
              <li key={f.kind}><strong>{f.kind.replace(/_/g, " ")}</strong>: {f.detail}</li>
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
        <Row label="Requests" value={String(s.activity.requests)} />
        <Row label="Last page" value={s.activity.last_path} />
        <Row label="Signed in with" value={s.login_method} />
        <Row label="Session ID" value={s.id} />
      </dl>
      <footer>
        <button
          className="danger"
          onClick={onEnd}
          disabled={s.status !== "active" || !!endDisabled}
          title={endDisabled ?? (s.status !== "active" ? "This session has already ended" : "End session (Delete)")}
        >
          End session
        </button>
      </footer>
    </aside>
  );
}
