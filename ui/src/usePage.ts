// One page of a list screen (users, sign-ins, audit): it reloads after a short pause while
// the filter is being typed, goes back to the first page when the filter changes, and
// reloads when `refresh` changes (the sync moving on).
import { useEffect, useRef, useState } from "react";
import { messageOf } from "./api";

export type Page<T> = { items: T[]; total: number | bigint };

export function usePage<T>(
  /** The filter's values as one string: a change means a new first page. */
  filter: string,
  load: (offset: number, limit: number) => Promise<Page<T>>,
  refresh: unknown,
  size = 200,
) {
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // The latest `load` (it closes over the filter) without making it a dependency.
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => setOffset(0), [filter]);
  useEffect(() => {
    const timer = setTimeout(() => {
      latest.current(offset, size).then(
        (r) => {
          setRows(r.items);
          setTotal(Number(r.total));
          setError(null);
        },
        (e) => setError(messageOf(e)),
      );
    }, 150);
    return () => clearTimeout(timer);
  }, [filter, offset, refresh, size]);
  return { rows, total, offset, setOffset, error, setError };
}
