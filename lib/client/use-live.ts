"use client";

import * as React from "react";

type Subscriber = { onChange: () => void; onLive: (live: boolean) => void };
type Channel = { es: EventSource; live: boolean; subs: Set<Subscriber> };

// One EventSource per filter per tab, shared by every view that asks for it: the nav's badge and
// the page under it both want "every change", and a browser allows only six connections per
// host over HTTP/1.1, so a stream per view would soon starve the page's own requests.
const channels = new Map<string, Channel>();

function join(query: string, sub: Subscriber): () => void {
  let ch = channels.get(query);
  if (!ch) {
    const es = new EventSource(`/api/v1/stream${query ? `?${query}` : ""}`);
    const c: Channel = { es, live: false, subs: new Set() };
    es.addEventListener("ready", () => {
      c.live = true;
      for (const s of [...c.subs]) {
        s.onLive(true);
        s.onChange(); // whatever happened while we were not connected
      }
    });
    es.addEventListener("change", () => [...c.subs].forEach((s) => s.onChange()));
    es.onerror = () => {
      c.live = false;
      [...c.subs].forEach((s) => s.onLive(false));
    };
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
      channel.es.close();
      channels.delete(query);
    }
  };
}

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
