import { eq, like } from "drizzle-orm";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sessionsRoute from "../../app/api/v1/sessions/route";
import * as disableRoute from "../../app/api/v1/trust-configs/[id]/disable/route";
import * as enableRoute from "../../app/api/v1/trust-configs/[id]/enable/route";
import * as trustRoute from "../../app/api/v1/trust-configs/[id]/route";
import * as trustsRoute from "../../app/api/v1/trust-configs/route";
import { verifyAuditChain } from "../../lib/audit/verify";
import type { DatabaseHandle } from "../../lib/db/client";
import { auditEvents, findings, trustConfigs } from "../../lib/db/schema";
import { createAgent } from "../../lib/services/agents/create";
import { DB_KINDS, openTestDatabase } from "./db";
import { personWithToken, routeCaller, type RouteHandler } from "./route-helpers";

const system = { actor: { kind: "system" as const, label: "test" } };
const H = (h: unknown) => h as RouteHandler;
const DOMAIN = "prod.acme.internal";
const IDENTITY = `spiffe://${DOMAIN}/ns/x/sa/y`;
// Private key members: none of them may appear in any answer or audit row.
const secrets: string[] = [];
const call = routeCaller((text) => {
  for (const s of secrets) expect(text).not.toContain(s);
});

type KeyPair = { privateKey: CryptoKey; publicJwk: JWK; privateJwk: JWK };
async function keyPair(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  secrets.push(privateJwk.d!);
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }, privateJwk: { ...privateJwk, kid } };
}

