// The confirmation every destructive action goes through: it says exactly what will end
// (the children), asks for a reason (required when the policy says so) and a ticket, warns
// when a mobile app is among the sessions, and shows the server's refusal without closing.
import { useState, type ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import { messageOf } from "../api";

type Props = {
  title: string;
  /** What will end, in words and lists. */
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  reasonRequired: boolean;
  /** Unlocking takes no ticket. */
  withTicket?: boolean;
  /** A mobile app's session is among those that end. */
  mobile?: boolean;
  /** Extra choices (e.g. "require a password reset"). */
  extra?: ReactNode;
  /** False while what will end is still being counted. */
  ready?: boolean;
  danger?: boolean;
  onConfirm: (reason: string, ticket: string) => Promise<void>;
  onClose: () => void;
};

export function ConfirmAction(p: Props) {
  const [reason, setReason] = useState("");
  const [ticket, setTicket] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const missing = p.reasonRequired && reason.trim() === "";
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (missing || busy || p.ready === false) return;
    setBusy(true);
    setError(null);
    try {
      await p.onConfirm(reason.trim(), ticket.trim());
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog.Root open onOpenChange={(open) => !open && p.onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby="confirm-what">
          <Dialog.Title>{p.title}</Dialog.Title>
          <form onSubmit={submit}>
            <div id="confirm-what">{p.children}</div>
            {p.mobile && (
              <p className="warning" role="note">
                A mobile app is among these: work it has not synced yet is lost when its session ends.
              </p>
            )}
            {p.extra}
            <label>
              Reason{p.reasonRequired ? " (required)" : ""}
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required={p.reasonRequired} autoFocus />
            </label>
            {p.withTicket !== false && (
              <label>
                Ticket
                <input value={ticket} onChange={(e) => setTicket(e.target.value)} placeholder="e.g. HD-1234" />
              </label>
            )}
            {error && <p className="error" role="alert">{error}</p>}
            <div className="buttons">
              <Dialog.Close asChild>
                <button type="button">Cancel</button>
              </Dialog.Close>
              <button type="submit" className={p.danger === false ? "primary" : "danger"} disabled={missing || busy || p.ready === false}>
                {busy ? (p.busyLabel ?? "Working…") : p.confirmLabel}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
