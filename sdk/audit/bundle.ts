import { open, type FileHandle } from "node:fs/promises";
import type { Hash } from "../../lib/audit/log/merkle";
import { parseVerifier, type Verifier } from "../../lib/audit/log/note";
import { BadInput, readCheckpoint, type SignedCheckpoint } from "./checkpoints";
import { isBlank, isCount, isObj, toEvent } from "./event-line";
import { hashEvent, type HashedBlock, type HashedEvent, type LogEvent } from "./events";
import { HashPool } from "./hash-pool";

// Reads an evidence bundle (warden-audit-bundle/1, docs/audit-log.md) line by line: the whole
// file is never in memory. Shape errors are BadInput naming the line; what the values prove is
// for the caller to check.

export const BUNDLE_FORMAT = "warden-audit-bundle/1";

export type BundleHeader = { origin: string; from: string; to: string; createdAt: string; firstLeaf: number; endLeaf: number; treeSize: number };
export type Consistency = { from: number; to: number; proof: Hash[] };
export type BundleHead = { header: BundleHeader; keys: Verifier[]; checkpoints: SignedCheckpoint[]; consistency: Consistency[] };
export type RangeProof = { start: number; end: number; size: number; proof: Hash[] };

function hashes(v: unknown, where: string): Hash[] {
  if (!Array.isArray(v)) throw new BadInput(`${where}: the proof is not a list of hashes`);
  return v.map((h) => {
    const b = typeof h === "string" ? Buffer.from(h, "base64") : Buffer.alloc(0);
    if (b.length !== 32 || b.toString("base64") !== h) throw new BadInput(`${where}: a proof hash is not 32 bytes of base64`);
    return b;
  });
}

/**
 * The lines of a file, read in large chunks as bytes (the bundle of a million events is about
 * 750 MB) and split on "\n" (a "\r" before it is JSON whitespace). `take()` gives the next line
 * already read, or null when `more()` must read on, which keeps the per-line work synchronous;
 * `takeBlock()` hands out every whole line read so far, as bytes, for the hashing workers. Each
 * chunk is read into a buffer of its own, after the unfinished line before it, and no buffer is
 * written again: the blocks handed out stay valid without a copy.
 */
class LineReader {
  lineNo = 0;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;
  constructor(
    private readonly file: FileHandle,
    private readonly chunkBytes: number,
  ) {}

  take(): string | null {
    let end = this.buf.indexOf(10, this.pos);
    if (end < 0) {
      if (!this.ended || this.pos === this.buf.length) return null;
      end = this.buf.length; // the last line, unterminated
    }
    // A UTF-8 sequence never holds the byte "\n", so each line decodes on its own.
    const line = this.buf.toString("utf8", this.pos, end);
    this.pos = Math.min(end + 1, this.buf.length);
    this.lineNo++;
    return line;
  }

  /** Reads the next chunk; false at the end of the file, once no line is left. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const rest = this.buf.length - this.pos;
    const next = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, 2 * rest));
    this.buf.copy(next, 0, this.pos);
    const { bytesRead } = await this.file.read(next, rest, next.length - rest, null);
    this.buf = next.subarray(0, rest + bytesRead);
    this.pos = 0;
    if (bytesRead === 0) this.ended = true;
    return bytesRead > 0 || rest > 0;
  }

  /** The whole lines read and not yet taken (ending in "\n"), or null. */
  takeBlock(): Buffer | null {
    const end = this.buf.lastIndexOf(10);
    if (end < this.pos) return null;
    const block = this.buf.subarray(this.pos, end + 1);
    this.pos = end + 1;
    return block;
  }

  /** Puts bytes handed out by takeBlock back in front, in order: they are read again as lines. */
  unread(blocks: Buffer[]) {
    this.buf = Buffer.concat([...blocks, this.buf.subarray(this.pos)]);
    this.pos = 0;
  }
}

export type OpenOptions = {
  /** Hashing worker threads (hash-pool.ts); 0 hashes on this thread. */
  workers?: number;
  /** Bundles smaller than this (64 MB, ~85,000 events) are read on this thread alone: workers take ~0.4 s to start. */
  parallelFrom?: number;
  /** Bytes read at a time, and the most a worker is handed at once. */
  chunkBytes?: number;
};

const withHashes = (e: LogEvent): HashedEvent => {
  const h = hashEvent(e);
  return { seq: e.seq, id: e.id, prevHash: e.prevHash, hash: e.hash, leaf: e.leaf, status: h.status, leafHash: h.leafHash };
};