describe.each(DB_KINDS)("identity trust configs on %s", (kind) => {
  let h: DatabaseHandle;
  let admin: { token: string };
  let analyst: { token: string };
  let k1: KeyPair;
  let k2: KeyPair;
  let configId: string;
  let audience: string;

  const svid = (key: KeyPair, sub = IDENTITY, aud = audience) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: key.publicJwk.kid })
      .setSubject(sub)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key.privateKey);
  const openSession = (token: string) =>
    call(H(sessionsRoute.POST), {
      token,
      path: "/api/v1/sessions",
      body: { intent: { goal: "triage issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 } },
    });
  const create = (body: object, token = admin.token) => call(H(trustsRoute.POST), { token, path: "/api/v1/trust-configs", body });
  const byId = (route: { [m: string]: unknown }, method: string, id: string, body?: object, token = admin.token) =>
    call(H(route[method]), { token, method: method === "POST" ? undefined : method, path: `/api/v1/trust-configs/${id}`, params: { id }, body });

  beforeAll(async () => {
    h = await openTestDatabase(kind);
    admin = await personWithToken(h.db, "admin@warden.test", "admin");
    analyst = await personWithToken(h.db, "analyst@warden.test", "analyst");
    k1 = await keyPair("k1");
    k2 = await keyPair("k2");
    const envelope = { actions: ["github:*"], maxSensitivity: "internal" as const, maxTtlSeconds: 3600 };
    await createAgent(h.db, system, { name: "svid-bot", identityKind: "spiffe", identity: IDENTITY, team: "platform", purpose: "", riskTier: "low", envelope });
  });
  afterAll(async () => h?.close());

  it("lets an admin add a SPIFFE trust domain with inline public keys", async () => {
    const r = await create({ name: "prod-spire", kind: "spiffe", trustDomain: `spiffe://${DOMAIN}/`, issuer: "https://ignored.example", jwks: { keys: [k1.publicJwk] }, algorithms: ["ES256"] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "prod-spire", kind: "spiffe", trustDomain: DOMAIN, issuer: null, jwksUrl: null, inlineKeyCount: 1, enabled: true, algorithms: ["ES256"] });
    expect(r.body.keys).toEqual([{ kid: "k1", kty: "EC", alg: "ES256", crv: "P-256", use: "sig" }]);
    // Public keys come back as given: they are public.
    expect(r.body.jwks.keys[0]).toMatchObject({ x: k1.publicJwk.x, y: k1.publicJwk.y });
    expect(r.body.audience).toBeTruthy();
    configId = r.body.id;
    audience = r.body.audience;

    const list = await call(H(trustsRoute.GET), { token: admin.token, path: "/api/v1/trust-configs?kind=spiffe" });
    expect(list.body).toMatchObject({ total: 1, items: [{ id: configId, inlineKeyCount: 1 }] });
    expect(list.body.items[0].jwks).toBeUndefined();
  });

  it("authenticates an agent whose JWT-SVID is signed by that key, and refuses it once the config is disabled", async () => {
    const token = await svid(k1);
    expect((await openSession(token)).status).toBe(201);
    // Wrong audience: refused.
    expect((await openSession(await svid(k1, IDENTITY, "someone-else"))).status).toBe(401);

    expect((await byId(disableRoute, "POST", configId, {})).status).toBe(400); // reason required
    const off = await byId(disableRoute, "POST", configId, { reason: "key compromise drill" });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    expect((await openSession(token)).status).toBe(401);
    expect((await byId(disableRoute, "POST", configId, { reason: "again" })).status).toBe(409);

    expect((await byId(enableRoute, "POST", configId, { reason: "drill over" })).status).toBe(200);
    expect((await openSession(token)).status).toBe(201);
  });

  it("drops the old key at once when the JWKS is replaced", async () => {
    const oldToken = await svid(k1);
    const before = (await h.db.select().from(trustConfigs).where(eq(trustConfigs.id, configId)))[0].updatedAt;
    const r = await byId(trustRoute, "PATCH", configId, { jwks: { keys: [k2.publicJwk] } });
    expect(r.status).toBe(200);
    expect(r.body.keys.map((k: { kid: string }) => k.kid)).toEqual(["k2"]);
    expect(new Date(r.body.updatedAt).getTime()).toBeGreaterThan(before.getTime());
    expect((await openSession(oldToken)).status).toBe(401);
    expect((await openSession(await svid(k2))).status).toBe(201);
  });

  it("refuses an unregistered identity with a valid signature and records a finding", async () => {
    const stranger = `spiffe://${DOMAIN}/ns/x/sa/stranger`;
    expect((await openSession(await svid(k2, stranger))).status).toBe(401);
    const rows = await h.db.select().from(findings).where(eq(findings.kind, "unknown_workload_identity"));
    expect(rows.map((f) => f.detail.identity)).toContain(stranger);
  });

  it("refuses unusable key material and bad shapes with a message on the field", async () => {
    const oct = await create({ name: "hmac", kind: "spiffe", trustDomain: "x.internal", jwks: { keys: [{ kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQ" }] } });
    expect(oct.status).toBe(400);
    expect(oct.body.error.fields[0]).toMatchObject({ path: "jwks" });
    expect(oct.body.error.message).toMatch(/symmetric \(oct\)/);

    const priv = await create({ name: "leaky", kind: "spiffe", trustDomain: "x.internal", jwks: { keys: [k1.privateJwk] } });
    expect(priv.status).toBe(400);
    expect(priv.body.error.fields[0]).toMatchObject({ path: "jwks" });
    expect(priv.body.error.message).toMatch(/private key material/);

    const broken = await create({ name: "broken", kind: "spiffe", trustDomain: "x.internal", jwks: { keys: [{ kty: "EC", crv: "P-256", x: "AAAA" }] } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.fields[0].path).toBe("jwks");

    const cases: [object, string][] = [
      [{ name: "no-keys", kind: "spiffe", trustDomain: "x.internal" }, "jwks"],
      [{ name: "both", kind: "spiffe", trustDomain: "x.internal", jwks: { keys: [k1.publicJwk] }, jwksUrl: "https://x.internal/keys" }, "jwksUrl"],
      [{ name: "no-domain", kind: "spiffe", jwks: { keys: [k1.publicJwk] } }, "trustDomain"],
      [{ name: "bad-domain", kind: "spiffe", trustDomain: "bad..domain", jwks: { keys: [k1.publicJwk] } }, "trustDomain"],
      [{ name: "no-issuer", kind: "oidc", jwksUrl: "https://idp.example/keys" }, "issuer"],
      [{ name: "http-issuer", kind: "oidc", issuer: "http://idp.example", jwksUrl: "https://idp.example/keys" }, "issuer"],
      [{ name: "http-jwks", kind: "oidc", issuer: "https://idp.example", jwksUrl: "http://idp.example/keys" }, "jwksUrl"],
      [{ name: "hs256", kind: "oidc", issuer: "https://idp.example", jwksUrl: "https://idp.example/keys", algorithms: ["HS256"] }, "algorithms"],
      [{ name: "none-alg", kind: "oidc", issuer: "https://idp.example", jwksUrl: "https://idp.example/keys", algorithms: ["none", "RS256"] }, "algorithms"],
    ];
    for (const [body, field] of cases) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.fields.map((f: { path: string }) => f.path), JSON.stringify(body)).toContain(field);
    }
    expect(await h.db.select().from(trustConfigs)).toHaveLength(1);
  });

  it("creates an OIDC config with a JWKS URL, names the field on a duplicate, and validates the merged row on update", async () => {
    const body = { name: "github-actions", kind: "oidc", issuer: "https://token.actions.githubusercontent.com", jwksUrl: "https://token.actions.githubusercontent.com/.well-known/jwks" };
    const r = await create(body);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: "oidc", trustDomain: null, inlineKeyCount: null, keys: [] });
    const dup = await create(body);
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields[0]).toMatchObject({ path: "name" });
    // Renaming onto an existing name is a 409 too.
    expect((await byId(trustRoute, "PATCH", r.body.id, { name: "prod-spire" })).body.error.fields[0]).toMatchObject({ path: "name" });
    // Switching to SPIFFE without a trust domain leaves an invalid row: refused.
    const sw = await byId(trustRoute, "PATCH", r.body.id, { kind: "spiffe" });
    expect(sw.status).toBe(400);
    expect(sw.body.error.fields[0].path).toBe("trustDomain");
    // Sending an inline set replaces the URL.
    const inl = await byId(trustRoute, "PATCH", r.body.id, { jwks: { keys: [k2.publicJwk] } });
    expect(inl.body).toMatchObject({ jwksUrl: null, inlineKeyCount: 1 });
  });

  it("is for admins only; unknown ids are 404", async () => {
    expect((await call(H(trustsRoute.GET), { path: "/api/v1/trust-configs" })).status).toBe(401);
    expect((await call(H(trustsRoute.GET), { token: analyst.token, path: "/api/v1/trust-configs" })).status).toBe(403);
    expect((await create({ name: "sneaky", kind: "spiffe", trustDomain: "evil.example", jwks: { keys: [k1.publicJwk] } }, analyst.token)).status).toBe(403);
    expect((await byId(trustRoute, "GET", configId, undefined, analyst.token)).status).toBe(403);
    expect((await byId(disableRoute, "POST", configId, { reason: "nope nope" }, analyst.token)).status).toBe(403);
    expect((await byId(trustRoute, "DELETE", configId, { reason: "nope nope" }, analyst.token)).status).toBe(403);

    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await byId(trustRoute, "GET", unknown)).status).toBe(404);
    expect((await byId(trustRoute, "GET", "not-a-uuid")).status).toBe(404);
    expect((await byId(trustRoute, "PATCH", unknown, { audience: "x" })).status).toBe(404);
    expect((await byId(trustRoute, "DELETE", unknown, { reason: "cleanup" })).status).toBe(404);
    expect((await byId(enableRoute, "POST", unknown, { reason: "cleanup" })).status).toBe(404);
  });

  it("deletes with a reason; the agent's tokens stop working", async () => {
    const token = await svid(k2);
    expect((await byId(trustRoute, "DELETE", configId, {})).status).toBe(400);
    const d = await byId(trustRoute, "DELETE", configId, { reason: "domain retired" });
    expect(d.status).toBe(200);
    expect((await byId(trustRoute, "GET", configId)).status).toBe(404);
    expect((await openSession(token)).status).toBe(401);
  });

  it("audits every change, without key material, on an intact chain", async () => {
    const rows = await h.db.select().from(auditEvents).where(like(auditEvents.action, "trust.%"));
    const actions = rows.map((r) => r.action);
    for (const a of ["trust.created", "trust.updated", "trust.disabled", "trust.enabled", "trust.deleted"]) expect(actions).toContain(a);
    const updated = rows.find((r) => r.action === "trust.updated" && r.targetId === configId)!;
    expect(updated.detail.changed).toEqual(["jwks"]);
    const text = JSON.stringify(await h.db.select().from(auditEvents));
    for (const s of secrets) expect(text).not.toContain(s);
    // Not even the public key coordinates: the trail records counts and key ids only.
    for (const k of [k1, k2]) {
      expect(text).not.toContain(k.publicJwk.x!);
      expect(text).not.toContain(k.publicJwk.y!);
    }
    expect(text).not.toMatch(/"(d|p|q|dp|dq|qi|k)":/);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });
});
