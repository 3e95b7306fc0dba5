// The sessions filter bar: quick search, "Select users", status, kind, risk, country, app,
// the sign-in date range, sort, group by user, the column chooser and the team-wide action.
import { memo, type RefObject } from "react";
import type { SessionQuery } from "../bindings/SessionQuery";
import type { StatusFilter } from "../bindings/StatusFilter";
import type { SessionKind } from "../bindings/SessionKind";
import type { SessionSort } from "../bindings/SessionSort";
import type { TimeOfDay } from "../bindings/TimeOfDay";
import type { FilterOptions } from "../bindings/FilterOptions";
import { emptyQuery } from "../api";
import { count } from "../format";
import { COLUMNS, KINDS } from "./SessionTable";
import type { Person } from "./UserActions";

export type Filters = {
  text: string;
  users: Person[];
  status: StatusFilter;
  kind: SessionKind | "";
  risk: string;
  country: string;
  app: string;
  /** `YYYY-MM-DD` in the user's time zone, both days included. */
  from: string;
  to: string;
  /** `HH:MM` on the user's clock; both set, or the filter is off. */
  hourFrom: string;
  hourTo: string;
  sort: SessionSort;
};

export function emptyFilters(): Filters {
  return { text: "", users: [], status: "active", kind: "", risk: "", country: "", app: "", from: "", to: "", hourFrom: "", hourTo: "", sort: "login_at" };
}

/** Local midnight of a `YYYY-MM-DD` day, `days` later. */
function midnight(day: string, days = 0): string | null {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d + days).toISOString();
}

