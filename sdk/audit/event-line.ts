import { BadInput } from "./checkpoints";
import type { LogEvent } from "./events";

// One bundle line as the verifier reads it: JSON shape checks shared by the bundle reader (on the
// main thread) and the hashing workers, so both accept exactly the same events.

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** A line that opens a JSON object is not blank; anything else is, when trim() leaves nothing. */
export const isBlank = (line: string) => line.charCodeAt(0) !== 0x7b && line.trim() === "";

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
export function toEvent(v: unknown, where: () => string): LogEvent {
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
