import { expect, test } from "@playwright/test";
import { newAgentClient, stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

// Issue 5: the session page is live. An agent acts through the SDK while an analyst watches;
// each call appears without a reload, and the out-of-intent one is marked with what it exceeded.
test("tool calls appear on an open session page as they are decided, the out-of-intent one highlighted", async ({ page, baseURL }) => {
  const { agent, warden } = await newAgentClient(baseURL!, "live");
  const s = await warden.openSession({ goal: "watch me triage", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 900 });

  await page.goto(`/sessions/${s.id}`);
  const list = page.getByRole("list", { name: "Tool calls, newest first" });
  // One row per call (a row may hold its own list of exceeded fields).
  const rows = list.locator("[role=listitem][data-outcome]");
  await expect(page.getByText("No tool calls in this session yet.")).toBeVisible();
  await expect(page.getByText("Live: new calls appear as they are decided")).toBeVisible();

  expect((await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "read", resource: "repo:acme/api" })).decision).toBe("allow");
  await expect(rows).toHaveCount(1, { timeout: 5000 });
  await expect(rows.first()).toContainText("github:issues.read");

  const out = await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "close", resource: "repo:acme/api" });
  expect(out.decision).toBe("escalate");
  await expect(rows).toHaveCount(2, { timeout: 5000 });
  const newest = rows.first();
  await expect(newest).toHaveAttribute("data-out-of-intent", "true");
  await expect(newest).toContainText("github:issues.close");
  await expect(newest.getByRole("list", { name: "Outside the declared intent" })).toContainText('declared ["github:issues.read"], got "github:issues.close"');
  await expect(newest).toContainText("intent.operation_not_declared");
  // The one inside the intent is not marked.
  await expect(rows.nth(1)).not.toHaveAttribute("data-out-of-intent", "true");
  await expect(newest.locator("time")).toContainText("just now");
  // The call's time has seconds (calls come seconds apart) and fits its column instead of running
  // under the action beside it.
  await expect(newest.locator("time")).toHaveText(/\d{1,2}:\d{2}:\d{2}/);
  expect(await newest.locator("time").evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);

  // A second attempt outside the intent is drift: the detectors raise a finding, which shows
  // on the Findings page (live) and on the session page.
  await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "close", resource: "repo:acme/web" });
  await expect(rows).toHaveCount(3, { timeout: 5000 });
  await page.goto("/findings?kind=intent_drift");
  await expect(page.getByRole("table").locator("tbody tr").filter({ hasText: agent.name }).first()).toContainText("Intent drift", { timeout: 15_000 });
  await page.goto(`/sessions/${s.id}`);
  await expect(page.getByRole("list", { name: "Findings about this session" })).toContainText("intent drift");
  // What the session asked a person for, and its intent versions with what changed.
  await expect(page.getByRole("list", { name: "Escalations" })).toContainText("github:issues.close");
  await expect(page.getByRole("list", { name: "Escalations" })).toContainText("pending");
  const narrowed = await warden.changeIntent(s.id, { goal: "read one repo", actions: ["github:issues.read"], resources: ["repo:acme/api"], maxSensitivity: "internal", ttlSeconds: 600 });
  expect(narrowed.status).toBe("accepted");
  await page.reload();
  const versions = page.getByRole("list", { name: "Intent versions" });
  await expect(versions).toContainText("v2");
  await expect(versions).toContainText("narrowing");
  await expect(versions).toContainText("resources");
  // A delegated session shows under its parent.
  const child = await warden.openSession({ goal: "read the api repo for my parent", actions: ["github:issues.read"], resources: ["repo:acme/api"], maxSensitivity: "internal", ttlSeconds: 300 }, { parentSessionId: s.id });
  expect(child.status).toBe("active");
  await page.reload();
  await expect(page.getByRole("list", { name: "Delegated sessions" }).getByRole("link", { name: "read the api repo for my parent" })).toBeVisible();
  // An analyst can stop the agent from here.
  await expect(page.getByRole("button", { name: "Quarantine" })).toBeVisible();
});

test("a new session appears on the sessions list without a reload, and the drift filter finds it", async ({ page, baseURL }) => {
  const { agent, warden } = await newAgentClient(baseURL!, "live-list");
  const goal = `live list check ${Date.now()}`;

  await page.goto(`/sessions?q=${encodeURIComponent(goal)}`);
  await expect(page.getByText("No sessions match")).toBeVisible();
  const s = await warden.openSession({ goal, actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 900 });
  await expect(page.getByRole("link", { name: goal })).toBeVisible({ timeout: 5000 });

  await page.goto(`/sessions?q=${encodeURIComponent(goal)}&hasDrift=true`);
  await expect(page.getByText("No sessions match")).toBeVisible();
  await warden.authorize(s.id, { connector: "github", tool: "issues", operation: "delete" });
  await expect(page.getByRole("link", { name: goal })).toBeVisible({ timeout: 5000 });

  // The agent filter: only this agent's sessions, and the choice is kept in the URL.
  await page.goto("/sessions");
  await page.getByLabel("Agent", { exact: true }).selectOption({ label: agent.name });
  await expect(page).toHaveURL(new RegExp(`agentId=${agent.id}`));
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByRole("link", { name: goal })).toBeVisible();
});

test("a long declared intent wraps in the call's diff instead of running off the page", async ({ page, baseURL }) => {
  const { warden } = await newAgentClient(baseURL!, "wide");
  const actions = ["issues.read", "issues.comment", "pulls.read", "pulls.write", "repo.read", "actions.read", "checks.read", "releases.read"].map((a) => `github:${a}`);
  const s = await warden.openSession({ goal: "a wide intent", actions, maxSensitivity: "internal", ttlSeconds: 900 });
  expect((await warden.authorize(s.id, { connector: "github", tool: "pulls", operation: "merge" })).decision).toBe("escalate");

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/sessions/${s.id}`);
  const row = page.getByRole("list", { name: "Tool calls, newest first" }).locator("[role=listitem][data-outcome]").first();
  const diff = row.getByRole("list", { name: "Outside the declared intent" });
  await expect(diff).toContainText("github:releases.read");
  // The whole row stays inside the list: nothing of the diff is cut off at its right edge.
  expect(await row.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
});

