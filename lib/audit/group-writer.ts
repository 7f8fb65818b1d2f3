import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { batchTransaction, type RunStatements, type Statement } from "@/lib/db/raw";
import type { decisions, escalations } from "@/lib/db/schema";
import { chainHash, eventPayload } from "./chain";
import { chainedFields, type AuditInput } from "./record";

export type DecisionRow = typeof decisions.$inferInsert & { id: string };
type EscalationRow = typeof escalations.$inferInsert;

/** What must still hold when the batch commits; checked inside the same transaction. */
export type Preconditions = { agentId?: string; sessionId?: string; intentVersion?: number; credentialId?: string; grantId?: string };
export type Violation = "agent.not_active" | "session.not_active" | "session.intent_changed" | "credential.revoked" | "grant.unavailable";

export type Submission = {
  decision: DecisionRow;
  audit: AuditInput;
  /** An escalation raised by this decision; written in the same transaction, never without it. */
  escalation?: EscalationRow;
  requires?: Preconditions;
  /**
   * Called when a precondition no longer holds at commit time (a revocation committed while the
   * decision was being computed): returns the deny that is written and answered instead, or
   * "retry" to write nothing and let the caller decide again on fresh facts.
   */
  downgrade?: (v: Violation) => { decision: DecisionRow; audit: AuditInput; escalation?: undefined } | "retry";
};

/** `retry`: nothing was written for this submission (its downgrade asked to decide again). */
export type Committed = { decision: DecisionRow; auditId: string | null; violation?: Violation; retry?: boolean };

type Pending = Submission & { resolve: (c: Committed) => void; reject: (e: unknown) => void };

/**
 * Group commit for the decision hot path. Every decision and its audit event are committed
 * before anyone is answered, but many concurrent decisions share one transaction (one fsync,
 * one chain lock, multi-row inserts), so durability costs little throughput. One batch is in
 * flight at a time: what arrives meanwhile forms the next batch, so batches grow with load and
 * an idle writer commits a lone decision at once. A failed batch rejects every caller in it,
 * and callers answer deny (fail closed).
 */
export class GroupWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private scheduled: { now: boolean; cancel: () => void } | null = null;

  constructor(
    private db: Db,
    private opts: { maxBatch?: number; maxDelayMs?: number } = {},
  ) {}

  submit(s: Submission): Promise<Committed> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...s, resolve, reject });
      this.kick(this.queue.length >= (this.opts.maxBatch ?? 512) ? 0 : (this.opts.maxDelayMs ?? 0));
    });
  }

  /** Waits until everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length || this.flushing) await new Promise((r) => setTimeout(r, 1));
  }

  private kick(delay: number) {
    if (this.flushing) return; // the running flush picks the queue up when it finishes
    if (this.scheduled && (delay > 0 || this.scheduled.now)) return;
    this.scheduled?.cancel();
    const run = () => {
      this.scheduled = null;
      void this.flush();
    };
    // "Now" still waits for this turn of the event loop, so callers that arrive together share
    // a transaction.
    if (delay === 0) {
      const h = setImmediate(run);
      this.scheduled = { now: true, cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(run, delay);
      this.scheduled = { now: false, cancel: () => clearTimeout(h) };
    }
  }

  private async flush() {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 512);
    try {
      const results = await batchTransaction(this.db, (run) => writeBatch(run, batch));
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
 * One batch in two round trips (see batchTransaction). Locks are taken in the order every other
 * writer takes them (its change first, then the chain lock in recordAudit), so no two
 * transactions can wait on each other:
 *  1. the preconditions, locking the batch's session rows in id order (so the counters below
 *     cannot deadlock with another batch or instance, and the state read stays true to commit),
 *     then the chain lock and the chain head (warden_chain_head, migration 0005);
 *  2. escalations, decisions, session counters and the audit events, hashed here onto that
 *     head (warden_write_batch, migration 0007), and COMMIT.
 * Both steps are SQL functions so Postgres plans their statements once per connection.
 */
async function writeBatch(run: RunStatements, batch: Submission[]): Promise<Committed[]> {
  const now = new Date();
  const [found, [{ head }]] = (await run([preconditionQuery(batch, now), { text: "select warden_chain_head() as head" }])) as [Found[], { head: string }[]];
  const broken = violations(batch, found);
  const final: (Submission & { violation?: Violation; retry?: boolean })[] = batch.map((s, i) => {
    const v = broken[i];
    if (!v) return s;
    if (!s.downgrade) throw new Error(`precondition ${v} failed and the submission cannot be downgraded`);
    const d = s.downgrade(v);
    return d === "retry" ? { ...s, violation: v, retry: true } : { ...d, violation: v };
  });
  const written = final.filter((f) => !f.retry);
  // The canonical payload each hash covers is also the row sent to the database (its keys are
  // the chained fields), extended with the two chain columns: one serialisation, not two.
  let prev = head;
  const auditIds: string[] = [];
  const auditJson = written.map((f) => {
    const fields = chainedFields(f.audit, now);
    auditIds.push(fields.id);
    const payload = eventPayload(fields);
    const hash = chainHash(prev, payload);
    const row = `${payload.slice(0, -1)},"prevHash":"${prev}","hash":"${hash}"}`;
    prev = hash;
    return row;
  });
  const raised = written.flatMap((f) => (f.escalation ? [escalationRecord(f.escalation, now)] : []));
  await run(
    written.length
      ? [
          {
            text: "select warden_write_batch($1::json, $2::json, $3::json, $4::json)",
            params: [
              JSON.stringify(raised),
              JSON.stringify(written.map((f) => decisionRecord(f.decision, now))),
              JSON.stringify(sessionCounters(written.map((f) => f.decision))),
              `[${auditJson.join(",")}]`,
            ],
          },
        ]
      : [],
    { commit: true },
  );
  let w = 0;
  return final.map((f) => (f.retry ? { decision: f.decision, auditId: null, violation: f.violation, retry: true } : { decision: f.decision, auditId: auditIds[w++], violation: f.violation }));
}

