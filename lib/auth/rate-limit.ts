// Slows password guessing: after MAX failures for one email (or one client address) within the
// window, further attempts are refused until the window passes. Per process; with several app
// instances each keeps its own count, which still bounds guessing to MAX x instances per window.
const WINDOW_MS = 15 * 60 * 1000;
const MAX = 8;
const failures = new Map<string, number[]>();

function recent(key: string, now: number) {
  const list = (failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  failures.set(key, list);
  return list;
}

export function isLockedOut(keys: string[], now = Date.now()) {
  return keys.some((k) => recent(k, now).length >= MAX);
}

export function noteFailure(keys: string[], now = Date.now()) {
  for (const k of keys) recent(k, now).push(now);
  if (failures.size > 50_000) failures.clear(); // bound memory under a spray of random emails
}

export function clearFailures(keys: string[]) {
  for (const k of keys) failures.delete(k);
}
