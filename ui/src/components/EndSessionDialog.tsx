// Ending one session: names the user, device, place and IP, and that nothing else ends.
import type { Session } from "../bindings/Session";
import { deviceLabel, placeLabel } from "../format";
import { ConfirmAction } from "./ConfirmAction";

type Props = {
  session: Session;
  reasonRequired: boolean;
  onConfirm: (reason: string, ticket: string) => Promise<void>;
  onClose: () => void;
};

export function EndSessionDialog({ session: s, reasonRequired, onConfirm, onClose }: Props) {
  return (
    <ConfirmAction
      title="End this session?"
      confirmLabel="End session"
      busyLabel="Ending…"
      reasonRequired={reasonRequired}
      mobile={s.kind === "mobile"}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      <p>
        <strong>{s.user.name || s.user.username}</strong> will be signed out of{" "}
        <strong>{deviceLabel(s)}</strong> in {placeLabel(s)}
        {s.ip ? ` (${s.ip})` : ""}. Their other sessions stay signed in.
      </p>
    </ConfirmAction>
  );
}
