import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { rows, type Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { compilePolicies, type PolicyDecision, type PolicyEngine } from "@/lib/policy/cedar/engine";
import type { PolicyRequest } from "@/lib/policy/cedar/request";

export type ActiveEngine = { version: string; decide(req: PolicyRequest): PolicyDecision };

// How stale a policy change may be on any instance: the set is re-checked (one cheap query) at
// least this often, and recompiled when it changed.
const REFRESH_MS = 500;

type State = { db: Db; marker: string; checkedAt: number; engine: ActiveEngine; timer?: ReturnType<typeof setInterval> };
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
 * good set; with none, decisions fail closed. A timer re-checks the change marker every
 * POLL_MS, so decisions normally find a fresh set without waiting on the database; if the timer
 * fell behind (a slow database), the decision waits for the check rather than use a set older
 * than REFRESH_MS. Concurrent checks share one query.
 */
export async function getActiveEngine(db: Db): Promise<ActiveEngine> {
  return freshEngine(db) ?? refresh(db);
}

/** The compiled set if it was checked within REFRESH_MS (the usual case), without an await. */
export function freshEngine(db: Db): ActiveEngine | undefined {
  const s = g.__wardenPolicy;
  return s && s.db === db && Date.now() - s.checkedAt < REFRESH_MS ? s.engine : undefined;
}

const POLL_MS = REFRESH_MS / 2;
const checks = new WeakMap<Db, Promise<ActiveEngine>>();

function refresh(db: Db): Promise<ActiveEngine> {
  let p = checks.get(db);
  if (!p) {
    p = check(db).finally(() => checks.delete(db));
    checks.set(db, p);
  }
  return p;
}

async function check(db: Db): Promise<ActiveEngine> {
  const s = g.__wardenPolicy;
  const started = Date.now();
  try {
    const marker = await changeMarker(db);
    if (s && s.db === db && s.marker === marker) {
      s.checkedAt = started;
      return s.engine;
    }
    const engine = await load(db, marker);
    const timer = s?.db === db && s.timer ? s.timer : setInterval(() => void refresh(db).catch(() => {}), POLL_MS);
    timer.unref?.();
    if (s && s.db !== db) clearInterval(s.timer);
    g.__wardenPolicy = { db, marker, checkedAt: started, engine, timer };
    return engine;
  } catch {
    if (s && s.db === db) {
      s.checkedAt = Date.now();
      return s.engine;
    }
    return FAIL_CLOSED;
  }
}
