import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { newAgentClient, stateFile } from "../helpers";

test.describe("auditor", () => {
  test.use({ storageState: stateFile("auditor") });

  test("names each decision's target by a short form that tells decisions apart", async ({ page, baseURL }) => {
    // Three decisions by a new agent within a second: their ids are time-ordered (UUIDv7) and
    // share their first eight digits, which is all the table used to show.
    const { agent, warden } = await newAgentClient(baseURL!, "audit-ids");
    const session = await warden.openSession({ goal: "read issues", actions: ["github:issues.read"], maxSensitivity: "internal", ttlSeconds: 600 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await warden.authorize(session.id, { connector: "github", tool: "issues", operation: "read" })).decisionId!);
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(1);

    await page.goto(`/audit?action=decision.&agentId=${agent.id}`);
    const cells = page.getByRole("table").locator("tbody tr [title]");
    await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(3);
    const shown = (await cells.evaluateAll((els) => els.map((e) => ({ text: e.textContent!.trim(), id: e.getAttribute("title")! })))).filter((s) => /^[0-9a-f-]{36}$/.test(s.id));
    expect(shown.map((s) => s.id).sort()).toEqual([...ids].sort());
    // Each short form is the id's end (searchable as a substring), and the three differ.
    for (const { text, id } of shown) expect(text).toBe(`…${id.slice(-8)}`);
    expect(new Set(shown.map((s) => s.text)).size).toBe(3);
  });

  test("filters the trail by type and agent, keeps the filters in the URL, and exports a CSV ending in its sha256", async ({ page }) => {
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();
    await expect(page.getByRole("table").locator("tbody tr").first()).toBeVisible();

    await page.getByLabel("Type", { exact: true }).selectOption("decision.");
    await expect(page).toHaveURL(/action=decision\./);
    const agent = page.getByLabel("Agent", { exact: true });
    // The demo fleet's first agent by name (whichever it is): option 0 is "Any agent".
    const agentId = await agent.locator("option").nth(1).getAttribute("value");
    expect(agentId).toBeTruthy();
    await agent.selectOption(agentId!);
    await expect(page).toHaveURL(new RegExp(`agentId=${agentId}`));
    await expect(page).toHaveURL(/action=decision\./);

    // A reload keeps both filters, in the URL and in the controls.
    await page.reload();
    await expect(page.getByLabel("Type", { exact: true })).toHaveValue("decision.");
    await expect(page.getByLabel("Agent", { exact: true })).toHaveValue(agentId!);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^warden-audit-.*\.csv$/);
    const text = await readFile((await download.path())!, "utf8");
    const lines = text.split("\r\n");
    expect(lines.at(-1)).toBe(""); // the file ends with a line break
    const last = lines.at(-2)!;
    expect(last).toMatch(/^# sha256 [0-9a-f]{64} of every line above$/);
    const covered = text.slice(0, text.length - last.length - 2);
    expect(last.split(" ")[2]).toBe(createHash("sha256").update(covered, "utf8").digest("hex"));
    expect(text).toContain(`# filters: {"action":"decision.","agentId":"${agentId}"}`);
    // Every row is this agent's decision (agent_id is the 10th column; rows start with a seq).
    const rows = lines.filter((l) => /^\d+,/.test(l));
    for (const r of rows) expect(r).toContain(`,${agentId},`);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).not.toHaveURL(/action=|agentId=/);
  });
});
