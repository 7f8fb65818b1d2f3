import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, invalid, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { summarizeEffects } from "@/lib/domain/policies/effects";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { bumpedUpdatedAt, loadActiveSet, lockPolicies, requireSetCompiles, schemaFor, toInput } from "./policy-set";

/**
 * Puts version N of a policy in force. The resulting set must compile; the updated_at bump makes
 * every instance pick it up within active-engine.ts's refresh interval.
 */
export async function activatePolicyVersion(db: Db, caller: Caller, policyId: string, versionNumber: number, reason: string) {
  return db.transaction(async (tx) => {
    await lockPolicies(tx);
    const [policy] = await tx.select().from(policies).where(eq(policies.id, policyId)).for("update");
    if (!policy) throw notFound("Policy");
    const [version] = await tx
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.version, versionNumber)));
    if (!version) throw invalid("version", `this policy has no version ${versionNumber}`);
    if (policy.activeVersion === versionNumber) throw new DomainError("conflict", `Version ${versionNumber} is already active`);

    // The version was valid when saved, but the namespace's schema may have changed since.
    const schema = await schemaFor(tx, policy.namespace);
    const active = await loadActiveSet(tx, policy.namespace);
    const previous = active.find((r) => r.policyId === policyId);
    const onForbid = version.onForbid === "escalate" ? "escalate" : "deny";
    requireSetCompiles(
      [...active.filter((r) => r.policyId !== policyId).map(toInput), { id: policy.name, text: version.cedar, onForbid, enabled: true }],
      policy.name,
      schema,
    );

    const [updated] = await tx
      .update(policies)
      .set({ activeVersion: versionNumber, updatedAt: bumpedUpdatedAt() })
      .where(eq(policies.id, policyId))
      .returning();
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "policy.activated",
      target: { kind: "policy", id: policyId },
      detail: {
        name: policy.name,
        namespace: policy.namespace,
        from: policy.activeVersion,
        to: versionNumber,
        reason,
        enabled: policy.enabled,
        effects: summarizeEffects(version.cedar, onForbid),
        diff: summarizeDiff(previous?.cedar ?? "", version.cedar),
      },
    });
    const warnings = policy.enabled ? [] : [`"${policy.name}" is disabled: version ${versionNumber} takes effect when the policy is enabled.`];
    return { policy: updated, warnings };
  });
}
