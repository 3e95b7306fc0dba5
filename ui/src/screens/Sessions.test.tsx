import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { invoke } from "@tauri-apps/api/core";
import { Sessions } from "./Sessions";
import { session, state } from "../test/fixtures";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mocked = vi.mocked(invoke);

describe("Sessions", () => {
  beforeEach(() => {
    mocked.mockReset();
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_sessions") {
        const { query, offset } = args as { query: { q: string | null }; offset: number };
        const all = query.q ? [session(1)] : Array.from({ length: 450 }, (_, i) => session(i));
        return { items: all.slice(offset, offset + 200), total: all.length, synced_at: 1 };
      }
      if (cmd === "act")
        return { id: "act_1", created_at: 1, description: "End session ses_0 of user0", attempts: 1, state: "sent", ended_at: "2026-11-25T04:00:00.000Z", ended: 1, error: null };
      if (cmd === "list_logins") return { items: [], total: 0 };
      if (cmd === "get_session") return session(77, { user: { id: "usr_9", username: "ada", name: "Ada Lovelace", role: "member" } });
      if (cmd === "filter_options") return { apps: ["Acme Portal", "Acme Field"], countries: ["DE", "FR"] };
      if (cmd === "sessions_by_user")
        return [
          { user_id: "usr_1", username: "user1", name: "User 1", sessions: 70, active: 64 },
          { user_id: "usr_2", username: "user2", name: "User 2", sessions: 12, active: 3 },
        ];
      if (cmd === "list_users")
        return {
          items: [1, 2, 3].map((i) => ({ id: `usr_${i}`, org_id: "org_1", username: `user${i}`, name: `User ${i}`, email: null, role: "member", locked: false, locked_until: null, lock_reason: null, password_reset_required: false, created_at: "2026-01-01T00:00:00Z", active_sessions: i, last_active_at: null })),
          total: 3,
        };
      throw { code: "unknown", message: cmd };
    });
  });

  it("lists the sessions with their count and searches as you type", async () => {
    render(<Sessions state={state()} onChanged={() => {}} />);
    expect(await screen.findByText("450 sessions")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("searchbox"), "berlin");
    expect(await screen.findByText("1 session")).toBeInTheDocument();
    const last = mocked.mock.calls.filter(([c]) => c === "list_sessions").at(-1)!;
    expect((last[1] as { query: { q: string } }).query.q).toBe("berlin");
  });

  it("sends the kind, risk and country filters", async () => {
    render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: /Kind/ }), "mobile");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: /Risk/ }), "impossible_travel");
    await userEvent.type(screen.getByLabelText("Country code"), "de");
    await waitFor(() => {
      const last = mocked.mock.calls.filter(([c]) => c === "list_sessions").at(-1)!;
      expect((last[1] as { query: object }).query).toMatchObject({ kind: "mobile", risk: "impossible_travel", country: "DE" });
    });
  });

  it("ends the selected session with a reason and shows the receipt", async () => {
    render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    const body = document.querySelector(".table-body") as HTMLElement;
    body.focus();
    await userEvent.keyboard("{ArrowDown}{Delete}");
    await userEvent.type(await screen.findByLabelText(/Reason/), "Phone stolen");
    await userEvent.click(screen.getByRole("button", { name: "End session" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent(/Done: End session ses_0 of user0\. The server ended 1 session at .* \(receipt act_1\)/));
    expect(mocked).toHaveBeenCalledWith("act", { form: { kind: "end_session", session_id: "ses_0", reason: "Phone stolen", ticket: null } });
  });

  it("disables ending for a role that may not, and says why", async () => {
    const why = "Your role (auditor) can look but not change anything.";
    render(
      <Sessions
        state={state({ denied: { end_sessions: why, lock_users: why, end_all: why, edit_policy: why, manage_api_keys: why } })}
        onChanged={() => {}}
      />,
    );
    await screen.findByText("450 sessions");
    const body = document.querySelector(".table-body") as HTMLElement;
    body.focus();
    await userEvent.keyboard("{ArrowDown}{Enter}");
    const end = await screen.findByRole("button", { name: "End session" });
    expect(end).toBeDisabled();
    expect(end).toHaveAttribute("title", why);
    expect(screen.getByRole("button", { name: "Lock account" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Sign out all…" })).toHaveAttribute("title", why);
  });

  it("filters by the users chosen in Select users, after Apply", async () => {
    render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    await userEvent.click(screen.getByRole("button", { name: /Select users/ }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.click(await within(dialog).findByLabelText(/User 2/));
    await userEvent.click(within(dialog).getByLabelText(/User 3/));
    const before = mocked.mock.calls.length;
    await userEvent.click(within(dialog).getByRole("button", { name: "Apply" }));
    await waitFor(() => {
      const last = mocked.mock.calls.slice(before).filter(([c]) => c === "list_sessions").at(-1)!;
      expect((last[1] as { query: { user_id: string[] } }).query.user_id).toEqual(["usr_2", "usr_3"]);
    });
    expect(screen.getByRole("button", { name: "Select users (2)…" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Remove user2" }));
    await waitFor(() => {
      const last = mocked.mock.calls.filter(([c]) => c === "list_sessions").at(-1)!;
      expect((last[1] as { query: { user_id: string[] } }).query.user_id).toEqual(["usr_3"]);
    });
  });

  it("sends the app, the sign-in date range as whole local days, and the time of day", async () => {
    render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    await userEvent.selectOptions(await screen.findByLabelText("App or client name"), await screen.findByRole("option", { name: "Acme Field" }));
    fireEvent.change(screen.getByLabelText("Signed in from"), { target: { value: "2026-11-01" } });
    fireEvent.change(screen.getByLabelText("Signed in to"), { target: { value: "2026-11-02" } });
    fireEvent.change(screen.getByLabelText("Signed in after (time of day)"), { target: { value: "22:00" } });
    fireEvent.change(screen.getByLabelText("Signed in before (time of day)"), { target: { value: "06:30" } });
    await waitFor(() => {
      const last = mocked.mock.calls.filter(([c]) => c === "list_sessions").at(-1)!;
      const args = last[1] as { query: object; hours: object };
      expect(args.query).toMatchObject({
        app: "Acme Field",
        login_from: new Date(2026, 10, 1).toISOString(),
        login_to: new Date(2026, 10, 3).toISOString(),
      });
      expect(args.hours).toEqual({ from_minute: 1320, to_minute: 390, utc_offset_minutes: -new Date().getTimezoneOffset() });
    });
  });

  it("groups by user with counts, and opens a user's sessions", async () => {
    render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    await userEvent.click(screen.getByLabelText(/Group by user/));
    const table = await screen.findByRole("table", { name: "Sessions by user" });
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(3));
    expect(within(table).getByText("64")).toBeInTheDocument();
    await userEvent.dblClick(within(table).getByText("User 2"));
    await waitFor(() => {
      const last = mocked.mock.calls.filter(([c]) => c === "list_sessions").at(-1)!;
      expect((last[1] as { query: { user_id: string[] } }).query.user_id).toEqual(["usr_2"]);
    });
    expect(screen.queryByRole("table", { name: "Sessions by user" })).not.toBeInTheDocument();
  });

  it("reloads the rows on screen in place when the live sync moves on", async () => {
    // A viewport, so the virtualised table draws rows (jsdom has no layout).
    const height = vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(800);
    const width = vi.spyOn(Element.prototype, "clientWidth", "get").mockReturnValue(1200);
    const { rerender } = render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    const body = document.querySelector(".table-body") as HTMLElement;
    await waitFor(() => expect(body).toHaveTextContent("User 1"));
    // Scrolled past the first block: the rows on screen come from the second.
    body.scrollTop = 300 * 32;
    fireEvent.scroll(body);
    await waitFor(() => expect(document.querySelector("#row-300")).toHaveTextContent("User 6"));
    const before = mocked.mock.calls.length;
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_sessions") {
        const { offset } = args as { offset: number };
        const all = Array.from({ length: 450 }, (_, i) => session(i, { user: { id: "usr_9", username: "newcomer", name: "Newcomer", role: "member" } }));
        return { items: all.slice(offset, offset + 200), total: all.length, synced_at: 2 };
      }
      if (cmd === "filter_options") return { apps: [], countries: [] };
      throw { code: "unknown", message: cmd };
    });
    const later = state();
    rerender(<Sessions state={{ ...later, sync: { ...later.sync, synced_at: 99 } }} onChanged={() => {}} />);
    await waitFor(() => expect(body).toHaveTextContent("Newcomer"));
    // Only the blocks that were loaded, with the same query: no placeholder in between.
    const reloads = mocked.mock.calls.slice(before).filter(([c]) => c === "list_sessions");
    expect(reloads.length).toBeGreaterThan(0);
    expect(reloads.map(([, a]) => (a as { offset: number }).offset)).toContain(200);
    await waitFor(() => expect(document.querySelector("#row-300")).toHaveTextContent("Newcomer"));
    expect(document.querySelectorAll(".table-row .placeholder")).toHaveLength(0);
    height.mockRestore();
    width.mockRestore();
  });

  it("shows only the columns chosen", async () => {
    localStorage.clear();
    render(<Sessions state={state()} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    expect(screen.getByRole("columnheader", { name: "IP" })).toBeInTheDocument();
    expect(screen.queryByRole("columnheader", { name: "Risk" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByText("Columns"));
    await userEvent.click(screen.getByRole("checkbox", { name: "IP" }));
    await userEvent.click(screen.getByRole("checkbox", { name: "Risk" }));
    expect(screen.queryByRole("columnheader", { name: "IP" })).not.toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "Risk" })).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem("sessiondesk.columns")!)).toContain("risk");
  });

  it("watches the user of the open session from the details pane", async () => {
    let watchlist: { id: string; username: string; name: string; added_at: number }[] = [];
    const base = mocked.getMockImplementation()!;
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "alert_settings") return { enabled: true, watchlist };
      if (cmd === "watch_user") {
        const { userId, watched } = args as { userId: string; watched: boolean };
        watchlist = watched ? [{ id: userId, username: "ada", name: "Ada Lovelace", added_at: 1 }] : [];
        return { enabled: true, watchlist };
      }
      return base(cmd, args as Parameters<typeof base>[1]);
    });
    render(<Sessions state={state()} onChanged={() => {}} openId="ses_77" onOpened={() => {}} />);
    const watch = await screen.findByRole("button", { name: "Watch user" });
    await userEvent.click(watch);
    expect(mocked).toHaveBeenCalledWith("watch_user", { userId: "usr_9", watched: true });
    expect(await screen.findByRole("button", { name: "Stop watching" })).toHaveAttribute("aria-pressed", "true");
  });

  it("opens the session a clicked notification asks for", async () => {
    const onOpened = vi.fn();
    render(<Sessions state={state()} onChanged={() => {}} openId="ses_77" onOpened={onOpened} />);
    const details = await screen.findByRole("complementary", { name: "Session details" });
    expect(details).toHaveTextContent("Ada Lovelace");
    expect(details).toHaveTextContent("ses_77");
    expect(mocked).toHaveBeenCalledWith("get_session", { id: "ses_77" });
    expect(onOpened).toHaveBeenCalledTimes(1);
  });
});
