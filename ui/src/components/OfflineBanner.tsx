// Shown while the authority cannot be reached: the list comes from the cache, as of when.
import type { SyncView } from "../bindings/SyncView";
import { formatDateTime } from "../format";

export function OfflineBanner({ sync }: { sync: SyncView }) {
  if (sync.state !== "offline" && sync.state !== "sign_in_required") return null;
  const when = sync.synced_at ? formatDateTime(new Date(Number(sync.synced_at)).toISOString()) : "never";
  return (
    <div className="banner" role="status">
      {sync.state === "offline"
        ? `Offline: showing the copy from ${when}. Actions wait and are sent when the server is back.`
        : "Your sign-in has expired or was revoked. Sign in again to keep the list up to date."}
      {sync.message && sync.state === "offline" && <span className="muted"> ({sync.message})</span>}
    </div>
  );
}
