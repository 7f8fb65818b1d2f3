"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import type { Page } from "@/lib/db/queries/list";
import { api } from "./api";

/** The server's first page, keyed by the query string it was computed for. */
export type InitialPage<T> = { key: string; data: Page<T> };

/**
 * A server-filtered list whose state lives in the URL: the server renders the first page, then
 * every change of filters, sort or page refetches from the JSON API (keeping the old rows on
 * screen until the new ones arrive).
 */
export function useListQuery<T>(resource: string, initial: InitialPage<T>, opts: { liveMs?: number } = {}) {
  const sp = useSearchParams();
  const key = sp.toString();
  return useQuery({
    queryKey: [resource, key],
    queryFn: ({ signal }) => api<Page<T>>(`/api/v1/${resource}${key ? `?${key}` : ""}`, { signal }),
    initialData: key === initial.key ? initial.data : undefined,
    placeholderData: keepPreviousData,
    // Live lists poll while the tab is visible (react-query pauses in background tabs).
    refetchInterval: opts.liveMs ?? false,
  });
}

