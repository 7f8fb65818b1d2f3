import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { trustConfigs } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { trustAuditView } from "./audit-view";

/**
 * Removes a trust config for good; its tokens are refused from the next request. The audit event
 * keeps what it was (without key material) so the trail still explains past authentications.
 */
export async function deleteTrustConfig(db: Db, caller: Caller, id: string, reason: string) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(trustConfigs).where(eq(trustConfigs.id, id)).for("update");
    if (!before) throw notFound("Trust config");
    await tx.delete(trustConfigs).where(eq(trustConfigs.id, id));
    await recordAudit(tx, {
      ...auditMeta(caller),
      action: "trust.deleted",
      target: { kind: "trust_config", id },
      detail: { ...trustAuditView(before), reason },
    });
    return { id, deleted: true };
  });
}
