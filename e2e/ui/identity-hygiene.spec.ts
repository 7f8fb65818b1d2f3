import { expect, request, test } from "@playwright/test";
import pg from "pg";
import { FINDING_REFS } from "../../lib/frameworks/finding-refs";
import { orphanedFinding } from "../../lib/services/findings/identity-findings";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

test("an orphaned agent's finding links to assigning an owner, and the analyst assigns one", async ({ page, baseURL }) => {
  const api = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const name = `orphan-${Date.now()}`;
  const created = await api.post("/api/v1/agents", {
    data: { name, identityKind: "key", team: "devex", riskTier: "high", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } },
  });
  expect(created.status()).toBe(201);
  const agent: { id: string } = await created.json();
  await api.dispose();

  // The server raises this on its next hygiene pass (every WARDEN_HYGIENE_MINUTES, 10): too late
  // for a test, so the row goes in as that pass would write it, built by the same function.
  // Detection and resolution are tested in tests/integration/identity-hygiene.int.test.ts.
  const f = orphanedFinding({ id: agent.id, name, risk_tier: "high", owner_id: null, owner_found: false, owner_name: null, owner_disabled_at: null });
  const db = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await db.connect();
  try {
    await db.query("insert into findings (kind, severity, title, detail, agent_id, framework_refs, dedupe_key) values ($1, $2, $3, $4, $5, $6, $7)", [
      f.kind, f.severity, f.title, JSON.stringify(f.detail), agent.id, JSON.stringify(FINDING_REFS[f.kind]), f.key,
    ]);
  } finally {
    await db.end();
  }

  await page.goto("/findings?kind=agent_orphaned");
  await expect(page.getByLabel("Kind")).toHaveValue("agent_orphaned");
  const row = page.getByRole("table").locator("tbody tr").filter({ hasText: name });
  await expect(row).toContainText(`Orphaned agent: ${name} has no owner`);
  await expect(row).toContainText("OWASP-NHI1");
  await expect(row.getByRole("link", { name: "Retire the agent" })).toHaveAttribute("href", `/agents/${agent.id}`);
  await row.getByRole("link", { name: "Assign an owner" }).click();

  await expect(page).toHaveURL(new RegExp(`/agents/${agent.id}/edit$`));
  await page.getByLabel("Owner").selectOption({ label: "Andy Analyst" });
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText("Andy Analyst (analyst@warden.local)")).toBeVisible();
});
