// What text Postgres can store. A JavaScript string may hold two things its `text` and `jsonb`
// cannot: NUL (U+0000), which Postgres refuses (the write fails), and a lone UTF-16 surrogate,
// which the driver silently turns into U+FFFD in `text` (a different value than the one sent)
// and `jsonb` refuses. Inputs are checked here once (lib/domain/request.ts parseWith, the route
// wrappers, proxy.ts); values Warden only digests or summarises are made storable instead.
// Pure and dependency-free: every layer, and the browser, may use it.

const NUL = "\u0000";
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Why Postgres could not store `s` as given, or null when it can. */
export function unstorableReason(s: string): string | null {
  if (s.includes(NUL)) return "must not contain NUL characters (U+0000)";
  if (LONE_SURROGATE.test(s)) return "must be valid Unicode text (it contains an unpaired surrogate)";
  return null;
}

/** `s` with every NUL and lone surrogate replaced by U+FFFD: for text kept only as a summary. */
export function toStorable(s: string): string {
  return s.replace(UNSTORABLE_ALL, "\ufffd");
}

export type UnstorableField = { path: string; message: string };

/**
 * A pattern of paths whose values are not stored as given (e.g. tool-call arguments: digested,
 * and only their shape kept): segments joined by ".", `*` for any key or index.
 */
export type PathPattern = string;

type Frame = { value: unknown; parent: Frame | null; key: string | number | null };

/**
 * The first string or object key in a parsed JSON-like value that Postgres could not store, with
 * its path ("action.resource", "labels", "items.2.name"), or null. A bad key is reported at the
 * object that holds it. Iterative, so a deeply nested body cannot exhaust the stack. Values other
 * than strings, arrays and plain objects (numbers, dates, class instances) are not looked into.
 */
export function findUnstorable(value: unknown, skip: readonly PathPattern[] = []): UnstorableField | null {
  const patterns = skip.map((p) => p.split("."));
  const stack: Frame[] = [{ value, parent: null, key: null }];
  while (stack.length) {
    const f = stack.pop()!;
    const v = f.value;
    if (typeof v === "string") {
      const why = unstorableReason(v);
      if (why) return { path: pathOf(f), message: why };
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (patterns.length && skipped(f, patterns)) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: f, key: i });
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) continue;
    const keys = Object.keys(v);
    for (const k of keys) {
      const why = unstorableReason(k);
      if (why) return { path: pathOf(f), message: `has a key that ${why}` };
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (v as Record<string, unknown>)[keys[i]], parent: f, key: keys[i] });
  }
  return null;
}

function segments(f: Frame): (string | number)[] {
  const out: (string | number)[] = [];
  for (let x: Frame | null = f; x && x.key !== null; x = x.parent) out.push(x.key);
  return out.reverse();
}

function pathOf(f: Frame): string {
  return segments(f).map(String).join(".") || "(body)";
}

function skipped(f: Frame, patterns: string[][]): boolean {
  const path = segments(f);
  if (path.length === 0) return false;
  return patterns.some((p) => p.length === path.length && p.every((s, i) => s === "*" || s === String(path[i])));
}
