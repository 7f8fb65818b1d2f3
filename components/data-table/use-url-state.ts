"use client";

import { useCallback, useEffect, useMemo, useOptimistic, useRef, useTransition } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

import { PAGE_PARAM, SEARCH_DEBOUNCE_MS, type UrlUpdates } from "./list-params";

// Constants, types and the server-side parser live in ./list-params (hook-free, server-importable).

/**
 * Client hook: read and update list state in the URL (router.replace, so filtering does not flood
 * history). Any change other than `page` itself resets `page`, because the old page number is
 * meaningless for a different result set.
 */
export function useUrlState() {
  const router = useRouter();
  const pathname = usePathname();
  const committed = useSearchParams();
  const [isPending, startTransition] = useTransition();

  // The URL only changes once the server has answered; until then show the requested state so a
  // select or sort arrow does not snap back while the list loads. Reverts by itself on failure.
  const [optimistic, setOptimistic] = useOptimistic(committed.toString());
  const searchParams = useMemo(() => new URLSearchParams(optimistic), [optimistic]);

  // Same idea for back-to-back updates before a re-render (e.g. a debounced search firing right
  // after a filter change): chain onto the query we last asked for, not the committed one.
  const intended = useRef<string | null>(null);
  const debounced = useRef<{ updates: UrlUpdates; timer: ReturnType<typeof setTimeout> } | null>(null);

  useEffect(() => {
    if (!isPending) intended.current = null;
  }, [isPending, committed]);

  useEffect(
    () => () => {
      if (debounced.current) clearTimeout(debounced.current.timer);
    },
    [],
  );

  const navigate = useCallback(
    (updates: UrlUpdates, resetPage?: boolean) => {
      const current = intended.current ?? committed.toString();
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
      startTransition(() => {
        setOptimistic(next);
        router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
      });
    },
    [committed, pathname, router, setOptimistic],
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

  /** `searchParams` / `get` include in-flight (optimistic) changes; `committed` is what the server rendered. */
  return { searchParams, committed, get, setParams, setParamsDebounced, isPending };
}
