// The audit trail: every change, newest first, the server's check of the hash chain, and a
// CSV export of what the filter shows.
import { useState } from "react";
import type { AuditEvent } from "../bindings/AuditEvent";
import type { AuditVerification } from "../bindings/AuditVerification";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api, messageOf } from "../api";
import { usePage } from "../usePage";
import { count, formatDateTime } from "../format";
import { ListTable, Pager } from "../components/ListTable";

const PAGE = 200;

const ACTIONS = [
  "session.created",
  "session.ended",
  "user.created",
  "user.locked",
  "user.locked_temporarily",
  "user.unlocked",
  "user.password_changed",
  "policy.updated",
  "api_key.created",
  "api_key.revoked",
  "org.created",
];

export function Audit({ state }: { state: ConsoleState }) {
  const [q, setQ] = useState("");
  const [action, setAction] = useState("");
  const [names, setNames] = useState<Record<string, string>>({});
  const who = (id: string | null) => (id ? (names[id] ? `@${names[id]}` : id) : "—");
  const [selected, setSelected] = useState<number | null>(null);
  const [check, setCheck] = useState<AuditVerification | null>(null);
  const [busy, setBusy] = useState<"verify" | "export" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const filter = { q: q.trim() || null, action: action || null };
  const { rows, total, offset, setOffset, error, setError } = usePage<AuditEvent>(
    JSON.stringify(filter),
    async (offset, limit) => {
      const r = await api.audit({ ...filter, offset, limit });
      setNames(r.names as Record<string, string>);
      return r;
    },
    state.sync.synced_at,
    PAGE,
  );

  const verify = async () => {
    setBusy("verify");
    setCheck(null);
    try {
      setCheck(await api.verifyAudit());
      setError(null);
    } catch (e) {
      setError(`The chain check needs the server: ${messageOf(e)}`);
    } finally {
      setBusy(null);
    }
  };
  const exportCsv = async () => {
    setBusy("export");
    try {
      const out = await api.exportAudit({ q: q.trim() || null, action: action || null });
      setNotice(`Exported ${count(out.rows)} events to ${out.path}`);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  const event = selected !== null ? rows[selected] : undefined;

  return (
    <div className="screen">
      <div className="toolbar" role="search">
        <input type="search" placeholder="Search actor, target, reason, ticket…" aria-label="Search audit trail" value={q} onChange={(e) => setQ(e.target.value)} />
        <label>
          Action{" "}
          <select value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">Any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </label>
        <button onClick={verify} disabled={busy !== null}>{busy === "verify" ? "Checking…" : "Check the chain"}</button>
        <button onClick={exportCsv} disabled={busy !== null}>{busy === "export" ? "Exporting…" : "Export CSV"}</button>
        <Pager offset={offset} size={PAGE} total={total} onPage={setOffset} />
      </div>
      {check && (
        <div className={check.ok ? "notice ok" : "notice bad"} role="status">
          {check.ok
            ? `The chain holds: ${count(check.count)} events, each linked to the one before. Head ${check.head?.slice(0, 16) ?? "—"}…`
            : `The chain is broken at event ${check.first_bad ?? "?"}: from there on the trail cannot be trusted.`}
        </div>
      )}
      {notice && <div className="notice" role="status">{notice}</div>}
      {error && <div className="error" role="alert">{error}</div>}
      <div className="split">
        <ListTable
          label="Audit trail"
          rows={rows}
          rowKey={(e) => e.id}
          selected={selected}
          onSelect={setSelected}
          empty="No event matches."
          columns={[
            { title: "#", cell: (e) => e.seq, width: "70px", className: "num" },
            { title: "When", cell: (e) => formatDateTime(e.at), width: "190px" },
            { title: "Action", cell: (e) => e.action },
            { title: "Actor", cell: (e) => who(e.actor) },
            { title: "Target", cell: (e) => who(e.target) },
            { title: "Reason", cell: (e) => e.reason ?? "—" },
            { title: "Ticket", cell: (e) => e.ticket ?? "—", width: "90px" },
          ]}
        />
        {event && (
          <aside className="details" aria-label="Event details">
            <header>
              <h2>{event.action}</h2>
              <button className="icon" onClick={() => setSelected(null)} aria-label="Close details">×</button>
            </header>
            <dl>
              <dt>Seq</dt><dd>{event.seq}</dd>
              <dt>When</dt><dd>{formatDateTime(event.at)}</dd>
              <dt>Actor</dt><dd>{who(event.actor)} <span className="muted mono">{event.actor}</span></dd>
              <dt>Target</dt><dd>{who(event.target)} {event.target && <span className="muted mono">{event.target}</span>}</dd>
              <dt>Reason</dt><dd>{event.reason ?? "—"}</dd>
              <dt>Ticket</dt><dd>{event.ticket ?? "—"}</dd>
              <dt>Hash</dt><dd className="mono">{event.hash}</dd>
              <dt>Previous</dt><dd className="mono">{event.prev_hash}</dd>
            </dl>
            <pre className="data">{JSON.stringify(event.data, null, 2)}</pre>
          </aside>
        )}
      </div>
    </div>
  );
}
