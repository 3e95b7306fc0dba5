import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { invoke } from "@tauri-apps/api/core";
import { LostDevice } from "./LostDevice";
import { session, state } from "../test/fixtures";
import type { UserDevices } from "../bindings/UserDevices";
import type { ContainReceipt } from "../bindings/ContainReceipt";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const mocked = vi.mocked(invoke);

const ada = {
  id: "usr_ada",
  org_id: "org_1",
  username: "ada",
  name: "Ada Lovelace",
  email: "ada@example.com",
  role: "member" as const,
  locked: false,
  locked_until: null,
  lock_reason: null,
  password_reset_required: false,
  created_at: "2026-01-01T00:00:00Z",
  active_sessions: 3,
  last_active_at: null,
};

const phone = (i: number) =>
  session(i, {
    kind: "mobile",
    app: { name: "Mail", version: "4.2" },
    device: { browser: null, browser_version: null, os: "iOS", os_version: "18", model: "iPhone 15", type: "mobile", name: null },
  });

const devices: UserDevices = {
  user: ada,
  devices: [
    { key: "iphone", label: "iPhone 15", os: "iOS 18", apps: ["Mail"], kind: "mobile", last_seen_at: new Date().toISOString(), place: "Madrid, ES", sessions: [phone(1), phone(2)] },
    { key: "laptop", label: "Firefox 128", os: "Linux", apps: ["Acme Portal"], kind: "browser", last_seen_at: "2026-11-24T10:00:00Z", place: "Berlin, DE", sessions: [session(3)] },
  ],
  recent_sessions: [phone(1), session(3)],
  recent_logins: [],
};

const receipt: ContainReceipt = {
  id: "act_1",
  audit_action: "session.ended",
  user_id: "usr_ada",
  username: "ada",
  description: "End the device's sessions",
  state: "sent",
  error: null,
  locked: false,
  password_reset_required: false,
  reason: "Phone stolen",
  ticket: "HD-9",
  confirmed_at: "2026-11-25T10:00:00.000Z",
  sessions: [
    { session_id: "ses_1", device: "iPhone 15 · iOS 18 · Mail", revoked_at: "2026-11-25T10:00:00.050Z", checked_at: "2026-11-25T10:00:00.090Z", rejected: true, problem: null },
    { session_id: "ses_2", device: "iPhone 15 · iOS 18 · Mail", revoked_at: "2026-11-25T10:00:00.050Z", checked_at: "2026-11-25T10:00:00.091Z", rejected: true, problem: null },
  ],
  total_ms: 91,
};

beforeEach(() => {
  mocked.mockReset();
  mocked.mockImplementation(async (cmd: string) => {
    if (cmd === "list_users") return { items: [ada], total: 1 };
    if (cmd === "user_devices") return devices;
    if (cmd === "contain") return receipt;
    if (cmd === "export_receipt") return { path: "/home/me/Downloads/sessiondesk-receipt-ada.csv", rows: 2 };
    throw new Error(`unexpected ${cmd}`);
  });
});

