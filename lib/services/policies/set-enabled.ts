import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { policies } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { bumpedUpdatedAt, loadActiveSet, lockPolicies, permitWarnings, requireSetCompiles, schemaFor, toInput } from "./policy-set";

/**
 * Enables or disables a policy, with a reason for the audit trail. Disabling anything is allowed,
 * even the baseline permit, but the answer says when that leaves (next to) nothing permitted.
 */
export async function setPolicyEnabled(db: Db, caller: Caller, policyId: string, enabled: boolean, reason: string) {
  return db.transaction(async (tx) => {
    await lockPolicies(tx);
    const [policy] = await tx.select().from(policies).where(eq(policies.id, policyId)).for("update");
    if (!policy) throw notFound("Policy");
    if (policy.enabled === enabled) throw new DomainError("conflict", `Policy is already ${enabled ? "enabled" : "disabled"}`);

    const active = await loadActiveSet(tx, policy.namespace);
    if (enabled) {
      requireSetCompiles(
        active.map((r) => toInput(r.policyId === policyId ? { ...r, enabled: true } : r)),
        policy.name,
        await schemaFor(tx, policy.namespace),
      );
    }
    const warnings = enabled ? [] : permitWarnings(active, policy.name, policy.namespace);

    const [updated] = await tx
      .update(policies)
      .set({ enabled, updatedAt: bumpedUpdatedAt() })
      .where(eq(policies.id, policyId))
      .returning();
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: enabled ? "policy.enabled" : "policy.disabled",
      target: { kind: "policy", id: policyId },
      detail: {
        name: policy.name,
        namespace: policy.namespace,
        builtIn: policy.builtIn,
        activeVersion: policy.activeVersion,
        from: policy.enabled ? "enabled" : "disabled",
        to: enabled ? "enabled" : "disabled",
        reason,
        ...(warnings.length ? { warnings } : {}),
      },
    });
    return { policy: updated, warnings };
  });
}
