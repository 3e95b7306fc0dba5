import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { SessionTable } from "./SessionTable";
import { session } from "../test/fixtures";

describe("SessionTable", () => {
  // jsdom has no layout: give every element a window-sized box, as in the real window.
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockReturnValue(
      { x: 0, y: 0, top: 0, left: 0, right: 1280, bottom: 800, width: 1280, height: 800, toJSON: () => ({}) } as DOMRect,
    );
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(800);
    vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1280);
    vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockReturnValue(800);
    vi.spyOn(HTMLElement.prototype, "offsetWidth", "get").mockReturnValue(1280);
  });
  afterEach(() => vi.restoreAllMocks());

  it("shows a cut-off cell's whole text as its tooltip when the pointer reaches it", () => {
    render(
      <SessionTable total={3} rowAt={(i) => session(i)} onRange={() => {}} selected={null}
        onSelect={() => {}} onOpen={() => {}} onEnd={() => {}} now={Date.now()} />,
    );
    const cell = screen.getAllByRole("gridcell").find((c) => c.textContent === "Firefox 128 on Linux")!;
    expect(cell).not.toHaveAttribute("title");
    vi.spyOn(HTMLElement.prototype, "scrollWidth", "get").mockReturnValue(2000);
    fireEvent.mouseOver(cell);
    expect(cell).toHaveAttribute("title", "Firefox 128 on Linux");
  });

  it("keeps at most 200 rows in the DOM with 100,000 sessions", () => {
    const onRange = vi.fn();
    render(
      <SessionTable total={100_000} rowAt={(i) => session(i)} onRange={onRange} selected={null}
        onSelect={() => {}} onOpen={() => {}} onEnd={() => {}} now={Date.now()} />,
    );
    const rows = screen.getAllByRole("row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThanOrEqual(201); // + the header row
    expect(onRange).toHaveBeenCalledWith(0, expect.any(Number));
    expect(screen.getByRole("grid")).toHaveAttribute("aria-rowcount", "100001");
  });

  it("moves with the arrow keys, opens with Enter and ends with Delete", async () => {
    const onSelect = vi.fn();
    const onOpen = vi.fn();
    const onEnd = vi.fn();
    render(
      <SessionTable total={10} rowAt={(i) => session(i)} onRange={() => {}} selected={3}
        onSelect={onSelect} onOpen={onOpen} onEnd={onEnd} now={Date.now()} />,
    );
    const body = document.querySelector(".table-body") as HTMLElement;
    body.focus();
    await userEvent.keyboard("{ArrowDown}");
    expect(onSelect).toHaveBeenLastCalledWith(4);
    await userEvent.keyboard("{ArrowUp}");
    expect(onSelect).toHaveBeenLastCalledWith(2);
    await userEvent.keyboard("{End}");
    expect(onSelect).toHaveBeenLastCalledWith(9);
    await userEvent.keyboard("{Enter}");
    expect(onOpen).toHaveBeenCalledWith(3);
    await userEvent.keyboard("{Delete}");
    expect(onEnd).toHaveBeenCalledWith(3);
  });
});
