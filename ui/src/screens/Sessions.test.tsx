import { render, screen, waitFor } from "@testing-library/react";
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
      if (cmd === "end_session")
        return { id: "act_1", state: "sent", ended_at: "2026-11-25T04:00:00.000Z", ended: 1, error: null };
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
    await userEvent.selectOptions(screen.getByLabelText(/Kind/), "mobile");
    await userEvent.selectOptions(screen.getByLabelText(/Risk/), "impossible_travel");
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
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent(/Session ended at .*audit trail/));
    expect(mocked).toHaveBeenCalledWith("end_session", { form: { session_id: "ses_0", reason: "Phone stolen", ticket: null } });
  });

  it("disables ending for a role that may not, and says why", async () => {
    render(<Sessions state={state({ can_end_sessions: false })} onChanged={() => {}} />);
    await screen.findByText("450 sessions");
    const body = document.querySelector(".table-body") as HTMLElement;
    body.focus();
    await userEvent.keyboard("{ArrowDown}{Enter}");
    const end = await screen.findByRole("button", { name: "End session" });
    expect(end).toBeDisabled();
    expect(end).toHaveAttribute("title", "Your role cannot end sessions");
  });
});
