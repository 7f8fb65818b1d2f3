import { expect, test } from "@playwright/test";
import { signIn, stateFile } from "../helpers";

test("a disabled person's open session stops working at once", async ({ browser, baseURL }) => {
  const admin = await browser.newContext({ storageState: stateFile("admin") });
  const api = admin.request;
  const email = `temp-${Date.now()}@warden.local`;
  const password = "a-long-temporary-password";
  const created = await api.post("/api/v1/users", { data: { email, name: "Temp Analyst", role: "analyst", password }, headers: { origin: baseURL! } });
  expect(created.status()).toBe(201);
  const { person: createdPerson } = await created.json();
  const id = createdPerson.id;

  const victim = await browser.newContext();
  const page = await victim.newPage();
  await signIn(page, email, password);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  const adminPage = await admin.newPage();
  await adminPage.goto("/admin/people");
  const row = adminPage.getByRole("row", { name: new RegExp(email) });
  await row.getByRole("button", { name: "Disable" }).click();
  await adminPage.getByRole("alertdialog").getByLabel("Reason").fill("left the company");
  await adminPage.getByRole("alertdialog").getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText(/disabled/i);

  await page.goto("/agents");
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await victim.request.get("/api/v1/agents")).status()).toBe(401);
  const [me] = [await api.get(`/api/v1/users/${id}`)];
  expect((await me.json()).disabledAt).toBeTruthy();
  await victim.close();
  await admin.close();
});

test("a one-time password must be replaced before anything else", async ({ browser, baseURL }) => {
  const admin = await browser.newContext({ storageState: stateFile("admin") });
  const email = `otp-${Date.now()}@warden.local`;
  const created = await admin.request.post("/api/v1/users", { data: { email, name: "Otto Onetime", role: "auditor" }, headers: { origin: baseURL! } });
  expect(created.status()).toBe(201);
  const { oneTimePassword } = await created.json();
  expect(oneTimePassword).toBeTruthy();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, email, oneTimePassword);
  await expect(page).toHaveURL(/\/settings\/password/);
  await page.goto("/agents");
  await expect(page).toHaveURL(/\/settings\/password/);
  expect((await ctx.request.get("/api/v1/agents")).status()).toBe(403);

  const newPassword = "my own long passphrase 42";
  await page.getByLabel("Current password").fill(oneTimePassword);
  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByLabel("Repeat new password").fill(newPassword);
  await page.getByRole("button", { name: /change password/i }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, email, newPassword);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await ctx.close();
  await admin.close();
});
