import { hash } from "node:crypto";
import { canonicalJson, jsonString } from "@/lib/canonical-json";

// Pure hash-chain logic, shared by the writer and the verifier.
export const GENESIS_HASH = "0".repeat(64);

export type ChainedFields = {
  id: string;
  occurredAt: Date;
  actorKind: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetKind: string | null;
  targetId: string | null;
  agentId: string | null;
  sessionId: string | null;
  detail: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
};

// canonicalJson lives in lib/canonical-json.ts (lib/policy digests with it too, and must not
// import the audit layer); re-exported for the chain's callers.
export { canonicalJson } from "@/lib/canonical-json";

const CHAINED_KEYS = [
  "id", "occurredAt", "actorKind", "actorId", "actorLabel", "action", "targetKind", "targetId",
  "agentId", "sessionId", "detail", "requestId", "ip",
] as const satisfies readonly (keyof ChainedFields)[];

/** Hash of exactly the chained fields (rows from the database carry more columns). */
export function eventHash(prevHash: string, e: ChainedFields): string {
  return chainHash(prevHash, eventPayload(e));
}

const j = (v: unknown): string => (typeof v === "string" ? jsonString(v) : JSON.stringify(v ?? null));

/**
 * The canonical text an event's hash covers: canonicalJson of exactly the chained fields, keys
 * sorted. Spelled out field by field because every decision pays for it; chain.test.ts holds
 * it byte for byte against the generic form. Independent of the chain, so computable early.
 * `occurredAt` may be given when the caller holds `e.occurredAt.toISOString()` already (the
 * offline verifier, which has just checked that the bundle's text is exactly that).
 */
export function eventPayload(e: ChainedFields, occurredAt: string = e.occurredAt.toISOString()): string {
  return (
    `{"action":${j(e.action)},"actorId":${j(e.actorId)},"actorKind":${j(e.actorKind)},"actorLabel":${j(e.actorLabel)},` +
    `"agentId":${j(e.agentId)},"detail":${canonicalJson(e.detail ?? null)},"id":${j(e.id)},"ip":${j(e.ip)},` +
    `"occurredAt":${j(occurredAt)},"requestId":${j(e.requestId)},"sessionId":${j(e.sessionId)},` +
    `"targetId":${j(e.targetId)},"targetKind":${j(e.targetKind)}}`
  );
}

/** The same text, built generically from CHAINED_KEYS (the reference for eventPayload). */
export function eventPayloadGeneric(e: ChainedFields): string {
  const picked = Object.fromEntries(CHAINED_KEYS.map((k) => [k, e[k] ?? null]));
  return canonicalJson({ ...picked, occurredAt: e.occurredAt.toISOString() });
}

/** Links a payload to the event before it: SHA-256 of `prevHash`, a newline and the payload. */
export function chainHash(prevHash: string, payload: string): string {
  // One-shot hash of the joined text (the same bytes as three update() calls), about twice as
  // fast as a Hash object for payloads this size; every decision pays for it.
  return hash("sha256", `${prevHash}\n${payload}`, "hex");
}

export type ChainBreak = { seq: number; id: string; problem: "prev_hash_mismatch" | "hash_mismatch" };

/** Checks a run of events in seq order, continuing from `prevHash`. Returns the first break. */
export function verifyRun(
  prevHash: string,
  events: (ChainedFields & { seq: number; prevHash: string; hash: string })[],
): { ok: true; lastHash: string } | { ok: false; break: ChainBreak } {
  let prev = prevHash;
  for (const e of events) {
    if (e.prevHash !== prev) return { ok: false, break: { seq: e.seq, id: e.id, problem: "prev_hash_mismatch" } };
    if (eventHash(prev, e) !== e.hash) return { ok: false, break: { seq: e.seq, id: e.id, problem: "hash_mismatch" } };
    prev = e.hash;
  }
  return { ok: true, lastHash: prev };
}
