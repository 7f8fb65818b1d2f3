import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { jwksCache } from "./jwks-cache";
import { allowedAlgorithms, normalizeTrustDomain, parseSpiffeId, type TrustConfig } from "./trust";

export type { TrustConfig } from "./trust";

export type WorkloadTokenCode =
  | "token.malformed"
  | "token.untrusted_issuer"
  | "token.bad_signature"
  | "token.expired"
  | "token.not_yet_valid"
  | "token.missing_exp"
  | "token.wrong_audience"
  | "token.alg_not_allowed"
  | "token.unknown_identity"
  | "token.trust_disabled";

export type WorkloadTokenResult =
  | { ok: true; agentId: string; identity: string; trustId: string; claims: JWTPayload }
  | { ok: false; code: WorkloadTokenCode; message: string; identity?: string; trustId?: string };

export interface VerifyWorkloadTokenOptions {
  trust: TrustConfig[];
  /** Warden's audience; used when a trust config leaves its own `audience` empty. */
  audience: string;
  now?: Date;
  /** Maps a verified identity to a registered agent. Errors propagate (an outage is not a 401). */
  lookupAgent: (identity: string, trust: TrustConfig) => Promise<{ id: string } | null>;
  /** Key resolver per trust config; defaults to the process-wide JWKS cache. */
  fetchJwks?: (trust: TrustConfig) => JWTVerifyGetKey;
}

export const MAX_TOKEN_LENGTH = 16 * 1024;
export const CLOCK_SKEW_SECONDS = 60;

// One fixed message per code: the message never says more than the code (no claim values, no
// key ids, no library error text), so nothing about the failed check leaks through it.
const MESSAGES: Record<WorkloadTokenCode, string> = {
  "token.malformed": "token is not a well-formed JWT",
  "token.untrusted_issuer": "token issuer is not trusted",
  "token.bad_signature": "token signature could not be verified",
  "token.expired": "token has expired",
  "token.not_yet_valid": "token is not yet valid",
  "token.missing_exp": "token has no expiry",
  "token.wrong_audience": "token audience does not include Warden",
  "token.alg_not_allowed": "token algorithm is not allowed",
  "token.unknown_identity": "token identity is not a registered agent",
  "token.trust_disabled": "trust configuration is disabled",
};

type Failure = Extract<WorkloadTokenResult, { ok: false }>;
const fail = (code: WorkloadTokenCode, extra: { identity?: string; trustId?: string } = {}): Failure => ({
  ok: false,
  code,
  message: MESSAGES[code],
  ...extra,
});

// Compact JWS only: three base64url segments (the signature may be empty so `alg: none` reaches
// the algorithm check and is reported as such).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Trust configs that may vouch for this (unverified) token, SPIFFE matches first. */
function candidates(trust: TrustConfig[], claims: JWTPayload): TrustConfig[] {
  const spiffe = parseSpiffeId(claims.sub);
  const bySpiffe = spiffe
    ? trust.filter((t) => t.kind === "spiffe" && normalizeTrustDomain(t.trustDomain) === spiffe.trustDomain)
    : [];
  const byIssuer =
    typeof claims.iss === "string" && claims.iss !== ""
      ? trust.filter((t) => t.kind === "oidc" && t.issuer === claims.iss)
      : [];
  return [...bySpiffe, ...byIssuer];
}

export async function verifyWorkloadToken(token: string, opts: VerifyWorkloadTokenOptions): Promise<WorkloadTokenResult> {
  // Size first: an oversize token is refused before any decoding work.
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    return fail("token.malformed");
  }
  let alg: unknown;
  let unverified: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    unverified = decodeJwt(token);
  } catch {
    return fail("token.malformed");
  }
  if (typeof alg !== "string" || alg === "") return fail("token.malformed");

  const matched = candidates(opts.trust, unverified);
  const enabled = matched.filter((t) => t.enabled);
  if (enabled.length === 0) {
    return matched.length > 0 ? fail("token.trust_disabled", { trustId: matched[0].id }) : fail("token.untrusted_issuer");
  }

  // Several enabled configs may claim the same issuer/domain (e.g. during a key rollover): a key
  // or algorithm mismatch moves on to the next; once a signature verifies, that config decides.
  let first: Failure | undefined;
  for (const trust of enabled) {
    const result = await verifyWith(token, alg, trust, opts);
    if (result.ok || !KEY_LEVEL.has(result.code)) return result;
    first ??= result;
  }
  return first!;
}

