// "Select users": search the organisation, tick users, Apply. The sessions list then shows
// only theirs.
import { useEffect, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import type { AdminUser } from "../bindings/AdminUser";
import { api, messageOf } from "../api";
import type { Person } from "./UserActions";

type Props = { chosen: Person[]; onApply: (users: Person[]) => void; onClose: () => void };

export function SelectUsers({ chosen, onApply, onClose }: Props) {
  const [q, setQ] = useState("");
  const [found, setFound] = useState<AdminUser[]>([]);
  const [total, setTotal] = useState(0);
  const [picked, setPicked] = useState<Map<string, Person>>(() => new Map(chosen.map((u) => [u.id, u])));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => {
      api.users({ q: q.trim() || null, limit: 100 }).then(
        (r) => {
          setFound(r.items);
          setTotal(Number(r.total));
        },
        (e) => setError(messageOf(e)),
      );
    }, 150);
    return () => clearTimeout(timer);
  }, [q]);
  const toggle = (u: Person) => {
    const next = new Map(picked);
    if (next.has(u.id)) next.delete(u.id);
    else next.set(u.id, { id: u.id, username: u.username, name: u.name });
    setPicked(next);
  };
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog wide" aria-describedby="select-users-help">
          <Dialog.Title>Select users</Dialog.Title>
          <p id="select-users-help" className="muted">
            Only the sessions of the users you tick are listed. {picked.size} selected.
          </p>
          <input type="search" placeholder="Name, username or email" aria-label="Find users" value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
          {error && <p className="error" role="alert">{error}</p>}
          <ul className="pick" aria-label="Users">
            {found.map((u) => (
              <li key={u.id}>
                <label className="check">
                  <input type="checkbox" checked={picked.has(u.id)} onChange={() => toggle(u)} />
                  {u.name} <span className="muted">@{u.username} · {u.active_sessions} active</span>
                </label>
              </li>
            ))}
            {total > found.length && <li className="muted">{total - found.length} more: narrow the search.</li>}
          </ul>
          <div className="buttons">
            <button type="button" onClick={() => setPicked(new Map())} disabled={picked.size === 0}>Clear</button>
            <Dialog.Close asChild>
              <button type="button">Cancel</button>
            </Dialog.Close>
            <button type="button" className="primary" onClick={() => onApply([...picked.values()])}>
              Apply
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
