import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { policies, policyVersions, users } from "@/lib/db/schema";
import { summarizeEffects, type EffectSummary } from "@/lib/domain/policies/effects";
import type { PolicyListQuery } from "@/lib/domain/policies/schemas";
import { deferredPage, orderBy, searchAny, type Page } from "./list";

export type PolicyRow = {
  id: string;
  name: string;
  namespace: string;
  description: string;
  enabled: boolean;
  builtIn: boolean;
  activeVersion: number | null;
  activeCedar: string | null;
  onForbid: string | null;
  versionCount: number;
  updatedAt: Date;
  /** Detected from the active text (see effects.ts). */
  effects: EffectSummary;
};

// The active version's text, joined on (policy_id, version): served by policy_versions_key.
const activeJoin = and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.activeVersion));
const versionCount = sql<number>`(select count(*)::int from ${policyVersions} v where v.policy_id = ${policies.id})`;

const listColumns = {
  id: policies.id,
  name: policies.name,
  namespace: policies.namespace,
  description: policies.description,
  enabled: policies.enabled,
  builtIn: policies.builtIn,
  activeVersion: policies.activeVersion,
  activeCedar: policyVersions.cedar,
  onForbid: policyVersions.onForbid,
  versionCount,
  updatedAt: policies.updatedAt,
};

const sortable = { name: policies.name, updatedAt: policies.updatedAt } as const;

export async function listPolicies(db: Executor, q: PolicyListQuery): Promise<Page<PolicyRow>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [policies.name, policies.description]),
    q.enabled === undefined ? undefined : eq(policies.enabled, q.enabled),
    q.builtIn === undefined ? undefined : eq(policies.builtIn, q.builtIn),
    // policies_namespace_idx
    q.namespace === undefined ? undefined : eq(policies.namespace, q.namespace),
  ];
  const where = and(...conds.filter(Boolean));
  const order = orderBy(sortable[q.sort], q.dir, policies.id);
  const page = await deferredPage(db, policies, where, order, q, (inPage) =>
    db.select(listColumns).from(policies).leftJoin(policyVersions, activeJoin).where(inPage).orderBy(...order),
  );
  return {
    ...page,
    items: page.items.map((r) => ({ ...r, effects: summarizeEffects(r.activeCedar ?? "", r.onForbid ?? "deny") })),
  };
}

export type PolicyVersionRow = {
  id: string;
  version: number;
  cedar: string;
  onForbid: string;
  comment: string;
  createdBy: string | null;
  createdByName: string | null;
  createdByEmail: string | null;
  createdAt: Date;
};

/** A policy with every version, newest first, and who wrote each. */
export async function getPolicyDetail(db: Executor, id: string) {
  const [policy] = await db.select().from(policies).where(eq(policies.id, id));
  if (!policy) return undefined;
  const versions: PolicyVersionRow[] = await db
    .select({
      id: policyVersions.id,
      version: policyVersions.version,
      cedar: policyVersions.cedar,
      onForbid: policyVersions.onForbid,
      comment: policyVersions.comment,
      createdBy: policyVersions.createdBy,
      createdByName: users.name,
      createdByEmail: users.email,
      createdAt: policyVersions.createdAt,
    })
    .from(policyVersions)
    .leftJoin(users, eq(users.id, policyVersions.createdBy))
    .where(eq(policyVersions.policyId, id))
    .orderBy(desc(policyVersions.version));
  const active = versions.find((v) => v.version === policy.activeVersion) ?? null;
  return {
    policy,
    active,
    effects: summarizeEffects(active?.cedar ?? "", active?.onForbid ?? "deny"),
    versions,
  };
}

export type PolicyDetail = NonNullable<Awaited<ReturnType<typeof getPolicyDetail>>>;
