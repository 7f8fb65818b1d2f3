import { cosignatureVerifier, cosignedAt, type Verifier } from "../../lib/audit/log/note";
import type { SignedCheckpoint } from "./checkpoints";
import { fmt, type Verdict } from "./judge";

// Witness cosignatures (c2sp.org/tlog-cosignature) on the log's checkpoints, checked against
// the witness keys the reader gives (--witness-key). A cosignature says the witness saw that
// checkpoint extend everything it had seen of the log before: with the events giving the same
// root, the log a reader holds is the one the witness saw, not a copy made for them alone.

/** Per witness key: the newest checkpoint it cosigned, as words for the verdict; problems go in `v`. */
export function judgeCosignatures(cps: readonly SignedCheckpoint[], witnesses: readonly Verifier[], v: Verdict): string[] {
  const said: string[] = [];
  for (const given of witnesses) {
    const w = given.type === 0x04 ? given : cosignatureVerifier(given);
    let newest: { size: number; time: number } | null = null;
    for (const c of cps) {
      if (!c.note.signatures.some((s) => s.name === w.name && s.keyId === w.keyId)) continue;
      const t = cosignedAt(c.note, w);
      if (t === undefined) {
        v.problems.push(`the cosignature of the witness ${w.name} on the checkpoint of size ${fmt(c.size)} (${c.where}) does not verify: it was forged or the checkpoint changed`);
        continue;
      }
      if (!newest || c.size > newest.size) newest = { size: c.size, time: t };
    }
    if (!newest) v.problems.push(`no checkpoint is cosigned by the witness ${w.name}+${w.keyId}`);
    else said.push(`cosigned by ${w.name} up to ${fmt(newest.size)} events (${new Date(newest.time * 1000).toISOString()})`);
  }
  return said;
}
