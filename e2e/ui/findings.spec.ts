import { expect, test } from "@playwright/test";
import { stateFile } from "../helpers";

test.describe("analyst", () => {
  test.use({ storageState: stateFile("analyst") });

  test("acknowledges a finding with a note, assigns it, and filters keep to the URL", async ({ page }) => {
    await page.goto("/findings?severity=high");
    const rows = page.getByRole("table").locator("tbody tr");
    await expect(rows.first()).toBeVisible();
    await expect(rows.first()).toHaveAttribute("data-severity", "high");
    const openRow = rows.filter({ has: page.getByRole("button", { name: "Acknowledge" }) }).first();
    const title = (await openRow.locator("td").nth(1).locator("div").first().innerText()).trim();
    await openRow.getByRole("button", { name: "Acknowledge" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByLabel("Reason").fill("checking with the agent's owner");
    await dialog.getByRole("button", { name: "Acknowledge" }).click();
    await expect(dialog).toBeHidden();
    const row = rows.filter({ hasText: title }).first();
    await expect(row).toContainText("acknowledged");
    await expect(row).toContainText("Note: checking with the agent's owner");
    await row.getByLabel(`Assign ${title}`).selectOption({ label: "Andy Analyst" });
    await expect(row).toContainText("→ Andy Analyst");
    await page.reload();
    await expect(page).toHaveURL(/severity=high/);
    await expect(rows.filter({ hasText: title }).first()).toContainText("→ Andy Analyst");
  });
});

test.describe("auditor", () => {
  test.use({ storageState: stateFile("auditor") });

  test("reads findings without any button that changes them", async ({ page }) => {
    await page.goto("/findings?status=all");
    await expect(page.getByRole("table").locator("tbody tr").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /Acknowledge|Resolve|Reopen/ })).toHaveCount(0);
    await expect(page.getByRole("combobox", { name: /^Assign / })).toHaveCount(0);
  });
});
