import { expect, test } from "@playwright/test";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

test("filters live in the URL and survive a reload", async ({ page }) => {
  await page.goto("/agents");
  const rows = page.getByRole("table").locator("tbody tr");
  const all = await rows.count();
  expect(all).toBeGreaterThan(10);
  await page.getByLabel("Risk tier").selectOption("high");
  await expect(page).toHaveURL(/riskTier=high/);
  await expect(rows.first()).toContainText("high");
  await page.reload();
  await expect(page.getByLabel("Risk tier")).toHaveValue("high");
  const filtered = await rows.count();
  expect(filtered).toBeLessThan(all);
  for (let i = 0; i < filtered; i++) await expect(rows.nth(i)).toContainText("high");
});

test("register an agent, issue a key shown once, revoke it, quarantine the agent", async ({ page }) => {
  const name = `ui-agent-${Date.now()}`;
  await page.goto("/agents/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Team").fill("security");
  await page.getByLabel("SPIFFE ID").fill(`spiffe://acme.internal/ns/security/sa/${name}`);
  await page.getByLabel("Risk tier").selectOption("high");
  await page.getByLabel("Action patterns").fill("github:issues.read\nnot a pattern");
  await page.getByRole("button", { name: "Register agent" }).click();
  // Server-side validation names the field; nothing is created.
  await expect(page.locator("#field-envelope-actions-error")).toContainText("not an action pattern");
  await page.getByLabel("Action patterns").fill("github:issues.read\njira:tickets.*");
  await page.getByRole("button", { name: "Register agent" }).click();

  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText("jira:tickets.*")).toBeVisible();

  await page.getByRole("button", { name: "Issue bootstrap key" }).click();
  await page.getByRole("button", { name: "Issue key" }).click();
  const secret = (await page.getByTestId("issued-secret").textContent())!.trim();
  expect(secret).toMatch(/^wdn_ak_/);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(secret)).toHaveCount(0); // shown exactly once
  await expect(page.getByText(secret.slice(0, 14))).toBeVisible(); // the display prefix stays

  await page.getByRole("button", { name: "Revoke", exact: true }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog.getByRole("button", { name: "Revoke" })).toBeDisabled(); // a reason is required
  await dialog.getByLabel("Reason").fill("key leaked in a CI log");
  await dialog.getByRole("button", { name: "Revoke" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("revoked", { exact: true })).toBeVisible();

  await page.getByRole("button", { name: "Quarantine" }).click();
  await page.getByRole("alertdialog").getByLabel("Reason").fill("suspected prompt injection");
  await page.getByRole("alertdialog").getByRole("button", { name: "Quarantine" }).click();
  await expect(page.getByRole("status")).toContainText("suspected prompt injection");
  await expect(page.getByRole("button", { name: "Reactivate" })).toBeVisible();
});
