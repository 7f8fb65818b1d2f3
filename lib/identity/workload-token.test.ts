import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { assertInlineJwks, assertJwksUrl, createJwksCache, JwksConfigError } from "./jwks-cache";
import { verifyWorkloadToken, type TrustConfig, type VerifyWorkloadTokenOptions } from "./workload-token";

const AUD = "https://warden.example";
const OIDC_ISS = "https://token.actions.example";
const SVID = "spiffe://acme.internal/ns/payments/sa/refund-bot";
const OIDC_SUB = "repo:acme-corp/release-tools:ref:refs/heads/main";
const NOW = new Date("2026-03-01T12:00:00Z");
const nowSec = Math.floor(NOW.getTime() / 1000);

const agents = new Map([
  [SVID, { id: "agent-svid" }],
  [OIDC_SUB, { id: "agent-oidc" }],
]);
const lookupAgent = vi.fn(async (identity: string) => agents.get(identity) ?? null);

let es: { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK };
let rs: { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK };
let other: { privateKey: CryptoKey };
let server: Server;
let jwksUrl: string;
let jwksHits = 0;

beforeAll(async () => {
  const e = await generateKeyPair("ES256", { extractable: true });
  es = { ...e, jwk: { ...(await exportJWK(e.publicKey)), kid: "es-1", alg: "ES256", use: "sig" } };
  const r = await generateKeyPair("RS256", { extractable: true });
  rs = { ...r, jwk: { ...(await exportJWK(r.publicKey)), kid: "rs-1", alg: "RS256", use: "sig" } };
  other = await generateKeyPair("ES256");

  server = createServer((req, res) => {
    jwksHits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [rs.jwk] }));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

function spiffeTrust(over: Partial<TrustConfig> = {}): TrustConfig {
  return {
    id: "trust-spiffe",
    kind: "spiffe",
    issuer: null,
    trustDomain: "acme.internal",
    jwks: { keys: [es.jwk as Record<string, unknown>] },
    jwksUrl: null,
    audience: AUD,
    algorithms: ["ES256"],
    enabled: true,
    updatedAt: new Date("2026-01-01T00:00:00Z"),
    ...over,
  };
}
function oidcTrust(over: Partial<TrustConfig> = {}): TrustConfig {
  return {
    id: "trust-oidc",
    kind: "oidc",
    issuer: OIDC_ISS,
    trustDomain: null,
    jwks: null,
    jwksUrl,
    audience: AUD,
    algorithms: [],
    enabled: true,
    updatedAt: new Date("2026-01-01T00:00:00Z"),
    ...over,
  };
}

type SignOpts = { alg?: string; key?: CryptoKey | Uint8Array; kid?: string; exp?: number | null };
async function sign(claims: JWTPayload, o: SignOpts = {}) {
  const alg = o.alg ?? "ES256";
  const jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT", ...(o.kid !== undefined ? { kid: o.kid } : {}) });
  if (o.exp !== null) jwt.setExpirationTime(o.exp ?? nowSec + 300);
  if (claims.iat === undefined) jwt.setIssuedAt(nowSec - 5);
  return jwt.sign(o.key ?? es.privateKey);
}
const svid = (claims: JWTPayload = {}, o: SignOpts = {}) => sign({ sub: SVID, aud: AUD, ...claims }, { kid: "es-1", ...o });
const oidc = (claims: JWTPayload = {}, o: SignOpts = {}) =>
  sign({ iss: OIDC_ISS, sub: OIDC_SUB, aud: AUD, ...claims }, { alg: "RS256", key: rs.privateKey, kid: "rs-1", ...o });

const verify = (token: string, over: Partial<VerifyWorkloadTokenOptions> = {}) =>
  verifyWorkloadToken(token, { trust: [spiffeTrust(), oidcTrust()], audience: AUD, now: NOW, lookupAgent, ...over });

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("verifyWorkloadToken: accepted", () => {
  it("accepts a valid JWT-SVID (ES256, inline JWKS)", async () => {
    const r = await verify(await svid());
    expect(r).toMatchObject({ ok: true, agentId: "agent-svid", identity: SVID, trustId: "trust-spiffe" });
    expect(lookupAgent).toHaveBeenCalledWith(SVID, expect.objectContaining({ id: "trust-spiffe" }));
  });

  it("accepts a valid OIDC token (RS256, JWKS served over HTTP)", async () => {
    const r = await verify(await oidc());
    expect(r).toMatchObject({ ok: true, agentId: "agent-oidc", identity: OIDC_SUB, trustId: "trust-oidc" });
    if (r.ok) expect(r.claims.iss).toBe(OIDC_ISS);
  });

  it("accepts an aud array that contains Warden's audience", async () => {
    expect((await verify(await oidc({ aud: ["https://other.example", AUD] }))).ok).toBe(true);
  });

  it("matches a JWT-SVID by trust domain, whatever its iss", async () => {
    expect((await verify(await svid({ iss: "https://spire.acme.internal" }))).ok).toBe(true);
  });

  it("tolerates up to 60 s of clock skew on exp and nbf", async () => {
    expect((await verify(await svid({}, { exp: nowSec - 30 }))).ok).toBe(true);
    expect((await verify(await svid({ nbf: nowSec + 30 }))).ok).toBe(true);
  });
});

describe("verifyWorkloadToken: refused", () => {
  it("expired", async () => {
    const r = await verify(await svid({}, { exp: nowSec - 120 }));
    expect(r).toMatchObject({ ok: false, code: "token.expired", trustId: "trust-spiffe" });
  });

  it("missing exp", async () => {
    expect(await verify(await svid({}, { exp: null }))).toMatchObject({ ok: false, code: "token.missing_exp" });
    expect(await verify(await oidc({}, { exp: null }))).toMatchObject({ ok: false, code: "token.missing_exp" });
  });

  it("not yet valid (nbf or iat in the future beyond the skew)", async () => {
    expect(await verify(await svid({ nbf: nowSec + 600 }))).toMatchObject({ ok: false, code: "token.not_yet_valid" });
    expect(await verify(await svid({ iat: nowSec + 600 }))).toMatchObject({ ok: false, code: "token.not_yet_valid" });
  });

  it("wrong or missing audience", async () => {
    expect(await verify(await svid({ aud: "https://other.example" }))).toMatchObject({ code: "token.wrong_audience" });
    expect(await verify(await oidc({ aud: ["a", "b"] }))).toMatchObject({ code: "token.wrong_audience" });
    expect(await verify(await oidc({ aud: undefined }))).toMatchObject({ code: "token.wrong_audience" });
  });

  it("signed by another key (same kid, and no kid)", async () => {
    expect(await verify(await svid({}, { key: other.privateKey }))).toMatchObject({ code: "token.bad_signature" });
    expect(await verify(await svid({}, { key: other.privateKey, kid: "nope" }))).toMatchObject({ code: "token.bad_signature" });
  });

  it("alg: none (hand-built unsigned token)", async () => {
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: SVID, aud: AUD, exp: nowSec + 300 })}.`;
    const r = await verify(token);
    expect(r).toMatchObject({ ok: false, code: "token.alg_not_allowed" });
    expect(r).not.toHaveProperty("identity");
  });

  it("HS256 signed with the public key bytes (key confusion), even if the config lists HS256", async () => {
    const pem = new TextEncoder().encode(await exportSPKI(rs.publicKey));
    const jwkBytes = new TextEncoder().encode(JSON.stringify(rs.jwk));
    for (const secret of [pem, jwkBytes]) {
      const token = await oidc({}, { alg: "HS256", key: secret });
      expect(await verify(token)).toMatchObject({ ok: false, code: "token.alg_not_allowed" });
      const lax = oidcTrust({ algorithms: ["RS256", "HS256", "none"] });
      expect(await verify(token, { trust: [lax] })).toMatchObject({ ok: false, code: "token.alg_not_allowed" });
    }
  });

  it("an algorithm the config does not list", async () => {
    const ps = await generateKeyPair("PS256");
    const token = await sign({ sub: SVID, aud: AUD }, { alg: "PS256", key: ps.privateKey });
    expect(await verify(token)).toMatchObject({ code: "token.alg_not_allowed", trustId: "trust-spiffe" });
  });

  it("SPIFFE ID from another trust domain, even if signed with a trusted key", async () => {
    const r = await verify(await svid({ sub: "spiffe://evil.example/ns/payments/sa/refund-bot" }));
    expect(r).toMatchObject({ ok: false, code: "token.untrusted_issuer" });
    expect(r).not.toHaveProperty("identity");
  });

  it("invalid SPIFFE IDs and unknown OIDC issuers", async () => {
    for (const sub of ["spiffe://acme.internal", "spiffe://acme.internal/", "spiffe://ACME.internal/x", "spiffe://acme.internal/a/../b", "spiffe://acme.internal/x?q=1"]) {
      expect(await verify(await svid({ sub }))).toMatchObject({ code: "token.untrusted_issuer" });
    }
    expect(await verify(await oidc({ iss: "https://token.actions.example/" }))).toMatchObject({ code: "token.untrusted_issuer" });
  });

  it("unknown but validly signed subject returns the identity for a finding", async () => {
    const stranger = "spiffe://acme.internal/ns/payments/sa/stranger";
    expect(await verify(await svid({ sub: stranger }))).toEqual({
      ok: false,
      code: "token.unknown_identity",
      message: expect.any(String),
      identity: stranger,
      trustId: "trust-spiffe",
    });
    expect(await verify(await oidc({ sub: "someone-else" }))).toMatchObject({ code: "token.unknown_identity", identity: "someone-else" });
  });

  it("disabled trust config", async () => {
    const r = await verify(await svid(), { trust: [spiffeTrust({ enabled: false }), oidcTrust()] });
    expect(r).toMatchObject({ ok: false, code: "token.trust_disabled", trustId: "trust-spiffe" });
  });

  it("malformed strings", async () => {
    lookupAgent.mockClear();
    const cases = ["", "garbage", "a.b.c.d", "...", "..", "a b.c.d", `${b64({ alg: "ES256" })}.not-json!.x`, `${b64({ alg: "ES256" })}.${b64("str")}.x`, `${b64({})}.${b64({ sub: SVID })}.x`];
    for (const c of cases) expect(await verify(c)).toMatchObject({ ok: false, code: "token.malformed" });
    expect(await verify(await svid({ sub: undefined, iss: OIDC_ISS }), { trust: [oidcTrust({ jwks: { keys: [es.jwk as Record<string, unknown>] }, jwksUrl: null, algorithms: ["ES256"] })] })).toMatchObject({ code: "token.malformed" });
    expect(lookupAgent).not.toHaveBeenCalled();
  });

  it("huge token (> 16 KB) is malformed without parsing, even if validly signed", async () => {
    const token = await svid({ pad: "x".repeat(17 * 1024) });
    const fetchJwks = vi.fn();
    expect(await verify(token, { fetchJwks })).toMatchObject({ ok: false, code: "token.malformed" });
    expect(fetchJwks).not.toHaveBeenCalled();
  });

  it("messages depend on the code only", async () => {
    const a = await verify(await svid({ aud: "x" }));
    const b = await verify(await svid({ aud: "y", sub: "spiffe://acme.internal/other" }));
    expect(a.ok || b.ok).toBe(false);
    if (!a.ok && !b.ok) expect(a.message).toBe(b.message);
  });

  it("a JWKS endpoint that is down is a bad signature (fail closed)", async () => {
    const down = oidcTrust({ id: "trust-down", jwksUrl: "http://127.0.0.1:1/jwks.json" });
    expect(await verify(await oidc(), { trust: [down] })).toMatchObject({ code: "token.bad_signature", trustId: "trust-down" });
  });
});

describe("jwks cache", () => {
  it("caches remote keys per trust config", async () => {
    const cache = createJwksCache();
    const fetchJwks = (t: TrustConfig) => cache.resolverFor(t);
    const before = jwksHits;
    for (let i = 0; i < 3; i++) expect((await verify(await oidc(), { fetchJwks })).ok).toBe(true);
    expect(jwksHits - before).toBe(1);
  });

  it("a changed config (new updatedAt) takes effect at once", async () => {
    const cache = createJwksCache();
    const fetchJwks = (t: TrustConfig) => cache.resolverFor(t);
    const rotated = await generateKeyPair("ES256", { extractable: true });
    const rotatedJwk = { ...(await exportJWK(rotated.publicKey)), kid: "es-2" };
    const oldToken = await svid();
    const newToken = await svid({}, { key: rotated.privateKey, kid: "es-2" });

    expect((await verify(oldToken, { fetchJwks })).ok).toBe(true);
    const updated = spiffeTrust({ jwks: { keys: [rotatedJwk] }, updatedAt: new Date("2026-02-01T00:00:00Z") });
    expect((await verify(newToken, { fetchJwks, trust: [updated] })).ok).toBe(true);
    expect(await verify(oldToken, { fetchJwks, trust: [updated] })).toMatchObject({ code: "token.bad_signature" });
    expect(cache.size).toBe(1);
  });

  it("rejects inline oct keys and private key material", async () => {
    expect(() => assertInlineJwks({ keys: [{ kty: "oct", k: "c2VjcmV0" }] })).toThrow(JwksConfigError);
    expect(() => assertInlineJwks({ keys: [{ ...rs.jwk, d: "AAAA" }] })).toThrow(JwksConfigError);
    expect(() => assertInlineJwks({ keys: [] })).toThrow(JwksConfigError);
    expect(() => assertInlineJwks({ keys: [rs.jwk] })).not.toThrow();

    // An HS256 token against a config carrying an oct key is refused (alg check and key check).
    const secret = new TextEncoder().encode("s".repeat(32));
    const withOct = spiffeTrust({ jwks: { keys: [{ kty: "oct", k: Buffer.from(secret).toString("base64url") }] }, algorithms: ["HS256", "ES256"] });
    const hs = await svid({}, { alg: "HS256", key: secret, kid: undefined });
    expect(await verify(hs, { trust: [withOct] })).toMatchObject({ code: "token.alg_not_allowed" });
    expect(await verify(await svid(), { trust: [withOct] })).toMatchObject({ code: "token.bad_signature" });
  });

  it("requires https for remote JWKS except on loopback", () => {
    expect(() => assertJwksUrl("http://jwks.example/keys")).toThrow(JwksConfigError);
    expect(() => assertJwksUrl("not a url")).toThrow(JwksConfigError);
    expect(assertJwksUrl("https://jwks.example/keys").hostname).toBe("jwks.example");
    expect(assertJwksUrl("http://127.0.0.1:8080/keys").port).toBe("8080");
  });

  it("a config with no keys at all cannot verify anything", async () => {
    const empty = spiffeTrust({ jwks: null, jwksUrl: null });
    expect(await verify(await svid(), { trust: [empty] })).toMatchObject({ code: "token.bad_signature" });
  });

  it("tries the next config for the same trust domain on a key mismatch (rollover)", async () => {
    const stale = spiffeTrust({ id: "trust-stale", jwks: { keys: [{ ...rs.jwk, alg: "RS256" }] }, algorithms: ["RS256"] });
    const r = await verify(await svid(), { trust: [stale, spiffeTrust()] });
    expect(r).toMatchObject({ ok: true, trustId: "trust-spiffe" });
  });
});
