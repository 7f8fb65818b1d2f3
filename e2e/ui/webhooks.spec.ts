import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("admin") });

type Received = { headers: http.IncomingHttpHeaders; body: string };

// The receiver checks the signature as a team's tool would, with its own HMAC code.
function verifies(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${body}`).digest();
  return Math.abs(Date.now() / 1000 - Number(m[1])) < 300 && timingSafeEqual(Buffer.from(m[2], "hex"), expected);
}

test("an admin adds a webhook; a new escalation reaches the team's receiver, signed", async ({ page, baseURL }) => {
  const received: Received[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/warden`;
  const team = `hooks-${Date.now()}`;

  await page.goto("/admin/webhooks");
  await page.getByRole("button", { name: "Add webhook" }).click();
  const form = page.getByRole("dialog");
  await form.getByLabel("Name").fill(`${team} on-call`);
  await form.getByLabel("URL").fill(url);
  await form.getByLabel("Team").fill(team);
  await form.getByRole("button", { name: "Add webhook" }).click();
  const secret = (await page.getByTestId("issued-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await page.keyboard.press("Escape");
  const row = page.getByRole("row").filter({ hasText: `${team} on-call` });
  await expect(row).toBeVisible();
  await expect(row).not.toContainText(secret);

  // An agent of that team raises an escalation.
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const created = await analyst.post("/api/v1/agents", {
    data: { name: `${team}-bot`, identityKind: "key", team, riskTier: "low", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } },
  });
  const agent = await created.json();
  const key = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "e2e", expiresInDays: 1 } })).json();
  const warden = new Warden({ baseUrl: baseURL!, token: key.secret });
  const session = await warden.openSession({ goal: "read issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
  const d = await warden.authorize(session.id, { connector: "github", tool: "issues", operation: "write" });
  expect(d.decision).toBe("escalate");

  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
  const [hit] = received;
  expect(hit.headers["x-warden-event"]).toBe("escalation.created");
  expect(verifies(secret, hit.headers["x-warden-signature"] as string, hit.body)).toBe(true);
  expect(verifies("whsec_wrong", hit.headers["x-warden-signature"] as string, hit.body)).toBe(false);
  const payload = JSON.parse(hit.body);
  expect(payload.escalation).toMatchObject({ id: d.escalationId, kind: "action", agent: { name: `${team}-bot`, team } });
  expect(payload.escalation.url).toContain(`/escalations/${d.escalationId}`);

  // The delivery shows as sent on the page; every notification is on the audit trail.
  await row.getByRole("button", { name: /Deliveries/ }).click();
  const deliveries = page.getByRole("table", { name: "Recent deliveries" });
  await expect(deliveries.getByRole("row").filter({ hasText: `${team}-bot` })).toContainText(/sent/i);
  const audit = await (await analyst.get(`/api/v1/audit?action=notification.sent&pageSize=50`)).json();
  expect(audit.items.some((e: { targetId: string }) => e.targetId === d.escalationId)).toBe(true);

  await analyst.dispose();
  receiver.close();
});