function minutes(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The time-of-day filter, on this computer's clock (its UTC offset today). */
export function toHours(f: Filters, now = new Date()): TimeOfDay | null {
  const from = minutes(f.hourFrom);
  const to = minutes(f.hourTo);
  if (from === null || to === null || from === to) return null;
  return { from_minute: from, to_minute: to, utc_offset_minutes: -now.getTimezoneOffset() };
}

export function toQuery(f: Filters): SessionQuery {
  const country = f.country.trim();
  return {
    ...emptyQuery(),
    q: f.text.trim() || null,
    user_id: f.users.map((u) => u.id),
    status: f.status,
    kind: f.kind || null,
    risk: f.risk || null,
    country: country.length === 2 ? country.toUpperCase() : null,
    app: f.app.trim() || null,
    login_from: f.from ? midnight(f.from) : null,
    login_to: f.to ? midnight(f.to, 1) : null,
    sort: f.sort,
    order: f.sort === "user" || f.sort === "country" ? "asc" : "desc",
  };
}

type Props = {
  filters: Filters;
  onChange: (f: Filters) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  onSelectUsers: () => void;
  grouped: boolean;
  onGrouped: (g: boolean) => void;
  visible: string[];
  onVisible: (ids: string[]) => void;
  total: number;
  endAll: { why: string | null; onClick: () => void };
  options: FilterOptions | null;
};

export const FilterBar = memo(function FilterBar({ filters: f, onChange, searchRef, onSelectUsers, grouped, onGrouped, visible, onVisible, total, endAll, options }: Props) {
  const set = (p: Partial<Filters>) => onChange({ ...f, ...p });
  const active =
    [f.kind, f.risk, f.country, f.app, f.from, f.to].filter(Boolean).length +
    (f.status !== "active" ? 1 : 0) +
    (toHours(f) ? 1 : 0);
  return (
    <div className="filterbar" role="search">
      <div className="toolbar">
        <input
          ref={searchRef}
          type="search"
          placeholder="Search user, IP, city, device, app… (Ctrl+F)"
          aria-label="Search sessions"
          value={f.text}
          onChange={(e) => set({ text: e.target.value })}
        />
        <button onClick={onSelectUsers} aria-haspopup="dialog">
          Select users{f.users.length > 0 ? ` (${f.users.length})` : ""}…
        </button>
        <span className="chips" aria-label="Selected users">
          {f.users.slice(0, 3).map((u) => (
            <span className="chip" key={u.id}>
              {u.name || u.username}
              <button className="icon" aria-label={`Remove ${u.username}`} onClick={() => set({ users: f.users.filter((x) => x.id !== u.id) })}>
                ×
              </button>
            </span>
          ))}
          {f.users.length > 3 && <span className="chip">+{f.users.length - 3}</span>}
        </span>
        <span className="count" aria-live="polite">
          {count(total)} {total === 1 ? "session" : "sessions"}
        </span>
        <label className="check">
          <input type="checkbox" checked={grouped} onChange={(e) => onGrouped(e.target.checked)} /> Group by user
        </label>
        <details className="menu">
          <summary>Columns</summary>
          <div className="menu-body" role="group" aria-label="Columns">
            {COLUMNS.map((c) => (
              <label className="check" key={c.id}>
                <input
                  type="checkbox"
                  checked={visible.includes(c.id)}
                  disabled={c.id === "user"}
                  onChange={(e) => onVisible(e.target.checked ? COLUMNS.map((x) => x.id).filter((id) => id === c.id || visible.includes(id)) : visible.filter((id) => id !== c.id))}
                />
                {c.title}
              </label>
            ))}
          </div>
        </details>
        <button className="danger" disabled={!!endAll.why} title={endAll.why ?? "Sign out every session of the team but yours"} onClick={endAll.onClick}>
          Sign out all…
        </button>
      </div>
      <div className="toolbar filters" aria-label={`Filters${active ? ` (${active} set)` : ""}`}>
        <label>
          Status{" "}
          <select value={f.status} onChange={(e) => set({ status: e.target.value as StatusFilter })}>
            <option value="active">Active</option>
            <option value="ended">Ended</option>
            <option value="all">All</option>
          </select>
        </label>
        <label>
          Kind{" "}
          <select value={f.kind} onChange={(e) => set({ kind: e.target.value as SessionKind | "" })}>
            <option value="">Any</option>
            {Object.entries(KINDS).map(([k, title]) => (
              <option key={k} value={k}>{title}</option>
            ))}
          </select>
        </label>
        <label>
          Risk{" "}
          <select value={f.risk} onChange={(e) => set({ risk: e.target.value })}>
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
            value={f.country}
            onChange={(e) => set({ country: e.target.value })}
            maxLength={2}
            placeholder="DE"
            aria-label="Country code"
            list="countries"
          />
          <datalist id="countries">
            {options?.countries.map((c) => <option key={c} value={c} />)}
          </datalist>
        </label>
        <label>
          App{" "}
          <select className="app-name" value={f.app} onChange={(e) => set({ app: e.target.value })} aria-label="App or client name">
            <option value="">Any</option>
            {options?.apps.map((a) => (
              <option key={a} value={a}>{a}</option>
            ))}
          </select>
        </label>
        <span className="range">
        <label>
          Signed in from{" "}
          <input type="date" value={f.from} max={f.to || undefined} onChange={(e) => set({ from: e.target.value })} aria-label="Signed in from" />
        </label>
        <label>
          to{" "}
          <input type="date" value={f.to} min={f.from || undefined} onChange={(e) => set({ to: e.target.value })} aria-label="Signed in to" />
        </label>
        </span>
        <span className="range">
        <label title="Sign-ins between two times of the day on this computer's clock; 22:00 to 06:00 is the night">
          Time of day{" "}
          <input type="time" value={f.hourFrom} onChange={(e) => set({ hourFrom: e.target.value })} aria-label="Signed in after (time of day)" />
        </label>
        <label>
          to{" "}
          <input type="time" value={f.hourTo} onChange={(e) => set({ hourTo: e.target.value })} aria-label="Signed in before (time of day)" />
        </label>
        </span>
        <label>
          Sort{" "}
          <select value={f.sort} onChange={(e) => set({ sort: e.target.value as SessionSort })}>
            <option value="login_at">Newest sign-in</option>
            <option value="last_seen_at">Last active</option>
            <option value="user">User</option>
            <option value="country">Country</option>
          </select>
        </label>
        {active > 0 && (
          <button onClick={() => onChange({ ...emptyFilters(), text: f.text, users: f.users })}>Clear filters</button>
        )}
      </div>
    </div>
  );
});