describe("LostDevice", () => {
  it("finds the person as you type and ends one device's sessions in five steps", async () => {
    const ui = userEvent.setup();
    render(<LostDevice state={state()} openedAt={Date.now()} onClose={() => {}} onChanged={() => {}} />);
    await ui.type(screen.getByLabelText("Find the person"), "ada");
    expect(await screen.findByRole("option", { name: /Ada Lovelace/ })).toHaveAttribute("aria-selected", "true");
    await ui.keyboard("{Enter}");
    const phoneChoice = await screen.findByRole("radio", { name: /iPhone 15/ });
    expect(screen.getByRole("radio", { name: /Every device/ })).toHaveAccessibleName(/3 sessions/);
    expect(screen.getByLabelText("Review")).toHaveTextContent("If the password may be known");

    // After the person is found: device, reason, ticket, confirm (four of the five steps).
    await ui.click(phoneChoice);
    expect(screen.getByText(/not synced yet is lost/)).toHaveAttribute("role", "note");
    const end = screen.getByRole("button", { name: "End 2 sessions" });
    expect(end).toBeDisabled(); // the policy asks for a reason
    await ui.type(screen.getByLabelText(/Reason/), "Phone stolen");
    await ui.type(screen.getByLabelText("Ticket"), "HD-9");
    await ui.click(end);
    expect(mocked).toHaveBeenCalledWith("contain", {
      form: { user_id: "usr_ada", session_ids: ["ses_1", "ses_2"], lock: false, require_password_reset: false, reason: "Phone stolen", ticket: "HD-9" },
    });

    const status = await screen.findByRole("status");
    expect(status).toHaveTextContent("All 2 sessions read back as ended on the server, so their tokens are rejected: 91 ms after you confirmed");
    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent(/ses_1.*iPhone 15.*Rejected/);
    await ui.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(mocked).toHaveBeenCalledWith("export_receipt", { receipt, format: "csv" });
    expect(await screen.findByText(/Saved to .*receipt-ada.csv/)).toBeInTheDocument();
  });

  it("locks with a password reset: every session ends, whichever device was picked", async () => {
    const ui = userEvent.setup();
    render(<LostDevice state={state({ reason_required: false })} openedAt={Date.now()} onClose={() => {}} onChanged={() => {}} />);
    await ui.type(screen.getByLabelText("Find the person"), "ada@");
    await ui.click(await screen.findByRole("option", { name: /Ada Lovelace/ }));
    await ui.click(await screen.findByRole("radio", { name: /iPhone 15/ }));
    const reset = screen.getByRole("checkbox", { name: /new password/ });
    expect(reset).toBeDisabled();
    await ui.click(screen.getByRole("checkbox", { name: /lock the account/ }));
    expect(reset).toBeChecked();
    await ui.click(screen.getByRole("button", { name: "Lock and end 3 sessions" }));
    expect(mocked).toHaveBeenCalledWith("contain", {
      form: { user_id: "usr_ada", session_ids: null, lock: true, require_password_reset: true, reason: null, ticket: null },
    });
  });

  it("says what a role may not do and does not offer it", async () => {
    const ui = userEvent.setup();
    const helpdesk = state({ denied: { end_sessions: null, lock_users: "Your role may not lock accounts", end_all: null, edit_policy: null, manage_api_keys: null } });
    render(<LostDevice state={helpdesk} openedAt={Date.now()} onClose={() => {}} onChanged={() => {}} />);
    await ui.type(screen.getByLabelText("Find the person"), "ada");
    await ui.click(await screen.findByRole("option", { name: /Ada Lovelace/ }));
    const lock = await screen.findByRole("checkbox", { name: /lock the account/ });
    expect(lock).toBeDisabled();
    expect(lock).toHaveAttribute("title", "Your role may not lock accounts");
  });

  it("stays open while the action runs, so the receipt is not lost", async () => {
    let finish: (r: ContainReceipt) => void = () => {};
    mocked.mockImplementation(async (cmd: string) => {
      if (cmd === "list_users") return { items: [ada], total: 1 };
      if (cmd === "user_devices") return devices;
      if (cmd === "contain") return new Promise<ContainReceipt>((r) => (finish = r));
      throw new Error(cmd);
    });
    const onClose = vi.fn();
    const ui = userEvent.setup();
    render(<LostDevice state={state({ reason_required: false })} openedAt={Date.now()} onClose={onClose} onChanged={() => {}} />);
    await ui.type(screen.getByLabelText("Find the person"), "ada");
    await ui.click(await screen.findByRole("option", { name: /Ada Lovelace/ }));
    await ui.click(await screen.findByRole("radio", { name: /Every device/ }));
    await ui.click(screen.getByRole("button", { name: "End 3 sessions" }));
    await ui.keyboard("{Escape}");
    expect(onClose).not.toHaveBeenCalled();
    finish(receipt);
    expect(await screen.findByRole("status")).toHaveTextContent("All 2 sessions read back as ended");
    await ui.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
  });

  it("does not claim success when the server ended nothing", async () => {
    mocked.mockImplementation(async (cmd: string) => {
      if (cmd === "list_users") return { items: [ada], total: 1 };
      if (cmd === "user_devices") return devices;
      if (cmd === "contain") return { ...receipt, sessions: [], total_ms: null, error: "2 of the 2 sessions had already ended" };
      throw new Error(cmd);
    });
    const ui = userEvent.setup();
    render(<LostDevice state={state({ reason_required: false })} openedAt={Date.now()} onClose={() => {}} onChanged={() => {}} />);
    await ui.type(screen.getByLabelText("Find the person"), "ada");
    await ui.click(await screen.findByRole("option", { name: /Ada Lovelace/ }));
    await ui.click(await screen.findByRole("radio", { name: /iPhone 15/ }));
    await ui.click(screen.getByRole("button", { name: "End 2 sessions" }));
    expect(await screen.findByRole("status")).toHaveTextContent("the server ended no session");
    expect(screen.getByText(/had already ended/)).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });
});
