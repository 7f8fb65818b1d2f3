"use client";

import * as React from "react";

type Subscriber = { onChange: () => void; onLive: (live: boolean) => void };
type Channel = { es: EventSource | null; live: boolean; subs: Set<Subscriber>; retry?: ReturnType<typeof setTimeout>; failures: number };

// One EventSource per filter per tab, shared by every view that asks for it: the nav's badge and
// the page under it both want "every change", and a browser allows only six connections per
// host over HTTP/1.1, so a stream per view would soon starve the page's own requests.
const channels = new Map<string, Channel>();

// A dropped connection the browser retries by itself (the server asks for 2 s). An answer that is
// not a stream (a 503 while the database is away, a 502 from a proxy while an instance restarts)
// makes it give up for good; the channel then opens a new one after a while, sooner first.
const REOPEN_MS = [2_000, 5_000, 10_000, 30_000];

function open(query: string, c: Channel): EventSource {
  const es = new EventSource(`/api/v1/stream${query ? `?${query}` : ""}`);
  es.addEventListener("ready", () => {
    c.live = true;
    c.failures = 0;
    for (const s of [...c.subs]) {
      s.onLive(true);
      s.onChange(); // whatever happened while we were not connected
    }
  });
  es.addEventListener("change", () => [...c.subs].forEach((s) => s.onChange()));
  es.onerror = () => {
    c.live = false;
    [...c.subs].forEach((s) => s.onLive(false));
    if (es.readyState !== EventSource.CLOSED || c.retry) return;
    const delay = REOPEN_MS[Math.min(c.failures++, REOPEN_MS.length - 1)];
    c.retry = setTimeout(() => {
      c.retry = undefined;
      if (channels.get(query) === c) c.es = open(query, c);
    }, delay);
  };
  return es;
}

function join(query: string, sub: Subscriber): () => void {
  let ch = channels.get(query);
  if (!ch) {
    const c: Channel = { es: null, live: false, subs: new Set(), failures: 0 };
    c.es = open(query, c);
    channels.set(query, (ch = c));
  } else if (ch.live) {
    // Joining a stream that is already up: the same catch-up a fresh connection would give.
    queueMicrotask(() => {
      sub.onLive(true);
      sub.onChange();
    });
  }
  const channel = ch;
  channel.subs.add(sub);
  return () => {
    channel.subs.delete(sub);
    if (channel.subs.size === 0) {
      channel.es?.close();
      if (channel.retry) clearTimeout(channel.retry);
      channels.delete(query);
    }
  };
}

/** For tests: joins the shared channel for `query` without React. */
export const joinLiveChannel = join;

/**
 * Subscribes a view to the server's change stream (GET /api/v1/stream); `null` subscribes to
 * nothing. `onChange` runs on every
 * (coalesced) change the filter lets through. Returns whether the stream is connected, so the
 * view can poll instead while it is not (EventSource reconnects by itself, and a stream the
 * browser gave up on is opened again).
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
    let active = true;
    const leave = join(query, {
      onChange: () => active && handler.current(),
      onLive: (v) => active && setLive(v),
    });
    return () => {
      active = false;
      leave();
      setLive(false);
    };
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
