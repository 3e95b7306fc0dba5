import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { invoke } from "@tauri-apps/api/core";
import { Users } from "./Users";
import { Policies, effect, split } from "./Policies";
import { ApiKeys } from "./ApiKeys";
import { Actions } from "./Actions";
import { Audit } from "./Audit";
import { Logins } from "./Logins";
import { session, state } from "../test/fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mocked = vi.mocked(invoke);

const user = (i: number, over = {}) => ({
  id: `usr_${i}`,
  org_id: "org_1",
  username: `user${i}`,
  name: `User ${i}`,
  email: `user${i}@example.com`,
  role: "member",
  locked: false,
  locked_until: null,
  lock_reason: null,
  password_reset_required: false,
  created_at: "2026-01-01T00:00:00Z",
  active_sessions: i,
  last_active_at: null,
  ...over,
});

const policy = {
  max_sessions: 3,
  on_limit: "ask",
  idle_timeout_s: 28800,
  absolute_timeout_s: 2592000,
  remember_me_allowed: true,
  remember_me_timeout_s: 7776000,
  require_reason: true,
  lockout_threshold: 5,
  lockout_window_s: 900,
  lockout_duration_s: 900,
};

const receipt = (description: string, ended: number) => ({
  id: "act_9",
  created_at: 1,
  description,
  attempts: 1,
  state: "sent",
  ended_at: "2026-11-25T04:00:00.000Z",
  ended,
  error: null,
});

beforeEach(() => {
  mocked.mockReset();
});

describe("Users", () => {
  it("locks the selected user after listing the sessions that end", async () => {
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_users") return { items: [user(1), user(2, { locked: true })], total: 2 };
      if (cmd === "list_sessions") return { items: [session(1, { kind: "mobile" })], total: 1, synced_at: 1 };
      if (cmd === "act") return receipt(`Lock user1's account, password reset required`, (args as { form: object }) && 1);
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    render(<Users state={state()} onChanged={() => {}} onShowSessions={() => {}} />);
    await userEvent.click(await screen.findByText("User 1"));
    await userEvent.click(screen.getByRole("button", { name: "Lock account" }));
    const dialog = await screen.findByRole("dialog");
    expect(await within(dialog).findByText(/This session ends/)).toBeInTheDocument();
    expect(within(dialog).getByRole("note")).toHaveTextContent(/mobile app/);
    const lock = within(dialog).getByRole("button", { name: "Lock account" });
    expect(lock).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Reason/), "Left the company");
    await userEvent.click(lock);
    expect(mocked).toHaveBeenCalledWith("act", {
      form: { kind: "lock", user_id: "usr_1", reason: "Left the company", ticket: null, require_password_reset: true },
    });
    expect(await screen.findByRole("status")).toHaveTextContent("Done: Lock user1's account");
  });

  it("offers Unlock for a locked user", async () => {
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_users") return { items: [user(2, { locked: true })], total: 1 };
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    render(<Users state={state()} onChanged={() => {}} onShowSessions={() => {}} />);
    await userEvent.click(await screen.findByText("User 2"));
    expect(screen.getByRole("button", { name: "Unlock" })).toBeEnabled();
    expect(screen.queryByRole("button", { name: "Lock account" })).not.toBeInTheDocument();
  });
});

describe("Policies", () => {
  it("shows the effect of a change before it can be saved", async () => {
    let saved: unknown = null;
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "get_policy") return policy;
      if (cmd === "preview_policy")
        return { active: 500, would_end_idle: 42, would_end_absolute: 0, users_over_limit: 0, sessions_over_limit: 0 };
      if (cmd === "save_policy") return (saved = (args as { policy: unknown }).policy);
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    render(<Policies state={state()} onChanged={() => {}} />);
    const value = await screen.findByLabelText("Idle timeout value");
    expect(value).toHaveValue(8);
    expect(screen.getByLabelText("Idle timeout unit")).toHaveValue("hours");
    expect(screen.getByRole("button", { name: "Save…" })).toBeDisabled();
    await userEvent.selectOptions(screen.getByLabelText("Idle timeout unit"), "minutes");
    expect(await screen.findByText(/42 of 500 active sessions end at once/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Save…" }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("42 of 500 active sessions end at once");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save policy" }));
    await waitFor(() => expect(saved).toMatchObject({ idle_timeout_s: 480 }));
  });

  it("reads durations in the largest whole unit and says what a preview means", () => {
    expect(split(7200)).toEqual({ value: 2, unit: "hours" });
    expect(split(86400 * 30)).toEqual({ value: 30, unit: "days" });
    expect(split(90 * 60)).toEqual({ value: 90, unit: "minutes" });
    expect(effect({ active: 10, would_end_idle: 0, would_end_absolute: 0, users_over_limit: 2, sessions_over_limit: 3 })).toBe(
      "No active session ends. 2 users have more sessions than the limit (3 extra); they stay until those users sign in again.",
    );
  });

  it("is read-only for a role that may not change it", async () => {
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "get_policy") return policy;
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    const why = "Only the owner can change the session policy.";
    render(<Policies state={state({ denied: { ...state().denied, edit_policy: why } })} onChanged={() => {}} />);
    expect(await screen.findByLabelText("Idle timeout value")).toBeDisabled();
    expect(screen.getByText(why)).toBeInTheDocument();
  });
});

