import { chainHash, eventPayload, type ChainedFields } from "../../lib/audit/chain";
import { leafHash, type Hash } from "../../lib/audit/log/merkle";
import { IncrementalTree, RangeLeaves } from "./tree";

// The per-event half of verification, fed one event at a time in leaf order: each event's
// payload hash, its link to the event before it, its place in the order, and its leaf in the
// tree. Memory is O(log n) (plus 32 bytes per leaf when a bundle's range must be re-hashed).

/** `occurredAtIso`, when given, is `occurredAt.toISOString()` (the bundle reader has checked it). */
export type LogEvent = ChainedFields & { seq: number; prevHash: string; hash: string; leaf?: number; occurredAtIso?: string };

export type BadEvent = { seq: number; id: string; leaf: number; check: "payload hash" | "chain link" | "order"; detail: string };

/** Whether an event's stored hash is the hash of its fields: 0 yes, 1 no (changed), 2 not even 64 hex digits. */
export type PayloadStatus = 0 | 1 | 2;
/** What the log-order checks need of an event, once its own fields have been hashed (`hashEvent`). */
export type HashedEvent = Pick<LogEvent, "seq" | "id" | "prevHash" | "hash" | "leaf"> & { status: PayloadStatus; leafHash: Hash };

/**
 * A block of events as a hashing worker sends them back (hash-block.ts), packed: typed arrays
 * and one string, so no object or string per event is copied, collected or looked at when all
 * is well (EventCheck.addBlock).
 */
export type HashedBlock = {
  /** Lines taken, blank ones included. */
  lines: number;
  /** The byte offset of the first line not taken, or -1 when the block was taken whole. */
  stop: number;
  /** Events taken; the arrays below may be longer. */
  count: number;
  seq: Float64Array;
  leaf: Float64Array;
  status: Uint8Array;
  /** 1 when the event's prevHash is the hash of the event before it in this block (never for the first). */
  linked: Uint8Array;
  /** 32 bytes per event. */
  leafHashes: Uint8Array;
  /** Each event's id, prevHash and hash, one after another; `ends[3i + k]` is where the k-th of event i ends. */
  text: string;
  ends: Uint32Array;
};

const part = (b: HashedBlock, i: number, k: number) => b.text.slice(i === 0 && k === 0 ? 0 : b.ends[3 * i + k - 1], b.ends[3 * i + k]);

/** Event i of the block, unpacked, for EventCheck.addHashed. */
export function hashedEvent(b: HashedBlock, i: number): HashedEvent {
  const leafHash = Buffer.from(b.leafHashes.buffer, b.leafHashes.byteOffset + 32 * i, 32);
  return { seq: b.seq[i], id: part(b, i, 0), prevHash: part(b, i, 1), hash: part(b, i, 2), leaf: b.leaf[i], status: b.status[i] as PayloadStatus, leafHash };
}

const HEX64 = /^[0-9a-f]{64}$/;
const NO_HASH = "00".repeat(32);

/**
 * The half of an event's checks that needs nothing but the event: its payload hash against its
 * stored hash, and its leaf. Independent per event, so the bundle reader may run it on worker
 * threads; `EventCheck.addHashed` does the rest, in order.
 */
export function hashEvent(e: LogEvent): { status: PayloadStatus; leafHash: Hash } {
  const computed = chainHash(e.prevHash, eventPayload(e, e.occurredAtIso));
  // A hash equal to the computed one is 64 lowercase hex digits: the pattern is tested only when it differs.
  const status = computed === e.hash ? 0 : HEX64.test(e.hash) ? 1 : 2;
  return { status, leafHash: leafHash(Buffer.from(status === 2 ? NO_HASH : e.hash, "hex")) };
}

export class EventCheck {
  readonly bad: BadEvent[] = [];
  /** Roots of the tree at the sizes asked for (only when the log is read from leaf 0). */
  readonly roots = new Map<number, Hash>();
  /** The seq of each leaf the report may name (around the sizes asked for). */
  readonly seqAt = new Map<number, number>();
  readonly tree: IncrementalTree | null;
  readonly range: RangeLeaves | null;
  count = 0;
  firstSeq: number | null = null;
  lastSeq: number | null = null;
  private prev: string | null;
  // A link that did not match: if the hash it points to turns up later, two events swapped places.
  private openLinks = new Map<string, BadEvent>();

