import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { signInAs } from "../helpers";

// The newcomer's path: no DATABASE_URL, the embedded Postgres in a data folder, demo data.
test("runs on the embedded database with the demo fleet", async ({ page, request }) => {
  const health = await (await request.get("/api/health")).json();
  expect(health).toMatchObject({ status: "ok", database: { ok: true, kind: "pglite" } });
  await signInAs(page, "analyst");
  await page.goto("/agents");
  await expect(page.getByRole("link", { name: "support-triage-bot" })).toBeVisible();
  await page.goto("/connectors?managed=false");
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(1);
  await page.goto("/sessions?status=active");
  await expect(page.getByRole("table").locator("tbody tr").first()).toBeVisible();
});

test("a fresh install with no witness still signs its log, and says plainly that nothing is witnessed", async ({ page }) => {
  await signInAs(page, "auditor");
  await page.goto("/audit");
  const panel = page.getByRole("region", { name: "Signed log" });
  await expect(panel.getByText("signed", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByText("none configured")).toBeVisible();
  await expect(panel.getByRole("list", { name: "Not covered" })).toContainText("No witness is configured");
});

test("a second process on the same data folder is refused, not silently corrupting it", async () => {
  test.setTimeout(90_000);
  const child = spawn("npx", ["next", "start", "-p", String(Number(new URL(test.info().project.use.baseURL!).port) + 10), "-H", "127.0.0.1"], {
    env: { ...process.env, DATABASE_URL: "", WARDEN_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data-e2e", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 80_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(code, output).not.toBe(0);
  expect(code, output).not.toBeNull();
  expect(output).toMatch(/in use by process \d+/);
});

test("the demo simulator keeps real decisions arriving through the API", async ({ page }) => {
  test.setTimeout(90_000);
  await signInAs(page, "analyst");
  const since = Date.now();
  await expect
    .poll(
      async () => {
        const r = await page.request.get("/api/v1/sessions?sort=startedAt&dir=desc&pageSize=5");
        const { items } = await r.json();
        return items.filter((s: { startedAt: string; decisionCount: number }) => Date.parse(s.startedAt) >= since - 5_000 && s.decisionCount > 0).length;
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBeGreaterThan(0);
});
