import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { freePort } from "../../tests/processes";
import { stateFile } from "../helpers";

// AuthZEN's transport as the certification scenario checks it (openid/authzen
// certification/authorization-api-1_0-scenario.md at db50373: C-2-3…C-2-5, C-3-4-1, C-5, C-6),
// against the built server: on Postgres, the front answers it on plain node:http
// (lib/api/machine-listener.ts). The PEP is an agent with its bootstrap key.

type Raw = { status: number; headers: http.IncomingHttpHeaders; text: string; json: () => any };

/** node:http, so that every header (Host included) and every body is sent exactly as given. */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let key: string;
let sessionId: string;
let agentName: string;

test.beforeAll(async ({ baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  try {
    agentName = `authzen-transport-${Date.now()}`;
    const created = await analyst.post("/api/v1/agents", { data: { name: agentName, identityKind: "key", team: "devex", riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } });
    expect(created.status()).toBe(201);
    const agent = await created.json();
    key = (await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "authzen", expiresInDays: 1 } })).json()).secret;
  } finally {
    await analyst.dispose();
  }
  const s = await new Warden({ baseUrl: baseURL!, token: key }).openSession({ goal: "triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 3600 });
  sessionId = s.id;
});

const evaluationBody = () => ({ subject: { type: "agent", id: agentName }, action: { name: "read" }, resource: { type: "tool", id: "github:issues" }, context: { sessionId } });

