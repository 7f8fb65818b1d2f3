import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { conflict, mapDbError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { summarizeEffects } from "@/lib/domain/policies/effects";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { bumpedUpdatedAt, loadActiveSet, lockPolicies, requireSetCompiles, requireValidText, schemaFor, toInput } from "./policy-set";
import type { PolicyCreate } from "@/lib/domain/policies/schemas";

export const POLICY_UNIQUE = { policies_name_key: "name" };

/**
 * A new organisation policy with its first version active. The text must validate on its own and
 * the whole active set must still compile with it (checked as if enabled, so enabling it later
 * cannot break the set); otherwise nothing is written. Both are checked against the policy's
 * namespace: the agent schema for `Warden`, the active general schema's namespace otherwise, read
 * under the policy lock so a schema activation cannot slip in between.
 */
export async function createPolicy(db: Db, caller: Caller, input: PolicyCreate) {
  try {
    return await db.transaction(async (tx) => {
      await lockPolicies(tx);
      const schema = await schemaFor(tx, input.namespace);
      const warnings = requireValidText(input.cedar, schema);
      const [taken] = await tx.select({ id: policies.id }).from(policies).where(eq(policies.name, input.name));
      if (taken) throw conflict("A policy with this name already exists", "name");
      const active = await loadActiveSet(tx, input.namespace);
      requireSetCompiles([...active.map(toInput), { id: input.name, text: input.cedar, onForbid: input.onForbid, enabled: true }], input.name, schema);

      const [policy] = await tx
        .insert(policies)
        .values({
          name: input.name,
          namespace: input.namespace,
          description: input.description,
          enabled: input.enabled,
          builtIn: false,
          activeVersion: 1,
          updatedAt: bumpedUpdatedAt(),
        })
        .returning();
      const [version] = await tx
        .insert(policyVersions)
        .values({ policyId: policy.id, version: 1, cedar: input.cedar, onForbid: input.onForbid, comment: input.comment, createdBy: caller.actor.id ?? null })
        .returning();
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "policy.created",
        target: { kind: "policy", id: policy.id },
        detail: {
          name: policy.name,
          namespace: policy.namespace,
          version: 1,
          enabled: policy.enabled,
          onForbid: version.onForbid,
          comment: version.comment,
          effects: summarizeEffects(version.cedar, version.onForbid),
          diff: summarizeDiff("", version.cedar),
        },
      });
      return { policy, version, warnings };
    });
  } catch (err) {
    mapDbError(err, POLICY_UNIQUE);
  }
}
