// Pre-parsed Cedar policy sets, one per distinct slice, shared by every engine in the process.
// cedar-wasm keeps pre-parsed sets in the module's memory under an id and has no way to drop
// one, so memory stays bounded by reusing a fixed pool of ids: the least recently used slice
// gives its id to the next new one (pre-parsing under an existing id replaces it and frees the
// old set inside wasm). Measured cost: ~4.5 KB of wasm memory per statement, ~60 µs per
// statement to pre-parse, so a miss on a typical 10–20 statement slice costs about a millisecond.
import { preparsePolicySet } from "@cedar-policy/cedar-wasm/nodejs";

const limits = { slices: 2048, statements: 32_768 }; // at most ~150 MB of wasm memory
let nextSlot = 0;
let statements = 0;
const freeSlots: string[] = [];
// Map iteration order = insertion order, so the first entry is the least recently used.
type Entry = { slot: string; size: number; meta: unknown };
const slots = new Map<string, Entry>();

export const sliceCacheStats = { hits: 0, misses: 0 };

/** Changes the bounds (tests, benchmarks, memory-tight deployments); evicts down to them. */
export function setSliceCacheLimits(next: Partial<typeof limits>): void {
  Object.assign(limits, next);
  while (slots.size > 0 && (slots.size > limits.slices || statements > limits.statements)) evictOldest();
}

export function sliceCacheSize(): { slices: number; statements: number } {
  return { slices: slots.size, statements };
}

function evictOldest(): void {
  const [key, entry] = slots.entries().next().value as [string, Entry];
  slots.delete(key);
  statements -= entry.size;
  freeSlots.push(entry.slot);
}

/**
 * The pre-parsed set id for `key`, pre-parsing `build().text` (`size` statements) on a miss,
 * with whatever `meta` the caller wants kept beside it. Keys must identify the content exactly
 * (engine generation + statement numbers).
 */
export function preparsedSlice<M>(key: string, size: number, build: () => { text: string; meta: M }): { slot: string; meta: M } {
  const hit = slots.get(key);
  if (hit !== undefined) {
    sliceCacheStats.hits++;
    slots.delete(key);
    slots.set(key, hit);
    return hit as { slot: string; meta: M };
  }
  sliceCacheStats.misses++;
  while (slots.size > 0 && (slots.size >= limits.slices || statements + size > limits.statements)) evictOldest();
  const slot = freeSlots.pop() ?? `warden-slice-${nextSlot++}`;
  const { text, meta } = build();
  const answer = preparsePolicySet(slot, { staticPolicies: text });
  if (answer.type !== "success") {
    // Side-effect free on error: the slot keeps content nobody maps to any more; reuse it.
    freeSlots.push(slot);
    throw new Error(`Cedar could not pre-parse a policy slice: ${answer.errors.map((e) => e.message).join("; ")}`);
  }
  const entry = { slot, size, meta };
  slots.set(key, entry);
  statements += size;
  return entry;
}
