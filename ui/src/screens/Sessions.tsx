// The sessions screen: the filter bar over a virtualised list (or the list grouped by user),
// the details pane beside it, and the confirmations of every action on sessions.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Session } from "../bindings/Session";
import type { SessionQuery } from "../bindings/SessionQuery";
import type { ConsoleState } from "../bindings/ConsoleState";
import type { ActionView } from "../bindings/ActionView";
import type { UserGroup } from "../bindings/UserGroup";
import { api, messageOf, resultText } from "../api";
import { count } from "../format";
import { COLUMNS, DEFAULT_COLUMNS, SessionTable } from "../components/SessionTable";
import { SessionDetails } from "../components/SessionDetails";
import { EndSessionDialog } from "../components/EndSessionDialog";
import { EndAllDialog, LockDialog, LogOutEverywhereDialog, type Person } from "../components/UserActions";
import { SelectUsers } from "../components/SelectUsers";
import { emptyFilters, FilterBar, toHours, toQuery, type Filters } from "../components/FilterBar";
import type { FilterOptions } from "../bindings/FilterOptions";
import type { TimeOfDay } from "../bindings/TimeOfDay";
import { ListTable } from "../components/ListTable";

/** Rows fetched per request; the table asks for blocks as it scrolls. */
export const BLOCK = 200;
/** Blocks kept on each side of the ones in view. */
const KEEP_BLOCKS = 2;
const COLUMNS_KEY = "sessiondesk.columns";

type Dialog =
  | { kind: "end"; session: Session }
  | { kind: "logout"; user: Person }
  | { kind: "lock"; user: Person }
  | { kind: "end_all" }
  | { kind: "select_users" };

type Props = {
  state: ConsoleState;
  onChanged: () => void;
  /** Set by "Show sessions" on the Users screen. */
  forUser?: Person | null;
  /** A session to open in the details pane (a clicked notification), then `onOpened`. */
  openId?: string | null;
  onOpened?: () => void;
  onClearUser?: () => void;
};

function savedColumns(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? "null");
    if (Array.isArray(v) && v.every((c) => typeof c === "string") && v.length > 0) return v;
  } catch {
    /* the default then */
  }
  return DEFAULT_COLUMNS;
}

