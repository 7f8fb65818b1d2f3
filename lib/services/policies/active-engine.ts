import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { rows, type Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { compilePolicies, type PolicyDecision, type PolicyEngine } from "@/lib/policy/cedar/engine";
import type { PolicyRequest } from "@/lib/policy/cedar/request";
import { WARDEN_NAMESPACE } from "@/lib/policy/cedar/schema";
import { systemClock, type Clock } from "@/lib/clock";

export type ActiveEngine = { version: string; decide(req: PolicyRequest): PolicyDecision };

// How stale a policy change may be on any instance: the set is re-checked (one cheap query) at
// least this often, and recompiled when it changed.
const REFRESH_MS = 500;


/** Nothing compiled and nothing to fall back on: every decision is deny. */
const FAIL_CLOSED: ActiveEngine = {
  version: "unavailable",
  decide: () => ({
    decision: "deny",
    matched: [],
    evaluated: 0,
    reasons: [{ code: "policy.no_permit", message: "The policy set could not be loaded; failing closed" }],
  }),
};

// Agent decisions see the `Warden` namespace only: a general namespace's policies (issue 22) are
// another authorization domain, and its `permit(principal, action, resource)` must never allow
// a tool call. The marker is filtered the same way, so a general policy change does not even
// recompile the agent set (both served by policies_namespace_idx).
async function changeMarker(db: Db): Promise<string> {
  const [r] = rows<{ m: string | null; n: number }>(
    await db.execute(
      sql`select max(updated_at)::text as m, count(*)::int as n from ${policies} where ${policies.namespace} = ${WARDEN_NAMESPACE}`,
    ),
  );
  return `${r?.m ?? "none"}/${r?.n ?? 0}`;
}

async function load(db: Db, marker: string): Promise<ActiveEngine> {
  const active = await db
    .select({ id: policies.id, name: policies.name, enabled: policies.enabled, version: policyVersions.version, cedar: policyVersions.cedar, onForbid: policyVersions.onForbid })
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.activeVersion)))
    .where(eq(policies.namespace, WARDEN_NAMESPACE));
  const compiled = compilePolicies(active.map((p) => ({ id: p.name, text: p.cedar, enabled: p.enabled, onForbid: p.onForbid === "escalate" ? "escalate" : "deny" })));
  if (!compiled.ok) {
    console.error("[warden] active policy set does not compile:", compiled.errors.slice(0, 5));
    throw new Error("policy set does not compile");
  }
  const version = createHash("sha256")
    .update(active.map((p) => `${p.name}@${p.version}:${p.enabled ? 1 : 0}`).sort().join(","))
    .digest("hex")
    .slice(0, 16);
  const engine: PolicyEngine = compiled.engine;
  void marker;
  return { version, decide: (req) => engine.decide(req) };
}

const POLL_MS = REFRESH_MS / 2;

/**
 * The compiled active policy set, one per runtime (lib/runtime.ts). A compile failure keeps
 * serving the last good set; with none, decisions fail closed. A timer re-checks the change
 * marker every POLL_MS, so decisions normally find a fresh set without waiting on the database;
 * if the timer fell behind (a slow database), the decision waits for the check rather than use
 * a set older than REFRESH_MS. Concurrent checks share one query.
 */
export class PolicySet {
  private state?: { marker: string; checkedAt: number; engine: ActiveEngine };
  private checking?: Promise<ActiveEngine>;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private db: Db,
    private clock: Clock = systemClock,
  ) {}

  /** The set, without a promise when it was checked within REFRESH_MS (nearly always). */
  current(): ActiveEngine | Promise<ActiveEngine> {
    const s = this.state;
    return s && this.clock.now() - s.checkedAt < REFRESH_MS ? s.engine : this.refresh();
  }

  /** Stops the background re-check (the runtime is closing). */
  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private refresh(): Promise<ActiveEngine> {
    this.checking ??= this.check().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async check(): Promise<ActiveEngine> {
    const started = this.clock.now();
    try {
      const marker = await changeMarker(this.db);
      if (this.state?.marker === marker) {
        this.state.checkedAt = started;
        return this.state.engine;
      }
      const engine = await load(this.db, marker);
      this.state = { marker, checkedAt: started, engine };
      if (!this.timer) {
        this.timer = setInterval(() => void this.refresh().catch(() => {}), POLL_MS);
        this.timer.unref?.();
      }
      return engine;
    } catch {
      if (this.state) {
        this.state.checkedAt = this.clock.now();
        return this.state.engine;
      }
      return FAIL_CLOSED;
    }
  }
}
