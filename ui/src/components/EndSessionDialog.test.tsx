import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { EndSessionDialog } from "./EndSessionDialog";
import { session } from "../test/fixtures";

describe("EndSessionDialog", () => {
  it("names what will end and needs a reason when the policy asks for one", async () => {
    const onConfirm = vi.fn().mockResolvedValue(undefined);
    render(<EndSessionDialog session={session(1)} reasonRequired onConfirm={onConfirm} onClose={() => {}} />);
    expect(screen.getByRole("dialog")).toHaveTextContent("User 1 will be signed out of Firefox 128 on Linux in Berlin, DE (203.0.113.1)");
    const end = screen.getByRole("button", { name: "End session" });
    expect(end).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Reason/), "Lost laptop");
    await userEvent.type(screen.getByLabelText("Ticket"), "HD-7");
    expect(end).toBeEnabled();
    await userEvent.click(end);
    expect(onConfirm).toHaveBeenCalledWith("Lost laptop", "HD-7");
  });

  it("warns that a mobile app loses unsynced work", () => {
    render(<EndSessionDialog session={session(2, { kind: "mobile" })} reasonRequired={false} onConfirm={vi.fn()} onClose={() => {}} />);
    expect(screen.getByRole("note")).toHaveTextContent(/not synced yet is lost/);
    expect(screen.getByRole("button", { name: "End session" })).toBeEnabled();
  });

  it("shows the server's refusal and stays open", async () => {
    const onConfirm = vi.fn().mockRejectedValue({ code: "forbidden", message: "Your role may not end sessions" });
    render(<EndSessionDialog session={session(3)} reasonRequired={false} onConfirm={onConfirm} onClose={() => {}} />);
    await userEvent.click(screen.getByRole("button", { name: "End session" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Your role may not end sessions");
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });
});
