import { isBlank, isObj, toEvent } from "./event-line";
import { hashEvent, type HashedBlock, type LogEvent } from "./events";

// The per-event half of a bundle's verification over a block of whole lines, as a hashing worker
// runs it: parse, shape checks (event-line.ts) and hashEvent. It takes only lines that are events
// and pass the shape checks; at the first other line (the range proof, or anything the reader
// must name as malformed) it stops, and the reader goes on from there line by line itself, so
// every message and line number is the reader's own.

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
  const lineEnds: number[] = [];
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) lineEnds.push(i);
  const most = lineEnds.length;
  const out: HashedBlock = {
    lines: 0, stop: -1, count: 0, seq: new Float64Array(most), leaf: new Float64Array(most), status: new Uint8Array(most), linked: new Uint8Array(most),
    leafHashes: new Uint8Array(32 * most), text: "", ends: new Uint32Array(3 * most),
  };
  const text: string[] = [];
  let length = 0;
  let prevHash: string | null = null;
  let start = 0;
  for (const end of lineEnds) {
    // Lines end at "\n": a UTF-8 sequence never holds that byte, so each line decodes on its own.
    const line = buf.toString("utf8", start, end);
    if (!isBlank(line)) {
      const e = eventOf(line);
      if (!e) {
        out.stop = start;
        break;
      }
      const h = hashEvent(e);
      const i = out.count++;
      out.seq[i] = e.seq;
      out.leaf[i] = e.leaf!;
      out.status[i] = h.status;
      out.linked[i] = prevHash !== null && e.prevHash === prevHash ? 1 : 0;
      out.leafHashes.set(h.leafHash, 32 * i);
      text.push(e.id, e.prevHash, e.hash);
      out.ends[3 * i] = length += e.id.length;
      out.ends[3 * i + 1] = length += e.prevHash.length;
      out.ends[3 * i + 2] = length += e.hash.length;
      prevHash = e.hash;
    }
    out.lines++;
    start = end + 1;
  }
  if (out.stop < 0 && start !== buf.length) throw new Error("a hashing block must end with a whole line");
  out.text = text.join("");
  return out;
}
