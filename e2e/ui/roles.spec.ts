import { expect, test } from "@playwright/test";
import { person, signIn, stateFile } from "../helpers";

test.describe("signing in", () => {
  test("a wrong password is refused and no session is created", async ({ page }) => {
    await signIn(page, person("analyst").email, "not-the-password");
    await expect(page.getByText("Sign-in failed. Check your email and password.")).toBeVisible();
    await page.goto("/agents");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("pages redirect to sign-in and come back afterwards", async ({ page }) => {
    await page.goto("/agents?status=active");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
    const p = person("auditor");
    await page.getByLabel("Email").fill(p.email);
    await page.getByLabel("Password").fill(p.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/agents\?status=active/);
  });

  test("sign out ends the session", async ({ page }) => {
    const p = person("approver");
    await signIn(page, p.email, p.password);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

test.describe("admin", () => {
  test.use({ storageState: stateFile("admin") });
  test("sees the inventory and the People page", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByRole("navigation").getByRole("link", { name: "People" })).toBeVisible();
    await page.goto("/admin/people");
    await expect(page.getByRole("heading", { name: "People" })).toBeVisible();
    await expect(page.getByText("auditor@warden.local")).toBeVisible();
  });
});

test.describe("analyst", () => {
  test.use({ storageState: stateFile("analyst") });
  test("sees the inventory but not administration", async ({ page }) => {
    await page.goto("/agents");
    await expect(page.getByRole("heading", { name: "Agents" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Register agent" })).toBeVisible();
    await expect(page.getByRole("navigation").getByRole("link", { name: "People" })).toHaveCount(0);
    const res = await page.goto("/admin/people");
    expect(res?.status()).toBe(404);
  });
});

test.describe("auditor", () => {
  test.use({ storageState: stateFile("auditor") });
  test("reads the inventory but gets no buttons that change it", async ({ page }) => {
    await page.goto("/agents");
    await expect(page.getByRole("heading", { name: "Agents" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Register agent" })).toHaveCount(0);
    await page.getByRole("table").getByRole("link").first().click();
    await expect(page.getByText("Baseline envelope")).toBeVisible();
    await expect(page.getByRole("button", { name: "Quarantine" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Issue bootstrap key" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);
    expect((await page.goto("/agents/new"))?.status()).toBe(404);
  });
});

test.describe("approver", () => {
  test.use({ storageState: stateFile("approver") });
  test("reads the inventory, may revoke credentials, may not edit agents or administer people", async ({ page }) => {
    await page.goto("/agents");
    await expect(page.getByRole("heading", { name: "Agents" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Register agent" })).toHaveCount(0);
    await expect(page.getByRole("navigation").getByRole("link", { name: "People" })).toHaveCount(0);
    await page.goto("/credentials?status=active");
    await expect(page.getByRole("button", { name: /Revoke selected/ })).toBeVisible();
    expect((await page.goto("/admin/people"))?.status()).toBe(404);
    expect((await page.goto("/agents/new"))?.status()).toBe(404);
  });
});
