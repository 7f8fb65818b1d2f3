import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { stateFile, type Role } from "../helpers";

// The shared security battery for the management API: no credentials, wrong credentials,
// wrong role, unknown ids, bad bodies, cross-site requests.
let base: string;
const ctx: Partial<Record<Role | "anon", APIRequestContext>> = {};

test.beforeAll(async ({ baseURL }) => {
  base = baseURL!;
  ctx.anon = await request.newContext({ baseURL: base });
  for (const r of ["admin", "analyst", "approver", "auditor"] as Role[]) {
    ctx[r] = await request.newContext({ baseURL: base, storageState: stateFile(r), extraHTTPHeaders: { origin: base } });
  }
});
test.afterAll(async () => {
  for (const c of Object.values(ctx)) await c?.dispose();
});

const LIST_ENDPOINTS = ["/api/v1/agents", "/api/v1/connectors", "/api/v1/credentials", "/api/v1/sessions", "/api/v1/users"];

test("health reports the database", async () => {
  const res = await ctx.anon!.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", database: { ok: true, kind: "postgres" } });
});

test("no credentials: 401 in the error envelope", async () => {
  for (const path of LIST_ENDPOINTS) {
    const res = await ctx.anon!.get(path);
    expect(res.status(), path).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe("unauthenticated");
    expect(body.error.requestId).toBeTruthy();
  }
});

test("wrong or malformed bearer tokens: 401, never a fallback to cookies", async () => {
  for (const auth of ["Bearer wdn_pat_" + "x".repeat(43), "Bearer nonsense", "Basic YWRtaW46YWRtaW4="]) {
    const res = await ctx.admin!.get("/api/v1/agents", { headers: { authorization: auth } });
    expect(res.status(), auth).toBe(401);
  }
});

test("wrong role: analyst, approver and auditor cannot reach people administration", async () => {
  for (const r of ["analyst", "approver", "auditor"] as Role[]) {
    expect((await ctx[r]!.get("/api/v1/users")).status(), r).toBe(403);
    const create = await ctx[r]!.post("/api/v1/users", { data: { email: `x-${r}@warden.local`, name: "X", role: "admin" } });
    expect(create.status(), r).toBe(403);
  }
});

test("auditor cannot change anything", async () => {
  const a = ctx.auditor!;
  const agents = await (await a.get("/api/v1/agents?pageSize=1")).json();
  const id = agents.items[0].id;
  const attempts = [
    a.post("/api/v1/agents", { data: {} }),
    a.patch(`/api/v1/agents/${id}`, { data: { team: "x" } }),
    a.post(`/api/v1/agents/${id}/quarantine`, { data: { reason: "test" } }),
    a.post(`/api/v1/agents/${id}/keys`, { data: {} }),
    a.post("/api/v1/connectors", { data: {} }),
    a.post("/api/v1/credentials", { data: {} }),
  ];
  for (const res of await Promise.all(attempts)) expect(res.status()).toBe(403);
});

test("unknown and malformed ids are 404", async () => {
  for (const path of ["/api/v1/agents/00000000-0000-4000-8000-000000000000", "/api/v1/agents/not-a-uuid", "/api/v1/connectors/00000000-0000-4000-8000-000000000000", "/api/v1/credentials/42"]) {
    const res = await ctx.admin!.get(path);
    expect(res.status(), path).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  }
});

test("bad bodies get a clear 4xx naming the problem", async () => {
  const a = ctx.admin!;
  const badJson = await a.post("/api/v1/agents", { headers: { "content-type": "application/json" }, data: Buffer.from("{not json") });
  expect(badJson.status()).toBe(400);
  expect((await badJson.json()).error.code).toBe("invalid_json");

  const form = await a.post("/api/v1/agents", { headers: { "content-type": "text/plain" }, data: "name=x" });
  expect(form.status()).toBe(415);

  const big = await a.post("/api/v1/agents", { headers: { "content-type": "application/json" }, data: JSON.stringify({ purpose: "x".repeat(200_000) }) });
  expect(big.status()).toBe(413);

  const invalid = await a.post("/api/v1/agents", {
    data: { name: "Bad Name!", identityKind: "spiffe", identity: "nope", team: "t", riskTier: "extreme", envelope: { actions: ["github"], maxSensitivity: "internal", maxTtlSeconds: 600 } },
  });
  expect(invalid.status()).toBe(400);
  const body = await invalid.json();
  const paths = body.error.fields.map((f: { path: string }) => f.path);
  expect(paths).toEqual(expect.arrayContaining(["name", "riskTier", "envelope.actions.0"]));
});

test("text Postgres cannot store is a 400 naming the field on every list, in a create and on a page; nothing is written", async () => {
  const a = ctx.admin!;
  const lists = [...LIST_ENDPOINTS, "/api/v1/escalations", "/api/v1/findings", "/api/v1/policies", "/api/v1/audit", "/api/v1/trust-configs"];
  for (const path of lists) {
    const res = await a.get(`${path}?q=%00`);
    expect(res.status(), path).toBe(400);
    const body = await res.json();
    expect(body.error.code, path).toBe("validation_failed");
    expect(body.error.fields[0].path, path).toBe("q");
  }
  const tokens = async () => (await (await a.get("/api/v1/tokens")).json()).items.length;
  const before = await tokens();
  const nul = await a.post("/api/v1/tokens", { data: { name: "ci\u0000token", expiresInDays: 1 } });
  expect(nul.status()).toBe(400);
  expect((await nul.json()).error.fields[0]).toMatchObject({ path: "name", message: expect.stringContaining("NUL") });
  expect(await tokens()).toBe(before);
  // A console page: a 400 page naming the parameter, not a 500.
  const page = await a.get("/agents?q=%00");
  expect(page.status()).toBe(400);
  expect(await page.text()).toContain("q: must not contain NUL");
  expect((await a.get("/agents?q=bot")).status()).toBe(200);
});

test("cross-site cookie requests are refused (CSRF)", async () => {
  const noOrigin = await request.newContext({ baseURL: base, storageState: stateFile("admin") });
  const agents = await (await noOrigin.get("/api/v1/agents?pageSize=1")).json(); // reads are fine
  expect(agents.items.length).toBe(1);
  const res = await noOrigin.post("/api/v1/agents", { data: {} });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("csrf_failed");
  const evil = await noOrigin.post("/api/v1/agents", { data: {}, headers: { origin: "https://evil.example" } });
  expect(evil.status()).toBe(403);
  await noOrigin.dispose();
});

test("duplicate names are a 409 naming the field", async () => {
  const a = ctx.admin!;
  const agents = await (await a.get("/api/v1/agents?pageSize=1")).json();
  const existing = agents.items[0];
  const res = await a.post("/api/v1/agents", {
    data: { name: existing.name, identityKind: "key", team: "t", riskTier: "low", envelope: { actions: ["github:issues.read"], maxSensitivity: "internal", maxTtlSeconds: 600 } },
  });
  expect(res.status()).toBe(409);
  expect((await res.json()).error.fields[0].path).toBe("name");
});
