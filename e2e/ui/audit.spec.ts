import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { cosignatureVerifier } from "../../lib/audit/log/note";
import { E2E_WITNESS_KEY } from "../../playwright.config";
import { stateFile } from "../helpers";

test.describe("auditor", () => {
  test.use({ storageState: stateFile("auditor") });

  test("reads the audit trail, filters it in the URL and verifies the chain", async ({ page }) => {
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();
    await expect(page.getByRole("table").locator("tbody tr").first()).toBeVisible();
    await page.getByLabel("Actor", { exact: true }).selectOption("person");
    await expect(page).toHaveURL(/actorKind=person/);
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByText(/Chain intact — [\d,]+ events/)).toBeVisible({ timeout: 30_000 });
  });

  test("downloads an evidence bundle that warden-audit can read: signed checkpoints, events, a range proof", async ({ page }) => {
    await page.goto("/audit");
    const link = page.getByRole("link", { name: "Download evidence bundle" });
    await expect(link).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const file = await download.path();
    const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: "warden-audit-bundle/1" });
    expect(lines.some((l) => typeof l.checkpoint === "string")).toBe(true);
    expect(lines.filter((l) => l.event).length).toBeGreaterThan(0);
    expect(lines[lines.length - 1]).toHaveProperty("range");
    // And the offline verifier, run as a reader would, finds it intact.
    // The checkpoints carry the witness instance's cosignatures, checked against its published key.
    const witnessKey = `${file}.witness.pub`;
    fs.writeFileSync(witnessKey, `${cosignatureVerifier(E2E_WITNESS_KEY).text}\n`);
    const verified = spawnSync(process.execPath, ["sdk/audit/warden-audit.mjs", "verify", file, "--witness-key", witnessKey, "--quiet"], { encoding: "utf8", timeout: 60_000 });
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^intact: .*cosigned by warden\.e2e\/witness up to [\d,]+ events/);
  });

  test("sees the signed log: a checkpoint signed by this server's key, cosigned by the other instance as its witness", async ({ page }) => {
    await page.goto("/audit");
    const panel = page.getByRole("region", { name: "Signed log" });
    await expect(panel).toBeVisible();
    // The checkpointer signs within its first interval after start; the panel refreshes itself.
    await expect(panel.getByText("signed", { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByTestId("checkpoint-size")).toHaveText(/^[\d,]+ events, /);
    // playwright.config.ts makes the embedded instance this one's HTTP witness.
    await expect(panel.getByTestId("http-witness")).toHaveText(/^warden\.e2e\/witness at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/witness \(cosigned: [\d,]+, .+\)$/, { timeout: 30_000 });

    // An early event (long since in a checkpoint) shows its inclusion proof, checked in the browser.
    await page.goto("/audit?toSeq=100");
    await page.getByRole("table").locator("tbody tr").first().getByRole("button", { name: /Details of event/ }).click();
    await page.getByRole("button", { name: "Show inclusion proof" }).click();
    await expect(page.getByTestId("inclusion-proof").getByRole("status")).toHaveText(/^Verified in this browser: leaf [\d,]+ of the signed checkpoint of [\d,]+ events, \d+ hashes up to its root\.$/);
  });
});

test.describe("analyst", () => {
  test.use({ storageState: stateFile("analyst") });
  test("cannot open identity trust administration", async ({ page }) => {
    expect((await page.goto("/admin/identity"))?.status()).toBe(404);
  });
});

test.describe("admin", () => {
  test.use({ storageState: stateFile("admin") });
  test("sees the identity trust page", async ({ page }) => {
    await page.goto("/admin/identity");
    await expect(page.getByRole("heading", { level: 1 })).toContainText(/identity/i);
  });
});

test.describe("policies", () => {
  test.use({ storageState: stateFile("admin") });
  test("an admin sees the shipped guardrails and a syntax error is reported with line and column", async ({ page }) => {
    await page.goto("/policies");
    await expect(page.getByRole("link", { name: /restricted-data-stays-internal/ })).toBeVisible();
    await page.goto("/policies/new");
    const editor = page.getByRole("textbox", { name: /cedar/i }).first();
    await editor.fill("permit(principal, action, resource)\nwhen { context.nope == };");
    await page.getByRole("button", { name: "Validate" }).click();
    await expect(page.getByText(/line \d+, column \d+/).first()).toBeVisible();
  });
});
