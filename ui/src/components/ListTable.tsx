// A plain table for the screens with pages of at most a few hundred rows (users, logins,
// audit, keys, actions): arrow keys move the selection, Enter opens, the header stays put.
import type { ReactNode } from "react";

export type ListColumn<T> = { title: string; cell: (row: T) => ReactNode; width?: string; className?: string };

type Props<T> = {
  label: string;
  rows: T[];
  columns: ListColumn<T>[];
  rowKey: (row: T) => string;
  selected?: number | null;
  onSelect?: (index: number) => void;
  onOpen?: (index: number) => void;
  rowClass?: (row: T) => string;
  empty?: string;
};

export function ListTable<T>({ label, rows, columns, rowKey, selected = null, onSelect, onOpen, rowClass, empty }: Props<T>) {
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!onSelect || rows.length === 0) return;
    const at = selected ?? -1;
    const move = (to: number) => {
      e.preventDefault();
      onSelect(Math.min(rows.length - 1, Math.max(0, to)));
    };
    if (e.key === "ArrowDown") move(at + 1);
    else if (e.key === "ArrowUp") move(at - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(rows.length - 1);
    else if (e.key === "Enter" && selected !== null && onOpen) {
      e.preventDefault();
      onOpen(selected);
    }
  };
  return (
    <div className="list" tabIndex={0} onKeyDown={onKeyDown} aria-label={label} role="region">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.title} style={c.width ? { width: c.width } : undefined}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr
              key={rowKey(r)}
              aria-selected={selected === i}
              className={(selected === i ? "selected " : "") + (rowClass?.(r) ?? "")}
              onClick={() => onSelect?.(i)}
              onDoubleClick={() => onOpen?.(i)}
            >
              {columns.map((c) => (
                <td key={c.title} className={c.className}>{c.cell(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted empty">{empty ?? "Nothing to show."}</p>}
    </div>
  );
}

/** "1–200 of 1,234" with previous and next page buttons. */
export function Pager({ offset, size, total, onPage }: { offset: number; size: number; total: number; onPage: (offset: number) => void }) {
  const fmt = new Intl.NumberFormat();
  const last = Math.min(total, offset + size);
  return (
    <div className="pager">
      <span className="muted" aria-live="polite">
        {total === 0 ? "None" : `${fmt.format(offset + 1)}–${fmt.format(last)} of ${fmt.format(total)}`}
      </span>
      <button onClick={() => onPage(Math.max(0, offset - size))} disabled={offset === 0} aria-label="Previous page">‹</button>
      <button onClick={() => onPage(offset + size)} disabled={last >= total} aria-label="Next page">›</button>
    </div>
  );
}