test("the status codes the scenario requires, on both evaluation endpoints", async ({ baseURL }) => {
  const base = baseURL!;
  const json = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const post = (path: string, body: unknown, headers: Record<string, string> = json) => raw(base, "POST", path, headers, typeof body === "string" ? body : JSON.stringify(body));

  // A valid request: 200, application/json, a boolean decision, the request id echoed (C-2-3, C-2-5-1, C-5).
  const ok = await post("/access/v1/evaluation", { ...evaluationBody(), foo: "bar" }, { ...json, "x-request-id": "e2e-ok" });
  expect(ok.status, ok.text).toBe(200);
  expect(ok.headers["content-type"]).toMatch(/^application\/json/);
  expect(ok.headers["x-request-id"]).toBe("e2e-ok");
  expect(ok.json().decision).toBe(true);
  // No request id: still answered, with one of Warden's (C-2-5-2).
  const noId = await post("/access/v1/evaluation", evaluationBody());
  expect(noId.status).toBe(200);
  expect(noId.headers["x-request-id"]).toBeTruthy();

  for (const path of ["/access/v1/evaluation", "/access/v1/evaluations"]) {
    // Missing fields and sub-fields, wrong types, as the scenario writes them (C-2-4-1, -2, -6).
    for (const [body, field] of [
      [{ action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject"],
      [{ subject: { type: "user", id: "alice" }, resource: { type: "record", id: "record-1" } }, "action"],
      [{ subject: { type: "user", id: "alice" }, action: { name: "read" } }, "resource"],
      [{ subject: { id: "alice" }, action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject.type"],
      [{ subject: { type: "user", id: "alice" }, action: {}, resource: { type: "record", id: "record-1" } }, "action.name"],
      [{ subject: { type: "user", id: "alice" }, action: { name: "read" }, resource: { type: "record" } }, "resource.id"],
      [{ subject: "alice", action: { name: "read" }, resource: { type: "record", id: "record-1" } }, "subject"],
      [{ subject: { type: "user", id: "alice" }, action: { name: 123 }, resource: { type: "record", id: "record-1" } }, "action.name"],
    ] as const) {
      const r = await post(path, body, { ...json, "x-request-id": "e2e-400" });
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.headers["x-request-id"]).toBe("e2e-400");
      expect(r.json().error.fields[0].path).toBe(field);
    }
    // Not JSON by its content type: 400, not 415 (C-2-4-3).
    for (const contentType of ["text/plain", "application/xml"]) {
      expect((await post(path, evaluationBody(), { authorization: json.authorization, "content-type": contentType })).status, contentType).toBe(400);
    }
    expect((await post(path, evaluationBody(), { authorization: json.authorization })).status).toBe(400);
    // Malformed JSON, an empty body (C-2-4-4, C-2-4-5).
    for (const body of ["{\"subject\": {", ""]) {
      const r = await post(path, body, { ...json, "x-request-id": "e2e-json" });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers["x-request-id"]).toBe("e2e-json");
    }
    // No or a wrong credential: 401 naming the scheme, the request id echoed.
    for (const authorization of [undefined, `Bearer wdn_ak_${"A".repeat(43)}`]) {
      const r = await post(path, evaluationBody(), { "content-type": "application/json", "x-request-id": "e2e-401", ...(authorization ? { authorization } : {}) });
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toBe('Bearer realm="warden"');
      expect(r.headers["x-request-id"]).toBe("e2e-401");
    }
  }

  // One bad item of a batch is that item's decision false, not a failed batch (C-3-4-1).
  const batch = await post("/access/v1/evaluations", { subject: { type: "user", id: "alice" }, action: { name: "read" }, options: { evaluations_semantic: "execute_all" }, evaluations: [{ resource: { type: "record", id: "record-1" } }, {}] });
  expect(batch.status).toBe(200);
  expect(batch.json().evaluations).toHaveLength(2);
  expect(batch.json().evaluations[1]).toMatchObject({ decision: false, context: { error: { status: 400 } } });
  const mixed = await post("/access/v1/evaluations", { ...evaluationBody(), resource: undefined, evaluations: [{ resource: { type: "tool", id: "github:issues" } }, {}] });
  expect(mixed.json().evaluations.map((e: { decision: boolean }) => e.decision)).toEqual([true, false]);
  // Without evaluations, the single answer (C-3-4-2).
  expect((await post("/access/v1/evaluations", evaluationBody())).json()).toMatchObject({ decision: true });
});

test("the metadata names the configured public URL, whatever a proxy says (C-6)", async ({ baseURL }) => {
  // This instance runs with NEXTAUTH_URL = baseURL (playwright.config.ts): what the operator set wins.
  const r = await raw(baseURL!, "GET", "/.well-known/authzen-configuration", { "x-forwarded-proto": "https", "x-forwarded-host": "pdp.example.com", "x-request-id": "meta-1" });
  expect(r.status).toBe(200);
  expect(r.headers["content-type"]).toMatch(/^application\/json/);
  expect(r.headers["x-request-id"]).toBe("meta-1");
  expect(r.json()).toEqual({
    policy_decision_point: baseURL,
    access_evaluation_endpoint: `${baseURL}/access/v1/evaluation`,
    access_evaluations_endpoint: `${baseURL}/access/v1/evaluations`,
  });
});

test("without a configured URL, the metadata follows X-Forwarded-* and Host, never 0.0.0.0 (C-6)", async () => {
  test.setTimeout(120_000);
  // A second front on the same database, started the way an operator behind a proxy might: no
  // NEXTAUTH_URL, no WARDEN_PUBLIC_URL.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, PORT: String(port), NODE_ENV: "production", WARDEN_DEMO: "0" };
  delete env.NEXTAUTH_URL;
  delete env.WARDEN_PUBLIC_URL;
  const front: ChildProcess = spawn("node", [".next/warden-server.cjs", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: "ignore", detached: true });
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
      if (i > 200) throw new Error("instance did not start");
      await new Promise((r) => setTimeout(r, 500));
    }
    const meta = async (headers: Record<string, string>) => (await raw(base, "GET", "/.well-known/authzen-configuration", headers)).json();
    expect(await meta({})).toEqual({
      policy_decision_point: base,
      access_evaluation_endpoint: `${base}/access/v1/evaluation`,
      access_evaluations_endpoint: `${base}/access/v1/evaluations`,
    });
    const proxied = await meta({ "x-forwarded-proto": "https, http", "x-forwarded-host": "pdp.example.com, lb.internal" });
    expect(proxied.policy_decision_point).toBe("https://pdp.example.com");
    expect(proxied.access_evaluation_endpoint).toBe("https://pdp.example.com/access/v1/evaluation");
    expect((await meta({ host: `0.0.0.0:${port}` })).policy_decision_point).toBe(`http://localhost:${port}`);
    // The same front decides, for the endpoints it advertised.
    const r = await raw(base, "POST", "/access/v1/evaluation", { authorization: `Bearer ${key}`, "content-type": "application/json" }, JSON.stringify(evaluationBody()));
    expect(r.status, r.text).toBe(200);
    expect(r.json().decision).toBe(true);
  } finally {
    try {
      process.kill(-front.pid!, "SIGKILL");
    } catch {}
  }
});
