import { randomUUID } from "node:crypto";
import type { Clock } from "@/lib/clock";
import type { Db } from "@/lib/db/client";
import { batchTransaction, HeldConnection, type RunStatements, type Statement } from "@/lib/db/raw";
import type { decisions, escalations } from "@/lib/db/schema";
import { chainHash, eventPayload } from "./chain";
import { FeedCoalescer, type FeedNotice } from "./feed-coalescer";
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
  /**
   * What must still hold at commit (a revocation, quarantine, end or intent change committed
   * while the decision was being computed). If something does not, nothing is written for this
   * submission and the result names the violation: the caller decides what to record instead.
   */
  requires?: Preconditions;
};

/** With `violation`, nothing was written for the submission (auditId is null). */
export type Committed = { decision: DecisionRow; auditId: string | null; violation?: Violation };

const PIPELINE_FROM = 8;
const ONE_TRIP_BACKOFF_MS = 1000;
/** Two refusals for a head moved by someone else within this long: another writer is busy. */
const CONTENDED_WITHIN_MS = 5000;

type Pending = Submission & { resolve: (c: Committed) => void; reject: (e: unknown) => void };

type Options = {
  maxBatch?: number;
  maxDelayMs?: number;
  /** Batches on their way to Postgres at once (default 2; 1 on the embedded database). */
  maxInFlight?: number;
  /** Longest wait for a batch to fill up under load (see fillTarget). */
  fillWaitMs?: number;
  /** At most one change-feed notice per this long from this writer's batches (default 100). */
  feedIntervalMs?: number;
  /** The runtime's clock, for how long the held connection has been idle. */
  clock?: Clock;
};

/**
 * Group commit for the decision hot path. Every decision and its audit event are committed
 * before anyone is answered, but many concurrent decisions share one transaction (one fsync,
 * one chain lock, multi-row inserts), so durability costs little throughput. What arrives while
 * a batch is on its way forms the next batch, so batches grow with load and an idle writer
 * commits a lone decision at once. A failed batch rejects every caller in it, and callers
 * answer deny (fail closed).
 *
 * On Postgres a batch normally travels in one round trip: its audit events are hashed onto the
 * chain head this writer expects (the last hash it wrote), and warden_commit_batch (migration
 * 0012) writes only if that head and every precondition still hold. Batches go out in order on
 * one held connection (HeldConnection), and the next one leaves the moment the previous one's
 * answer is in, before its callers are answered, so Postgres writes one batch while this process
 * answers the last and decides the next. Under load (batches of PIPELINE_FROM or more) a second
 * batch, hashed onto the first one's last event, waits on that connection while the first is in
 * Postgres. Whenever the head is not known (at start, after another writer or a person's change
 * moved it, after a failure) a batch takes the two-step path below, alone, and learns the head.
 */
