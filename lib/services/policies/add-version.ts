import { desc, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { summarizeEffects } from "@/lib/domain/policies/effects";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { bumpedUpdatedAt, loadActiveSet, lockPolicies, requireSetCompiles, requireValidText, schemaFor, toInput } from "./policy-set";
import type { PolicyVersionInput } from "@/lib/domain/policies/schemas";

/**
 * A new version of a policy, validated like a new policy (alone, and as part of the set in place
 * of the active version). It is NOT in force until someone activates it.
 */
export async function addPolicyVersion(db: Db, caller: Caller, policyId: string, input: PolicyVersionInput) {
  return db.transaction(async (tx) => {
    await lockPolicies(tx);
    const [policy] = await tx.select().from(policies).where(eq(policies.id, policyId)).for("update");
    if (!policy) throw notFound("Policy");
    const schema = await schemaFor(tx, policy.namespace);
    const warnings = requireValidText(input.cedar, schema);
    const [latest] = await tx.select().from(policyVersions).where(eq(policyVersions.policyId, policyId)).orderBy(desc(policyVersions.version)).limit(1);
    if (latest && latest.cedar === input.cedar && latest.onForbid === input.onForbid) {
      throw new DomainError("conflict", `Nothing changed: this is the text of version ${latest.version}`, [{ path: "cedar", message: `identical to version ${latest.version}` }]);
    }
    const active = await loadActiveSet(tx, policy.namespace);
    const current = active.find((r) => r.policyId === policyId);
    requireSetCompiles(
      [...active.filter((r) => r.policyId !== policyId).map(toInput), { id: policy.name, text: input.cedar, onForbid: input.onForbid, enabled: true }],
      policy.name,
      schema,
    );

    const number = (latest?.version ?? 0) + 1;
    const [version] = await tx
      .insert(policyVersions)
      .values({ policyId, version: number, cedar: input.cedar, onForbid: input.onForbid, comment: input.comment, createdBy: caller.actor.id ?? null })
      .returning();
    await tx.update(policies).set({ updatedAt: bumpedUpdatedAt() }).where(eq(policies.id, policyId));
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "policy.version_added",
      target: { kind: "policy", id: policyId },
      detail: {
        name: policy.name,
        namespace: policy.namespace,
        version: number,
        activeVersion: policy.activeVersion,
        onForbid: version.onForbid,
        comment: version.comment,
        effects: summarizeEffects(version.cedar, version.onForbid),
        // Against the version in force: what activating this one would change.
        diff: { against: current?.version ?? null, ...summarizeDiff(current?.cedar ?? "", version.cedar) },
      },
    });
    return { version, active: false, warnings };
  });
}
