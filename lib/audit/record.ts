import { uuidv7 } from "@/lib/db/uuidv7";
import { sql } from "drizzle-orm";
import { rows, type Db, type Executor, type Tx } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import { eventHash, type ChainedFields } from "./chain";

export type Actor =
  | { kind: "person"; id: string; label: string }
  | { kind: "agent"; id: string; label: string }
  | { kind: "system"; id?: null; label: string };

export type AuditInput = {
  actor: Actor;
  action: string; // dotted verb, e.g. agent.created
  target?: { kind: string; id: string };
  agentId?: string | null;
  sessionId?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string | null;
  ip?: string | null;
  occurredAt?: Date;
};

// One lock for the whole chain: person actions (here) and decision batches (group-writer.ts).
export const CHAIN_LOCK = 0x4155_4454; // "AUDT"

/**
 * Appends one event to the hash chain. Call it inside the transaction that makes the change, so
 * the change and its audit row commit (or roll back) together. The advisory lock serialises
 * writers across every app instance so each event links to the one committed before it.
 */
export async function recordAudit(tx: Executor, input: AuditInput): Promise<{ id: string; hash: string }> {
  // The advisory lock lasts only as long as a transaction: outside one, open one, or two writers
  // could read the same last hash and fork the chain. Duck-typed, not instanceof: Next loads
  // drizzle once per bundle, so the handle may come from another copy of the class.
  if (!isTransaction(tx)) return (tx as Db).transaction((t) => recordAudit(t, input));
  // Takes CHAIN_LOCK, then reads the head with a fresh snapshot (migration 0005).
  const [{ head }] = rows<{ head: string }>(await tx.execute(sql`select warden_chain_head() as head`));
  const fields = chainedFields(input, new Date());
  const prevHash = head;
  const hash = eventHash(prevHash, fields);
  await tx.insert(auditEvents).values({ ...fields, actorKind: fields.actorKind as Actor["kind"], prevHash, hash });
  return { id: fields.id, hash };
}

/**
 * Appends many events at once, in the order given (callers sort by time where it matters): the
 * head is read once under the chain lock, every event is hashed onto the one before in memory,
 * and the rows go in as multi-row inserts. For bulk work (the demo seed, benchmarks, tests);
 * recordAudit one by one would read the head and insert per event.
 */
export async function recordAuditMany(tx: Executor, inputs: AuditInput[], now = new Date()): Promise<{ head: string }> {
  if (!isTransaction(tx)) return (tx as Db).transaction((t) => recordAuditMany(t, inputs, now));
  const [{ head }] = rows<{ head: string }>(await tx.execute(sql`select warden_chain_head() as head`));
  let prev = head;
  const chained = inputs.map((input) => {
    const fields = chainedFields(input, now);
    const hash = eventHash(prev, fields);
    const row = { ...fields, actorKind: fields.actorKind as Actor["kind"], prevHash: prev, hash };
    prev = hash;
    return row;
  });
  for (let i = 0; i < chained.length; i += 500) await tx.insert(auditEvents).values(chained.slice(i, i + 500));
  return { head: prev };
}

/** Transactions (and only they) can roll back. */
function isTransaction(x: Executor): x is Tx {
  return typeof (x as { rollback?: unknown }).rollback === "function";
}

/** The chained fields of a new event (shared with the group writer). */
export function chainedFields(a: AuditInput, now: Date): ChainedFields {
  return {
    id: uuidv7(now.getTime()),
    occurredAt: a.occurredAt ?? now,
    actorKind: a.actor.kind,
    actorId: a.actor.id ?? null,
    actorLabel: a.actor.label,
    action: a.action,
    targetKind: a.target?.kind ?? null,
    targetId: a.target?.id ?? null,
    agentId: a.agentId ?? null,
    sessionId: a.sessionId ?? null,
    detail: a.detail ?? {},
    requestId: a.requestId ?? null,
    ip: a.ip ?? null,
  };
}
