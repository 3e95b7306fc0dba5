// The sessions list: a virtualised table that renders only the rows in view (plus a few),
// so 100,000 sessions cost the same as 100. Rows arrive in blocks from `loadBlock`.
import { useEffect, useMemo, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Session } from "../bindings/Session";
import { ago, deviceLabel, formatDateTime, placeLabel } from "../format";

export const ROW_HEIGHT = 32;

/** `grow`: the column's share of the row's width; `wide`: shown only without the details pane. */
export type Column = { id: string; title: string; grow: number; wide?: boolean; cell: (s: Session, now: number) => string };

export const COLUMNS: Column[] = [
  { id: "user", title: "User", grow: 18, cell: (s) => s.user.name || s.user.username },
  { id: "device", title: "Device", grow: 24, cell: (s) => deviceLabel(s) },
  { id: "app", title: "App", grow: 14, wide: true, cell: (s) => s.app.name ?? "—" },
  { id: "kind", title: "Kind", grow: 8, cell: (s) => KINDS[s.kind] },
  { id: "place", title: "Location", grow: 16, cell: (s) => placeLabel(s) },
  { id: "ip", title: "IP", grow: 12, wide: true, cell: (s) => s.ip ?? "—" },
  { id: "created", title: "Signed in", grow: 14, cell: (s) => formatDateTime(s.created_at) },
  { id: "seen", title: "Last active", grow: 11, cell: (s, now) => ago(s.last_seen_at, now) },
  { id: "risk", title: "Risk", grow: 12, cell: (s) => s.risk.flags.map((f) => f.kind.replace(/_/g, " ")).join(", ") || "—" },
  { id: "status", title: "Status", grow: 7, cell: (s) => (s.status === "active" ? "Active" : "Ended") },
];

/** Shown until the user chooses otherwise. */
export const DEFAULT_COLUMNS = ["user", "device", "app", "place", "ip", "seen", "status"];

export const KINDS: Record<Session["kind"], string> = {
  browser: "Browser",
  mobile: "Mobile app",
  desktop: "Desktop app",
  api: "API",
  oauth: "OAuth",
  service: "Service",
};

type Props = {
  total: number;
  rowAt: (index: number) => Session | undefined;
  /** Asks for the rows from `start` to `end` (exclusive) to be loaded. */
  onRange: (start: number, end: number) => void;
  selected: number | null;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  onEnd: (index: number) => void;
  now: number;
  columns?: Column[];
};

/** A cut-off cell shows its whole text as a tooltip: set when the pointer reaches it, so
 *  scrolling does not rewrite a title on every cell of every frame. */
function showFullText(e: React.MouseEvent) {
  const cell = (e.target as HTMLElement).closest<HTMLElement>("[role=gridcell]");
  if (cell && cell.scrollWidth > cell.clientWidth) cell.title = cell.textContent ?? "";
  else cell?.removeAttribute("title");
}

export function SessionTable({ total, rowAt, onRange, selected, onSelect, onOpen, onEnd, now, columns = COLUMNS }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    // A few rows beyond the view: every row drawn is drawn again on each frame of a scroll.
    overscan: 3,
    // Without a layout (tests), assume a window-sized viewport.
    initialRect: { width: 1200, height: 800 },
  });
  const items = virtualizer.getVirtualItems();
  // One style object per column, not one per cell and frame.
  const styles = useMemo(() => columns.map((c) => ({ flex: `${c.grow} 1 0` })), [columns]);
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total > 0) onRange(first, last + 1);
  }, [first, last, total, onRange]);
  useEffect(() => {
    if (selected !== null) virtualizer.scrollToIndex(selected, { align: "auto" });
  }, [selected, virtualizer]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const at = selected ?? -1;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT) - 1);
    const move = (to: number) => {
      e.preventDefault();
      if (total > 0) onSelect(Math.min(total - 1, Math.max(0, to)));
    };
    switch (e.key) {
      case "ArrowDown": return move(at + 1);
      case "ArrowUp": return move(at - 1);
      case "PageDown": return move(at + page);
      case "PageUp": return move(at - page);
      case "Home": return move(0);
      case "End": return move(total - 1);
      case "Enter":
        if (selected !== null) { e.preventDefault(); onOpen(selected); }
        return;
      case "Delete":
        if (selected !== null) { e.preventDefault(); onEnd(selected); }
        return;
    }
  };

  return (
    <div className="table" role="grid" aria-rowcount={total + 1} aria-label="Sessions">
      <div className="table-head" role="row" aria-rowindex={1}>
        {columns.map((c) => (
          <div key={c.id} role="columnheader" style={{ flex: `${c.grow} 1 0` }}>{c.title}</div>
        ))}
      </div>
      <div
        className="table-body"
        ref={scroller}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onMouseOver={showFullText}
        aria-activedescendant={selected !== null ? `row-${selected}` : undefined}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((v) => {
            const s = rowAt(v.index);
            return (
              <div
                key={v.key}
                id={`row-${v.index}`}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={selected === v.index}
                className={"table-row" + (selected === v.index ? " selected" : "") + (s?.status === "ended" ? " ended" : "")}
                style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                onClick={() => {
                  onSelect(v.index);
                  onOpen(v.index);
                }}
              >
                {columns.map((c, ci) => (
                  <div key={c.id} role="gridcell" style={styles[ci]}>
                    {s ? c.cell(s, now) : <span className="placeholder" />}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
