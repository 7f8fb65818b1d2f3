import { expect, request, test } from "@playwright/test";
import { Warden } from "../../sdk";
import { stateFile } from "../helpers";

// Issue 4: a just-in-time credential shows on its session; an approver revokes the session's
// credentials from the page with a reason, and the credential is dead at once.
test("an approver revokes a session's credentials from its page; an auditor sees them but cannot", async ({ browser, baseURL }) => {
  const analyst = await request.newContext({ baseURL, storageState: stateFile("analyst"), extraHTTPHeaders: { origin: baseURL! } });
  const name = `jit-ui-${Date.now()}`;
  const agent = await (
    await analyst.post("/api/v1/agents", { data: { name, identityKind: "key", team: "devex", riskTier: "medium", envelope: { actions: ["github:*"], maxSensitivity: "internal", maxTtlSeconds: 3600 } } })
  ).json();
  const key = await (await analyst.post(`/api/v1/agents/${agent.id}/keys`, { data: { name: "ui", expiresInDays: 1 } })).json();
  const warden = new Warden({ baseUrl: baseURL!, token: key.secret });
  const s = await warden.openSession({ goal: "triage the bug queue", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 900 });
  const issued = await warden.requestCredential(s.id, { connector: "github", operations: ["issues.read"], ttlSeconds: 600 });
  if (issued.decision !== "allow") throw new Error(`expected a credential, got ${issued.decision}`);
  const introspect = async () => (await analyst.post("/api/v1/credentials/introspect", { data: { token: issued.secret } })).json();
  expect(await introspect()).toMatchObject({ active: true });

  const auditorPage = await (await browser.newContext({ storageState: stateFile("auditor") })).newPage();
  await auditorPage.goto(`/sessions/${s.id}`);
  const auditorTable = auditorPage.getByRole("table", { name: "Credentials issued for this task" });
  await expect(auditorTable).toContainText(issued.credential.prefix);
  await expect(auditorPage.getByRole("button", { name: /Revoke/ })).toHaveCount(0);

  const page = await (await browser.newContext({ storageState: stateFile("approver") })).newPage();
  await page.goto(`/sessions/${s.id}`);
  const table = page.getByRole("table", { name: "Credentials issued for this task" });
  await expect(table).toContainText("active");
  await page.getByRole("button", { name: "Revoke session's credentials" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog.getByRole("button", { name: "Revoke all" })).toBeDisabled(); // a reason first
  await dialog.getByLabel("Reason").fill("agent followed instructions from a web page");
  await dialog.getByRole("button", { name: "Revoke all" }).click();
  await expect(dialog).toBeHidden();
  await expect(table).toContainText("revoked");
  await expect(table).toContainText("agent followed instructions from a web page");
  expect(await introspect()).toEqual({ active: false });
  await expect(page.getByRole("button", { name: "Revoke session's credentials" })).toHaveCount(0);
  await analyst.dispose();
});
