import type { trustConfigs } from "@/lib/db/schema/governance";

// The fields of a `trust_configs` row that verification needs. Type-only import: no database here;
// callers load the rows and pass them in.
export type TrustConfig = Pick<
  typeof trustConfigs.$inferSelect,
  "id" | "kind" | "issuer" | "trustDomain" | "jwks" | "jwksUrl" | "audience" | "algorithms" | "enabled" | "updatedAt"
>;

// Asymmetric signature algorithms Warden will ever accept. A config can narrow this list but never
// widen it: `none` and every HS* (HMAC) are out whatever the config says, because an HMAC "key"
// taken from a public JWKS is the classic key-confusion forgery.
const SUPPORTED_ALGS = new Set([
  "RS256", "RS384", "RS512",
  "PS256", "PS384", "PS512",
  "ES256", "ES384", "ES512",
  "EdDSA", "Ed25519",
]);
export const DEFAULT_ALGS = ["RS256", "ES256", "EdDSA", "PS256"] as const;

export function allowedAlgorithms(trust: Pick<TrustConfig, "algorithms">): string[] {
  const configured = Array.isArray(trust.algorithms) && trust.algorithms.length > 0 ? trust.algorithms : DEFAULT_ALGS;
  return configured.filter((a) => typeof a === "string" && SUPPORTED_ALGS.has(a));
}

// SPIFFE ID per the SPIFFE-ID spec: lowercase scheme, trust domain of [a-z0-9._-], a non-empty
// path of segments [a-zA-Z0-9._-] without empty, "." or ".." segments, no query/fragment/port/
// userinfo/percent-encoding, at most 2048 bytes.
const TRUST_DOMAIN_RE = /^[a-z0-9._-]{1,255}$/;
const SEGMENT_RE = /^[A-Za-z0-9._-]+$/;

export function parseSpiffeId(value: unknown): { trustDomain: string; path: string } | null {
  if (typeof value !== "string" || value.length > 2048 || !value.startsWith("spiffe://")) return null;
  const rest = value.slice("spiffe://".length);
  const slash = rest.indexOf("/");
  if (slash <= 0) return null; // workload IDs need a path
  const trustDomain = rest.slice(0, slash);
  const path = rest.slice(slash);
  if (!TRUST_DOMAIN_RE.test(trustDomain)) return null;
  const segments = path.slice(1).split("/");
  for (const s of segments) {
    if (!SEGMENT_RE.test(s) || s === "." || s === "..") return null;
  }
  return { trustDomain, path };
}

// Admins may type the trust domain as "acme.internal" or "spiffe://acme.internal/".
export function normalizeTrustDomain(value: string | null | undefined): string | null {
  if (!value) return null;
  let v = value.trim().toLowerCase();
  if (v.startsWith("spiffe://")) v = v.slice("spiffe://".length);
  v = v.replace(/\/+$/, "");
  return TRUST_DOMAIN_RE.test(v) ? v : null;
}