export class GroupWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** The chain head after the last batch this writer sent, while it can predict it. */
  private head: string | null = null;
  private scheduled: { now: boolean; cancel: () => void } | null = null;
  /**
   * Under load a batch waits (at most fillWaitMs) until it holds half as many submissions as
   * the last one: each transaction costs Postgres a few hundred microseconds of CPU whatever
   * its size (round trip, plan, trigger, WAL flush), and on a busy machine that CPU is better
   * spent deciding. A lone decision on a quiet writer (last batch of one) never waits.
   */
  private fillTarget = 0;
  /** Size of the last batch that completed. */
  private lastSize = 0;
  /** No one-trip attempts before this time (ms): the head was lately moved by another writer. */
  private oneTripAfter = 0;
  /** When a one-trip batch was last refused because someone else had moved the head. */
  private lastMovedAt = -Infinity;
  /**
   * Counts refused and failed batches. A batch chained onto one that was refused is refused
   * too ("head"), but that says nothing about other writers: it is told apart by this count
   * having moved since it was sent.
   */
  private setbacks = 0;
  /** Two-step batches run one after another (see write). */
  private twoStepTail: Promise<void> = Promise.resolve();
  /** The fast path's connection (Postgres only): batches reach Postgres in the order sent. */
  private readonly conn: HeldConnection | null;
  /** The change-feed notice of the one-trip batches, which skip the trigger (Postgres only). */
  private readonly feed: FeedCoalescer | null;
  private readonly maxInFlight: number;
  /**
   * How batches went: in one round trip, by the two-step path, one-trip sends refused, and
   * batches sent while another was still on its way.
   */
  readonly stats = { oneTrip: 0, twoStep: 0, refused: 0, pipelined: 0 };

  constructor(
    private db: Db,
    private opts: Options = {},
  ) {
    this.conn = HeldConnection.of(db, opts.clock);
    this.maxInFlight = this.conn ? Math.max(1, opts.maxInFlight ?? 2) : 1;
    const conn = this.conn;
    // A notice sent on its own goes on the batches' connection, after every batch sent before
    // it: the rows it names are committed before any listener hears of them.
    this.feed = conn ? new FeedCoalescer(async (notice) => void (await conn.run(noticeStatement(notice))), opts.feedIntervalMs) : null;
  }

  submit(s: Submission): Promise<Committed> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...s, resolve, reject });
      const n = this.queue.length;
      this.kick(n >= (this.opts.maxBatch ?? 512) ? 0 : n < this.fillTarget ? (this.opts.fillWaitMs ?? 1) : (this.opts.maxDelayMs ?? 0));
    });
  }

  /** Waits until everything submitted so far is committed (or failed) and announced. */
  async drain(): Promise<void> {
    while (this.queue.length || this.inFlight) await new Promise((r) => setTimeout(r, 1));
    await this.feed?.flush();
  }

  /** A batch may start now: none is running, or it can be chained onto the running ones. */
  private canStart(): boolean {
    if (this.queue.length === 0) return false;
    // A second batch on its way only under load (the last one held at least PIPELINE_FROM):
    // at a moderate rate, what arrives during a round trip is better sent together after it,
    // in one transaction, than as transactions of one each; the wait is the same.
    // Only a batch that will go in one trip can follow another: it is hashed onto the one before.
    return this.inFlight === 0 || (this.inFlight < this.maxInFlight && this.head !== null && this.lastSize >= PIPELINE_FROM && Date.now() >= this.oneTripAfter);
  }

  private kick(delay: number) {
    if (!this.canStart()) return; // a running batch picks the queue up when it finishes
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
    if (!this.canStart()) return;
    if (this.inFlight++ > 0) this.stats.pipelined++;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 512);
    let results: Committed[] | undefined;
    let failure: unknown;
    try {
      results = await this.write(batch);
    } catch (err) {
      this.head = null;
      this.setbacks++;
      failure = err;
    }
    this.inFlight--;
    this.lastSize = batch.length;
    this.fillTarget = batch.length >> 1;
    // The next batch goes out before this one's callers are answered: Postgres writes it while
    // this process sends the answers, instead of waiting for them.
    if (this.canStart() && this.queue.length >= this.fillTarget) void this.flush();
    // Whatever is left: a batch behind that one under load, or the wait for this one to fill.
    this.kick(this.queue.length >= this.fillTarget ? 0 : (this.opts.fillWaitMs ?? 1));
    if (results) batch.forEach((p, i) => p.resolve(results[i]));
    else for (const p of batch) p.reject(failure);
  }

  private async write(batch: Submission[]): Promise<Committed[]> {
    if (this.conn && this.head !== null && Date.now() >= this.oneTripAfter && batch.every((s) => !s.requires?.grantId)) {
      // Grants are taken (used up) by the two-step path only; a batch using one goes there.
      const now = new Date();
      const expected = this.head;
      const setbacks = this.setbacks;
      const chained = chainAudit(batch, expected, now);
      this.head = chained.last; // the next batch is hashed onto this one
      const notice = this.feed!.take(batch.map((s) => ({ sessionId: s.audit.sessionId, agentId: s.audit.agentId, action: s.audit.action })));
      let outcome: unknown;
      try {
        // One statement, so one implicit transaction: it commits before Postgres answers.
        [{ outcome }] = await this.conn.run(commitStatement(batch, chained.json, expected, now, notice));
      } catch (err) {
        this.head = null;
        if (notice) this.feed!.putBack(notice);
        throw err;
      }
      if (outcome !== "ok" && notice) this.feed!.putBack(notice);
      if (outcome === "ok") {
        this.stats.oneTrip++;
        return batch.map((s, i) => ({ decision: s.decision, auditId: chained.ids[i] }));
      }
      // Nothing was written; every batch chained onto this one will find the same.
      this.stats.refused++;
      this.head = null;
      // Someone else moved the head (not merely a batch of ours this one was chained onto, refused
      // or failed meanwhile). Once, as a person's change or a background job does now and then,
      // it costs this refusal: the two-step batch below learns the new head and the next one goes
      // in one trip again. Twice within a few seconds, another writer (instance) is busy, and
      // while it keeps moving the head a one-trip attempt would only add a round trip to the
      // two-step path, so skip them for a while.
      if (outcome === "head" && setbacks === this.setbacks) {
        const at = Date.now();
        if (at - this.lastMovedAt < CONTENDED_WITHIN_MS) this.oneTripAfter = at + ONE_TRIP_BACKOFF_MS;
        this.lastMovedAt = at;
      }
      this.setbacks++;
    }
    // Two-step batches (a refused batch and the ones refused behind it) run one after another,
    // in the order they were sent: run side by side, they could commit in one order and be
    // answered in the other, and the head learned below would be a stale one.
    const before = this.twoStepTail;
    let done!: () => void;
    this.twoStepTail = new Promise<void>((r) => (done = r));
    try {
      await before;
      this.conn?.yieldIfIdle(); // the two-step path takes a pool connection of its own
      const { results, head } = await batchTransaction(this.db, (run) => writeBatch(run, batch));
      this.stats.twoStep++;
      // The head is certain only when no other batch of this writer can commit before or after.
      if (this.inFlight === 1) this.head = head;
      return results;
    } finally {
      done();
    }
  }
}

