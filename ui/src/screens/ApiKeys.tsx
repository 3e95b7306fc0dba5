// API keys of the resource servers that introspect tokens: their use, a new key whose secret
// is shown once with a copy button, and revoking one.
import { useEffect, useRef, useState } from "react";
import * as Dialog from "@radix-ui/react-dialog";
import type { ApiKeyInfo } from "../bindings/ApiKeyInfo";
import type { NewKeyView } from "../bindings/NewKeyView";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api, messageOf } from "../api";
import { Confirm } from "../components/Confirm";
import { ago, count, formatDateTime } from "../format";
import { ListTable } from "../components/ListTable";

/** Copies `text`; falls back to the selection when the clipboard API is not offered. */
async function copy(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.select();
    return document.execCommand?.("copy") ?? false;
  }
}

function SecretDialog({ created, onClose }: { created: NewKeyView; onClose: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" aria-describedby="secret-once">
          <Dialog.Title>Key “{created.key.name}” created</Dialog.Title>
          <p id="secret-once">
            Copy the secret now and store it with the service. It is shown <strong>only this once</strong>: neither the server nor this
            console keeps it.
          </p>
          <div className="secret">
            <input ref={field} readOnly value={created.secret} aria-label="Secret" className="mono" onFocus={(e) => e.target.select()} />
            <button className="primary" onClick={async () => setCopied(await copy(created.secret, field.current))} autoFocus>
              Copy
            </button>
          </div>
          {copied === true && <p role="status">Copied to the clipboard.</p>}
          {copied === false && <p role="status">Select the secret and copy it with Ctrl+C.</p>}
          <div className="buttons">
            <Dialog.Close asChild>
              <button>Done</button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export function ApiKeys({ state }: { state: ConsoleState }) {
  const [keys, setKeys] = useState<ApiKeyInfo[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<NewKeyView | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const denied = state.denied.manage_api_keys;
  const now = Date.now();

  useEffect(() => {
    api.apiKeys().then(setKeys, (e) => setError(messageOf(e)));
  }, [state.sync.synced_at, version]);

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      setCreated(await api.createApiKey(name));
      setName("");
      setError(null);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const key = selected !== null ? keys[selected] : undefined;

  return (
    <div className="screen">
      <form className="toolbar" onSubmit={create}>
        <input
          placeholder="Name of the service, e.g. Billing API"
          aria-label="New key name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          disabled={!!denied}
          title={denied ?? undefined}
        />
        <button type="submit" className="primary" disabled={!!denied || name.trim() === ""} title={denied ?? undefined}>
          Create key
        </button>
        <button
          type="button"
          className="danger"
          disabled={!key || !!key.revoked_at || !!denied}
          title={denied ?? (key?.revoked_at ? "Already revoked" : undefined)}
          onClick={() => key && setRevoking(key)}
        >
          Revoke…
        </button>
      </form>
      {error && <div className="error" role="alert">{error}</div>}
      <ListTable
        label="API keys"
        rows={keys}
        rowKey={(k) => k.id}
        selected={selected}
        onSelect={setSelected}
        rowClass={(k) => (k.revoked_at ? "ended" : "")}
        empty="No API keys yet."
        columns={[
          { title: "Name", cell: (k) => k.name },
          { title: "Created", cell: (k) => formatDateTime(k.created_at), width: "190px" },
          { title: "Last used", cell: (k) => ago(k.last_used_at, now), width: "120px" },
          { title: "Requests (24 h)", cell: (k) => count(k.requests_24h), width: "130px", className: "num" },
          { title: "Status", cell: (k) => (k.revoked_at ? `Revoked ${formatDateTime(k.revoked_at)}` : "Active"), width: "200px" },
        ]}
      />
      {created && <SecretDialog created={created} onClose={() => setCreated(null)} />}
      {revoking && (
        <Confirm
          title={`Revoke “${revoking.name}”?`}
          confirmLabel="Revoke key"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            try {
              await api.revokeApiKey(revoking.id);
              setVersion((v) => v + 1);
            } catch (e) {
              setError(messageOf(e));
            }
            setRevoking(null);
          }}
        >
          <p>
            The service using this key can no longer check tokens: its next introspection is refused. It made{" "}
            {count(revoking.requests_24h)} requests in the last 24 hours.
          </p>
        </Confirm>
      )}
    </div>
  );
}
