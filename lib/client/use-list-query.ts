"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useRef } from "react";
import { useLiveChanges } from "./use-live";
import type { Page } from "@/lib/domain/list-query";
import { api } from "./api";

/** The server's first page, keyed by the query string it was computed for. */
export type InitialPage<T> = { key: string; data: Page<T> };

/**
 * A server-filtered list whose state lives in the URL: the server renders the first page, then
 * every change of filters, sort or page refetches from the JSON API (keeping the old rows on
 * screen until the new ones arrive).
 */
export function useListQuery<T>(resource: string, initial: InitialPage<T>, opts: { live?: boolean } = {}) {
  const sp = useSearchParams();
  const key = sp.toString();
  const liveRef = useRef(false); // set below, once the stream hook has run
  const query = useQuery({
    queryKey: [resource, key],
    queryFn: ({ signal }) => api<Page<T>>(`/api/v1/${resource}${key ? `?${key}` : ""}`, { signal }),
    initialData: key === initial.key ? initial.data : undefined,
    placeholderData: keepPreviousData,
    // Live lists are pushed by the change stream and poll only while it is down (react-query
    // pauses polling in background tabs).
    refetchInterval: () => (opts.live && !liveRef.current ? 5000 : false),
  });
  // A busy fleet changes something every few milliseconds: refetch at most once a second.
  const last = useRef(0);
  const trailing = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refetch = () => {
    const wait = 1000 - (Date.now() - last.current);
    if (trailing.current) return;
    trailing.current = setTimeout(() => {
      trailing.current = null;
      last.current = Date.now();
      void query.refetch();
    }, Math.max(0, wait));
  };
  liveRef.current = useLiveChanges(opts.live ? {} : null, refetch);
  return query;
}

