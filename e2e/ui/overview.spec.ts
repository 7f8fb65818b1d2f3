import { expect, test } from "@playwright/test";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

test("the overview charts decisions for a chosen period, with figures and links to the lists behind them", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Decisions over time" })).toBeVisible();
  await expect(page.getByRole("link", { name: "24 hours" })).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/\?range=7d/);
  await expect(page.getByRole("link", { name: "7 days" })).toHaveAttribute("aria-current", "page");
  // The demo fleet's week has decisions: the figures table under the chart is not empty.
  const card = page.locator("[data-slot=card]").filter({ has: page.getByRole("heading", { name: "Decisions over time" }) });
  await card.getByText("Figures").click();
  await expect(card.locator("tbody tr").first()).toBeVisible();
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  const hygiene = page.locator("[data-slot=card]").filter({ has: page.getByRole("heading", { name: "Credential hygiene" }) });
  await hygiene.getByText("Figures").click();
  await expect(hygiene.locator("tbody")).toContainText("Just-in-time");
  await page.locator("[data-slot=card]").filter({ has: page.getByRole("heading", { name: "Agents drifting most" }) }).getByRole("link", { name: "Sessions with drift" }).click();
  await expect(page).toHaveURL(/\/sessions\?hasDrift=true/);
});
