// Sign in to an authority: server URL, organisation, username, password. The token that
// comes back is kept in the OS keyring by the console core, never here.
import { useState } from "react";
import type { ConsoleState } from "../bindings/ConsoleState";
import { api, messageOf } from "../api";

export function SignIn({ state, onSignedIn }: { state: ConsoleState; onSignedIn: (s: ConsoleState) => void }) {
  const last = state.profiles[0];
  const [server, setServer] = useState(last?.server_url ?? "https://");
  const [org, setOrg] = useState(last?.org ?? "");
  const [username, setUsername] = useState(last?.username ?? "");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn({ server_url: server.trim(), org: org.trim(), username: username.trim(), password }));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Sessiondesk</h1>
        {state.profiles.length > 0 && (
          <fieldset className="profiles">
            <legend>Saved profiles</legend>
            <ul>
              {state.profiles.map((p) => (
                <li key={p.id}>
                  <span>
                    <strong>{p.name}</strong> <span className="muted">{p.server_url}</span>
                  </span>
                  <button
                    type="button"
                    onClick={async () => {
                      setServer(p.server_url);
                      setOrg(p.org);
                      setUsername(p.username);
                      setError(null);
                      try {
                        onSignedIn(await api.openProfile(p.id));
                      } catch (err) {
                        setError(`${messageOf(err)}. Enter the password to sign in again.`);
                      }
                    }}
                  >
                    Open
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        <label>Server<input name="server" value={server} onChange={(e) => setServer(e.target.value)} required autoFocus /></label>
        <label>Organisation<input name="org" value={org} onChange={(e) => setOrg(e.target.value)} required /></label>
        <label>Username<input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="username" /></label>
        <label>Password<input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
    </main>
  );
}
