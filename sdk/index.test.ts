import { describe, expect, it } from "vitest";
import { Warden, WardenDenied, WardenUnavailable } from "./index";

// The escalation wait across Warden going away and coming back (an instance restarted, the
// database failed over): the wait goes on until its timeout, so an approval given meanwhile
// still reaches the agent. Real HTTP is in e2e/api/faults.spec.ts; here, a scripted fetch.
function scripted(answers: (() => Response)[]) {
  const calls: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    calls.push(String(input));
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    return next();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const refused = () => () => {
  throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:3000") });
};
const pending = json(200, { id: "e1", status: "pending" });
const unavailable = json(503, { error: { code: "unavailable", message: "Warden cannot reach its database" } }, { "retry-after": "0" });

describe("waitForEscalation", () => {
  it("keeps waiting through a refused connection, a 503 and a proxy's 502, and returns the approval", async () => {
    const { fetch, calls } = scripted([pending, refused(), unavailable, json(502, {}, { "retry-after": "0" }), pending, json(200, { id: "e1", status: "approved", grantId: "g1" })]);
    const w = new Warden({ baseUrl: "http://warden.test", token: "k", fetch });
    await expect(w.waitForEscalation("e1", { timeoutMs: 30_000 })).resolves.toMatchObject({ status: "approved", grantId: "g1" });
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => c.startsWith("http://warden.test/api/v1/escalations/e1?wait="))).toBe(true);
  });

  it("throws WardenUnavailable once its time is up, and guard() turns that into a deny", async () => {
    const w = new Warden({ baseUrl: "http://warden.test", token: "k", fetch: scripted(Array.from({ length: 50 }, () => unavailable)).fetch });
    const t0 = Date.now();
    const err = await w.waitForEscalation("e1", { timeoutMs: 300 }).catch((e) => e);
    expect(err).toBeInstanceOf(WardenUnavailable);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    const g = new Warden({
      baseUrl: "http://warden.test",
      token: "k",
      fetch: scripted([json(200, { decision: "escalate", reasons: [{ code: "intent.operation_not_declared", message: "x" }], decisionId: "d1", escalationId: "e1" }), ...Array.from({ length: 50 }, () => unavailable)]).fetch,
    });
    let ran = false;
    const denied = await g.guard("s1", { connector: "github", tool: "issues", operation: "write" }, () => (ran = true), { timeoutMs: 300 }).catch((e) => e);
    expect(ran).toBe(false);
    expect(denied).toBeInstanceOf(WardenDenied);
    expect((denied as WardenDenied).unavailable).toBe(true);
  });

  it("does not retry what is not an outage (a 404) and stops when its signal aborts", async () => {
    const w = new Warden({ baseUrl: "http://warden.test", token: "k", fetch: scripted([json(404, { error: { code: "not_found", message: "Escalation not found" } })]).fetch });
    await expect(w.waitForEscalation("e1")).rejects.toMatchObject({ status: 404, code: "not_found" });
    const ctl = new AbortController();
    const a = new Warden({ baseUrl: "http://warden.test", token: "k", fetch: scripted(Array.from({ length: 50 }, () => json(503, {}, { "retry-after": "5" }))).fetch });
    const waiting = a.waitForEscalation("e1", { timeoutMs: 60_000, signal: ctl.signal }).catch((e) => e);
    setTimeout(() => ctl.abort(), 100);
    const t0 = Date.now();
    expect(await waiting).toBeInstanceOf(WardenUnavailable);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});
