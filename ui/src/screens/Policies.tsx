// The session policy: limit and what happens at it, idle and absolute timeouts, remember-me,
// reasons, lockout. Every change shows what it would end before it can be saved.
import { useEffect, useState } from "react";
import type { Policy } from "../bindings/Policy";
import type { PolicyPreview } from "../bindings/PolicyPreview";
import type { OnLimit } from "../bindings/OnLimit";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api, messageOf } from "../api";
import { Confirm } from "../components/Confirm";
import { count } from "../format";

type Unit = "minutes" | "hours" | "days";
const SECONDS: Record<Unit, number> = { minutes: 60, hours: 3600, days: 86400 };

/** 7200 → 2 hours: the largest unit that divides it evenly. */
export function split(s: number): { value: number; unit: Unit } {
  if (s % SECONDS.days === 0) return { value: s / SECONDS.days, unit: "days" };
  if (s % SECONDS.hours === 0) return { value: s / SECONDS.hours, unit: "hours" };
  return { value: Math.max(1, Math.round(s / 60)), unit: "minutes" };
}

/** What a preview means, in a sentence. */
export function effect(p: PolicyPreview): string {
  const now = p.would_end_idle + p.would_end_absolute;
  const parts = [
    now === 0
      ? "No active session ends."
      : `${count(now)} of ${count(p.active)} active sessions end at once` +
        ` (${count(p.would_end_idle)} idle too long, ${count(p.would_end_absolute)} past the absolute limit).`,
  ];
  if (p.users_over_limit > 0)
    parts.push(
      `${count(p.users_over_limit)} users have more sessions than the limit (${count(p.sessions_over_limit)} extra); they stay until those users sign in again.`,
    );
  return parts.join(" ");
}

function Duration({
  label,
  seconds,
  onChange,
  allowOff = true,
}: {
  label: string;
  seconds: number | null;
  onChange: (s: number | null) => void;
  allowOff?: boolean;
}) {
  const on = seconds !== null;
  const { value, unit } = split(seconds ?? 3600);
  const id = label.toLowerCase().replace(/\W+/g, "-");
  return (
    <fieldset className="duration">
      <legend>{label}</legend>
      {allowOff && (
        <label className="check">
          <input type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked ? 8 * 3600 : null)} /> On
        </label>
      )}
      <input
        type="number"
        min={1}
        aria-label={`${label} value`}
        id={id}
        disabled={!on}
        value={value}
        onChange={(e) => onChange(Math.max(1, Number(e.target.value) || 1) * SECONDS[unit])}
      />
      <select aria-label={`${label} unit`} disabled={!on} value={unit} onChange={(e) => onChange(value * SECONDS[e.target.value as Unit])}>
        <option value="minutes">minutes</option>
        <option value="hours">hours</option>
        <option value="days">days</option>
      </select>
    </fieldset>
  );
}

