import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
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

function toEvent(v: unknown, where: string): LogEvent {
  if (!isObj(v)) throw new BadInput(`${where}: the event is not an object`);
  for (const k of STR) if (typeof v[k] !== "string") throw new BadInput(`${where}: the event has no ${k}`);
  for (const k of STR_OR_NULL) if (v[k] !== null && typeof v[k] !== "string") throw new BadInput(`${where}: the event's ${k} is not text or null`);
  if (!isCount(v.seq) || !isCount(v.leaf)) throw new BadInput(`${where}: the event's seq or leaf is not a whole number`);
  if (!isObj(v.detail)) throw new BadInput(`${where}: the event's detail is not an object`);
  const occurredAt = new Date(v.occurredAt as string);
  // A time that does not survive the round trip could not have been hashed as written.
  if (Number.isNaN(occurredAt.getTime()) || occurredAt.toISOString() !== v.occurredAt) throw new BadInput(`${where}: the event's occurredAt is not an ISO time`);
  return { ...(v as unknown as LogEvent), occurredAt };
}

/** Opens the bundle and reads up to its first event; `events()` then yields the rest in order. */
export async function openBundle(path: string) {
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err: NodeJS.ErrnoException) => reject(new BadInput(`cannot read the bundle ${path}: ${err.code ?? err.message}`)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let lineNo = 0;
  let pending: unknown = undefined;
  const next = async (): Promise<unknown | undefined> => {
    if (pending !== undefined) {
      const p = pending;
      pending = undefined;
      return p;
    }
    for (;;) {
      const r = await lines.next();
      if (r.done) return undefined;
      lineNo++;
      if (r.value.trim() === "") continue;
      try {
        return JSON.parse(r.value);
      } catch {
        throw new BadInput(`the bundle is malformed or truncated: line ${lineNo} is not JSON${lineNo === 1 ? " (not a Warden evidence bundle)" : ""}`);
      }
    }
  };
  const at = () => `bundle line ${lineNo}`;

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
  async function* events(): AsyncGenerator<LogEvent> {
    for (;;) {
      const v = await next();
      if (v === undefined) throw new BadInput(`the bundle is truncated: it ends at line ${lineNo} without its range proof`);
      if (isObj(v) && "event" in v) {
        if (range) throw new BadInput(`${at()}: an event after the range proof`);
        yield toEvent(v.event, at());
      } else if (isObj(v) && isObj(v.range)) {
        const r = v.range;
        if (!isCount(r.start) || !isCount(r.end) || !isCount(r.size)) throw new BadInput(`${at()}: the range proof has no start, end and size`);
        range = { start: r.start, end: r.end, size: r.size, proof: hashes(r.proof, at()) };
        if ((await next()) !== undefined) throw new BadInput(`the bundle is malformed: something follows the range proof at line ${lineNo}`);
        return;
      } else throw new BadInput(`${at()}: expected an event or the range proof`);
    }
  }
  return { head, events, range: () => range as RangeProof | null, close: () => stream.destroy() };
}
