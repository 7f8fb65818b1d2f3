import { count, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { policies, policyVersions } from "@/lib/db/schema";
import { GUARDRAILS } from "@/lib/policy/cedar/guardrails";
import { WARDEN_NAMESPACE } from "@/lib/policy/cedar/schema";

/**
 * On a database with no agent (`Warden`) policies, installs the guardrails that ship with Warden
 * as built-in policies (version 1, active), audited. A database that has them is left alone, so
 * an organisation's edits and disables survive restarts and upgrades; general namespaces'
 * policies do not count, as they never decide a tool call.
 */
export async function ensureGuardrails(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(policies).where(eq(policies.namespace, WARDEN_NAMESPACE));
    if (n > 0) return 0;
    for (const g of GUARDRAILS) {
      const [p] = await tx
        .insert(policies)
        .values({ name: g.id, description: `${g.title}. ${g.description}`, enabled: true, builtIn: true, activeVersion: 1 })
        .onConflictDoNothing()
        .returning({ id: policies.id });
      if (!p) continue; // another instance installed it first
      await tx.insert(policyVersions).values({ policyId: p.id, version: 1, cedar: g.text, comment: "shipped with Warden" });
    }
    await recordAudit(tx, {
      actor: { kind: "system", label: "bootstrap" },
      action: "policy.guardrails_installed",
      detail: { policies: GUARDRAILS.map((g) => g.id) },
    });
    return GUARDRAILS.length;
  });
}
