import { createPublicKey, type JsonWebKey } from "node:crypto";
import { z } from "zod";
import type { FieldError } from "@/lib/errors";
import type { Jwks } from "@/lib/domain/trust/schemas";
import { assertInlineJwks, assertJwksUrl, JwksConfigError } from "@/lib/identity/jwks-cache";
import { allowedAlgorithms, DEFAULT_ALGS, normalizeTrustDomain } from "@/lib/identity/trust";
import { wardenAudience } from "@/lib/services/machine/authenticate";
import { NAME_RE } from "@/lib/domain/agents/schemas";

/**
 * Algorithms an admin may pick. Filtered through allowedAlgorithms() so this list can never be
 * wider than what verification accepts: `none` and HS* are not in it, whatever is added here.
 */
export const TRUST_ALGORITHMS = [
  "RS256", "RS384", "RS512",
  "PS256", "PS384", "PS512",
  "ES256", "ES384", "ES512",
  "EdDSA", "Ed25519",
].filter((a) => allowedAlgorithms({ algorithms: [a] }).length === 1);

export const MAX_INLINE_KEYS = 20;

const nameMsg = "use 2-63 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit";
// DNS-like labels (SPIFFE also allows '_'), each 1-63 characters, no empty labels.
const LABEL_RE = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

const trustDomain = z
  .string()
  .trim()
  .max(255)
  .transform((v, ctx) => {
    const d = normalizeTrustDomain(v);
    if (!d || !d.split(".").every((l) => LABEL_RE.test(l))) {
      ctx.addIssue({ code: "custom", message: "a trust domain is a DNS-like name such as prod.acme.internal" });
      return z.NEVER;
    }
    return d;
  });

// Compared verbatim with the token's `iss`, so it is stored exactly as typed (trimmed).
const issuer = z
  .string()
  .trim()
  .max(500)
  .superRefine((v, ctx) => {
    let url: URL | null = null;
    try {
      url = new URL(v);
    } catch {}
    if (!url || url.protocol !== "https:" || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "the issuer is an https URL without query or fragment, e.g. https://token.actions.githubusercontent.com" });
    }
  });

/** Why an inline JWK set cannot be used to verify tokens, or null when it can. Never echoes key material. */
export function jwksProblem(value: unknown): string | null {
  if (!value || typeof value !== "object" || Array.isArray(value) || !Array.isArray((value as { keys?: unknown }).keys)) {
    return 'paste a JWK set: a JSON object like {"keys": [ ... ]}';
  }
  const keys = (value as { keys: unknown[] }).keys;
  if (keys.length > MAX_INLINE_KEYS) return `at most ${MAX_INLINE_KEYS} keys per set`;
  try {
    // Refuses empty sets, oct (HMAC) keys and anything carrying private members.
    assertInlineJwks(value);
  } catch (err) {
    if (err instanceof JwksConfigError) return `${err.message}: a trust config holds public keys only`;
    throw err;
  }
  for (const [i, key] of keys.entries()) {
    const k = key as Record<string, unknown>;
    const which = `key ${i + 1}${typeof k.kid === "string" ? ` (kid ${k.kid.slice(0, 100)})` : ""}`;
    if (k.use !== undefined && k.use !== "sig") return `${which} is not a signing key (use must be "sig")`;
    if (k.alg !== undefined && !TRUST_ALGORITHMS.includes(k.alg as string)) return `${which} names an algorithm Warden does not accept`;
    try {
      createPublicKey({ key: k as JsonWebKey, format: "jwk" });
    } catch {
      return `${which} is not a usable ${String(k.kty).slice(0, 10)} public key`;
    }
  }
  return null;
}

