import { expect, request, test } from "@playwright/test";
import { stateFile } from "../helpers";

// What a security team's CI does: a personal API token onboards an agent end to end.
test("a personal API token onboards an agent, and stops working once revoked", async ({ baseURL }) => {
  const browser = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const created = await browser.post("/api/v1/tokens", { data: { name: "ci onboarding", expiresInDays: 30 } });
  expect(created.status()).toBe(201);
  const { token, id: tokenId } = await created.json();
  expect(token).toMatch(/^wdn_pat_/);
  const listed = await (await browser.get("/api/v1/tokens")).json();
  expect(JSON.stringify(listed)).not.toContain(token);

  const ci = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const name = `ci-agent-${Date.now()}`;
  const agent = await ci.post("/api/v1/agents", {
    data: {
      name,
      identityKind: "spiffe",
      identity: `spiffe://acme.internal/ns/ci/sa/${name}`,
      team: "platform",
      purpose: "Onboarded from CI",
      riskTier: "medium",
      envelope: { actions: ["github:issues.*", "jira:tickets.read"], maxSensitivity: "internal", maxTtlSeconds: 1800 },
    },
  });
  expect(agent.status()).toBe(201);
  const { id } = await agent.json();

  const key = await ci.post(`/api/v1/agents/${id}/keys`, { data: { name: "bootstrap", expiresInDays: 7 } });
  expect(key.status()).toBe(201);
  const { secret, id: credId } = await key.json();
  expect(secret).toMatch(/^wdn_ak_/);

  const detail = await (await ci.get(`/api/v1/agents/${id}`)).json();
  expect(detail.agent.name).toBe(name);
  expect(detail.credentials.map((c: { id: string }) => c.id)).toContain(credId);
  expect(JSON.stringify(detail)).not.toContain(secret);
  expect(JSON.stringify(detail)).not.toContain("secretHash");

  // A token carries its person's role: an analyst's token cannot administer people.
  expect((await ci.get("/api/v1/users")).status()).toBe(403);

  const revoked = await browser.post(`/api/v1/tokens/${tokenId}/revoke`, { data: { reason: "rotation" } });
  expect(revoked.status()).toBe(200);
  expect((await ci.get("/api/v1/agents")).status()).toBe(401);
  await ci.dispose();
  await browser.dispose();
});