describe("API keys", () => {
  it("shows a new key's secret once, with a copy button", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const key = { id: "key_1", org_id: "org_1", name: "Billing", created_at: "2026-11-25T00:00:00Z", created_by: null, last_used_at: null, revoked_at: null, requests_24h: 0 };
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_api_keys") return [];
      if (cmd === "create_api_key") return { key, secret: "sdk_secret_value" };
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    render(<ApiKeys state={state()} />);
    await userEvent.type(screen.getByLabelText("New key name"), "Billing");
    await userEvent.click(screen.getByRole("button", { name: "Create key" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByLabelText("Secret")).toHaveValue("sdk_secret_value");
    expect(dialog).toHaveTextContent("only this once");
    await userEvent.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith("sdk_secret_value");
    expect(await within(dialog).findByText("Copied to the clipboard.")).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("button", { name: "Done" }));
    expect(screen.queryByText("sdk_secret_value")).not.toBeInTheDocument();
  });
});

describe("Actions", () => {
  it("lists each action with its state", async () => {
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_actions")
        return [
          { ...receipt("End session ses_1 of user1", 0), id: "act_2", state: "pending", ended_at: null, attempts: 2 },
          { ...receipt("Unlock user3's account", 0), id: "act_1", state: "failed", ended_at: null, error: "no such user" },
        ];
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    render(<Actions state={state()} />);
    await waitFor(() => expect(screen.getAllByRole("row")).toHaveLength(3));
    const rows = screen.getAllByRole("row");
    expect(rows[1]).toHaveTextContent(/End session ses_1 of user1.*Waiting for the server.*2 attempts/);
    expect(rows[2]).toHaveTextContent(/Unlock user3's account.*Refused.*no such user/);
  });
});

describe("Audit", () => {
  it("checks the chain and exports CSV", async () => {
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_audit") return { items: [], total: 0, names: {} };
      if (cmd === "verify_audit") return { ok: false, count: 10, head: "ab", first_bad: "evt_7" };
      if (cmd === "export_audit") return { path: "/home/me/Downloads/audit.csv", rows: 10 };
      throw { code: "unknown", message: `unexpected ${cmd} ${JSON.stringify(args)}` };
    });
    render(<Audit state={state()} />);
    await userEvent.click(screen.getByRole("button", { name: "Check the chain" }));
    expect(await screen.findByText(/The chain is broken at event evt_7/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(await screen.findByText("Exported 10 events to /home/me/Downloads/audit.csv")).toBeInTheDocument();
  });
});

describe("Login history", () => {
  it("pages through sign-ins and goes back to the first page when the filter changes", async () => {
    mocked.mockImplementation(async (cmd: string) => {
      if (cmd === "list_logins") return { items: [], total: 450 };
      throw { code: "unknown", message: cmd };
    });
    render(<Logins state={state()} />);
    expect(await screen.findByText("1–200 of 450")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(await screen.findByText("201–400 of 450")).toBeInTheDocument();
    await waitFor(() => {
      const last = mocked.mock.calls.filter(([c]) => c === "list_logins").at(-1)!;
      expect((last[1] as { filter: object }).filter).toMatchObject({ offset: 200, failures_only: false });
    });
    await userEvent.click(screen.getByLabelText(/Failures only/));
    await waitFor(() => {
      const last = mocked.mock.calls.filter(([c]) => c === "list_logins").at(-1)!;
      expect((last[1] as { filter: object }).filter).toMatchObject({ offset: 0, failures_only: true, limit: 200 });
    });
    expect(await screen.findByText("1–200 of 450")).toBeInTheDocument();
  });
});
