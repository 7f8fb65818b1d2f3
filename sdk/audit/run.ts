import { GENESIS_HASH } from "../../lib/audit/chain";
import { verifyConsistency } from "../../lib/audit/log/merkle";
import { rootFromRange } from "../../lib/audit/log/range";
import { openBundle, type OpenOptions } from "./bundle";
import { BadInput, chooseTrust, describeOrigins, originsOf, readKeyFiles, readWitness, type SignedCheckpoint, type Trust } from "./checkpoints";
import { connect, readDbLog, streamDbEvents } from "./database";
import { EventCheck } from "./events";
import { describeBad, fmt, judgeCheckpoints, render, span, type Verdict } from "./judge";
import { Progress } from "./progress";
import { judgeCosignatures } from "./cosigned";

// The two verifications end to end: read the trusted keys and witness copies, stream the events
// through the checks, then judge every checkpoint against the tree the events give.

/** `workers`: hashing threads for a large bundle (0: this thread only, the default); `reading`: for tests. */
export type VerifyOptions = { witness?: string; publicKeys: string[]; witnessKeys?: string[]; quiet?: boolean; workers?: number; reading?: Omit<OpenOptions, "workers"> };
export type Outcome = { text: string; ok: boolean };

function trustNote(t: Trust, v: Verdict) {
  if (t.basis === "self-asserted") v.notes.push("signatures were checked only against keys the log itself carries (self-asserted): pass --public-key or --witness to check them against keys you trust");
}

const uniqueSizes = (cps: SignedCheckpoint[]) => [...new Set(cps.map((c) => c.size))];

/** A log that changed its origin (a restore from a backup starts a new one) is said, not hidden. */
function originNote(cps: SignedCheckpoint[], v: Verdict) {
  if (originsOf(cps).length < 2) return;
  v.notes.push(
    `the log changed its origin: its checkpoints are ${describeOrigins(cps)}. A restore from a backup starts a new origin (README "Backup and restore"); ` +
      "the earlier origin's witness (--witness) shows what the restore lost",
  );
}

function eventProblems(ev: EventCheck, v: Verdict) {
  const first = ev.first();
  if (first) v.problems.push(describeBad(first), ...ev.bad.filter((b) => b !== first).slice(0, 4).map(describeBad));
}

export async function verifyDatabase(url: string, o: VerifyOptions): Promise<Outcome> {
  const given = readKeyFiles(o.publicKeys);
  const witnessKeys = readKeyFiles(o.witnessKeys ?? []);
  const witness = o.witness ? readWitness(o.witness) : { checkpoints: [], keys: [] };
  const client = await connect(url);
  try {
    const log = await readDbLog(client).catch(rethrow);
    const trust = chooseTrust(given, witness.keys, log.carriedKeys);
    const all = [...log.checkpoints, ...witness.checkpoints];
    const progress = new Progress("verifying", log.total, o.quiet);
    const ev = await streamDbEvents(client, uniqueSizes(all), progress).catch(rethrow);
    progress.done(ev.count);
    const v: Verdict = { problems: [], notes: [] };
    eventProblems(ev, v);
    // The stored checkpoints name the log (one origin, or several after a restore); else the witness does.
    const origins = log.checkpoints.length ? originsOf(log.checkpoints) : witness.checkpoints.length ? [witness.checkpoints[0].origin] : null;
    judgeCheckpoints(all, trust, origins, (m) => (m > ev.count ? "missing" : ev.roots.get(m)!), ev, v);
    const cosigned = judgeCosignatures(log.checkpoints, witnessKeys, v);
    trustNote(trust, v);
    originNote(log.checkpoints, v);
    if (all.length === 0) v.notes.push("no checkpoint yet: only the hash chain was checked");
    const seqs = ev.firstSeq === null ? "" : ` (seq ${span(ev.firstSeq, ev.lastSeq!)})`;
    return render(v, [`${fmt(ev.count)} events${seqs}, ${fmt(log.checkpoints.length)} stored and ${fmt(witness.checkpoints.length)} witnessed checkpoints match the tree`, ...cosigned].join("; "));
  } finally {
    await client.end().catch(() => {});
  }
}

/** A database error mid-read is an outage, not a finding about the log. */
function rethrow(err: unknown): never {
  if (err instanceof BadInput) throw err;
  throw new BadInput(`the database failed while reading: ${err instanceof Error ? err.message : String(err)}`);
}

