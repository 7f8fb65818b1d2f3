import { createHash } from "node:crypto";

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

/** JSON with object keys sorted at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

const CHAINED_KEYS = [
  "id", "occurredAt", "actorKind", "actorId", "actorLabel", "action", "targetKind", "targetId",
  "agentId", "sessionId", "detail", "requestId", "ip",
] as const satisfies readonly (keyof ChainedFields)[];

/** Hash of exactly the chained fields (rows from the database carry more columns). */
export function eventHash(prevHash: string, e: ChainedFields): string {
  const picked = Object.fromEntries(CHAINED_KEYS.map((k) => [k, e[k] ?? null]));
  const payload = canonicalJson({ ...picked, occurredAt: e.occurredAt.toISOString() });
  return createHash("sha256").update(prevHash).update("\n").update(payload).digest("hex");
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
