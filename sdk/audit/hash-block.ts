import { isBlank, isObj, toEvent } from "./event-line";
import { hashEvent, type HashedEvent, type LogEvent, type PayloadStatus } from "./events";

// The per-event half of a bundle's verification over a block of whole lines, as a hashing worker
// runs it: parse, shape checks (event-line.ts) and hashEvent. It takes only lines that are events
// and pass the shape checks; at the first other line (the range proof, or anything the reader
// must name as malformed) it stops, and the reader goes on from there line by line itself, so
// every message and line number is the reader's own.

export type HashedBlock = {
  /** Lines taken, blank ones included. */
  lines: number;
  /** The byte offset of the first line not taken, or -1 when the block was taken whole. */
  stop: number;
  seq: number[];
  leaf: number[];
  status: PayloadStatus[];
  id: string[];
  prevHash: string[];
  hash: string[];
  /** 32 bytes per event, in order (the buffer may be longer). */
  leafHashes: Uint8Array;
};

const nowhere = () => "";

/** The line's event if it is one that passes the shape checks, else null (the reader will say why). */
function eventOf(line: string): LogEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObj(v) || !("event" in v)) return null;
  try {
    return toEvent(v.event, nowhere);
  } catch {
    return null;
  }
}

export function hashBlock(bytes: Uint8Array): HashedBlock {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ends: number[] = [];
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) ends.push(i);
  const out: HashedBlock = { lines: 0, stop: -1, seq: [], leaf: [], status: [], id: [], prevHash: [], hash: [], leafHashes: new Uint8Array(32 * ends.length) };
  let start = 0;
  for (const end of ends) {
    // Lines end at "\n": a UTF-8 sequence never holds that byte, so each line decodes on its own.
    const line = buf.toString("utf8", start, end);
    if (!isBlank(line)) {
      const e = eventOf(line);
      if (!e) {
        out.stop = start;
        return out;
      }
      const h = hashEvent(e);
      out.leafHashes.set(h.leafHash, 32 * out.seq.length);
      out.seq.push(e.seq);
      out.leaf.push(e.leaf!);
      out.status.push(h.status);
      out.id.push(e.id);
      out.prevHash.push(e.prevHash);
      out.hash.push(e.hash);
    }
    out.lines++;
    start = end + 1;
  }
  if (start !== buf.length) throw new Error("a hashing block must end with a whole line");
  return out;
}

/** The block's events for EventCheck.addHashed, in order. */
export function hashedEvents(b: HashedBlock): HashedEvent[] {
  const leaves = Buffer.from(b.leafHashes.buffer, b.leafHashes.byteOffset, b.leafHashes.byteLength);
  return b.seq.map((seq, i) => ({ seq, id: b.id[i], prevHash: b.prevHash[i], hash: b.hash[i], leaf: b.leaf[i], status: b.status[i], leafHash: leaves.subarray(32 * i, 32 * i + 32) }));
}
