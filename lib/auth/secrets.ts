import { hash, randomBytes } from "node:crypto";

// High-entropy secrets (API tokens, agent keys, JIT credentials): `prefix_` + 32 random bytes.
// Stored as SHA-256 only (a slow hash adds nothing for 256-bit secrets and would slow the hot
// path); the plaintext is returned once to the caller and never stored or logged.
export type SecretKind = "pat" | "ak" | "jit";

export function newSecret(kind: SecretKind) {
  const token = `wdn_${kind}_${randomBytes(32).toString("base64url")}`;
  return { token, hash: hashSecret(token), prefix: token.slice(0, 14) };
}

export function hashSecret(token: string): string {
  return hash("sha256", token, "hex"); // one-shot: no Hash object per call (the decision path hashes every bearer token)
}

export function looksLikeSecret(token: string, kind: SecretKind) {
  return token.startsWith(`wdn_${kind}_`) && token.length >= 40 && token.length <= 100;
}
