import { createReadStream } from "node:fs";
import type { Hash } from "../../lib/audit/log/merkle";
import { parseVerifier, type Verifier } from "../../lib/audit/log/note";
import { BadInput, readCheckpoint, type SignedCheckpoint } from "./checkpoints";
import type { LogEvent } from "./events";

// Reads an evidence bundle (warden-audit-bundle/1, docs/audit-log.md) line by line: the whole
// file is never in memory. Shape errors are BadInput naming the line; what the values prove is
// for the caller to check.

export const BUNDLE_FORMAT = "warden-audit-bundle/1";

export type BundleHeader = { origin: string; from: string; to: string; createdAt: string; firstLeaf: number; endLeaf: number; treeSize: number };
export type Consistency = { from: number; to: number; proof: Hash[] };
export type BundleHead = { header: BundleHeader; keys: Verifier[]; checkpoints: SignedCheckpoint[]; consistency: Consistency[] };
export type RangeProof = { start: number; end: number; size: number; proof: Hash[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function hashes(v: unknown, where: string): Hash[] {
  if (!Array.isArray(v)) throw new BadInput(`${where}: the proof is not a list of hashes`);
  return v.map((h) => {
    const b = typeof h === "string" ? Buffer.from(h, "base64") : Buffer.alloc(0);
    if (b.length !== 32 || b.toString("base64") !== h) throw new BadInput(`${where}: a proof hash is not 32 bytes of base64`);
    return b;
  });
}

const STR = ["id", "actorKind", "actorLabel", "action", "prevHash", "hash", "occurredAt"] as const;
const STR_OR_NULL = ["actorId", "targetKind", "targetId", "agentId", "sessionId", "requestId", "ip"] as const;
const strOrNull = (x: unknown) => x === null || typeof x === "string";

/** STR, STR_OR_NULL, seq, leaf and detail all as they must be: spelled out, as it runs per event. */
const wellTyped = (v: Record<string, unknown>) =>
  typeof v.id === "string" && typeof v.actorKind === "string" && typeof v.actorLabel === "string" && typeof v.action === "string" &&
  typeof v.prevHash === "string" && typeof v.hash === "string" && typeof v.occurredAt === "string" &&
  strOrNull(v.actorId) && strOrNull(v.targetKind) && strOrNull(v.targetId) && strOrNull(v.agentId) && strOrNull(v.sessionId) &&
  strOrNull(v.requestId) && strOrNull(v.ip) && isCount(v.seq) && isCount(v.leaf) && isObj(v.detail);

/** The event of one bundle line, checked for shape; the parsed object itself becomes the event. */
function toEvent(v: unknown, where: () => string): LogEvent {
  if (!isObj(v)) throw new BadInput(`${where()}: the event is not an object`);
  if (!wellTyped(v)) {
    // The same checks again, one at a time, to name the first that fails.
    for (const k of STR) if (typeof v[k] !== "string") throw new BadInput(`${where()}: the event has no ${k}`);
    for (const k of STR_OR_NULL) if (v[k] !== null && typeof v[k] !== "string") throw new BadInput(`${where()}: the event's ${k} is not text or null`);
    if (!isCount(v.seq) || !isCount(v.leaf)) throw new BadInput(`${where()}: the event's seq or leaf is not a whole number`);
    if (!isObj(v.detail)) throw new BadInput(`${where()}: the event's detail is not an object`);
  }
  const text = v.occurredAt as string;
  const occurredAt = new Date(text);
  // A time that does not survive the round trip could not have been hashed as written; one that
  // does is the very text the payload hash covers (occurredAtIso).
  if (Number.isNaN(occurredAt.getTime()) || occurredAt.toISOString() !== text) throw new BadInput(`${where()}: the event's occurredAt is not an ISO time`);
  const e = v as unknown as LogEvent;
  e.occurredAt = occurredAt;
  e.occurredAtIso = text;
  return e;
}

/**
 * The lines of a file read in large chunks (a megabyte: the bundle of a million events is about
 * 750 MB), split on "\n" (a "\r" before it is JSON whitespace). `take()` gives the next line
 * already read, or null when `more()` must read on; that keeps the per-line work synchronous.
 */
class LineReader {
  lineNo = 0;
  private lines: string[] = [];
  private at = 0;
  private tail = "";
  private ended = false;
  constructor(private readonly chunks: AsyncIterator<string>) {}

  take(): string | null {
    if (this.at === this.lines.length) return null;
    this.lineNo++;
    return this.lines[this.at++];
  }

  /** Reads the next chunk; false at the end of the file, after the last (unterminated) line. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.chunks.next();
    this.at = 0;
    if (r.done) {
      this.ended = true;
      this.lines = this.tail ? [this.tail] : [];
      return this.lines.length > 0;
    }
    this.lines = (this.tail + (r.value as string)).split("\n");
    this.tail = this.lines.pop()!;
    return true;
  }
}

// A line that opens a JSON object is not blank; anything else is, when trim() leaves nothing.
const isBlank = (line: string) => line.charCodeAt(0) !== 0x7b && line.trim() === "";

/** Opens the bundle and reads up to its first event; `events()` then yields them in order, in batches. */
export async function openBundle(path: string) {
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err: NodeJS.ErrnoException) => reject(new BadInput(`cannot read the bundle ${path}: ${err.code ?? err.message}`)));
  });
  await opened;
  const lines = new LineReader(stream[Symbol.asyncIterator]());
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
  const head: BundleHead = { header, keys, checkpoints, consistency };

  let range: RangeProof | null = null;
  /** The events in order, a chunk of lines at a time, then the range proof (see `range()`). */
  async function* events(): AsyncGenerator<LogEvent[]> {
    let batch: LogEvent[] = [];
    // The value read ahead when the checkpoints ended comes first, then the lines as they are read.
    let v = pending;
    pending = undefined;
    for (;;) {
      if (v === undefined) {
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
        batch.push(toEvent(v.event, at));
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
  return { head, events, range: () => range as RangeProof | null, close: () => stream.destroy() };
}
