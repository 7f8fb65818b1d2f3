import { randomBytes } from "node:crypto";
import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

const hex = (n: number) => randomBytes(n).toString("hex");
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
const kv = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

// An agent sends its own OpenTelemetry spans: the call Warden decided shows as checked, the one
// that never asked shows as a bypass on the session page and raises a finding.
test("an agent's traces show checked and bypassing tool calls on its session", async ({ page, baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const name = `otel-bot-${Date.now()}`;
  const agent = await (await analyst.post("/api/v1/agents", { data: { name, identityKind: "key", team: "devex", riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } })).json();
  const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "e2e", expiresInDays: 1 } })).json();
  const warden = new Warden({ baseUrl: baseURL!, token: secret });
  const session = await warden.openSession({ goal: "read issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
  const d = await warden.authorize(session.id, { connector: "github", tool: "issues", operation: "read" });
  expect(d.decision).toBe("allow");

  const now = Date.now();
  const trace = hex(16);
  const span = (name: string, at: number, attrs: Record<string, string>) => ({ traceId: trace, spanId: hex(8), name, kind: 3, startTimeUnixNano: ns(at), endTimeUnixNano: ns(at + 100), attributes: kv(attrs), status: { code: 1 } });
  const body = {
    resourceSpans: [{ resource: { attributes: kv({ "service.name": name }) }, scopeSpans: [{ scope: { name: "e2e" }, spans: [
      span("execute_tool issues", now, { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "issues", "gen_ai.conversation.id": session.id, "warden.decision.id": d.decisionId! }),
      span("tools/call delete_repo", now - 120_000, { "mcp.method.name": "tools/call", "gen_ai.tool.name": "delete_repo", "gen_ai.conversation.id": session.id, "gen_ai.tool.call.arguments": '{"token":"sk-e2e-secret"}' }),
    ] }] }],
  };
  const res = await fetch(`${baseURL}/api/v1/otel/v1/traces`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);

  await page.goto(`/sessions/${session.id}`);
  const traces = page.getByRole("table", { name: "Trace spans, newest first" });
  await expect(traces.getByRole("row").filter({ hasText: "issues" }).first()).toContainText("checked");
  await expect(traces.getByRole("row").filter({ hasText: "delete_repo" })).toContainText("unchecked: bypassed Warden");
  await expect(page.getByText("sk-e2e-secret")).toHaveCount(0);
  await page.goto(`/findings`);
  await expect(page.getByText("Tool call bypassed Warden: delete_repo").first()).toBeVisible();
  await analyst.dispose();
});