export function Sessions({ state, onChanged, forUser, onClearUser, openId, onOpened }: Props) {
  const [filters, setFilters] = useState<Filters>(() => ({ ...emptyFilters(), users: forUser ? [forUser] : [] }));
  const [grouped, setGrouped] = useState(false);
  const [groups, setGroups] = useState<UserGroup[]>([]);
  const [visible, setVisible] = useState<string[]>(savedColumns);
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const [open, setOpen] = useState<Session | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const blocks = useRef(new Map<number, Session[]>());
  const pending = useRef(new Set<number>());
  const search = useRef<HTMLInputElement>(null);
  /** Bumped by each new query, so answers to an older one are dropped. */
  const generationRef = useRef(0);
  const now = Date.now();

  useEffect(() => {
    if (forUser) setFilters((f) => ({ ...f, users: [forUser] }));
  }, [forUser]);
  useEffect(() => {
    if (!openId) return;
    api.session(openId).then(
      (s) => {
        if (s) setOpen(s);
        else setNotice("That session is not in the offline copy yet; it shows up with the next sync.");
        onOpened?.();
      },
      (e) => {
        setError(messageOf(e));
        onOpened?.();
      },
    );
  }, [openId, onOpened]);
  useEffect(() => localStorage.setItem(COLUMNS_KEY, JSON.stringify(visible)), [visible]);

  const [options, setOptions] = useState<FilterOptions | null>(null);
  useEffect(() => {
    api.filterOptions().then(setOptions, () => setOptions(null));
  }, [state.sync.synced_at === null]);
  const query = useMemo<{ q: SessionQuery; hours: TimeOfDay | null }>(
    () => ({ q: { ...toQuery(filters), limit: BLOCK }, hours: toHours(filters) }),
    [filters],
  );

  const load = useCallback(async (block: number, query: { q: SessionQuery; hours: TimeOfDay | null }, generation: number) => {
    if (pending.current.has(block)) return;
    pending.current.add(block);
    try {
      const rows = await api.sessions(query.q, block * BLOCK, query.hours);
      if (generationRef.current !== generation) return;
      blocks.current.set(block, rows.items);
      setTotal(Number(rows.total));
      setError(null);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      pending.current.delete(block);
    }
  }, []);

  // A new query starts over from its first block (after a short pause while typing). The
  // live sync moving on reloads the blocks on screen in place: the rows stay where they are
  // and change when their new values arrive.
  const shown = useRef<{ query: typeof query; grouped: boolean } | null>(null);
  useEffect(() => {
    const same = shown.current?.query === query && shown.current?.grouped === grouped;
    shown.current = { query, grouped };
    const timer = setTimeout(
      () => {
        if (same) {
          const loaded = [...blocks.current.keys()];
          for (const b of loaded.length > 0 ? loaded : [0]) void load(b, query, generationRef.current);
        } else {
          const generation = ++generationRef.current;
          blocks.current.clear();
          pending.current.clear();
          void load(0, query, generation);
        }
        if (grouped) api.sessionsByUser(query.q, query.hours).then(setGroups, (e) => setError(messageOf(e)));
      },
      same ? 0 : 150,
    );
    return () => clearTimeout(timer);
  }, [query, load, grouped, state.sync.synced_at]);
  useEffect(() => setSelected(null), [query, grouped]);

  const rowAt = useCallback((i: number) => blocks.current.get(Math.floor(i / BLOCK))?.[i % BLOCK], [version]);
  const onRange = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(start / BLOCK);
      const last = Math.floor((end - 1) / BLOCK);
      for (let b = first; b <= last; b++) {
        if (!blocks.current.has(b)) void load(b, query, generationRef.current);
      }
      // Only the blocks around the view stay: scrolling through 100,000 rows must not keep
      // them all (the heap, and the garbage collector's pauses, would grow with it).
      for (const b of blocks.current.keys()) {
        if (b < first - KEEP_BLOCKS || b > last + KEEP_BLOCKS) blocks.current.delete(b);
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
      } else if (e.key === "Escape" && open && !dialog) {
        setOpen(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, dialog]);

  // While the pane is open it follows the selection (arrow keys move through sessions).
  useEffect(() => {
    if (open && selected !== null) {
      const s = rowAt(selected);
      if (s && s.id !== open.id) setOpen(s);
    }
  }, [selected, open, rowAt]);

  const endWhy = state.denied.end_sessions;
  const askEnd = (i: number) => {
    const s = rowAt(i);
    if (s && s.status === "active" && !endWhy) setDialog({ kind: "end", session: s });
  };
  const done = (a: ActionView) => {
    setDialog(null);
    setNotice(resultText(a));
    onChanged();
  };
  const paneOpen = open !== null;
  const columns = useMemo(() => COLUMNS.filter((c) => visible.includes(c.id) && !(paneOpen && c.wide)), [visible, paneOpen]);
  // Stable props: each block of rows that arrives while scrolling re-renders this screen,
  // and the filter bar (with its option lists) need not follow.
  const onFilters = useCallback(
    (f: Filters) => {
      setFilters(f);
      if (f.users.length === 0) onClearUser?.();
    },
    [onClearUser],
  );
  const onSelectUsers = useCallback(() => setDialog({ kind: "select_users" }), []);
  const endAllWhy = state.denied.end_all;
  const endAll = useMemo(() => ({ why: endAllWhy, onClick: () => setDialog({ kind: "end_all" }) }), [endAllWhy]);

  return (
    <div className="screen sessions">
      <FilterBar
        filters={filters}
        onChange={onFilters}
        searchRef={search}
        onSelectUsers={onSelectUsers}
        grouped={grouped}
        onGrouped={setGrouped}
        visible={visible}
        onVisible={setVisible}
        total={total}
        endAll={endAll}
        options={options}
      />
      {notice && (
        <div className="notice" role="status">
          {notice}
          <button className="icon" onClick={() => setNotice(null)} aria-label="Dismiss">×</button>
        </div>
      )}
      {error && <div className="error" role="alert">{error}</div>}
      <div className="split">
        {grouped ? (
          <ListTable
            label="Sessions by user"
            rows={groups}
            rowKey={(g) => g.user_id}
            empty="No session matches."
            onOpen={(i) => {
              const g = groups[i];
              if (!g) return;
              setFilters({ ...filters, users: [{ id: g.user_id, username: g.username, name: g.name }] });
              setGrouped(false);
            }}
            columns={[
              { title: "User", cell: (g) => g.name || g.username },
              { title: "Username", cell: (g) => g.username },
              { title: "Sessions", cell: (g) => count(g.sessions), className: "num", width: "110px" },
              { title: "Active", cell: (g) => count(g.active), className: "num", width: "110px" },
            ]}
          />
        ) : (
          <SessionTable
            total={total}
            rowAt={rowAt}
            onRange={onRange}
            selected={selected}
            onSelect={setSelected}
            onOpen={(i) => setOpen(rowAt(i) ?? null)}
            onEnd={askEnd}
            now={now}
            columns={columns}
          />
        )}
        {open && !grouped && (
          <SessionDetails
            session={open}
            now={now}
            onClose={() => setOpen(null)}
            onEnd={() => setDialog({ kind: "end", session: open })}
            onLogOutEverywhere={() => setDialog({ kind: "logout", user: open.user })}
            onLock={() => setDialog({ kind: "lock", user: open.user })}
            endDisabled={endWhy ?? undefined}
            lockDisabled={state.denied.lock_users ?? undefined}
          />
        )}
      </div>
      {dialog?.kind === "end" && (
        <EndSessionDialog
          session={dialog.session}
          reasonRequired={state.reason_required}
          onClose={() => setDialog(null)}
          onConfirm={async (reason, ticket) => {
            const action = await api.act({
              kind: "end_session",
              session_id: dialog.session.id,
              reason: reason || null,
              ticket: ticket || null,
            });
            setOpen(null);
            done(action);
          }}
        />
      )}
      {dialog?.kind === "logout" && (
        <LogOutEverywhereDialog user={dialog.user} reasonRequired={state.reason_required} onDone={done} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "lock" && (
        <LockDialog user={dialog.user} reasonRequired={state.reason_required} onDone={done} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "end_all" && <EndAllDialog reasonRequired={state.reason_required} onDone={done} onClose={() => setDialog(null)} />}
      {dialog?.kind === "select_users" && (
        <SelectUsers
          chosen={filters.users}
          onClose={() => setDialog(null)}
          onApply={(users) => {
            setFilters({ ...filters, users });
            setDialog(null);
          }}
        />
      )}
    </div>
  );
}
