import { expect, request, type Page } from "@playwright/test";
import { Warden } from "../sdk";

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

/**
 * A new agent registered by the analyst (a key identity, GitHub in its envelope) and the SDK
 * client holding its bootstrap key: for tests that drive an agent through the machine API.
 */
export async function newAgentClient(baseURL: string, prefix: string): Promise<{ agent: { id: string; name: string }; warden: Warden }> {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL } });
  try {
    const created = await analyst.post("/api/v1/agents", {
      data: { name: `${prefix}-${Date.now()}`, identityKind: "key", team: "devex", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } },
    });
    expect(created.status()).toBe(201);
    const agent = await created.json();
    const { secret } = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: prefix, expiresInDays: 1 } })).json();
    return { agent, warden: new Warden({ baseUrl: baseURL, token: secret }) };
  } finally {
    await analyst.dispose();
  }
}

