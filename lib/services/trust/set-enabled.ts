import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getTrustConfig } from "@/lib/db/queries/trust";
import { trustConfigs } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";

/**
 * Switches a trust config on or off. Agents authenticate against the rows as they are on each
 * request, so a disabled issuer's tokens are refused from the next call on every instance.
 */
export async function setTrustEnabled(db: Db, caller: Caller, id: string, enabled: boolean, reason: string) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(trustConfigs).where(eq(trustConfigs.id, id)).for("update");
    if (!before) throw notFound("Trust config");
    if (before.enabled === enabled) throw new DomainError("conflict", `This trust config is already ${enabled ? "enabled" : "disabled"}`);
    await tx.update(trustConfigs).set({ enabled, updatedAt: new Date() }).where(eq(trustConfigs.id, id));
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: enabled ? "trust.enabled" : "trust.disabled",
      target: { kind: "trust_config", id },
      detail: { name: before.name, kind: before.kind, issuer: before.issuer, trustDomain: before.trustDomain, reason },
    });
    return (await getTrustConfig(tx, id))!;
  });
}
