// The confirmation before a session ends: it names exactly what will end, asks for a reason
// (required when the policy says so) and a ticket, and warns about mobile apps.
import { useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import type { Session } from "../bindings/Session";
import { deviceLabel, placeLabel } from "../format";

type Props = {
  session: Session;
  reasonRequired: boolean;
  onConfirm: (reason: string, ticket: string) => Promise<void>;
  onClose: () => void;
};

export function EndSessionDialog({ session: s, reasonRequired, onConfirm, onClose }: Props) {
  const [reason, setReason] = useState("");
  const [ticket, setTicket] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const missing = reasonRequired && reason.trim() === "";
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (missing || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim(), ticket.trim());
    } catch (err) {
      setError((err as { message?: string }).message ?? String(err));
      setBusy(false);
    }
  };
  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby="end-what">
          <Dialog.Title>End this session?</Dialog.Title>
          <form onSubmit={submit}>
            <p id="end-what">
              <strong>{s.user.name || s.user.username}</strong> will be signed out of{" "}
              <strong>{deviceLabel(s)}</strong> in {placeLabel(s)}
              {s.ip ? ` (${s.ip})` : ""}. Their other sessions stay signed in.
            </p>
            {s.kind === "mobile" && (
              <p className="warning" role="note">
                This is a mobile app: work it has not synced yet is lost when the session ends.
              </p>
            )}
            <label>
              Reason{reasonRequired ? " (required)" : ""}
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} required={reasonRequired} autoFocus />
            </label>
            <label>
              Ticket
              <input value={ticket} onChange={(e) => setTicket(e.target.value)} placeholder="e.g. HD-1234" />
            </label>
            {error && <p className="error" role="alert">{error}</p>}
            <div className="buttons">
              <Dialog.Close asChild>
                <button type="button">Cancel</button>
              </Dialog.Close>
              <button type="submit" className="danger" disabled={missing || busy}>
                {busy ? "Ending…" : "End session"}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
