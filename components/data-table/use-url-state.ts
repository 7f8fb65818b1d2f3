// No "use client" on purpose: the hook is only callable from client components, but the pure
// helpers below (parseListParams & co.) are also imported by server pages to read the same URL.
import { useCallback, useEffect, useRef, useTransition } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

export const PAGE_PARAM = "page";
export const PAGE_SIZE_PARAM = "pageSize";
export const SEARCH_PARAM = "q";
export const SORT_PARAM = "sort";
export const DIR_PARAM = "dir";
export const PAGE_SIZE_OPTIONS = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const SEARCH_DEBOUNCE_MS = 300;

export type SortDir = "asc" | "desc";
/** null / undefined / "" remove the parameter. */
export type UrlUpdates = Record<string, string | number | null | undefined>;
export type SearchParamsInput =
  | URLSearchParams
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

/** First value of a parameter from either URLSearchParams or Next's `searchParams` page prop. */
export function readParam(input: SearchParamsInput, name: string): string | null {
  if (typeof (input as URLSearchParams).get === "function") return (input as URLSearchParams).get(name);
  const v = (input as Record<string, string | string[] | undefined>)[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function clampInt(raw: string | null, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  const n = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? Math.min(Math.max(n, min), max) : fallback;
}

export function readPaging(input: SearchParamsInput, defaultPageSize: number = DEFAULT_PAGE_SIZE) {
  const size = clampInt(readParam(input, PAGE_SIZE_PARAM), defaultPageSize, 1);
  // Only the offered sizes are accepted, so a hand-edited URL cannot ask for 10 million rows.
  const pageSize = (PAGE_SIZE_OPTIONS as readonly number[]).includes(size) ? size : defaultPageSize;
  const page = clampInt(readParam(input, PAGE_PARAM), 1, 1);
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export type ListParams = {
  q: string;
  page: number;
  pageSize: number;
  offset: number;
  /** Always one of `sortable` (or the default), never raw user input. */
  sort: string | null;
  dir: SortDir;
};

/**
 * Server-side reader for the list URL contract. `sortable` is an allow-list: an unknown `sort`
 * falls back to `defaultSort`, so callers can map it to a column without further checks.
 */
export function parseListParams(
  input: SearchParamsInput,
  options: { sortable?: readonly string[]; defaultSort?: string | null; defaultDir?: SortDir; defaultPageSize?: number } = {},
): ListParams {
  const { sortable = [], defaultSort = null, defaultDir = "desc", defaultPageSize = DEFAULT_PAGE_SIZE } = options;
  const rawSort = readParam(input, SORT_PARAM);
  const sort = rawSort && sortable.includes(rawSort) ? rawSort : defaultSort;
  const rawDir = readParam(input, DIR_PARAM);
  const dir: SortDir = rawDir === "asc" || rawDir === "desc" ? rawDir : defaultDir;
  const q = (readParam(input, SEARCH_PARAM) ?? "").trim().slice(0, 200);
  return { q, sort, dir, ...readPaging(input, defaultPageSize) };
}

/**
 * Client hook: read and update list state in the URL (router.replace, so filtering does not flood
 * history). Any change other than `page` itself resets `page`, because the old page number is
 * meaningless for a different result set.
 */
export function useUrlState() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();

  // While a navigation is in flight the URL still shows the old query; chain updates onto the
  // one we asked for so two quick changes (e.g. filter then sort) do not overwrite each other.
  const intended = useRef<string | null>(null);
  const debounced = useRef<{ updates: UrlUpdates; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(() => {
    if (!isPending) intended.current = null;
  }, [isPending, searchParams]);

  useEffect(
    () => () => {
      if (debounced.current) clearTimeout(debounced.current.timer);
    },
    [],
  );

  const navigate = useCallback(
    (updates: UrlUpdates, resetPage?: boolean) => {
      const current = intended.current ?? searchParams.toString();
      const params = new URLSearchParams(current);
      for (const [key, value] of Object.entries(updates)) {
        if (value === null || value === undefined || value === "") params.delete(key);
        else params.set(key, String(value));
      }
      const onlyPaging = Object.keys(updates).every((k) => k === PAGE_PARAM);
      if (resetPage ?? !onlyPaging) params.delete(PAGE_PARAM);
      const next = params.toString();
      if (next === current) return;
      intended.current = next;
      startTransition(() => router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false }));
    },
    [pathname, router, searchParams],
  );

  /** Apply now. A pending debounced update (typed search) is folded in first so it is not lost. */
  const setParams = useCallback(
    (updates: UrlUpdates, options?: { resetPage?: boolean }) => {
      const pending = debounced.current;
      if (pending) {
        clearTimeout(pending.timer);
        debounced.current = null;
      }
      navigate(pending ? { ...pending.updates, ...updates } : updates, options?.resetPage);
    },
    [navigate],
  );

  /** Apply after `delay` ms of quiet (for keystrokes); later calls merge and restart the wait. */
  const setParamsDebounced = useCallback(
    (updates: UrlUpdates, delay: number = SEARCH_DEBOUNCE_MS) => {
      const merged = { ...debounced.current?.updates, ...updates };
      if (debounced.current) clearTimeout(debounced.current.timer);
      debounced.current = {
        updates: merged,
        timer: setTimeout(() => {
          debounced.current = null;
          navigate(merged);
        }, delay),
      };
    },
    [navigate],
  );

  const get = useCallback((name: string) => searchParams.get(name), [searchParams]);

  return { searchParams, get, setParams, setParamsDebounced, isPending };
}
