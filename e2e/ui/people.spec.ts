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
