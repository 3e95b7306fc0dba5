// Alerts: the switch for OS notifications and the watchlist. A notification is raised when
// the live feed brings a new session with a high-risk flag (impossible travel, a new country,
// sessions in several countries) or a new session of a watched user; clicking it opens the
// session's details.
import { useEffect, useState } from "react";
import type { AdminUser } from "../bindings/AdminUser";
import type { AlertSettings } from "../bindings/AlertSettings";
import { api, messageOf } from "../api";
import { formatDateTime } from "../format";
import { ListTable } from "../components/ListTable";

export function Alerts() {
  const [settings, setSettings] = useState<AlertSettings | null>(null);
  const [q, setQ] = useState("");
  const [found, setFound] = useState<AdminUser[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError(messageOf(e));
  useEffect(() => {
    api.alertSettings().then(setSettings, fail);
  }, []);
  useEffect(() => {
    if (q.trim() === "") {
      setFound([]);
      return;
    }
    const timer = setTimeout(() => api.users({ q: q.trim(), limit: 8 }).then((r) => setFound(r.items), fail), 150);
    return () => clearTimeout(timer);
  }, [q]);
  const watching = new Set(settings?.watchlist.map((w) => w.id) ?? []);
  const watch = (id: string, on: boolean) => api.watchUser(id, on).then(setSettings, fail);
  if (!settings) return <p className="muted empty">{error ?? "Loading…"}</p>;
  return (
    <div className="screen alerts">
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={settings.enabled} onChange={(e) => api.setAlerts(e.target.checked).then(setSettings, fail)} />
          Notify me of new high-risk sign-ins and of new sessions of the users I watch
        </label>
      </div>
      <p className="notice muted">
        High risk: impossible travel, a first sign-in from a new country, or active sessions in several countries. A new device alone
        is not, as people change phones. Clicking a notification opens the session.
      </p>
      {error && <p className="notice error" role="alert">{error}</p>}
      <div className="toolbar">
        <input type="search" placeholder="Find someone to watch" aria-label="Find someone to watch" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {found.length > 0 && (
        <ul className="found" aria-label="Matching users">
          {found.map((u) => (
            <li key={u.id}>
              <span>
                <strong>{u.name}</strong> <span className="muted">@{u.username}</span>
              </span>
              <button onClick={() => watch(u.id, !watching.has(u.id))}>{watching.has(u.id) ? "Stop watching" : "Watch"}</button>
            </li>
          ))}
        </ul>
      )}
      <h2 className="section">Watched users ({settings.watchlist.length})</h2>
      <ListTable
        label="Watched users"
        rows={settings.watchlist}
        rowKey={(w) => w.id}
        selected={selected}
        onSelect={setSelected}
        empty="Nobody is watched. Find someone above to be told when they sign in anywhere."
        columns={[
          { title: "Name", cell: (w) => w.name || "—" },
          { title: "Username", cell: (w) => w.username },
          { title: "Watched since", cell: (w) => formatDateTime(new Date(w.added_at).toISOString()) },
          { title: "", width: "170px", className: "actions", cell: (w) => <button onClick={() => watch(w.id, false)}>Stop watching</button> },
        ]}
      />
    </div>
  );
}