const jwks = z.unknown().transform((v, ctx): Jwks => {
  const problem = jwksProblem(v);
  if (problem) {
    ctx.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  // Only the key list is kept; other top-level members have no meaning here.
  return { keys: (v as Jwks).keys };
});

const jwksUrl = z
  .string()
  .trim()
  .max(2000)
  .superRefine((v, ctx) => {
    try {
      assertJwksUrl(v);
    } catch (err) {
      if (!(err instanceof JwksConfigError)) throw err;
      ctx.addIssue({ code: "custom", message: `${err.message} (plain http only to localhost)` });
    }
  });

const algorithms = z
  .array(z.string())
  .min(1, "allow at least one algorithm")
  .max(TRUST_ALGORITHMS.length)
  .superRefine((list, ctx) => {
    const bad = list.filter((a) => !TRUST_ALGORITHMS.includes(a));
    if (bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `not accepted: ${bad.map((b) => String(b).slice(0, 20)).join(", ")} (none and HS* never are); choose from ${TRUST_ALGORITHMS.join(", ")}`,
      });
    }
  })
  .transform((list) => [...new Set(list)]);

const audience = z.string().trim().min(1, "required").max(500);
const name = z.string().trim().regex(NAME_RE, nameMsg);

export type TrustShape = {
  kind: "spiffe" | "oidc";
  issuer: string | null;
  trustDomain: string | null;
  jwks: Jwks | null;
  jwksUrl: string | null;
};

/**
 * Rules across fields, for a create and for the row an update would leave behind: SPIFFE needs a
 * trust domain, OIDC an issuer, and keys come from exactly one place.
 */
export function trustShapeIssues(v: TrustShape): FieldError[] {
  const out: FieldError[] = [];
  if (v.kind === "spiffe" && !v.trustDomain) out.push({ path: "trustDomain", message: "a SPIFFE config needs its trust domain" });
  if (v.kind === "oidc" && !v.issuer) out.push({ path: "issuer", message: "an OIDC config needs its issuer URL" });
  if (v.jwks && v.jwksUrl) out.push({ path: "jwksUrl", message: "give either an inline JWKS or a JWKS URL, not both" });
  if (!v.jwks && !v.jwksUrl) out.push({ path: "jwks", message: "give an inline JWKS or a JWKS URL" });
  return out;
}

/** Only the field that belongs to the kind is kept: SPIFFE matches on trust domain, OIDC on issuer. */
export function forKind<T extends { kind: "spiffe" | "oidc"; issuer?: string | null; trustDomain?: string | null }>(v: T) {
  return { ...v, issuer: v.kind === "oidc" ? (v.issuer ?? null) : null, trustDomain: v.kind === "spiffe" ? (v.trustDomain ?? null) : null };
}

export const trustCreateSchema = z
  .object({
    name,
    kind: z.enum(["spiffe", "oidc"]),
    issuer: issuer.nullable().optional(),
    trustDomain: trustDomain.nullable().optional(),
    jwks: jwks.nullable().optional(),
    jwksUrl: jwksUrl.nullable().optional(),
    audience: audience.default(() => wardenAudience()),
    algorithms: algorithms.default([...DEFAULT_ALGS]),
    enabled: z.boolean().default(true),
  })
  .transform((v, ctx) => {
    const shaped = forKind({ ...v, jwks: v.jwks ?? null, jwksUrl: v.jwksUrl || null });
    for (const issue of trustShapeIssues(shaped)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
    return shaped;
  });

// `enabled` is not here: switching a config on or off goes through enable/disable, with a reason.
export const trustUpdateSchema = z
  .object({
    name: name.optional(),
    kind: z.enum(["spiffe", "oidc"]).optional(),
    issuer: issuer.nullable().optional(),
    trustDomain: trustDomain.nullable().optional(),
    jwks: jwks.nullable().optional(),
    jwksUrl: jwksUrl.nullable().optional(),
    audience: audience.optional(),
    algorithms: algorithms.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "change at least one field", path: ["(body)"] });

export const reasonSchema = z.object({ reason: z.string().trim().min(3, "give a reason (3+ characters)").max(1000) });

export type TrustCreate = z.infer<typeof trustCreateSchema>;
export type TrustUpdate = z.infer<typeof trustUpdateSchema>;

// The list shape and the JWK set live in lib/domain/trust (the data layer and the browser need them).
export { trustListSchema, type Jwks, type TrustListQuery } from "@/lib/domain/trust/schemas";
