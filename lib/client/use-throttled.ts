"use client";

import * as React from "react";

/**
 * `fn` at most once per `ms`, the last call of a burst always running (trailing). A busy fleet
 * sends a change signal every few hundred milliseconds; a badge or a detail view needs one
 * refetch per burst, not one per signal.
 */
export function useThrottled(fn: () => void, ms: number): () => void {
  const saved = React.useRef(fn);
  const last = React.useRef(0);
  const timer = React.useRef<ReturnType<typeof setTimeout> | null>(null);
  React.useEffect(() => {
    saved.current = fn;
  });
  React.useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return React.useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(0, ms - (Date.now() - last.current));
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      saved.current();
    }, wait);
  }, [ms]);
}
