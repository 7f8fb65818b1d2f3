import { recordAudit } from "@/lib/audit/record";
import { mapDbError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getTrustConfig } from "@/lib/db/queries/trust";
import { trustConfigs } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { trustAuditView } from "./audit-view";
import type { TrustCreate } from "./schemas";

export const TRUST_UNIQUE = { trust_configs_name_key: "name" };

/**
 * Adds an issuer / trust domain that may vouch for agents. The row and its audit event commit
 * together. Validation (public keys only, https, allowed algorithms) happened in the schema.
 */
export async function createTrustConfig(db: Db, caller: Caller, input: TrustCreate) {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(trustConfigs)
        .values({
          name: input.name,
          kind: input.kind,
          issuer: input.issuer,
          trustDomain: input.trustDomain,
          jwks: input.jwks,
          jwksUrl: input.jwksUrl,
          audience: input.audience,
          algorithms: input.algorithms,
          enabled: input.enabled,
        })
        .returning();
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "trust.created",
        target: { kind: "trust_config", id: row.id },
        detail: trustAuditView(row),
      });
      return (await getTrustConfig(tx, row.id))!;
    });
  } catch (err) {
    mapDbError(err, TRUST_UNIQUE);
  }
}
