// Trust configs as the data layer stores them and the browser edits them: the list's query
// shape, the JWK set and the row types. The create/update schemas stay in lib/services/trust,
// since their defaults and checks need the identity layer.
import { z } from "zod";
import { listQuery } from "@/lib/domain/list-query";
import type { KeySummary } from "./key-summary";

export type Jwks = { keys: Record<string, unknown>[] };

export const trustListSchema = listQuery.extend({
  kind: z.enum(["spiffe", "oidc"]).optional(),
  status: z.enum(["enabled", "disabled"]).optional(),
  sort: z.enum(["name", "kind", "createdAt", "updatedAt"]).default("name"),
});
export type TrustListQuery = z.infer<typeof trustListSchema>;

export type TrustRow = {
  id: string;
  name: string;
  kind: "spiffe" | "oidc";
  issuer: string | null;
  trustDomain: string | null;
  jwksUrl: string | null;
  /** Keys in the inline set; null when the keys come from jwksUrl. */
  inlineKeyCount: number | null;
  audience: string;
  algorithms: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** One config for its edit form: the inline keys as given (public keys, nothing secret) plus a summary. */
export type TrustDetail = TrustRow & { jwks: Jwks | null; keys: KeySummary[] };
