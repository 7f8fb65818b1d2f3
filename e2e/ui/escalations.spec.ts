import { expect, request, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { Warden, WardenDenied, type Action } from "../../sdk";
import { person, stateFile, type Role } from "../helpers";

// Issue 6 end to end: agents driven by the SDK wait on escalations that people decide in the
// browser, with separation of duties enforced by the server as well as the page.

const envelope = { actions: ["github:*", "email:*"], maxSensitivity: "confidential", destinations: ["internal:*", "external:*", "email:*"], maxTtlSeconds: 3600 };
const intent = { goal: "Triage new bug reports", actions: ["github:issues.read"], maxSensitivity: "internal" as const, destinations: ["internal:*"], ttlSeconds: 900 };

async function as(role: Role, baseURL: string) {
  return request.newContext({ baseURL, storageState: stateFile(role), extraHTTPHeaders: { origin: baseURL } });
}

/** A fresh agent (optionally owned by someone) with a bootstrap key, and its open session. */
async function agentWithSession(analyst: APIRequestContext, baseURL: string, opts: { ownerId?: string; riskTier?: string } = {}) {
  const name = `esc-agent-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const created = await analyst.post("/api/v1/agents", {
    data: { name, identityKind: "key", team: "devex", riskTier: opts.riskTier ?? "medium", envelope, ...(opts.ownerId ? { ownerId: opts.ownerId } : {}) },
  });
  expect(created.status()).toBe(201);
  const agent = await created.json();
  const key = await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "e2e", expiresInDays: 1 } });
  const warden = new Warden({ baseUrl: baseURL, token: (await key.json()).secret });
  const session = await warden.openSession(intent);
  expect(session.status).toBe("active");
  return { name, agentId: agent.id as string, warden, sessionId: session.id };
}

/** Runs `guard` in the background; resolves with what happened once a person has decided. */
function guarded(warden: Warden, sessionId: string, action: Action) {
  let escalationId: string | undefined;
  let ran = false;
  const outcome = warden
    .guard(sessionId, action, () => {
      ran = true;
      return "done";
    }, { onEscalation: (d) => (escalationId = d.escalationId), timeoutMs: 50_000 })
    .then(
      (v) => ({ result: v as string | WardenDenied, ran }),
      (e) => ({ result: e as WardenDenied, ran }),
    );
  return { outcome, escalationId: async () => expect.poll(() => escalationId, { timeout: 10_000 }).toBeTruthy().then(() => escalationId!) };
}

async function pageAs(browser: Browser, role: Role): Promise<Page> {
  const ctx = await browser.newContext({ storageState: stateFile(role) });
  return ctx.newPage();
}

async function decideInPage(page: Page, verb: "Approve" | "Deny", reason: string, password?: string) {
  await page.getByLabel("Reason").fill(reason);
  if (password) await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: verb, exact: true }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: verb, exact: true }).click();
  await expect(page.getByRole("alertdialog")).toBeHidden();
}

test("an approver sees a new escalation live, approves it, and the waiting agent goes on", async ({ browser, baseURL }) => {
  const analyst = await as("analyst", baseURL!);
  const a = await agentWithSession(analyst, baseURL!);
  const page = await pageAs(browser, "approver");
  await page.goto("/escalations");
  await expect(page.getByRole("heading", { name: "Escalations" })).toBeVisible();

  const call = guarded(a.warden, a.sessionId, { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/api" });
  const escalationId = await call.escalationId();

  // It shows up in the open queue without a reload, and the navigation counts it.
  const row = page.getByRole("row").filter({ hasText: a.name });
  await expect(row).toBeVisible();
  await expect(row).toContainText("intent.operation_not_declared");
  await expect(page.getByRole("link", { name: /Escalations.*pending escalation/ })).toBeVisible();

  await row.getByRole("link", { name: /github:issues\.write/ }).click();
  await expect(page).toHaveURL(new RegExp(`/escalations/${escalationId}$`));
  await decideInPage(page, "Approve", "labelling bugs is part of triage");
  await expect(page.getByText("approved", { exact: true }).first()).toBeVisible();

  const { result, ran } = await call.outcome;
  expect(result).toBe("done");
  expect(ran).toBe(true);

  // The allow after approval is a new decision on the timeline that points at the approval.
  const timeline = await (await analyst.get(`/api/v1/sessions/${a.sessionId}/timeline`)).json();
  const allow = timeline.items.find((d: { outcome: string; grantId: string | null }) => d.outcome === "allow" && d.grantId);
  expect(allow).toMatchObject({ escalationId, connector: "github", operation: "write" });
  await page.goto(`/sessions/${a.sessionId}`);
  await expect(page.getByRole("link", { name: /Allowed by an approval/ })).toHaveAttribute("href", `/escalations/${escalationId}`);
  await analyst.dispose();
});

test("a denied escalation stops the agent: its tool never runs", async ({ browser, baseURL }) => {
  const analyst = await as("analyst", baseURL!);
  const a = await agentWithSession(analyst, baseURL!);
  const call = guarded(a.warden, a.sessionId, { connector: "github", tool: "issues", operation: "delete", resource: "repo:acme/api" });
  const escalationId = await call.escalationId();
  const page = await pageAs(browser, "approver");
  await page.goto(`/escalations/${escalationId}`);
  await decideInPage(page, "Deny", "deleting issues is not part of triage");
  const { result, ran } = await call.outcome;
  expect(result).toBeInstanceOf(WardenDenied);
  expect(ran).toBe(false);
  const esc = await a.warden.escalation(escalationId, 0);
  expect(esc.status).toBe("denied");
  await analyst.dispose();
});

test("an analyst sees the queue but cannot approve: no button, and the server refuses a forged request", async ({ browser, baseURL }) => {
  const analyst = await as("analyst", baseURL!);
  const a = await agentWithSession(analyst, baseURL!);
  const d = await a.warden.authorize(a.sessionId, { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/web" });
  expect(d.decision).toBe("escalate");
  const page = await pageAs(browser, "analyst");
  await page.goto("/escalations");
  await expect(page.getByRole("row").filter({ hasText: a.name })).toBeVisible();
  await page.goto(`/escalations/${d.escalationId}`);
  await expect(page.getByText("Your role can view escalations but not decide them")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const forged = await analyst.post(`/api/v1/escalations/${d.escalationId}/approve`, { data: { reason: "let me through" } });
  expect(forged.status()).toBe(403);
  expect((await a.warden.escalation(d.escalationId!, 0)).status).toBe("pending");
  await analyst.dispose();
});

test("an approver cannot approve an escalation of an agent they own", async ({ browser, baseURL }) => {
  const approver = await as("approver", baseURL!);
  const me = await (await approver.get("/api/v1/me")).json();
  const analyst = await as("analyst", baseURL!);
  const a = await agentWithSession(analyst, baseURL!, { ownerId: me.id });
  const d = await a.warden.authorize(a.sessionId, { connector: "github", tool: "issues", operation: "write", resource: "repo:acme/own" });
  const page = await pageAs(browser, "approver");
  await page.goto(`/escalations/${d.escalationId}`);
  await expect(page.getByText(/You own this agent/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const forged = await approver.post(`/api/v1/escalations/${d.escalationId}/approve`, { data: { reason: "my own bot, trust me" } });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.message).toMatch(/own this agent/);
  await approver.dispose();
  await analyst.dispose();
});

test("a high-risk escalation stays pending after one approval and passes after a second approver", async ({ browser, baseURL }) => {
  const analyst = await as("analyst", baseURL!);
  const a = await agentWithSession(analyst, baseURL!, { riskTier: "low" });
  // Mail to an outside address: an external destination makes it high risk.
  const call = guarded(a.warden, a.sessionId, { connector: "email", tool: "send", operation: "message", sensitivity: "internal", destination: "email:cto@partner.example" });
  const escalationId = await call.escalationId();

  const first = await pageAs(browser, "approver");
  await first.goto(`/escalations/${escalationId}`);
  await expect(first.getByText("High risk: two different people must approve.")).toBeVisible();
  await decideInPage(first, "Approve", "the partner asked for this summary", person("approver").password);
  await expect(first.getByRole("heading", { name: /Votes \(1 of 2 approvals\)/ })).toBeVisible();
  expect((await a.warden.escalation(escalationId, 0)).status).toBe("pending");

  const second = await pageAs(browser, "approver2");
  await second.goto(`/escalations/${escalationId}`);
  await decideInPage(second, "Approve", "confirmed with the account owner", person("approver2").password);
  await expect(second.getByRole("heading", { name: /Votes \(2 of 2 approvals\)/ })).toBeVisible();

  const { result, ran } = await call.outcome;
  expect(result).toBe("done");
  expect(ran).toBe(true);
  await analyst.dispose();
});
