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

test("every bar of the by-agent and by-connector charts is named", async ({ page }) => {
  await page.goto("/?range=7d");
  for (const title of ["Denials and escalations by agent", "Denials and escalations by connector"]) {
    const card = page.locator("[data-slot=card]").filter({ has: page.getByRole("heading", { name: title }) });
    await card.getByText("Figures").click();
    const names = (await card.locator("tbody tr td:first-child").allTextContents()).map((n) => n.trim());
    expect(names.length).toBeGreaterThan(4); // the demo week has denials on many agents and connectors
    // Each row of the figures table has its bar, and each bar its name on the axis (a long name
    // shortened with "…"); recharts' default dropped every other one.
    await expect(card.locator(".recharts-bar-rectangle")).not.toHaveCount(0);
    const ticks = card.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await expect(ticks).toHaveCount(names.length);
    const shown = (await ticks.allTextContents()).map((t) => t.trim());
    expect(shown).toEqual(names.map((n) => (n.length > 19 ? `${n.slice(0, 18)}…` : n)));
  }
  // Over a week the time axis has one date a day (its buckets are 6 h apart), none repeated, and
  // every 6 h bucket of the week is a bar position, quiet ones included.
  const timeline = page.locator("[data-slot=card]").filter({ has: page.getByRole("heading", { name: "Decisions over time" }) });
  const days = (await timeline.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value").allTextContents()).map((t) => t.trim());
  expect(days.length).toBeGreaterThanOrEqual(7);
  expect(new Set(days).size).toBe(days.length);
  await timeline.getByText("Figures").click();
  await expect(timeline.locator("tbody tr")).toHaveCount(28);
});

