// Login history: every sign-in attempt, newest first, with why a failure failed.
import { useState } from "react";
import type { LoginAttempt } from "../bindings/LoginAttempt";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api } from "../api";
import { usePage } from "../usePage";
import { formatDateTime, outcome } from "../format";
import { ListTable, Pager } from "../components/ListTable";

const PAGE = 200;

function device(l: LoginAttempt): string {
  const d = l.device;
  const b = [d.browser, d.browser_version].filter(Boolean).join(" ");
  const os = [d.os, d.os_version].filter(Boolean).join(" ");
  return [b, os].filter(Boolean).join(" on ") || d.model || "Unknown device";
}

export function Logins({ state }: { state: ConsoleState }) {
  const [q, setQ] = useState("");
  const [failuresOnly, setFailuresOnly] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const filter = { q: q.trim() || null, failures_only: failuresOnly };
  const { rows, total, offset, setOffset, error } = usePage<LoginAttempt>(
    JSON.stringify(filter),
    (offset, limit) => api.logins({ ...filter, offset, limit }),
    state.sync.synced_at,
    PAGE,
  );

  return (
    <div className="screen">
      <div className="toolbar" role="search">
        <input type="search" placeholder="Search user, IP, place, device, app…" aria-label="Search login history" value={q} onChange={(e) => setQ(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={failuresOnly} onChange={(e) => setFailuresOnly(e.target.checked)} /> Failures only
        </label>
        <Pager offset={offset} size={PAGE} total={total} onPage={setOffset} />
      </div>
      {error && <div className="error" role="alert">{error}</div>}
      <ListTable
        label="Login history"
        rows={rows}
        rowKey={(l) => l.id}
        selected={selected}
        onSelect={setSelected}
        rowClass={(l) => (l.success ? "" : "failed")}
        empty="No sign-in attempt matches."
        columns={[
          { title: "When", cell: (l) => formatDateTime(l.at), width: "190px" },
          { title: "User", cell: (l) => l.username },
          { title: "Result", cell: (l) => outcome(l) },
          { title: "IP", cell: (l) => l.ip ?? "—" },
          { title: "Place", cell: (l) => [l.location.city, l.location.country_code].filter(Boolean).join(", ") || "—" },
          { title: "Device", cell: device },
          { title: "App", cell: (l) => l.app.name ?? "—" },
        ]}
      />
    </div>
  );
}