const KEY_LEVEL = new Set<WorkloadTokenCode>(["token.bad_signature", "token.alg_not_allowed"]);

async function verifyWith(
  token: string,
  alg: string,
  trust: TrustConfig,
  opts: VerifyWorkloadTokenOptions,
): Promise<WorkloadTokenResult> {
  const trustId = trust.id;
  const algorithms = allowedAlgorithms(trust);
  if (!algorithms.includes(alg)) return fail("token.alg_not_allowed", { trustId });

  let claims: JWTPayload;
  try {
    const keys = (opts.fetchJwks ?? ((t: TrustConfig) => jwksCache.resolverFor(t)))(trust);
    ({ payload: claims } = await jwtVerify(token, keys, {
      algorithms,
      audience: trust.audience || opts.audience,
      // OIDC: exact issuer. SPIFFE: matched by trust domain; `iss` is not checked.
      issuer: trust.kind === "oidc" ? (trust.issuer ?? undefined) : undefined,
      requiredClaims: ["exp", "sub"],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: opts.now,
    }));
  } catch (err) {
    return mapJoseError(err, trustId);
  }

  // From here the signature is verified, so the identity may be reported for a finding.
  const identity = claims.sub;
  if (typeof identity !== "string" || identity === "" || identity.length > 2048) return fail("token.malformed", { trustId });
  if (trust.kind === "spiffe") {
    const id = parseSpiffeId(identity);
    if (!id || id.trustDomain !== normalizeTrustDomain(trust.trustDomain)) return fail("token.untrusted_issuer", { trustId });
  }
  // jose checks `iat` against the clock only with maxTokenAge; a token issued in the future is not valid yet.
  const nowSec = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (typeof claims.iat === "number" && claims.iat > nowSec + CLOCK_SKEW_SECONDS) {
    return fail("token.not_yet_valid", { trustId, identity });
  }

  const agent = await opts.lookupAgent(identity, trust);
  if (!agent) return fail("token.unknown_identity", { trustId, identity });
  return { ok: true, agentId: agent.id, identity, trustId, claims };
}

function mapJoseError(err: unknown, trustId: string): Failure {
  if (err instanceof errors.JWTExpired) return fail("token.expired", verifiedExtra(err, trustId));
  if (err instanceof errors.JWTClaimValidationFailed) {
    const extra = verifiedExtra(err, trustId);
    switch (err.claim) {
      case "exp":
        return fail(err.reason === "missing" ? "token.missing_exp" : "token.malformed", extra);
      case "aud":
        return fail("token.wrong_audience", extra);
      case "nbf":
      case "iat":
        return fail(err.reason === "missing" ? "token.malformed" : "token.not_yet_valid", extra);
      case "iss":
        return fail("token.untrusted_issuer", extra);
      default:
        return fail("token.malformed", extra);
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return fail("token.alg_not_allowed", { trustId });
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) {
    return fail("token.malformed", { trustId });
  }
  // Signature mismatch, no matching kid, unsupported crit/key, unusable config, JWKS endpoint down:
  // the token cannot be shown to come from this issuer.
  return fail("token.bad_signature", { trustId });
}

// Claim errors are raised only after the signature verified, so their payload is trustworthy.
function verifiedExtra(err: errors.JWTClaimValidationFailed | errors.JWTExpired, trustId: string) {
  const sub = err.payload?.sub;
  return typeof sub === "string" && sub !== "" && sub.length <= 2048 ? { trustId, identity: sub } : { trustId };
}
