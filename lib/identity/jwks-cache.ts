import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from "jose";
import { createHash } from "node:crypto";
import type { TrustConfig } from "./trust";

// A trust config whose keys cannot be used (no keys, symmetric/private keys, plain-http URL).
// Verification treats it as "signature cannot be verified": fail closed.
export class JwksConfigError extends Error {
  override name = "JwksConfigError";
}

// Members that only private or symmetric JWKs carry. A trust config holds public keys only.
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"];

/** Throws JwksConfigError unless `jwks` is a set of public asymmetric keys. Use it on save, too. */
export function assertInlineJwks(jwks: unknown): asserts jwks is JSONWebKeySet {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new JwksConfigError("inline JWKS has no keys");
  for (const k of keys) {
    if (!k || typeof k !== "object" || typeof (k as { kty?: unknown }).kty !== "string") {
      throw new JwksConfigError("inline JWKS holds a key without kty");
    }
    // `oct` keys are HMAC secrets: accepting one would let anyone who can read the config mint tokens.
    if ((k as { kty: string }).kty === "oct") throw new JwksConfigError("inline JWKS holds a symmetric (oct) key");
    if (PRIVATE_MEMBERS.some((m) => m in k)) throw new JwksConfigError("inline JWKS holds private key material");
  }
}

/** JWKS over https, or over plain http only to loopback (local development and tests). */
export function assertJwksUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new JwksConfigError("jwksUrl is not a URL");
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol === "https:" || (url.protocol === "http:" && loopback)) return url;
  throw new JwksConfigError("jwksUrl must use https");
}

// Wraps a resolver so that only public keys ever reach signature verification, whatever a remote
// JWKS serves (defence in depth: HS* is already refused before any key is looked up).
function publicOnly(inner: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    const key = await inner(header, token);
    if (key instanceof Uint8Array || (key as { type?: string }).type !== "public") {
      throw new JwksConfigError("resolved key is not a public key");
    }
    return key;
  };
}

export interface JwksCacheOptions {
  /** Fetch used for remote JWKS (tests, proxies). Defaults to global fetch. */
  fetch?: FetchImplementation;
  /** After a successful fetch, an unknown `kid` triggers a refetch only after this long. */
  cooldownMs?: number;
  /** Cached remote keys are refetched after this long. */
  cacheMaxAgeMs?: number;
  timeoutMs?: number;
  maxEntries?: number;
}

export interface JwksCache {
  /** Key resolver for a trust config. Throws JwksConfigError if the config's keys are unusable. */
  resolverFor(trust: TrustConfig): JWTVerifyGetKey;
  clear(): void;
  readonly size: number;
}

export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const entries = new Map<string, { version: string; resolver: JWTVerifyGetKey }>();
  const maxEntries = options.maxEntries ?? 1000;

  function build(trust: TrustConfig): JWTVerifyGetKey {
    // Inline keys win when present; otherwise the URL.
    if (trust.jwks && Array.isArray(trust.jwks.keys) && trust.jwks.keys.length > 0) {
      assertInlineJwks(trust.jwks);
      return publicOnly(createLocalJWKSet(trust.jwks));
    }
    if (trust.jwksUrl) {
      const remote = createRemoteJWKSet(assertJwksUrl(trust.jwksUrl), {
        cooldownDuration: options.cooldownMs ?? 30_000,
        cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
        timeoutDuration: options.timeoutMs ?? 3_000,
        ...(options.fetch ? { [customFetch]: options.fetch } : {}),
      });
      return publicOnly(remote);
    }
    throw new JwksConfigError("trust config has neither jwks nor jwksUrl");
  }

  return {
    resolverFor(trust) {
      // Keyed by id + updatedAt, plus the URL and a digest of the inline keys: an edited config gets
      // a fresh resolver at once even if a writer forgot to bump updatedAt (the column has no
      // on-update hook), and the stale resolver is dropped with its cached keys.
      const inline = trust.jwks ? createHash("sha256").update(JSON.stringify(trust.jwks)).digest("base64url") : "";
      const version = `${new Date(trust.updatedAt).getTime()}|${trust.jwksUrl ?? ""}|${inline}`;
      const hit = entries.get(trust.id);
      if (hit && hit.version === version) return hit.resolver;
      entries.delete(trust.id);
      const resolver = build(trust);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(trust.id, { version, resolver });
      return resolver;
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}

/** Process-wide cache used by verifyWorkloadToken unless the caller passes its own resolver. */
export const jwksCache = createJwksCache();
