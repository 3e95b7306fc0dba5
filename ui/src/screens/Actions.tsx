// The actions taken from this console, newest first: sent (with the server's receipt),
// waiting for the server, or refused and why.
import { useEffect, useState } from "react";
import type { ActionView } from "../bindings/ActionView";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api, messageOf } from "../api";
import { formatDateTime } from "../format";
import { ListTable } from "../components/ListTable";

const STATE = { pending: "Waiting for the server", sent: "Done", failed: "Refused" } as const;

export function Actions({ state }: { state: ConsoleState }) {
  const [rows, setRows] = useState<ActionView[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () => api.actions().then(setRows, (e) => setError(messageOf(e)));
    void load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, [state.sync.state]);
  return (
    <div className="screen">
      {error && <div className="error" role="alert">{error}</div>}
      <ListTable
        label="Queued actions"
        rows={rows}
        rowKey={(a) => a.id}
        rowClass={(a) => `action-${a.state}`}
        empty="No actions taken from this console yet."
        columns={[
          { title: "Asked", cell: (a) => formatDateTime(new Date(Number(a.created_at)).toISOString()), width: "190px" },
          { title: "Action", cell: (a) => a.description },
          { title: "State", cell: (a) => STATE[a.state], width: "190px" },
          {
            title: "Result",
            cell: (a) =>
              a.state === "sent"
                ? `${a.ended} ended${a.ended_at ? ` at ${formatDateTime(a.ended_at)}` : ""}`
                : a.state === "failed"
                  ? (a.error ?? "—")
                  : `${a.attempts} ${a.attempts === 1 ? "attempt" : "attempts"}`,
          },
          { title: "Receipt", cell: (a) => <span className="mono">{a.id}</span>, width: "250px" },
        ]}
      />
    </div>
  );
}
