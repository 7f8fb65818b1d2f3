// Pure helpers for the list URL contract, shared by server pages (to query) and the client
// toolkit (to render). Kept apart from the hook: Next refuses React-hook imports in server code.

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