export async function verifyBundle(path: string, o: VerifyOptions): Promise<Outcome> {
  const given = readKeyFiles(o.publicKeys);
  const witnessKeys = readKeyFiles(o.witnessKeys ?? []);
  const witness = o.witness ? readWitness(o.witness) : { checkpoints: [], keys: [] };
  const b = await openBundle(path, { ...o.reading, workers: o.workers });
  try {
    const { header: h, checkpoints: cps, consistency } = b.head;
    const trust = chooseTrust(given, witness.keys, b.head.keys);
    const v: Verdict = { problems: [], notes: [] };
    const newest = cps[cps.length - 1];
    if (!newest || newest.size !== h.treeSize) throw new BadInput(`the bundle is malformed: its newest checkpoint is not of its tree size ${fmt(h.treeSize)}`);
    if (newest.origin !== h.origin) throw new BadInput(`the bundle is malformed: its header names the log "${h.origin}", its newest checkpoint "${newest.origin}"`);
    // Consecutive checkpoints, each with the bundle's proof that the older tree is a prefix of the newer.
    for (let i = 0; i + 1 < cps.length; i++) {
      const p = consistency[i];
      const [a, c] = [cps[i], cps[i + 1]];
      if (!p || p.from !== a.size || p.to !== c.size) throw new BadInput(`the bundle is malformed: no consistency proof from size ${fmt(a.size)} to ${fmt(c.size)}`);
      if (!verifyConsistency(a.size, c.size, p.proof, a.root, c.root)) {
        v.problems.push(`the checkpoints of size ${fmt(a.size)} and ${fmt(c.size)} are not consistent: the log was rewritten between them (leaves ${span(a.size, c.size - 1)} or before)`);
      }
    }
    const whole = h.firstLeaf === 0;
    const sizes = uniqueSizes([...cps, ...witness.checkpoints]);
    // A bundle of the whole tree needs no range re-hash: the incremental tree's root is the root.
    const everything = whole && h.endLeaf === h.treeSize;
    const ev = new EventCheck(h.firstLeaf, { prevHash: whole ? GENESIS_HASH : null, rootSizes: whole ? [...sizes, h.endLeaf] : [], keepRange: !everything });
    const progress = new Progress("verifying", h.endLeaf - h.firstLeaf, o.quiet);
    for await (const batch of b.events()) {
      if (Array.isArray(batch)) for (const e of batch) ev.addHashed(e);
      else ev.addBlock(batch);
      progress.tick(ev.count);
    }
    progress.done(ev.count);
    const range = b.range()!;
    if (range.start !== h.firstLeaf || range.end !== h.endLeaf || range.size !== h.treeSize) throw new BadInput("the bundle is malformed: its range proof is not for the header's leaves");
    const end = h.firstLeaf + ev.count;
    eventProblems(ev, v);
    if (end !== h.endLeaf) {
      v.problems.push(end < h.endLeaf ? `events ${span(end, h.endLeaf - 1)} are missing from the bundle (its header promises leaves up to ${fmt(h.endLeaf - 1)})` : `the bundle holds ${fmt(end - h.endLeaf)} events more than its header says`);
    } else {
      let root;
      try {
        if (everything && range.proof.length) throw new Error("the range proof of the whole tree has hashes left over");
        root = everything ? ev.tree!.root() : rootFromRange(ev.range!.hash, h.firstLeaf, h.endLeaf, h.treeSize, range.proof);
      } catch (err) {
        throw new BadInput(`the bundle is malformed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!root.equals(newest.root)) v.problems.push(`the events ${span(h.firstLeaf, h.endLeaf - 1)} and the range proof do not give the root of the checkpoint of size ${fmt(h.treeSize)}: events were changed, removed or reordered`);
    }
    // The roots this bundle proves: its checkpoints (linked above), and any size when it holds the log from leaf 0.
    const proven = new Map(cps.map((c) => [c.size, c.root] as const));
    const created = Date.parse(h.createdAt) / 1000;
    const rootAt = (m: number, c?: SignedCheckpoint) => {
      if (whole && m <= end && ev.roots.has(m)) return ev.roots.get(m)!;
      if (proven.has(m)) return proven.get(m)!;
      // A witness copy newer than the bundle is not a cut; one older and larger is.
      if (m > h.treeSize) return c && c.time !== null && c.time > created ? "unknown" : "missing";
      return "unknown";
    };
    // A cut is measured against the whole tree the bundle vouches for, not just its range.
    const log = { start: 0, count: h.treeSize, lastSeq: null, seqAt: ev.seqAt };
    const origins = originsOf(cps);
    judgeCheckpoints(cps, trust, origins, (m) => rootAt(m), log, v);
    const witnessed = witness.checkpoints;
    judgeCheckpoints(witnessed, trust, origins, (m) => rootAt(m, witnessed.find((c) => c.size === m)), log, v);
    const cosigned = judgeCosignatures(cps, witnessKeys, v);
    trustNote(trust, v);
    originNote(cps, v);
    return render(v, [`${fmt(ev.count)} events (leaves ${span(h.firstLeaf, Math.max(h.firstLeaf, end - 1))}), ${fmt(cps.length)} checkpoints and ${fmt(witnessed.length)} witness copies consistent with the tree of ${fmt(h.treeSize)}`, ...cosigned].join("; "));
  } finally {
    b.close();
  }
}
