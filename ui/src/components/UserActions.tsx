// The confirmations of the actions on a whole account or the whole team. Each lists or
// counts exactly what will end before anything is sent.
import { useEffect, useState } from "react";
import type { Session } from "../bindings/Session";
import type { ActionView } from "../bindings/ActionView";
import type { EndAllPreview } from "../bindings/EndAllPreview";
import { api, emptyQuery, messageOf } from "../api";
import { ago, count, deviceLabel, placeLabel } from "../format";
import { ConfirmAction } from "./ConfirmAction";

export type Person = { id: string; username: string; name: string };

type Common = {
  reasonRequired: boolean;
  onDone: (a: ActionView) => void;
  onClose: () => void;
};

const who = (p: Person) => p.name || p.username;

/** The user's active sessions, as the dialogs list them. */
function useActiveSessions(userId: string) {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .sessions({ ...emptyQuery(), user_id: [userId], status: "active", limit: 50 }, 0)
      .then((r) => {
        setSessions(r.items);
        setTotal(Number(r.total));
      }, (e) => setError(messageOf(e)));
  }, [userId]);
  return { sessions, total, error };
}

function SessionList({ sessions, total, error }: ReturnType<typeof useActiveSessions>) {
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!sessions) return <p className="muted">Counting their sessions…</p>;
  if (total === 0) return <p>They have no active sessions.</p>;
  return (
    <>
      <p>{total === 1 ? "This session ends:" : `These ${count(total)} sessions end:`}</p>
      <ul className="ending" aria-label="Sessions that end">
        {sessions.map((s) => (
          <li key={s.id}>
            <strong>{deviceLabel(s)}</strong>
            {s.app.name ? ` · ${s.app.name}` : ""} · {placeLabel(s)} · active {ago(s.last_seen_at, Date.now())}
          </li>
        ))}
        {total > sessions.length && <li className="muted">and {count(total - sessions.length)} more</li>}
      </ul>
    </>
  );
}

export function LogOutEverywhereDialog({ user, reasonRequired, onDone, onClose }: Common & { user: Person }) {
  const list = useActiveSessions(user.id);
  return (
    <ConfirmAction
      title={`Log ${who(user)} out from all devices?`}
      confirmLabel="Log out everywhere"
      busyLabel="Logging out…"
      reasonRequired={reasonRequired}
      ready={list.sessions !== null}
      mobile={list.sessions?.some((s) => s.kind === "mobile")}
      onClose={onClose}
      onConfirm={async (reason, ticket) =>
        onDone(await api.act({ kind: "end_user_sessions", user_id: user.id, session_ids: null, reason: reason || null, ticket: ticket || null }))
      }
    >
      <SessionList {...list} />
      <p className="muted">They can sign in again; lock the account to stop that.</p>
    </ConfirmAction>
  );
}

export function LockDialog({ user, reasonRequired, onDone, onClose }: Common & { user: Person }) {
  const list = useActiveSessions(user.id);
  const [reset, setReset] = useState(true);
  return (
    <ConfirmAction
      title={`Lock ${who(user)}'s account?`}
      confirmLabel="Lock account"
      busyLabel="Locking…"
      reasonRequired={reasonRequired}
      ready={list.sessions !== null}
      mobile={list.sessions?.some((s) => s.kind === "mobile")}
      extra={
        <label className="check">
          <input type="checkbox" checked={reset} onChange={(e) => setReset(e.target.checked)} />
          Require a new password at their next sign-in
        </label>
      }
      onClose={onClose}
      onConfirm={async (reason, ticket) =>
        onDone(
          await api.act({
            kind: "lock",
            user_id: user.id,
            reason: reason || null,
            ticket: ticket || null,
            require_password_reset: reset,
          }),
        )
      }
    >
      <p>
        <strong>{who(user)}</strong> (@{user.username}) cannot sign in until someone unlocks the account.
      </p>
      <SessionList {...list} />
    </ConfirmAction>
  );
}

export function UnlockDialog({ user, reasonRequired, onDone, onClose }: Common & { user: Person }) {
  return (
    <ConfirmAction
      title={`Unlock ${who(user)}'s account?`}
      confirmLabel="Unlock"
      busyLabel="Unlocking…"
      danger={false}
      withTicket={false}
      reasonRequired={reasonRequired}
      onClose={onClose}
      onConfirm={async (reason) => onDone(await api.act({ kind: "unlock", user_id: user.id, reason: reason || null }))}
    >
      <p>
        <strong>{who(user)}</strong> (@{user.username}) can sign in again. Sessions the lock ended stay ended.
      </p>
    </ConfirmAction>
  );
}

export function EndAllDialog({ reasonRequired, onDone, onClose }: Common) {
  const [preview, setPreview] = useState<EndAllPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.endAllPreview().then(setPreview, (e) => setError(messageOf(e)));
  }, []);
  return (
    <ConfirmAction
      title="Sign out all team sessions?"
      confirmLabel="Sign out everyone"
      busyLabel="Signing out…"
      reasonRequired={reasonRequired}
      ready={preview !== null}
      mobile
      onClose={onClose}
      onConfirm={async (reason, ticket) => onDone(await api.act({ kind: "end_all", reason: reason || null, ticket: ticket || null }))}
    >
      {error && <p className="error" role="alert">{error}</p>}
      {!preview && !error && <p className="muted">Counting sessions…</p>}
      {preview && (
        <p>
          <strong>{count(preview.will_end)}</strong> active {preview.will_end === 1 ? "session" : "sessions"} of
          everyone in the organisation will end. Yours, in this console, stays signed in.
        </p>
      )}
    </ConfirmAction>
  );
}
