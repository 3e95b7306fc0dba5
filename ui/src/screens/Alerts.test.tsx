import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { invoke } from "@tauri-apps/api/core";
import { Alerts } from "./Alerts";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mocked = vi.mocked(invoke);

const ada = { id: "usr_ada", username: "ada", name: "Ada Lovelace", added_at: Date.parse("2026-11-25T09:00:00Z") };

describe("Alerts", () => {
  it("turns notifications off and on, and watches and unwatches a user", async () => {
    let settings = { enabled: true, watchlist: [] as (typeof ada)[] };
    mocked.mockReset();
    mocked.mockImplementation(async (cmd: string, args?: unknown) => {
      const a = args as Record<string, unknown> | undefined;
      if (cmd === "alert_settings") return settings;
      if (cmd === "set_alerts") return (settings = { ...settings, enabled: a!.enabled as boolean });
      if (cmd === "watch_user") return (settings = { ...settings, watchlist: a!.watched ? [ada] : [] });
      if (cmd === "list_users")
        return {
          items: [{ id: "usr_ada", org_id: "org_1", username: "ada", name: "Ada Lovelace", email: null, role: "member", locked: false, locked_until: null, lock_reason: null, password_reset_required: false, created_at: "2026-01-01T00:00:00Z", active_sessions: 1, last_active_at: null }],
          total: 1,
        };
      throw new Error(cmd);
    });
    const ui = userEvent.setup();
    render(<Alerts />);
    const on = await screen.findByRole("checkbox", { name: /Notify me/ });
    expect(on).toBeChecked();
    await ui.click(on);
    expect(mocked).toHaveBeenCalledWith("set_alerts", { enabled: false });
    expect(on).not.toBeChecked();

    await ui.type(screen.getByLabelText("Find someone to watch"), "ada");
    const found = await screen.findByRole("list", { name: "Matching users" });
    await ui.click(within(found).getByRole("button", { name: "Watch" }));
    expect(mocked).toHaveBeenCalledWith("watch_user", { userId: "usr_ada", watched: true });
    const table = screen.getByRole("table", { name: "Watched users" });
    expect(table).toHaveTextContent("Ada Lovelace");
    await ui.click(within(table).getByRole("button", { name: "Stop watching" }));
    expect(mocked).toHaveBeenLastCalledWith("watch_user", { userId: "usr_ada", watched: false });
    expect(await screen.findByText(/Nobody is watched/)).toBeInTheDocument();
  });
});
