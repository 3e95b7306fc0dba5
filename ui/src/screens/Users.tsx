// The Users screen: everyone in the organisation with their active sessions, last activity
// and lock; from a selected user, their sessions, logging them out everywhere, lock, unlock.
import { useState } from "react";
import type { AdminUser } from "../bindings/AdminUser";
import type { ConsoleState } from "../bindings/ConsoleState";
import type { Role } from "../bindings/Role";
import type { ActionView } from "../bindings/ActionView";
import { api, resultText } from "../api";
import { usePage } from "../usePage";
import { ago } from "../format";
import { ListTable, Pager } from "../components/ListTable";
import { LockDialog, LogOutEverywhereDialog, UnlockDialog } from "../components/UserActions";

const PAGE = 200;

type Props = {
  state: ConsoleState;
  onChanged: () => void;
  /** Opens the Sessions screen filtered to this user. */
  onShowSessions: (user: AdminUser) => void;
};

export function lockLabel(u: AdminUser, now: number): string {
  if (u.locked) return "Locked";
  if (u.locked_until && new Date(u.locked_until).getTime() > now) return "Locked for now (failed sign-ins)";
  return "—";
}

export function Users({ state, onChanged, onShowSessions }: Props) {
  const [q, setQ] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [lockedOnly, setLockedOnly] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const [dialog, setDialog] = useState<"logout" | "lock" | "unlock" | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const filter = { q: q.trim() || null, role: role || null, locked_only: lockedOnly };
  const { rows, total, offset, setOffset, error } = usePage<AdminUser>(
    JSON.stringify(filter),
    (offset, limit) => api.users({ ...filter, offset, limit }),
    state.sync.synced_at,
    PAGE,
  );
  const now = Date.now();

  const user = selected !== null ? rows[selected] : undefined;
  const done = (a: ActionView) => {
    setDialog(null);
    setNotice(resultText(a));
    onChanged();
  };
  const endWhy = state.denied.end_sessions;
  const lockWhy = state.denied.lock_users;

  return (
    <div className="screen">
      <div className="toolbar" role="search">
        <input type="search" placeholder="Search name, username, email…" aria-label="Search users" value={q} onChange={(e) => setQ(e.target.value)} />
        <label>
          Role{" "}
          <select value={role} onChange={(e) => setRole(e.target.value as Role | "")}>
            <option value="">Any</option>
            <option value="owner">Owner</option>
            <option value="admin">Admin</option>
            <option value="helpdesk">Help desk</option>
            <option value="auditor">Auditor</option>
            <option value="member">Member</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={lockedOnly} onChange={(e) => setLockedOnly(e.target.checked)} /> Locked only
        </label>
        <Pager offset={offset} size={PAGE} total={total} onPage={setOffset} />
      </div>
      <div className="toolbar actions" aria-label="Actions on the selected user">
        <span className="muted">{user ? `${user.name} (@${user.username})` : "Select a user"}</span>
        <button disabled={!user} onClick={() => user && onShowSessions(user)}>Show sessions</button>
        <button disabled={!user || !!endWhy || user.active_sessions === 0} title={endWhy ?? undefined} onClick={() => setDialog("logout")}>
          Log out from all devices
        </button>
        {user?.locked ? (
          <button disabled={!!lockWhy} title={lockWhy ?? undefined} onClick={() => setDialog("unlock")}>Unlock</button>
        ) : (
          <button className="danger" disabled={!user || !!lockWhy} title={lockWhy ?? undefined} onClick={() => setDialog("lock")}>
            Lock account
          </button>
        )}
      </div>
      {notice && <div className="notice" role="status">{notice}</div>}
      {error && <div className="error" role="alert">{error}</div>}
      <ListTable
        label="Users"
        rows={rows}
        rowKey={(u) => u.id}
        selected={selected}
        onSelect={setSelected}
        onOpen={(i) => rows[i] && onShowSessions(rows[i])}
        rowClass={(u) => (u.locked ? "locked" : "")}
        empty="No user matches."
        columns={[
          { title: "Name", cell: (u) => u.name },
          { title: "Username", cell: (u) => u.username },
          { title: "Email", cell: (u) => u.email ?? "—" },
          { title: "Role", cell: (u) => u.role, width: "90px" },
          { title: "Active sessions", cell: (u) => u.active_sessions, width: "120px", className: "num" },
          { title: "Last active", cell: (u) => ago(u.last_active_at, now), width: "120px" },
          { title: "Lock", cell: (u) => lockLabel(u, now), width: "150px" },
        ]}
      />
      {user && dialog === "logout" && (
        <LogOutEverywhereDialog user={user} reasonRequired={state.reason_required} onDone={done} onClose={() => setDialog(null)} />
      )}
      {user && dialog === "lock" && (
        <LockDialog user={user} reasonRequired={state.reason_required} onDone={done} onClose={() => setDialog(null)} />
      )}
      {user && dialog === "unlock" && (
        <UnlockDialog user={user} reasonRequired={state.reason_required} onDone={done} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