type Found = { kind: "a" | "c" | "s" | "g"; ref: string; version: number };

// Ids are UUIDs (validated on the way in, or generated here), so the array literal is plain.
const uuidArray = (ids: Iterable<string>) => `{${[...new Set(ids)].join(",")}}`;

/**
 * One call for every kind of precondition in the batch. Session rows (all the batch touches,
 * for the counters) are locked in id order; an end, quarantine or intent change
 * committed before this point is seen, and one that comes later waits for this batch.
 */
function preconditionQuery(batch: Submission[], now: Date): Statement {
  const req = (k: keyof Preconditions) => batch.flatMap((s) => (typeof s.requires?.[k] === "string" ? [s.requires[k] as string] : []));
  const sessionIds = [...req("sessionId"), ...batch.flatMap((s) => (s.decision.sessionId ? [s.decision.sessionId] : []))];
  return {
    text: "select kind, ref, version from warden_batch_preconditions($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz, $5::uuid[])",
    params: [uuidArray(req("agentId")), uuidArray(req("credentialId")), uuidArray(sessionIds), now.toISOString(), uuidArray(req("grantId"))],
  };
}

function violations(batch: Submission[], found: Found[]): (Violation | undefined)[] {
  const ok = { a: new Set<string>(), c: new Set<string>(), s: new Map<string, number>(), g: new Set<string>() };
  for (const r of found) {
    if (r.kind === "s") ok.s.set(r.ref, Number(r.version));
    else ok[r.kind].add(r.ref);
  }
  // A grant was taken once for the whole batch: the first submission that names it gets it, and
  // for a "once" grant (uses left now 0) that is the only one. A session-wide grant serves all.
  const unlimited = new Set(found.filter((r) => r.kind === "g" && Number(r.version) === -1).map((r) => r.ref));
  const taken = new Set<string>();
  return batch.map((s) => {
    const r = s.requires;
    if (!r) return undefined;
    if (r.credentialId && !ok.c.has(r.credentialId)) return "credential.revoked";
    if (r.agentId && !ok.a.has(r.agentId)) return "agent.not_active";
    if (r.sessionId && !ok.s.has(r.sessionId)) return "session.not_active";
    // Decided against an intent that has since changed (e.g. narrowed): decide again.
    if (r.sessionId && r.intentVersion !== undefined && ok.s.get(r.sessionId) !== r.intentVersion) return "session.intent_changed";
    if (r.grantId) {
      if (!ok.g.has(r.grantId) || (taken.has(r.grantId) && !unlimited.has(r.grantId))) return "grant.unavailable";
      taken.add(r.grantId);
    }
    return undefined;
  });
}

function sessionCounters(rows: DecisionRow[]) {
  const per = new Map<string, { id: string; n: number; deny: number; esc: number; last: Date }>();
  for (const d of rows) {
    if (!d.sessionId) continue;
    const c = per.get(d.sessionId) ?? { id: d.sessionId, n: 0, deny: 0, esc: 0, last: new Date(0) };
    c.n++;
    if (d.outcome === "deny") c.deny++;
    // escalation_count counts escalation rows; an allow through an approval points at one too
    if (d.outcome === "escalate" && d.escalationId) c.esc++;
    const at = d.createdAt ?? new Date();
    if (at > c.last) c.last = at;
    per.set(d.sessionId, c);
  }
  return [...per.values()];
}

function decisionRecord(d: DecisionRow, now: Date) {
  return {
    id: d.id,
    session_id: d.sessionId ?? null,
    agent_id: d.agentId ?? null,
    connector_id: d.connectorId ?? null,
    connector: d.connector,
    tool: d.tool,
    operation: d.operation,
    resource: d.resource ?? null,
    sensitivity: d.sensitivity ?? null,
    destination: d.destination ?? null,
    args_digest: d.argsDigest ?? null,
    args_preview: d.argsPreview ?? null,
    outcome: d.outcome,
    reasons: d.reasons ?? [],
    diff: d.diff ?? null,
    policy_version: d.policyVersion ?? null,
    escalation_id: d.escalationId ?? null,
    grant_id: d.grantId ?? null,
    latency_us: d.latencyUs ?? null,
    created_at: d.createdAt ?? now,
  };
}

function escalationRecord(e: EscalationRow, now: Date) {
  return {
    id: e.id ?? randomUUID(),
    kind: e.kind,
    session_id: e.sessionId,
    agent_id: e.agentId,
    decision_id: e.decisionId ?? null,
    action: e.action,
    action_hash: e.actionHash,
    risk: e.risk,
    required_approvals: e.requiredApprovals ?? 1,
    reasons: e.reasons ?? [],
    diff: e.diff ?? null,
    status: e.status ?? "pending",
    requested_by: e.requestedBy ?? null,
    expires_at: e.expiresAt,
    created_at: e.createdAt ?? now,
  };
}
