// Reads the server's `--trace-gc-nvp` output (one `key=value` line per collection), so the
// bench can print how much the decision path promotes into the old generation and how often
// that costs a full collection: the main source of slow answers at a steady rate when it was
// high (docs/benchmarks.md, third session of 2026-11-26).

export type GcSummary = {
  /** Young-generation collections (scavenges) and their mean pause, ms. */
  young: number;
  youngMeanMs: number;
  /** Full (mark-compact) collections and their longest final pause, ms. */
  full: number;
  fullMaxMs: number;
  /** Bytes the young collections promoted into the old generation. */
  promoted: number;
};

/** Summarises the collections in `text` (lines without `gc=` are ignored). */
export function summariseGcTrace(text: string): GcSummary {
  const out: GcSummary = { young: 0, youngMeanMs: 0, full: 0, fullMaxMs: 0, promoted: 0 };
  let youngMs = 0;
  for (const line of text.split("\n")) {
    const kind = /(?:^|\s)gc=(\w+)/.exec(line)?.[1];
    if (!kind) continue;
    const num = (key: string) => Number(new RegExp(`(?:^|\\s)${key}=([\\d.]+)`).exec(line)?.[1] ?? 0);
    if (kind === "s") {
      out.young++;
      youngMs += num("pause");
      out.promoted += num("promoted");
    } else if (kind === "mc") {
      out.full++;
      out.fullMaxMs = Math.max(out.fullMaxMs, num("pause"));
    }
  }
  out.youngMeanMs = out.young ? youngMs / out.young : 0;
  return out;
}

/** One line for the bench's output. */
export function gcLine(label: string, g: GcSummary, decisions: number): string {
  return (
    `${label}: ${g.young} young collections (mean ${g.youngMeanMs.toFixed(2)} ms), ${g.full} full (longest final pause ${g.fullMaxMs.toFixed(1)} ms); ` +
    `${(g.promoted / 1024 / Math.max(1, decisions)).toFixed(2)} KB promoted to the old generation per decision`
  );
}