/** Opens the bundle and reads up to its first event; `events()` then yields them in order, in batches. */
export async function openBundle(path: string, o: OpenOptions = {}) {
  const file = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
    throw new BadInput(`cannot read the bundle ${path}: ${err.code ?? err.message}`);
  });
  const lines = new LineReader(file, o.chunkBytes ?? 1 << 20);
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      const n = lines.lineNo;
      throw new BadInput(`the bundle is malformed or truncated: line ${n} is not JSON${n === 1 ? " (not a Warden evidence bundle)" : ""}`);
    }
  };
  let pending: unknown = undefined;
  const next = async (): Promise<unknown | undefined> => {
    if (pending !== undefined) {
      const p = pending;
      pending = undefined;
      return p;
    }
    for (;;) {
      const line = lines.take();
      if (line === null) {
        if (await lines.more()) continue;
        return undefined;
      }
      if (!isBlank(line)) return parse(line);
    }
  };
  const at = () => `bundle line ${lines.lineNo}`;

  // Header, keys, checkpoints and consistency proofs, up to the first value that is none of these.
  const readHead = async (): Promise<BundleHead> => {
    const first = await next();
    if (!isObj(first) || first.format !== BUNDLE_FORMAT) {
      throw new BadInput(`not a Warden evidence bundle: the first line does not say "format": "${BUNDLE_FORMAT}"`);
    }
    const h = first;
    if (typeof h.origin !== "string" || !isCount(h.firstLeaf) || !isCount(h.endLeaf) || !isCount(h.treeSize) || !(h.firstLeaf <= h.endLeaf && h.endLeaf <= h.treeSize)) {
      throw new BadInput("the bundle's header is malformed: origin, firstLeaf ≤ endLeaf ≤ treeSize expected");
    }
    const header = h as unknown as BundleHeader;
    const keysLine = await next();
    if (!isObj(keysLine) || !Array.isArray(keysLine.keys)) throw new BadInput(`${at()}: expected the bundle's keys`);
    const keys = keysLine.keys.map((k) => {
      try {
        return parseVerifier(String(k));
      } catch (err) {
        throw new BadInput(`${at()}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    const checkpoints: SignedCheckpoint[] = [];
    const consistency: Consistency[] = [];
    for (;;) {
      const v = await next();
      if (v === undefined) throw new BadInput("the bundle is truncated: it ends before its events and range proof");
      if (isObj(v) && typeof v.checkpoint === "string") checkpoints.push(readCheckpoint(v.checkpoint, at(), "bundle"));
      else if (isObj(v) && isObj(v.consistency)) {
        const c = v.consistency;
        if (!isCount(c.from) || !isCount(c.to)) throw new BadInput(`${at()}: a consistency proof without from and to sizes`);
        consistency.push({ from: c.from, to: c.to, proof: hashes(c.proof, at()) });
      } else {
        pending = v;
        break;
      }
    }
    return { header, keys, checkpoints, consistency };
  };
  let head: BundleHead;
  try {
    head = await readHead();
  } catch (err) {
    await file.close();
    throw err;
  }
  const workers = o.workers ?? 0;
  const pool = workers > 0 && (await file.stat()).size >= (o.parallelFrom ?? 64 << 20) ? new HashPool(workers) : null;

  let range: RangeProof | null = null;

  /** Events as far as the hashing workers take them, in order (see hash-block.ts); stops where they stop. */
  async function* hashedOnWorkers(pool: HashPool): AsyncGenerator<HashedBlock> {
    const inFlight: { bytes: Buffer; block: Promise<HashedBlock> }[] = [];
    let eof = false;
    for (;;) {
      while (!eof && inFlight.length < 2 * pool.size) {
        const bytes = lines.takeBlock();
        if (bytes) inFlight.push({ bytes, block: pool.hash(bytes) });
        else eof = !(await lines.more());
      }
      const next = inFlight.shift();
      if (!next) return;
      const b = await next.block;
      lines.lineNo += b.lines;
      if (b.count) yield b;
      if (b.stop >= 0) {
        // From the first line the workers did not take, everything is read again here, line by line.
        lines.unread([next.bytes.subarray(b.stop), ...inFlight.map((f) => f.bytes)]);
        return;
      }
    }
  }

  /** The events in order, in batches (blocks when hashed on workers), then the range proof (see `range()`). */
  async function* events(): AsyncGenerator<HashedEvent[] | HashedBlock> {
    let batch: HashedEvent[] = [];
    // The value read ahead when the checkpoints ended comes first, then the lines as they are read.
    let v = pending;
    pending = undefined;
    let parallel = pool !== null;
    for (;;) {
      if (v === undefined) {
        if (parallel) {
          if (batch.length) yield batch;
          batch = [];
          yield* hashedOnWorkers(pool!);
          parallel = false;
        }
        const line = lines.take();
        if (line === null) {
          if (batch.length) yield batch;
          batch = [];
          if (!(await lines.more())) throw new BadInput(`the bundle is truncated: it ends at line ${lines.lineNo} without its range proof`);
          continue;
        }
        if (isBlank(line)) continue;
        v = parse(line);
      }
      if (isObj(v) && "event" in v) {
        if (range) throw new BadInput(`${at()}: an event after the range proof`);
        batch.push(withHashes(toEvent(v.event, at)));
      } else if (isObj(v) && isObj(v.range)) {
        const r = v.range;
        if (!isCount(r.start) || !isCount(r.end) || !isCount(r.size)) throw new BadInput(`${at()}: the range proof has no start, end and size`);
        range = { start: r.start, end: r.end, size: r.size, proof: hashes(r.proof, at()) };
        if (batch.length) yield batch;
        if ((await next()) !== undefined) throw new BadInput(`the bundle is malformed: something follows the range proof at line ${lines.lineNo}`);
        return;
      } else throw new BadInput(`${at()}: expected an event or the range proof`);
      v = undefined;
    }
  }
  return {
    head,
    events,
    range: () => range as RangeProof | null,
    close: () => {
      pool?.close();
      void file.close();
    },
  };
}