  constructor(
    readonly start: number,
    opts: { prevHash: string | null; rootSizes?: Iterable<number>; keepRange?: boolean },
  ) {
    this.prev = opts.prevHash;
    this.tree = start === 0 ? new IncrementalTree() : null;
    this.range = opts.keepRange ? new RangeLeaves(start) : null;
    this.wanted = new Set(opts.rootSizes ?? []);
    for (const s of this.wanted) {
      this.seqAt.set(s, NaN);
      this.seqAt.set(s - 1, NaN);
    }
    if (this.tree && this.wanted.has(0)) this.roots.set(0, this.tree.root());
  }
  private readonly wanted: Set<number>;

  private flag(e: HashedEvent, leaf: number, check: BadEvent["check"], detail: string): BadEvent {
    const b = { seq: e.seq, id: e.id, leaf, check, detail };
    if (this.bad.length < 20) this.bad.push(b);
    return b;
  }

  add(e: LogEvent) {
    const h = hashEvent(e);
    this.addHashed({ seq: e.seq, id: e.id, prevHash: e.prevHash, hash: e.hash, leaf: e.leaf, status: h.status, leafHash: h.leafHash });
  }

  /** The checks of an event's place in the log, its own fields hashed already (`hashEvent`). */
  addHashed(e: HashedEvent) {
    const leaf = this.start + this.count;
    if (e.leaf !== undefined && e.leaf !== leaf) this.flag(e, leaf, "order", `it says it is leaf ${e.leaf}, but it is at leaf ${leaf}`);
    if (this.lastSeq !== null && !(e.seq > this.lastSeq)) this.flag(e, leaf, "order", `its seq does not follow ${this.lastSeq}`);
    if (e.status === 2) {
      this.flag(e, leaf, "payload hash", "its hash is not 64 hex digits");
    } else if (e.status === 1) {
      this.flag(e, leaf, "payload hash", "its stored hash does not match its fields: the event was changed");
    } else if (this.prev !== null && e.prevHash !== this.prev) {
      // Either an event before it is missing or changed, or it is out of place; which one shows
      // only later (the event it links to turns up after it: order).
      const b = this.flag(e, leaf, "chain link", "its prev_hash is not the hash of the event before it: an event before it is missing or was changed");
      this.openLinks.set(e.prevHash, b);
    }
    const moved = this.openLinks.get(e.hash);
    if (moved && moved.seq !== e.seq) {
      moved.check = "order";
      moved.detail = `it links to seq ${e.seq}, which comes after it: events were reordered`;
      this.openLinks.delete(e.hash);
    }
    this.prev = e.hash;
    this.advance(leaf, e.seq, e.leafHash);
  }

  /** What every event does, whatever the checks found: its place in the order and its leaf in the tree. */
  private advance(leaf: number, seq: number, leafHash: Uint8Array) {
    if (this.firstSeq === null) this.firstSeq = seq;
    this.lastSeq = seq;
    this.tree?.push(leafHash);
    this.range?.push(leafHash);
    this.count++;
    if (this.seqAt.has(leaf)) this.seqAt.set(leaf, seq);
    if (this.tree && this.wanted.has(this.tree.size)) this.roots.set(this.tree.size, this.tree.root());
  }

  /**
   * addHashed for each event of a hashing worker's block, in order. An event none of addHashed's
   * checks would flag, while no link is open, only advances (its prevHash compared by the worker
   * when the event before it is in the block); any other goes through addHashed itself.
   */
  addBlock(b: HashedBlock) {
    for (let i = 0; i < b.count; i++) {
      const leaf = this.start + this.count;
      const clean =
        b.leaf[i] === leaf && (this.lastSeq === null || b.seq[i] > this.lastSeq) && b.status[i] === 0 && this.openLinks.size === 0 &&
        (i > 0 ? b.linked[i] === 1 : this.prev === null || hashedEvent(b, 0).prevHash === this.prev);
      if (clean) this.advance(leaf, b.seq[i], b.leafHashes.subarray(32 * i, 32 * i + 32));
      else {
        if (i > 0) this.prev = hashedEvent(b, i - 1).hash;
        this.addHashed(hashedEvent(b, i));
      }
    }
    if (b.count > 0) this.prev = hashedEvent(b, b.count - 1).hash;
  }

  /** The first bad event, in leaf order. */
  first(): BadEvent | undefined {
    return [...this.bad].sort((a, b) => a.leaf - b.leaf)[0];
  }
}
