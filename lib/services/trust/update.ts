import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { DomainError, mapDbError, notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { getTrustConfig } from "@/lib/db/queries/trust";
import { trustConfigs } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";
import { canonicalJson, keySourceView } from "./audit-view";
import { TRUST_UNIQUE } from "./create";
import { forKind, trustShapeIssues, type TrustUpdate } from "./schemas";

const FIELDS = ["name", "kind", "issuer", "trustDomain", "jwks", "jwksUrl", "audience", "algorithms"] as const;

/**
 * Edits a trust config. The merged row must still satisfy the create rules. Every write sets
 * updatedAt = now: the JWKS cache keys resolvers on it, so old keys stop verifying at once.
 * Sending one key source (jwks or jwksUrl) replaces the other.
 */
export async function updateTrustConfig(db: Db, caller: Caller, id: string, patch: TrustUpdate) {
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select().from(trustConfigs).where(eq(trustConfigs.id, id)).for("update");
      if (!before) throw notFound("Trust config");
      const pick = <K extends keyof TrustUpdate & keyof typeof before>(k: K) => (patch[k] !== undefined ? patch[k] : before[k]);
      let jwks = pick("jwks") ?? null;
      let jwksUrl = pick("jwksUrl") ?? null;
      if (patch.jwks && patch.jwksUrl === undefined) jwksUrl = null;
      if (patch.jwksUrl && patch.jwks === undefined) jwks = null;
      const next = forKind({
        name: pick("name")!,
        kind: pick("kind")!,
        issuer: pick("issuer") ?? null,
        trustDomain: pick("trustDomain") ?? null,
        jwks,
        jwksUrl,
        audience: pick("audience")!,
        algorithms: pick("algorithms")!,
      });
      const issues = trustShapeIssues(next);
      if (issues.length > 0) throw new DomainError("validation_failed", `${issues[0].path}: ${issues[0].message}`, issues);

      const changed = FIELDS.filter((f) => canonicalJson(before[f] ?? null) !== canonicalJson(next[f] ?? null));
      if (changed.length === 0) return (await getTrustConfig(tx, id))!;
      const [after] = await tx
        .update(trustConfigs)
        .set({ ...next, updatedAt: new Date() })
        .where(eq(trustConfigs.id, id))
        .returning();

      // Before/after for plain fields; the key source only as counts, key ids and URL, never key material.
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const f of changed) {
        if (f === "jwks" || f === "jwksUrl") changes.keySource = { before: keySourceView(before), after: keySourceView(after) };
        else changes[f] = { before: before[f], after: after[f] };
      }
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "trust.updated",
        target: { kind: "trust_config", id },
        detail: { name: after.name, changed, changes },
      });
      return (await getTrustConfig(tx, id))!;
    });
  } catch (err) {
    mapDbError(err, TRUST_UNIQUE);
  }
}
