import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { rows, type Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { compilePolicies, type PolicyDecision, type PolicyEngine } from "@/lib/policy/cedar/engine";
import type { PolicyRequest } from "@/lib/policy/cedar/request";

export type ActiveEngine = { version: string; decide(req: PolicyRequest): PolicyDecision };

// How stale a policy change may be on any instance: every decision checks (at most this often,
// with one cheap query) whether the policy set changed, and recompiles if it did.
const REFRESH_MS = 500;

type State = { db: Db; marker: string; checkedAt: number; engine: ActiveEngine; loading?: Promise<ActiveEngine> };
const g = globalThis as unknown as { __wardenPolicy?: State };

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

async function changeMarker(db: Db): Promise<string> {
  const [r] = rows<{ m: string | null; n: number }>(
    await db.execute(sql`select max(updated_at)::text as m, count(*)::int as n from policies`),
  );
  return `${r?.m ?? "none"}/${r?.n ?? 0}`;
}

async function load(db: Db, marker: string): Promise<ActiveEngine> {
  const active = await db
    .select({ id: policies.id, name: policies.name, enabled: policies.enabled, version: policyVersions.version, cedar: policyVersions.cedar, onForbid: policyVersions.onForbid })
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.activeVersion)));
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

/**
 * The compiled active policy set for this process. A compile failure keeps serving the last
 * good set; with none, decisions fail closed.
 */
export async function getActiveEngine(db: Db): Promise<ActiveEngine> {
  const s = g.__wardenPolicy;
  const now = Date.now();
  if (s && s.db === db && now - s.checkedAt < REFRESH_MS) return s.engine;
  const marker = await changeMarker(db);
  if (s && s.db === db && s.marker === marker) {
    s.checkedAt = now;
    return s.engine;
  }
  if (s?.loading && s.db === db) return s.loading;
  const loading = load(db, marker);
  if (s && s.db === db) s.loading = loading;
  try {
    const engine = await loading;
    g.__wardenPolicy = { db, marker, checkedAt: Date.now(), engine };
    return engine;
  } catch {
    if (s && s.db === db) {
      s.loading = undefined;
      s.checkedAt = Date.now();
      return s.engine;
    }
    return FAIL_CLOSED;
  }
}
