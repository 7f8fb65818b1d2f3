"use client";

import * as React from "react";

/**
 * Subscribes a view to the server's change stream (GET /api/v1/stream); `null` subscribes to
 * nothing. `onChange` runs on every
 * (coalesced) change the filter lets through. Returns whether the stream is connected, so the
 * view can poll instead while it is not (EventSource reconnects by itself).
 */
export function useLiveChanges(filter: { session?: string; agent?: string } | null, onChange: () => void): boolean {
  const [live, setLive] = React.useState(false);
  const handler = React.useRef(onChange);
  React.useEffect(() => {
    handler.current = onChange;
  });
  const enabled = filter !== null;
  const query = new URLSearchParams(Object.entries(filter ?? {}).filter((e): e is [string, string] => !!e[1])).toString();
  React.useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const es = new EventSource(`/api/v1/stream${query ? `?${query}` : ""}`);
    es.addEventListener("ready", () => {
      setLive(true);
      handler.current(); // whatever happened while we were not connected
    });
    es.addEventListener("change", () => handler.current());
    es.onerror = () => setLive(false);
    return () => es.close();
  }, [query, enabled]);
  return live;
}

/** Runs `fn` every `ms` while `active`. */
export function useInterval(fn: () => void, ms: number, active: boolean) {
  const saved = React.useRef(fn);
  React.useEffect(() => {
    saved.current = fn;
  });
  React.useEffect(() => {
    if (!active) return;
    const t = setInterval(() => saved.current(), ms);
    return () => clearInterval(t);
  }, [ms, active]);
}
