import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db, Tx } from "@/lib/db/client";
import { agents, auditEvents, credentials, decisions, escalations, sessions } from "@/lib/db/schema";
import { eventHash, GENESIS_HASH, type ChainedFields } from "./chain";
import { CHAIN_LOCK, type AuditInput } from "./record";

export type DecisionRow = typeof decisions.$inferInsert & { id: string };

/** What must still hold when the batch commits; checked inside the same transaction. */
export type Preconditions = { agentId?: string; sessionId?: string; intentVersion?: number; credentialId?: string };
export type Violation = "agent.not_active" | "session.not_active" | "session.intent_changed" | "credential.revoked";

export type Submission = {
  decision: DecisionRow;
  audit: AuditInput;
  /** An escalation raised by this decision; written in the same transaction, never without it. */
  escalation?: typeof escalations.$inferInsert;
  requires?: Preconditions;
  /**
   * Called when a precondition no longer holds at commit time (a revocation committed while the
   * decision was being computed): returns the deny that is written and answered instead.
   */
  downgrade?: (v: Violation) => { decision: DecisionRow; audit: AuditInput; escalation?: undefined };
};

export type Committed = { decision: DecisionRow; auditId: string; violation?: Violation };

type Pending = Submission & { resolve: (c: Committed) => void; reject: (e: unknown) => void };

/**
 * Group commit for the decision hot path. Every decision and its audit event are committed
 * before anyone is answered, but many concurrent decisions share one transaction (one fsync,
 * one chain lock, multi-row inserts), so durability costs little throughput. A failed batch
 * rejects every caller in it, and callers answer deny (fail closed).
 */
export class GroupWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private db: Db,
    private opts: { maxBatch?: number; maxDelayMs?: number } = {},
  ) {}

  submit(s: Submission): Promise<Committed> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...s, resolve, reject });
      if (this.queue.length >= (this.opts.maxBatch ?? 512)) this.kick(0);
      else this.kick(this.opts.maxDelayMs ?? 1);
    });
  }

  /** Waits until everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length || this.flushing) await new Promise((r) => setTimeout(r, 1));
  }

  private kick(delay: number) {
    if (this.flushing) return; // the running flush picks the queue up when it finishes
    if (delay === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, delay);
    }
  }

  private async flush() {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 512);
    try {
      const results = await this.db.transaction((tx) => writeBatch(tx, batch));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.flushing = false;
      if (this.queue.length) this.kick(0);
    }
  }
}

/**
 * Lock order matters with several instances and with people's changes on the same rows: row
 * locks (session counters) first, in a fixed order, and the chain lock last — the same order a
 * person's transaction takes (its change, then recordAudit) — so no two can wait on each other.
 */
async function writeBatch(tx: Tx, batch: Submission[]): Promise<Committed[]> {
  const broken = await findViolations(tx, batch);
  const final = batch.map((s, i) => {
    const v = broken[i];
    if (!v) return { ...s, violation: undefined };
    if (!s.downgrade) throw new Error(`precondition ${v} failed and the submission cannot be downgraded`);
    return { ...s.downgrade(v), violation: v };
  });
  const raised = final.flatMap((f) => (f.escalation ? [f.escalation] : []));
  if (raised.length) await tx.insert(escalations).values(raised);
  await tx.insert(decisions).values(final.map((f) => f.decision));
  await bumpSessionCounters(tx, final.map((f) => f.decision));
  await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  let prev = last?.hash ?? GENESIS_HASH;
  const auditRows = final.map((f) => {
    const fields: ChainedFields = {
      id: randomUUID(),
      occurredAt: f.audit.occurredAt ?? new Date(),
      actorKind: f.audit.actor.kind,
      actorId: f.audit.actor.id ?? null,
      actorLabel: f.audit.actor.label,
      action: f.audit.action,
      targetKind: f.audit.target?.kind ?? null,
      targetId: f.audit.target?.id ?? null,
      agentId: f.audit.agentId ?? null,
      sessionId: f.audit.sessionId ?? null,
      detail: f.audit.detail ?? {},
      requestId: f.audit.requestId ?? null,
      ip: f.audit.ip ?? null,
    };
    const hash = eventHash(prev, fields);
    const row = { ...fields, actorKind: f.audit.actor.kind, prevHash: prev, hash };
    prev = hash;
    return row;
  });
  await tx.insert(auditEvents).values(auditRows);
  return final.map((f, i) => ({ decision: f.decision, auditId: auditRows[i].id, violation: f.violation }));
}

/** One query per kind of precondition for the whole batch, at commit time. */
async function findViolations(tx: Tx, batch: Submission[]): Promise<(Violation | undefined)[]> {
  const ids = (k: keyof Preconditions) => [...new Set(batch.map((s) => s.requires?.[k]).filter((x): x is string => !!x))];
  const [agentIds, sessionIds, credIds] = [ids("agentId"), ids("sessionId"), ids("credentialId")];
  const now = new Date();
  const okAgents = agentIds.length
    ? new Set((await tx.select({ id: agents.id }).from(agents).where(and(inArray(agents.id, agentIds), eq(agents.status, "active")))).map((r) => r.id))
    : new Set<string>();
  const okSessions = sessionIds.length
    ? new Map(
        (
          await tx
            .select({ id: sessions.id, v: sessions.intentVersion })
            .from(sessions)
            .where(and(inArray(sessions.id, sessionIds), eq(sessions.status, "active"), gt(sessions.expiresAt, now)))
        ).map((r) => [r.id, r.v]),
      )
    : new Map<string, number>();
  const okCreds = credIds.length
    ? new Set(
        (
          await tx
            .select({ id: credentials.id })
            .from(credentials)
            .where(and(inArray(credentials.id, credIds), isNull(credentials.revokedAt), or(isNull(credentials.expiresAt), gt(credentials.expiresAt, now))))
        ).map((r) => r.id),
      )
    : new Set<string>();
  return batch.map((s) => {
    const r = s.requires;
    if (!r) return undefined;
    if (r.credentialId && !okCreds.has(r.credentialId)) return "credential.revoked";
    if (r.agentId && !okAgents.has(r.agentId)) return "agent.not_active";
    if (r.sessionId && !okSessions.has(r.sessionId)) return "session.not_active";
    // Decided against an intent that has since changed (e.g. narrowed): decide again.
    if (r.sessionId && r.intentVersion !== undefined && okSessions.get(r.sessionId) !== r.intentVersion) return "session.intent_changed";
    return undefined;
  });
}

async function bumpSessionCounters(tx: Tx, rows: DecisionRow[]) {
  const per = new Map<string, { n: number; deny: number; esc: number; last: Date }>();
  for (const d of rows) {
    if (!d.sessionId) continue;
    const c = per.get(d.sessionId) ?? { n: 0, deny: 0, esc: 0, last: new Date(0) };
    c.n++;
    if (d.outcome === "deny") c.deny++;
    if (d.escalationId) c.esc++; // escalation_count counts escalation rows
    const at = d.createdAt ?? new Date();
    if (at > c.last) c.last = at;
    per.set(d.sessionId, c);
  }
  // Sorted so concurrent batches on several instances lock session rows in the same order.
  for (const [id, c] of [...per.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    await tx
      .update(sessions)
      .set({
        decisionCount: sql`${sessions.decisionCount} + ${c.n}`,
        denyCount: sql`${sessions.denyCount} + ${c.deny}`,
        escalationCount: sql`${sessions.escalationCount} + ${c.esc}`,
        lastActivityAt: sql`greatest(${sessions.lastActivityAt}, ${c.last})`,
      })
      .where(eq(sessions.id, id));
  }
}
