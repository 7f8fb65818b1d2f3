import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { stateFile } from "../helpers";

const ASI = [
  ["ASI01", "Agent Goal Hijack"],
  ["ASI02", "Tool Misuse and Exploitation"],
  ["ASI03", "Identity and Privilege Abuse"],
  ["ASI04", "Agentic Supply Chain Vulnerabilities"],
  ["ASI05", "Unexpected Code Execution (RCE)"],
  ["ASI06", "Memory & Context Poisoning"],
  ["ASI07", "Insecure Inter-Agent Communication"],
  ["ASI08", "Cascading Failures"],
  ["ASI09", "Human-Agent Trust Exploitation"],
  ["ASI10", "Rogue Agents"],
] as const;

test.describe("auditor", () => {
  test.use({ storageState: stateFile("auditor") });

  test("opens Reports, picks the OWASP Agentic Top 10 and a period, and sees every item with its gaps", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation").getByRole("link", { name: "Reports" }).click();
    await expect(page.getByRole("heading", { name: "Reports" })).toBeVisible();
    await page.getByLabel("Framework", { exact: true }).selectOption({ label: "OWASP Agentic Top 10 (ASI)" });
    await page.getByRole("group", { name: "Period" }).getByRole("button", { name: "7 days" }).click();
    await expect(page).toHaveURL(/framework=owasp-asi-2026/);
    await expect(page).toHaveURL(/range=7d/);

    const items = page.getByTestId("report-item");
    await expect(items).toHaveCount(10);
    for (const [id, title] of ASI) {
      const item = page.locator(`[data-item-id="${id}"]`);
      await expect(item).toContainText(id);
      await expect(item).toContainText(title);
    }
    // Warden does not cover everything, and says so.
    await expect(page.locator('[data-testid="report-item"][data-status="gap"], [data-testid="report-item"][data-status="partial"]').first()).toBeVisible();

    // The Gaps filter keeps to the URL and shows only gaps.
    await page.getByRole("group", { name: "Filter items by status" }).getByRole("button", { name: /^Gaps/ }).click();
    await expect(page).toHaveURL(/status=gap/);
    await expect(items.first()).toHaveAttribute("data-status", "gap");
    await expect(page.locator('[data-testid="report-item"]:not([data-status="gap"])')).toHaveCount(0);

    // Export links carry the framework and the period.
    const exports = page.locator("#report-export");
    await expect(exports.getByRole("link", { name: "Export PDF" })).toHaveAttribute("href", /\/api\/v1\/reports\/owasp-asi-2026\/export\?format=pdf&from=.+&to=.+/);
    await expect(exports.getByRole("link", { name: "Export CSV" })).toBeVisible();
    await expect(exports.getByRole("link", { name: "Export JSON" })).toBeVisible();
    // The PDF downloads with its SHA-256 and the chain head it was computed at.
    const href = await exports.getByRole("link", { name: "Export PDF" }).getAttribute("href");
    const pdf = await page.request.get(href!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toContain("application/pdf");
    const body = await pdf.body();
    expect(body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.headers()["x-content-sha256"]).toBe(createHash("sha256").update(body).digest("hex"));
    expect(pdf.headers()["x-warden-chain-head"]).toMatch(/^\d+:[0-9a-f]{64}$/);

    // A custom period.
    await page.getByRole("group", { name: "Period" }).getByRole("button", { name: "Custom" }).click();
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("From").fill(weekAgo);
    await page.getByLabel("To (inclusive)").fill(today);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(new RegExp(`range=custom&from=${weekAgo}&to=${today}|from=${weekAgo}.*to=${today}`));
    await page.getByRole("group", { name: "Filter items by status" }).getByRole("button", { name: /^All/ }).click();
    await expect(items).toHaveCount(10);
  });

  test("NIST AI RMF groups subcategories under functions and categories", async ({ page }) => {
    await page.goto("/reports?framework=nist-ai-rmf-1.0");
    await expect(page.getByRole("heading", { level: 2, name: /^GOVERN\b/ })).toBeVisible();
    await expect(page.locator('[data-item-id="GOVERN 1.6"]')).toBeVisible();
    await expect(page.getByTestId("report-item")).toHaveCount(72);
  });
});

test.describe("analyst", () => {
  test.use({ storageState: stateFile("analyst") });

  test("has no Reports nav item and gets a 404 on /reports", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("navigation").getByRole("link", { name: "Findings" })).toBeVisible();
    await expect(page.getByRole("navigation").getByRole("link", { name: "Reports" })).toHaveCount(0);
    expect((await page.goto("/reports"))?.status()).toBe(404);
  });
});
