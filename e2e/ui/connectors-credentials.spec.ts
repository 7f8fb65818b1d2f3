import { expect, test } from "@playwright/test";
import { stateFile } from "../helpers";

test.use({ storageState: stateFile("analyst") });

test("register a connector and give it a tool with operations", async ({ page }) => {
  const name = `ticketing-${Date.now()}`;
  await page.goto("/connectors");
  await page.getByRole("link", { name: "Register connector" }).click();
  await page.getByLabel("Name", { exact: false }).first().fill(name);
  await page.getByLabel(/^Display name/).fill("Ticketing (test)");
  await page.getByLabel(/^Kind/).selectOption("saas_api");
  await page.getByLabel(/^Data sensitivity/).selectOption("confidential");
  await page.getByRole("button", { name: "Register connector" }).click();
  await expect(page.getByRole("heading", { name: /Ticketing \(test\)/, level: 1 })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: name })).toBeVisible();

  await page.getByRole("button", { name: "Add tool" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name/).fill("tickets");
  await dialog.getByLabel("Operation 1 name").fill("read");
  await dialog.getByRole("button", { name: "Add operation" }).click();
  await dialog.getByLabel("Operation 2 name").fill("close");
  await dialog.getByLabel("Operation 2 access").selectOption("write");
  await dialog.getByRole("button", { name: "Add tool" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("cell", { name: "tickets", exact: true })).toBeVisible();

  // The same name again is refused with the field named, nothing half-written.
  await page.goto("/connectors/new");
  await page.getByLabel("Name", { exact: false }).first().fill(name);
  await page.getByLabel(/^Display name/).fill("Duplicate");
  await page.getByRole("button", { name: "Register connector" }).click();
  await expect(page.locator("#field-name-error")).toContainText(/already/i);
});

test("the unmanaged connector stands out and can be adopted", async ({ page }) => {
  await page.goto("/connectors?managed=false");
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(/unmanaged/i);
  await rows.first().getByRole("link").first().click();
  await expect(page.getByRole("link", { name: "Adopt" })).toBeVisible();
});

test("bulk revoke asks for a reason and revokes exactly the selected credentials", async ({ page }) => {
  await page.goto("/credentials?status=active&jit=false");
  const rows = page.getByRole("table").locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const names: string[] = [];
  for (let i = 0; i < 2; i++) {
    const cell = rows.nth(i).locator("td").nth(1);
    names.push((await cell.innerText()).trim());
    await rows.nth(i).getByRole("checkbox").check();
  }
  await page.getByRole("button", { name: /Revoke selected \(2\)/ }).click();
  const dialog = page.getByRole("alertdialog");
  await dialog.getByLabel("Reason").fill("rotating standing secrets after an audit finding");
  await dialog.getByRole("button", { name: /Revoke/ }).click();
  await expect(dialog).toBeHidden();
  await page.goto("/credentials?status=revoked&q=" + encodeURIComponent(names[0]));
  await expect(page.getByRole("table").locator("tbody tr").first()).toContainText(names[0]);
});
