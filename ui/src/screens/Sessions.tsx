// The sessions screen: quick search and status over a virtualised list, the details pane
// beside it, and the end-session confirmation.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Session } from "../bindings/Session";
import type { SessionQuery } from "../bindings/SessionQuery";
import type { StatusFilter } from "../bindings/StatusFilter";
import type { SessionKind } from "../bindings/SessionKind";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api, emptyQuery } from "../api";
import { count, formatDateTime } from "../format";
import { COLUMNS, SessionTable } from "../components/SessionTable";

/** With the details pane open, the columns it repeats make room for the others. */
const NARROW = COLUMNS.filter((c) => c.id !== "ip" && c.id !== "app");
import { SessionDetails } from "../components/SessionDetails";
import { EndSessionDialog } from "../components/EndSessionDialog";

/** Rows fetched per request; the table asks for blocks as it scrolls. */
export const BLOCK = 200;

type Props = { state: ConsoleState; onChanged: () => void };

export function Sessions({ state, onChanged }: Props) {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<StatusFilter>("active");
  const [kind, setKind] = useState<SessionKind | "">("");
  const [risk, setRisk] = useState("");
  const [country, setCountry] = useState("");
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const [open, setOpen] = useState<Session | null>(null);
  const [ending, setEnding] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const blocks = useRef(new Map<number, Session[]>());
  const pending = useRef(new Set<number>());
  const search = useRef<HTMLInputElement>(null);
  /** Bumped by each new query, so answers to an older one are dropped. */
  const generationRef = useRef(0);
  const now = Date.now();

  const query = useMemo<SessionQuery>(
    () => ({
      ...emptyQuery(),
      q: text.trim() || null,
      status,
      kind: kind || null,
      risk: risk || null,
      country: country.trim().length === 2 ? country.trim().toUpperCase() : null,
      limit: BLOCK,
    }),
    [text, status, kind, risk, country],
  );

  const load = useCallback(
    async (block: number, q: SessionQuery, generation: number) => {
      if (pending.current.has(block)) return;
      pending.current.add(block);
      try {
        const rows = await api.sessions(q, block * BLOCK);
        if (generationRef.current !== generation) return;
        blocks.current.set(block, rows.items);
        setTotal(Number(rows.total));
        setError(null);
        setVersion((v) => v + 1);
      } catch (e) {
        setError((e as { message?: string }).message ?? String(e));
      } finally {
        pending.current.delete(block);
      }
    },
    [],
  );

  // A new query starts over from its first block (after a short pause while typing).
  useEffect(() => {
    const generation = ++generationRef.current;
    const timer = setTimeout(() => {
      blocks.current.clear();
      pending.current.clear();
      setSelected(null);
      void load(0, query, generation);
    }, 150);
    return () => clearTimeout(timer);
  }, [query, load, state.sync.synced_at]);

  const rowAt = useCallback(
    (i: number) => blocks.current.get(Math.floor(i / BLOCK))?.[i % BLOCK],
    [version],
  );
  const onRange = useCallback(
    (start: number, end: number) => {
      for (let b = Math.floor(start / BLOCK); b <= Math.floor((end - 1) / BLOCK); b++) {
        if (!blocks.current.has(b)) void load(b, query, generationRef.current);
      }
    },
    [load, query],
  );

  // Ctrl/Cmd+F searches; Esc closes the details.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
        e.preventDefault();
        search.current?.focus();
        search.current?.select();
      } else if (e.key === "Escape" && open && !ending) {
        setOpen(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, ending]);

  // While the pane is open it follows the selection (arrow keys move through sessions).
  useEffect(() => {
    if (open && selected !== null) {
      const s = rowAt(selected);
      if (s && s.id !== open.id) setOpen(s);
    }
  }, [selected, open, rowAt]);

  const endDisabled = state.can_end_sessions ? undefined : "Your role cannot end sessions";
  const askEnd = (i: number) => {
    const s = rowAt(i);
    if (s && s.status === "active" && !endDisabled) setEnding(s);
  };

  return (
    <div className="sessions">
      <div className="toolbar" role="search">
        <input
          ref={search}
          type="search"
          placeholder="Search user, IP, city, device, app… (Ctrl+F)"
          aria-label="Search sessions"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="active">Active</option>
            <option value="ended">Ended</option>
            <option value="all">All</option>
          </select>
        </label>
        <label>
          Kind{" "}
          <select value={kind} onChange={(e) => setKind(e.target.value as SessionKind | "")}>
            <option value="">Any</option>
            <option value="browser">Browser</option>
            <option value="mobile">Mobile app</option>
            <option value="desktop">Desktop app</option>
            <option value="api">API</option>
            <option value="oauth">OAuth</option>
            <option value="service">Service</option>
          </select>
        </label>
        <label>
          Risk{" "}
          <select value={risk} onChange={(e) => setRisk(e.target.value)}>
            <option value="">Any</option>
            <option value="impossible_travel">Impossible travel</option>
            <option value="new_country">New country</option>
            <option value="new_device">New device</option>
            <option value="multi_country">Several countries</option>
            <option value="stale">Stale (over 30 days)</option>
          </select>
        </label>
        <label>
          Country{" "}
          <input
            className="country"
            value={country}
            onChange={(e) => setCountry(e.target.value)}
            maxLength={2}
            placeholder="DE"
            aria-label="Country code"
          />
        </label>
        <span className="count" aria-live="polite">{count(total)} {total === 1 ? "session" : "sessions"}</span>
      </div>
      {notice && <div className="notice" role="status">{notice}</div>}
      {error && <div className="error" role="alert">{error}</div>}
      <div className="split">
        <SessionTable
          total={total}
          rowAt={rowAt}
          onRange={onRange}
          selected={selected}
          onSelect={setSelected}
          onOpen={(i) => setOpen(rowAt(i) ?? null)}
          onEnd={askEnd}
          now={now}
          columns={open ? NARROW : COLUMNS}
        />
        {open && (
          <SessionDetails
            session={open}
            now={now}
            onClose={() => setOpen(null)}
            onEnd={() => setEnding(open)}
            endDisabled={endDisabled}
          />
        )}
      </div>
      {ending && (
        <EndSessionDialog
          session={ending}
          reasonRequired={state.reason_required}
          onClose={() => setEnding(null)}
          onConfirm={async (reason, ticket) => {
            const action = await api.endSession({
              session_id: ending.id,
              reason: reason || null,
              ticket: ticket || null,
            });
            setEnding(null);
            setOpen(null);
            setNotice(
              action.state === "sent"
                ? `Session ended at ${formatDateTime(action.ended_at)}; the audit trail records it with your reason.`
                : action.state === "pending"
                  ? "Queued: the session ends as soon as the server is reachable."
                  : `The server refused: ${action.error ?? "unknown error"}`,
            );
            onChanged();
          }}
        />
      )}
    </div>
  );
}
