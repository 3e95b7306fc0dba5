// The window: sign-in until a profile is open, then the console.
import { useCallback, useEffect, useState } from "react";
import type { ConsoleState } from "./bindings/ConsoleState";
import { api } from "./api";
import { SignIn } from "./screens/SignIn";
import { Sessions } from "./screens/Sessions";
import { OfflineBanner } from "./components/OfflineBanner";

export function App() {
  const [state, setState] = useState<ConsoleState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api.state().then(setState, (e) => setError((e as { message?: string }).message ?? String(e)));
  }, []);
  useEffect(() => {
    refresh();
    // The sync state (and with it the list) moves on its own: poll it gently.
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [refresh]);

  if (error && !state) return <main className="signin"><p className="error" role="alert">{error}</p></main>;
  if (!state) return <main className="signin"><p className="muted">Opening…</p></main>;
  if (!state.profile) return <SignIn state={state} onSignedIn={setState} />;
  return (
    <div className="app">
      <header className="titlebar">
        <strong>Sessiondesk</strong>
        <span className="muted">
          {state.profile.org} · {state.profile.username} · {state.profile.server_url}
        </span>
        <span className={`sync sync-${state.sync.state}`}>{state.sync.state.replace(/_/g, " ")}</span>
      </header>
      <OfflineBanner sync={state.sync} />
      <Sessions state={state} onChanged={refresh} />
    </div>
  );
}