export function Policies({ state, onChanged }: { state: ConsoleState; onChanged: () => void }) {
  const [saved, setSaved] = useState<Policy | null>(null);
  const [draft, setDraft] = useState<Policy | null>(null);
  const [preview, setPreview] = useState<PolicyPreview | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const denied = state.denied.edit_policy;

  useEffect(() => {
    api.policy().then((p) => {
      setSaved(p);
      setDraft((d) => d ?? p);
    }, (e) => setError(messageOf(e)));
  }, [state.sync.synced_at]);

  const changed = !!draft && !!saved && JSON.stringify(draft) !== JSON.stringify(saved);
  useEffect(() => {
    if (!draft || !changed) {
      setPreview(null);
      return;
    }
    const timer = setTimeout(() => {
      api.previewPolicy(draft).then(
        (p) => {
          setPreview(p);
          setError(null);
        },
        (e) => setError(`The preview needs the server: ${messageOf(e)}`),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [draft, changed]);

  if (!draft) return <div className="screen"><p className="muted pad">{error ?? "The policy arrives with the first sync…"}</p></div>;
  const set = (p: Partial<Policy>) => setDraft({ ...draft, ...p });
  const save = async () => {
    try {
      const p = await api.savePolicy(draft);
      setSaved(p);
      setDraft(p);
      setConfirm(false);
      setNotice("Policy saved. It applies to new and existing sessions from now on.");
      onChanged();
    } catch (e) {
      setConfirm(false);
      setError(messageOf(e));
    }
  };

  return (
    <div className="screen policies">
      <form className="policy" onSubmit={(e) => e.preventDefault()}>
        <fieldset disabled={!!denied} title={denied ?? undefined}>
          <fieldset>
            <legend>Sessions per user</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.max_sessions !== null}
                onChange={(e) => set({ max_sessions: e.target.checked ? 3 : null })}
              />{" "}
              Limit how many sessions a user may have at once
            </label>
            <label>
              Most sessions{" "}
              <input
                type="number"
                min={1}
                disabled={draft.max_sessions === null}
                value={draft.max_sessions ?? 3}
                onChange={(e) => set({ max_sessions: Math.max(1, Number(e.target.value) || 1) })}
              />
            </label>
            <label>
              When a user at the limit signs in{" "}
              <select value={draft.on_limit} disabled={draft.max_sessions === null} onChange={(e) => set({ on_limit: e.target.value as OnLimit })}>
                <option value="ask">Ask them which sessions to close</option>
                <option value="evict_oldest">Close the oldest sessions</option>
                <option value="deny">Refuse the new sign-in</option>
              </select>
            </label>
          </fieldset>
          <Duration label="Idle timeout" seconds={draft.idle_timeout_s} onChange={(s) => set({ idle_timeout_s: s })} />
          <Duration label="Absolute timeout" seconds={draft.absolute_timeout_s} onChange={(s) => set({ absolute_timeout_s: s })} />
          <fieldset>
            <legend>Remember me</legend>
            <label className="check">
              <input type="checkbox" checked={draft.remember_me_allowed} onChange={(e) => set({ remember_me_allowed: e.target.checked })} /> Allow
              &ldquo;remember me&rdquo; at sign-in
            </label>
          </fieldset>
          {draft.remember_me_allowed && (
            <Duration
              label="Remembered sessions last"
              seconds={draft.remember_me_timeout_s}
              onChange={(s) => set({ remember_me_timeout_s: s })}
            />
          )}
          <fieldset>
            <legend>Admin actions</legend>
            <label className="check">
              <input type="checkbox" checked={draft.require_reason} onChange={(e) => set({ require_reason: e.target.checked })} /> Require a
              reason for every action
            </label>
          </fieldset>
          <fieldset>
            <legend>Lockout after failed sign-ins</legend>
            <label>
              Failed attempts{" "}
              <input type="number" min={0} value={draft.lockout_threshold} onChange={(e) => set({ lockout_threshold: Math.max(0, Number(e.target.value) || 0) })} />
            </label>
            <Duration label="Within" seconds={draft.lockout_window_s} allowOff={false} onChange={(s) => s && set({ lockout_window_s: s })} />
            <Duration label="Locked for" seconds={draft.lockout_duration_s} allowOff={false} onChange={(s) => s && set({ lockout_duration_s: s })} />
          </fieldset>
        </fieldset>
      </form>
      <aside className="preview" aria-label="Effect of the changes">
        <h2>Effect</h2>
        {denied && <p className="muted">{denied}</p>}
        {!changed && <p className="muted">No changes yet. Change a setting to see what it would do.</p>}
        {changed && !preview && !error && <p className="muted">Working out the effect…</p>}
        {changed && preview && <p role="status">{effect(preview)}</p>}
        {notice && <p className="notice ok" role="status">{notice}</p>}
        {error && <p className="error" role="alert">{error}</p>}
        <div className="buttons">
          <button onClick={() => setDraft(saved)} disabled={!changed}>Discard</button>
          <button className="primary" disabled={!changed || !preview || !!denied} onClick={() => setConfirm(true)} title={denied ?? undefined}>
            Save…
          </button>
        </div>
      </aside>
      {confirm && preview && (
        <Confirm
          title="Save the new policy?"
          confirmLabel="Save policy"
          danger={preview.would_end_idle + preview.would_end_absolute > 0}
          onConfirm={save}
          onClose={() => setConfirm(false)}
        >
          <p>{effect(preview)}</p>
        </Confirm>
      )}
    </div>
  );
}
