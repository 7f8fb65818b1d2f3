// Pure, dependency-free: the server's detail view and the browser's JWKS editor both use it.

export type KeySummary = { kid: string | null; kty: string; alg: string | null; crv: string | null; use: string | null };

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v.slice(0, 200) : null);

/** Key ids and types of a JWK set: what an admin needs to recognise the keys, nothing more. */
export function summarizeKeys(jwks: unknown): KeySummary[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return [];
  return keys
    .filter((k): k is Record<string, unknown> => !!k && typeof k === "object")
    .map((k) => ({ kid: str(k.kid), kty: str(k.kty) ?? "?", alg: str(k.alg), crv: str(k.crv), use: str(k.use) }));
}

// Members only private or symmetric keys carry (same list as lib/identity/jwks-cache.ts).
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];

/**
 * A quick check of pasted JWKS text for the editor, so mistakes show before saving. The server
 * repeats the full check (including that each key imports); this one only reads the JSON.
 */
export function inspectJwksText(text: string): { keys: KeySummary[]; problem: string | null; value: unknown } {
  if (text.trim() === "") return { keys: [], problem: null, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { keys: [], problem: "not valid JSON", value: null };
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!value || typeof value !== "object" || !Array.isArray(keys)) {
    return { keys: [], problem: 'expected a JWK set: {"keys": [ ... ]}', value };
  }
  if (keys.length === 0) return { keys: [], problem: "the set has no keys", value };
  for (const k of keys) {
    if (!k || typeof k !== "object" || typeof (k as { kty?: unknown }).kty !== "string") {
      return { keys: [], problem: "every key needs a kty", value };
    }
    if ((k as { kty: string }).kty === "oct") return { keys: [], problem: "symmetric (oct) keys are refused: use public keys only", value };
    if (PRIVATE_MEMBERS.some((m) => m in k)) {
      return { keys: [], problem: "this set holds PRIVATE key material: paste the public keys only, and treat that private key as exposed", value };
    }
  }
  return { keys: summarizeKeys(value), problem: null, value };
}
