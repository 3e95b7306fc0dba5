// A yes/no confirmation for changes that end no session (saving the policy, revoking an API
// key): a title, what will happen, Cancel and the action. Actions that end sessions use
// ConfirmAction, which also asks for a reason and a ticket.
import type { ReactNode } from "react";
import * as Dialog from "@radix-ui/react-dialog";

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
};

export function Confirm({ title, children, confirmLabel, danger, onConfirm, onClose }: Props) {
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby="confirm-what">
          <Dialog.Title>{title}</Dialog.Title>
          <div id="confirm-what">{children}</div>
          <div className="buttons">
            <Dialog.Close asChild>
              <button type="button">Cancel</button>
            </Dialog.Close>
            <button className={danger ? "danger" : "primary"} onClick={onConfirm} autoFocus>
              {confirmLabel}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
