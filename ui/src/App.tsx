// The window: sign-in until a profile is open, then the console with its screens.
import { useCallback, useEffect, useState } from "react";
import type { ConsoleState } from "./bindings/ConsoleState";
import type { AdminUser } from "./bindings/AdminUser";
import { api, messageOf } from "./api";
import { SignIn } from "./screens/SignIn";
import { Sessions } from "./screens/Sessions";
import { Users } from "./screens/Users";
import { Logins } from "./screens/Logins";
import { Audit } from "./screens/Audit";
import { Policies } from "./screens/Policies";
import { ApiKeys } from "./screens/ApiKeys";
import { Actions } from "./screens/Actions";
import { Alerts } from "./screens/Alerts";
import { OfflineBanner } from "./components/OfflineBanner";
import { LostDevice } from "./components/LostDevice";
import { savedScreenShare, saveScreenShare, startMasking } from "./screenShare";

export const SCREENS = [
  { id: "sessions", title: "Sessions" },
  { id: "users", title: "Users" },
  { id: "logins", title: "Login history" },
  { id: "audit", title: "Audit" },
  { id: "policies", title: "Policies" },
  { id: "keys", title: "API keys" },
  { id: "actions", title: "Actions" },
  { id: "alerts", title: "Alerts" },
] as const;
export type ScreenId = (typeof SCREENS)[number]["id"];

export function App() {
  const [state, setState] = useState<ConsoleState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [screen, setScreen] = useState<ScreenId>("sessions");
  const [forUser, setForUser] = useState<AdminUser | null>(null);
  /** When "Lost or stolen device" was opened, while it is open. */
  const [lostSince, setLostSince] = useState<number | null>(null);
  const [share, setShare] = useState(savedScreenShare);
  useEffect(() => {
    saveScreenShare(share);
    return share ? startMasking(document.body) : undefined;
  }, [share]);
  const clearUser = useCallback(() => setForUser(null), []);
  /** A session to show, asked for by a clicked notification. */
  const [openId, setOpenId] = useState<string | null>(null);
  const opened = useCallback(() => setOpenId(null), []);
  const refresh = useCallback(() => {
    api.state().then(setState, (e) => setError(messageOf(e)));
    api.takeOpenRequest().then(
      (id) => {
        if (id) {
          setOpenId(id);
          setScreen("sessions");
        }
      },
      () => {},
    );
  }, []);
  useEffect(() => {
    refresh();
    // The sync state (and with it the lists) moves on its own: poll it gently.
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [refresh]);
  // Ctrl/Cmd+1…8 switch screens, as the menu shows; Ctrl/Cmd+L opens the lost-device flow.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (e.key.toLowerCase() === "l") {
        e.preventDefault();
        setLostSince((t) => t ?? Date.now());
        return;
      }
      const n = Number(e.key);
      if (n >= 1 && n <= SCREENS.length) {
        e.preventDefault();
        setScreen(SCREENS[n - 1]!.id);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (error && !state) return <main className="signin"><p className="error" role="alert">{error}</p></main>;
  if (!state) return <main className="signin"><p className="muted">Opening…</p></main>;
  if (!state.profile) return <SignIn state={state} onSignedIn={setState} />;
  const profile = state.profile;
  const leave = (how: "switch" | "sign_out") =>
    (how === "switch" ? api.closeProfile() : api.signOut()).then(setState, (e) => setError(messageOf(e)));
  return (
    <div className="app">
      <header className="titlebar">
        <strong>Sessiondesk</strong>
        <span className="muted">
          {profile.org} · {profile.username} ({state.role ?? "no role"}) · {profile.server_url}
        </span>
        <button className="danger" onClick={() => setLostSince(Date.now())} title="Sign a lost or stolen device out now (Ctrl+L)">
          Lost or stolen device…
        </button>
        <button
          aria-pressed={share}
          className={share ? "on" : ""}
          onClick={() => setShare((v) => !v)}
          title="Hide IP addresses, emails and session ids while you share your screen"
        >
          Screen share {share ? "on" : "off"}
        </button>
        <span className={`sync sync-${state.sync.state}`} aria-label="Sync state">{state.sync.state.replace(/_/g, " ")}</span>
        <button onClick={() => leave("switch")} title="Keep this sign-in and open another server profile">Switch profile</button>
        <button onClick={() => leave("sign_out")} title="End this console's session and forget its token and offline copy">Sign out</button>
      </header>
      {share && (
        <p className="notice share" role="status">
          Screen-share mode: IP addresses, emails and session ids are hidden everywhere in this window.
        </p>
      )}
      <OfflineBanner sync={state.sync} />
      {lostSince !== null && state.profile && (
        <LostDevice state={state} openedAt={lostSince} onClose={() => setLostSince(null)} onChanged={refresh} />
      )}
      <div className="body">
        <nav className="nav" aria-label="Screens">
          {SCREENS.map((s, i) => (
            <button
              key={s.id}
              aria-current={screen === s.id ? "page" : undefined}
              className={screen === s.id ? "current" : ""}
              onClick={() => setScreen(s.id)}
              title={`${s.title} (Ctrl+${i + 1})`}
            >
              {s.title}
            </button>
          ))}
        </nav>
        <main className="main">
          {screen === "sessions" && (
            <Sessions state={state} onChanged={refresh} forUser={forUser} onClearUser={clearUser} openId={openId} onOpened={opened} />
          )}
          {screen === "users" && (
            <Users
              state={state}
              onChanged={refresh}
              onShowSessions={(u) => {
                setForUser(u);
                setScreen("sessions");
              }}
            />
          )}
          {screen === "logins" && <Logins state={state} />}
          {screen === "audit" && <Audit state={state} />}
          {screen === "policies" && <Policies state={state} onChanged={refresh} />}
          {screen === "keys" && <ApiKeys state={state} />}
          {screen === "actions" && <Actions state={state} />}
          {screen === "alerts" && <Alerts />}
        </main>
      </div>
    </div>
  );
}
