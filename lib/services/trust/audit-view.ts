import type { trustConfigs } from "@/lib/db/schema";
import { summarizeKeys } from "@/lib/domain/trust/key-summary";

type Row = typeof trustConfigs.$inferSelect;

/**
 * What the audit trail records about a trust config. Keys appear only as a count and their key
 * ids: no key material ever enters an audit row (the trail is exported and kept for years).
 */
export function keySourceView(row: Pick<Row, "jwks" | "jwksUrl">) {
  if (row.jwks) {
    const keys = summarizeKeys(row.jwks);
    return { source: "inline" as const, keys: keys.length, keyIds: keys.map((k) => k.kid).filter(Boolean) };
  }
  return { source: "url" as const, jwksUrl: row.jwksUrl };
}

export function trustAuditView(row: Row) {
  return {
    name: row.name,
    kind: row.kind,
    issuer: row.issuer,
    trustDomain: row.trustDomain,
    keySource: keySourceView(row),
    audience: row.audience,
    algorithms: row.algorithms,
    enabled: row.enabled,
  };
}

/** JSON with object keys sorted: jsonb does not keep key order, so a plain stringify would see changes that are not there. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
