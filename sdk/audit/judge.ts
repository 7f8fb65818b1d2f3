import type { Hash } from "../../lib/audit/log/merkle";
import { describeSigs, signerOf, type SignedCheckpoint, type Trust } from "./checkpoints";
import type { BadEvent, EventCheck } from "./events";

// The verdict: what the events, checkpoints and witness copies say together, as sentences that
// name where the log went wrong. Pure over the results of the reading passes.

export const fmt = (n: number) => n.toLocaleString("en-US");
export const span = (a: number, b: number) => (a === b ? fmt(a) : `${fmt(a)}–${fmt(b)}`);
const short = (h: Hash) => h.toString("base64");

export type Verdict = { problems: string[]; notes: string[] };

export function describeBad(b: BadEvent): string {
  return `event seq ${fmt(b.seq)} (id ${b.id}, leaf ${fmt(b.leaf)}) fails the ${b.check} check: ${b.detail}`;
}

/** What the tree says at size m: its root, or that the log is shorter, or that this pass cannot tell. */
export type RootAt = (m: number) => Hash | "missing" | "unknown";

/**
 * Signatures, then every checkpoint against the tree, smallest first: a size the log does not
 * reach is a cut (truncation, rollback), a root that differs is a rewrite, located between the
 * last checkpoint that still matches and this one. `origins`: the names this log's checkpoints
 * carry (more than one after a restore gave it a new origin); a checkpoint of any other is
 * another log's.
 */
export function judgeCheckpoints(
  cps: readonly SignedCheckpoint[],
  trust: Trust,
  origins: readonly string[] | null,
  rootAt: RootAt,
  ev: Pick<EventCheck, "count" | "lastSeq" | "seqAt" | "start">,
  verdict: Verdict,
) {
  let lastGood = 0;
  const sorted = [...cps].sort((a, b) => a.size - b.size);
  const trusted = sorted.filter((c) => {
    if (origins !== null && origins.length > 0 && !origins.includes(c.origin)) {
      verdict.problems.push(`the ${c.source} checkpoint in ${c.where} is for another log ("${c.origin}", not ${origins.map((o) => `"${o}"`).join(" or ")})`);
      return false;
    }
    if (trust.basis === "none") return true;
    if (!signerOf(c, trust)) {
      verdict.problems.push(`the ${c.source} checkpoint of size ${fmt(c.size)} (${c.where}) is not signed by a trusted key: it carries ${describeSigs(c)}`);
      return false;
    }
    return true;
  });
  const end = ev.start + ev.count;
  let reported = false;
  for (const c of trusted) {
    const r = rootAt(c.size);
    if (r === "unknown") {
      if (c.source === "witnessed") verdict.notes.push(`the witnessed checkpoint of size ${fmt(c.size)} is outside what this bundle proves; not checked`);
      continue;
    }
    if (r === "missing") {
      if (!reported) {
        const seq = ev.lastSeq !== null ? `, the last at seq ${fmt(ev.lastSeq)}` : "";
        verdict.problems.push(
          `events ${span(end, c.size - 1)} are missing (the ${c.source} checkpoint of size ${fmt(c.size)} in ${c.where} holds them; the log has ${fmt(end)} events${seq}): the log was truncated or rolled back`,
        );
        reported = true;
      }
      continue;
    }
    if (!r.equals(c.root)) {
      if (!reported) {
        const a = ev.seqAt.get(lastGood);
        const b = ev.seqAt.get(c.size - 1);
        const seqs = a !== undefined && b !== undefined && !Number.isNaN(a) && !Number.isNaN(b) ? ` (seq ${span(a, b)})` : "";
        verdict.problems.push(
          `the log was rewritten: the ${c.source} checkpoint of size ${fmt(c.size)} (${c.where}) has root ${short(c.root)}, the events give ${short(r)}; ` +
            `the change lies in events ${span(lastGood, c.size - 1)}${seqs}, after the last checkpoint that still matches (size ${fmt(lastGood)})`,
        );
        reported = true;
      }
      continue;
    }
    if (!reported) lastGood = Math.max(lastGood, c.size);
  }
  if (trust.basis === "none" && cps.length) verdict.problems.push("no key to check the checkpoints' signatures with: pass --public-key or --witness");
}

export function render(v: Verdict, summary: string): { text: string; ok: boolean } {
  if (v.problems.length === 0) return { text: [`intact: ${summary}`, ...v.notes.map((n) => `  note: ${n}`)].join("\n"), ok: true };
  return {
    text: [`verification FAILED: ${v.problems[0]}`, ...v.problems.slice(1).map((p) => `  also: ${p}`), ...v.notes.map((n) => `  note: ${n}`)].join("\n"),
    ok: false,
  };
}
