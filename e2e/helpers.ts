import { expect, type Page } from "@playwright/test";

// Demo people seeded by WARDEN_DEMO=1 (documented in the README), keyed as in lib/demo/fleet.ts:
// each role names the first person with it; "approver2" is a second approver.
export const ROLES = ["admin", "analyst", "approver", "approver2", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const person = (role: Role) => ({ email: `${role}@warden.local`, password: `warden-${role}-demo` });
export const stateFile = (role: Role) => `e2e/.auth/${role}.json`;

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signInAs(page: Page, role: Role) {
  const p = person(role);
  await signIn(page, p.email, p.password);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}