/**
 * The audit events of the submissions, hashed in order onto `head`. The canonical payload each
 * hash covers is also the row sent to the database (its keys are the chained fields), extended
 * with the two chain columns: one serialisation, not two.
 */
function chainAudit(subs: Pick<Submission, "audit">[], head: string, now: Date): { json: string; ids: string[]; last: string } {
  let prev = head;
  const ids: string[] = [];
  const rows = subs.map((f) => {
    const fields = chainedFields(f.audit, now);
    ids.push(fields.id);
    const payload = eventPayload(fields);
    const hash = chainHash(prev, payload);
    const row = `${payload.slice(0, -1)},"prevHash":"${prev}","hash":"${hash}"}`;
    prev = hash;
    return row;
  });
  return { json: `[${rows.join(",")}]`, ids, last: prev };
}

/** The rows of warden_write_batch: escalations, decisions, session counters (audit apart). */
function writeParams(subs: Pick<Submission, "decision" | "escalation">[], now: Date): string[] {
  const raised = subs.flatMap((f) => (f.escalation ? [escalationRecord(f.escalation, now)] : []));
  return [
    JSON.stringify(raised),
    JSON.stringify(subs.map((f) => decisionRecord(f.decision, now))),
    JSON.stringify(sessionCounters(subs.map((f) => f.decision))),
  ];
}

/**
 * The one-round-trip batch: preconditions and expected head checked, then written (0012), with
 * the writer's change-feed notice when one is due (0017).
 */
function commitStatement(batch: Submission[], audit: string, expected: string, now: Date, notice: FeedNotice | null): Statement {
  const agents: string[] = [];
  const credentials: string[] = [];
  const lock: string[] = [];
  const required = new Map<string, [string, number | null]>();
  for (const s of batch) {
    const r = s.requires;
    if (s.decision.sessionId) lock.push(s.decision.sessionId);
    if (!r) continue;
    if (r.agentId) agents.push(r.agentId);
    if (r.credentialId) credentials.push(r.credentialId);
    if (r.sessionId) {
      lock.push(r.sessionId);
      required.set(`${r.sessionId}/${r.intentVersion}`, [r.sessionId, r.intentVersion ?? null]);
    }
  }
  const pairs = [...required.values()];
  return {
    name: "warden_commit_batch",
    text:
      "select warden_commit_batch($1, $2::timestamptz, $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::integer[], $8::json, $9::json, $10::json, $11::json, $12::jsonb) as outcome",
    params: [
      expected,
      now.toISOString(),
      uuidArray(agents),
      uuidArray(credentials),
      uuidArray(lock),
      `{${pairs.map((p) => p[0]).join(",")}}`,
      `{${pairs.map((p) => (p[1] === null ? "NULL" : String(p[1]))).join(",")}}`,
      ...writeParams(batch, now),
      audit,
      notice && JSON.stringify(notice),
    ],
  };
}

/** A notice on its own (migration 0017's payload, with the newest event's seq). */
function noticeStatement(notice: FeedNotice): Statement {
  return {
    name: "warden_feed_notice",
    text: "select pg_notify('warden_events', ($1::jsonb || jsonb_build_object('seq', (select max(seq) from audit_events)))::text)",
    params: [JSON.stringify(notice)],
  };
}

/**
 * One batch in two round trips (see batchTransaction), when the chain head is not known or a
 * precondition may not hold. Locks are taken in the order every other writer takes them (its
 * change first, then the chain lock in recordAudit), so no two transactions can wait on each
 * other:
 *  1. the preconditions, locking the batch's session rows in id order (so the counters below
 *     cannot deadlock with another batch or instance, and the state read stays true to commit),
 *     then the chain lock and the chain head (warden_chain_head, migration 0005);
 *  2. escalations, decisions, session counters and the audit events, hashed here onto that
 *     head (warden_write_batch, migration 0007), and COMMIT.
 * Both steps are SQL functions so Postgres plans their statements once per connection.
 */
async function writeBatch(run: RunStatements, batch: Submission[]): Promise<{ results: Committed[]; head: string }> {
  const now = new Date();
  const [found, [{ head }]] = (await run([preconditionQuery(batch, now), { text: "select warden_chain_head() as head" }])) as [Found[], { head: string }[]];
  const broken = violations(batch, found);
  const written = batch.filter((_, i) => !broken[i]);
  const chained = chainAudit(written, head, now);
  await run(
    written.length
      ? [{ text: "select warden_write_batch($1::json, $2::json, $3::json, $4::json)", params: [...writeParams(written, now), chained.json] }]
      : [],
    { commit: true },
  );
  let w = 0;
  const results = batch.map((s, i): Committed => {
    const violation = broken[i];
    return violation ? { decision: s.decision, auditId: null, violation } : { decision: s.decision, auditId: chained.ids[w++] };
  });
  return { results, head: chained.last };
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
