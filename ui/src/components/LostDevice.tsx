// "Lost or stolen device": find the person as you type, pick the device (or every session),
// lock the account if the password may be known, confirm, and keep the receipt. After the
// person is found it takes at most five steps: device, lock, reason, ticket, confirm.
import { useEffect, useRef, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import type { AdminUser } from "../bindings/AdminUser";
import type { ConsoleState } from "../bindings/ConsoleState";
import type { UserDevices } from "../bindings/UserDevices";
import type { ContainReceipt } from "../bindings/ContainReceipt";
import { api, messageOf } from "../api";
import { ago, deviceLabel, formatDateTime, outcome, placeLabel } from "../format";

type Props = {
  state: ConsoleState;
  /** When the flow was opened (ms): the receipt says how long it all took. */
  openedAt: number;
  onClose: () => void;
  onChanged: () => void;
};

const ALL = "all";

export function LostDevice({ state, openedAt, onClose, onChanged }: Props) {
  const [found, setFound] = useState<UserDevices | null>(null);
  const [receipt, setReceipt] = useState<ContainReceipt | null>(null);
  const [doneAt, setDoneAt] = useState<number | null>(null);
  // While the action runs the dialog stays: closing it would lose the receipt.
  const [busy, setBusy] = useState(false);
  return (
    <Dialog.Root open onOpenChange={(o) => !o && !busy && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog flow" aria-describedby="lost-help">
          <Dialog.Title>Lost or stolen device</Dialog.Title>
          <p id="lost-help" className="muted">
            End the sessions of the device that is gone, so that whoever holds it is signed out now.
          </p>
          {receipt ? (
            <Receipt receipt={receipt} elapsed={doneAt! - openedAt} onClose={onClose} />
          ) : found ? (
            <Contain
              found={found}
              state={state}
              onBusy={setBusy}
              onBack={() => setFound(null)}
              onDone={(r) => {
                setDoneAt(Date.now());
                setReceipt(r);
                onChanged();
              }}
            />
          ) : (
            <FindUser onFound={setFound} />
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Search as you type; arrows and Enter pick, as a click does. */
function FindUser({ onFound }: { onFound: (u: UserDevices) => void }) {
  const [q, setQ] = useState("");
  const [matches, setMatches] = useState<AdminUser[]>([]);
  const [at, setAt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (q.trim() === "") {
      setMatches([]);
      return;
    }
    // Answers to an older search must not replace the newer one's: Enter picks from it.
    let current = true;
    const timer = setTimeout(() => {
      api.users({ q: q.trim(), limit: 8 }).then(
        (r) => {
          if (!current) return;
          setMatches(r.items);
          setAt(0);
          setError(null);
        },
        (e) => current && setError(messageOf(e)),
      );
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q]);
  const pick = (u: AdminUser) => api.userDevices(u.id).then(onFound, (e) => setError(messageOf(e)));
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown") setAt((i) => Math.min(i + 1, matches.length - 1));
    else if (e.key === "ArrowUp") setAt((i) => Math.max(i - 1, 0));
    else if (e.key === "Enter" && matches[at]) pick(matches[at]);
    else return;
    e.preventDefault();
  };
  return (
    <>
      <input
        type="search"
        role="combobox"
        placeholder="Name, username or email"
        aria-label="Find the person"
        aria-controls="lost-matches"
        aria-expanded={matches.length > 0}
        aria-activedescendant={matches[at] ? `lost-match-${at}` : undefined}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={onKey}
        autoFocus
      />
      {error && <p className="error" role="alert">{error}</p>}
      <ul id="lost-matches" className="pick" role="listbox" aria-label="People">
        {matches.map((u, i) => (
          <li key={u.id} id={`lost-match-${i}`} role="option" aria-selected={i === at} className={i === at ? "current" : ""} onClick={() => pick(u)}>
            <strong>{u.name}</strong> <span className="muted">@{u.username}{u.email ? ` · ${u.email}` : ""} · {u.active_sessions} active{u.locked ? " · locked" : ""}</span>
          </li>
        ))}
      </ul>
      {q.trim() !== "" && matches.length === 0 && <p className="muted">Nobody matches.</p>}
    </>
  );
}

type ContainProps = {
  found: UserDevices;
  state: ConsoleState;
  onBusy: (busy: boolean) => void;
  onBack: () => void;
  onDone: (r: ContainReceipt) => void;
};

function Contain({ found, state, onBusy, onBack, onDone }: ContainProps) {
  const { user, devices } = found;
  const [choice, setChoice] = useState<string | null>(devices.length === 0 ? ALL : null);
  const [lock, setLock] = useState(false);
  const [reset, setReset] = useState(true);
  const [reason, setReason] = useState("");
  const [ticket, setTicket] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const allSessions = devices.flatMap((d) => d.sessions);
  const device = devices.find((d) => d.key === choice) ?? null;
  // A lock ends every session, whichever device was picked.
  const ending = lock || choice === ALL ? allSessions : device?.sessions ?? [];
  const mobile = ending.some((s) => s.kind === "mobile");
  const denied = lock ? state.denied.lock_users : state.denied.end_sessions;
  const missingReason = state.reason_required && reason.trim() === "";
  const ready = (choice !== null || lock) && !missingReason && !denied && !busy;
  const n = ending.length === 1 ? "1 session" : `${ending.length} sessions`;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    onBusy(true);
    setError(null);
    try {
      const receipt = await api.contain({
        user_id: user.id,
        session_ids: lock || choice === ALL ? null : (device?.sessions.map((s) => s.id) ?? []),
        lock,
        require_password_reset: lock && reset,
        reason: reason.trim() || null,
        ticket: ticket.trim() || null,
      });
      onBusy(false);
      onDone(receipt);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
      onBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="flow-body">
      <div className="flow-main">
        <p className="who">
          <strong>{user.name}</strong> <span className="muted">@{user.username}{user.email ? ` · ${user.email}` : ""}</span>
          {user.locked && <span className="tag">locked</span>}{" "}
          <button type="button" className="link" onClick={onBack}>Someone else</button>
        </p>
        <fieldset>
          <legend>What to end</legend>
          {devices.length === 0 && <p className="muted">No active sessions: nothing is signed in on any device.</p>}
          {devices.map((d, i) => (
            <label key={d.key} data-device={d.label} className={`device ${choice === d.key ? "chosen" : ""}`}>
              <input ref={i === 0 ? first : undefined} type="radio" name="device" checked={choice === d.key} onChange={() => setChoice(d.key)} />
              <span>
                <strong>{d.label}</strong>
                <span className="muted"> {[d.os, d.apps.join(", ")].filter(Boolean).join(" · ")}</span>
                <br />
                <span className="muted">
                  Last seen {ago(d.last_seen_at, Date.now())}{d.place ? ` in ${d.place}` : ""} · {d.sessions.length === 1 ? "1 session" : `${d.sessions.length} sessions`}
                </span>
              </span>
            </label>
          ))}
          {devices.length > 0 && (
            <label className={`device ${choice === ALL ? "chosen" : ""}`}>
              <input type="radio" name="device" checked={choice === ALL} onChange={() => setChoice(ALL)} />
              <span>
                <strong>Every device</strong> <span className="muted">· {allSessions.length === 1 ? "1 session" : `${allSessions.length} sessions`}</span>
              </span>
            </label>
          )}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={lock} onChange={(e) => setLock(e.target.checked)} disabled={!!state.denied.lock_users} title={state.denied.lock_users ?? undefined} />
          Also lock the account: ends every session and blocks sign-in
        </label>
        <label className="check nested">
          <input type="checkbox" checked={lock && reset} onChange={(e) => setReset(e.target.checked)} disabled={!lock} />
          Require a new password at the next sign-in
        </label>
        {mobile && (
          <p className="warning" role="note">
            A mobile app is among these: work it has not synced yet is lost when its session ends.
          </p>
        )}
        <div className="pair">
          <label>
            Reason{state.reason_required ? " (required)" : ""}
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. Phone stolen, reported by phone" />
          </label>
          <label>
            Ticket
            <input value={ticket} onChange={(e) => setTicket(e.target.value)} placeholder="e.g. HD-1234" />
          </label>
        </div>
        {denied && <p className="error">{denied}</p>}
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons">
          <Dialog.Close asChild>
            <button type="button">Cancel</button>
          </Dialog.Close>
          <button type="submit" className="danger" disabled={!ready}>
            {busy ? "Ending…" : lock ? `Lock and end ${n}` : `End ${n}`}
          </button>
        </div>
      </div>
      <Review found={found} />
    </form>
  );
}

/** What to do after a real compromise, and what the sessions did. */
function Review({ found }: { found: UserDevices }) {
  const now = Date.now();
  return (
    <aside className="flow-side" aria-label="Review">
      <div className="guidance" role="note">
        <strong>If the password may be known</strong>
        <p>
          Ending sessions does not stop a new sign-in. Lock the account, require a password reset, then review what the
          sessions did below.
        </p>
      </div>
      <h3>Recent activity</h3>
      <ul className="compact">
        {found.recent_sessions.slice(0, 6).map((s) => (
          <li key={s.id}>
            {ago(s.last_seen_at, now)}: {s.device.model ?? deviceLabel(s)} in {placeLabel(s)}, {s.activity.requests} requests
            {s.activity.last_path ? `, last ${s.activity.last_path}` : ""}
            {s.status !== "active" ? ` (${s.status})` : ""}
          </li>
        ))}
        {found.recent_sessions.length === 0 && <li className="muted">No sessions.</li>}
      </ul>
      <h3>Recent sign-ins</h3>
      <ul className="compact">
        {found.recent_logins.slice(0, 6).map((l) => (
          <li key={l.id} className={l.success ? "" : "failed"}>
            {formatDateTime(l.at)}: {outcome(l)}
            {l.location.city || l.location.country_code ? ` from ${[l.location.city, l.location.country_code].filter(Boolean).join(", ")}` : ""}
          </li>
        ))}
        {found.recent_logins.length === 0 && <li className="muted">No sign-ins.</li>}
      </ul>
    </aside>
  );
}

function Receipt({ receipt: r, elapsed, onClose }: { receipt: ContainReceipt; elapsed: number; onClose: () => void }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = (format: "json" | "csv") =>
    api.exportReceipt(r, format).then(
      (x) => setSaved(x.path),
      (e) => setError(messageOf(e)),
    );
  const rejected = r.sessions.filter((s) => s.rejected).length;
  const summary =
    r.state === "pending"
      ? `Queued: "${r.description}" runs as soon as the server is reachable; the receipt is on the Actions screen.`
      : r.state === "failed"
        ? `The server refused it: ${r.error ?? "no reason given"}`
        : r.sessions.length === 0
          ? "Done, but the server ended no session: they had all ended already."
          : r.total_ms !== null
            ? `Done. All ${r.sessions.length} sessions read back as ended on the server, so their tokens are rejected: ${r.total_ms} ms after you confirmed.`
            : `Done, but only ${rejected} of ${r.sessions.length} sessions read back as ended on the server.`;
  return (
    <div className="receipt" data-state={r.state} data-all-rejected={r.total_ms !== null} data-elapsed-ms={elapsed}>
      <p role="status" className={r.state === "sent" && r.total_ms !== null ? "ok" : "warning"}>{summary}</p>
      {r.state === "sent" && r.error && <p className="warning">{r.error}.</p>}
      <p className="muted">
        {r.username} · {r.description}
        {r.locked ? " · account locked" : ""}
        {r.password_reset_required ? " · new password required" : ""} · receipt {r.id}
        {r.audit_action ? ` · in the audit trail as ${r.audit_action}` : ""}
      </p>
      {r.sessions.length > 0 && (
        <table className="plain">
          <thead>
            <tr>
              <th>Session</th>
              <th>Device</th>
              <th>Ended by the server</th>
              <th>Checked</th>
            </tr>
          </thead>
          <tbody>
            {r.sessions.map((s) => (
              <tr key={s.session_id}>
                <td className="mono">{s.session_id}</td>
                <td>{s.device || "—"}</td>
                <td>{formatTime(s.revoked_at)}</td>
                <td className={s.rejected ? "ok" : "error"}>{s.rejected ? `Rejected (${formatTime(s.checked_at)})` : (s.problem ?? "Not checked")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {saved && <p className="muted" role="status">Saved to {saved}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <div className="buttons">
        <button type="button" onClick={() => save("json")}>Export JSON</button>
        <button type="button" onClick={() => save("csv")}>Export CSV</button>
        <button type="button" className="primary" onClick={onClose} autoFocus>Done</button>
      </div>
    </div>
  );
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3 });

function formatTime(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : clock.format(d);
}
