import { expect, test } from "@playwright/test";
import { privateClusterAvailable, startPrivateCluster, type PrivateCluster } from "../../tests/integration/private-cluster";
import { freePort, startScript, waitForHealth } from "../readme-examples";

// The console while Postgres is gone (README "When the database is unavailable"): a page says
// the database is unreachable and what agents get meanwhile, instead of a bare error page, and
// comes back by itself once the database does. Warden on a private Postgres of the test's own,
// which the test stops and starts.
test("a console page says the database is unreachable, and comes back by itself", async ({ page }) => {
  test.skip(!privateClusterAvailable(), "needs Debian's Postgres binaries (/usr/lib/postgresql/*/bin)");
  test.setTimeout(180_000);
  let cluster: PrivateCluster | undefined;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  cluster = await startPrivateCluster({ durable: true });
  const server = startScript(`node .next/warden-server.cjs -p ${port} -H 127.0.0.1`, {
    env: { DATABASE_URL: cluster.url, WARDEN_ADMIN_EMAIL: "sre@warden.test", WARDEN_ADMIN_PASSWORD: "outage test passphrase", NEXTAUTH_URL: base, NODE_ENV: "production", WARDEN_DEMO: "0", WARDEN_DB_CONNECT_TIMEOUT_MS: "2000" },
  });
  try {
    await waitForHealth(base, server);
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Email").fill("sre@warden.test");
    await page.getByLabel("Password").fill("outage test passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

    cluster.stop("fast");
    await page.goto(`${base}/agents`);
    await expect(page.getByText("Warden cannot reach its database")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText(/every agent's tool call is answered with a deny \(503/)).toBeVisible();

    cluster.start();
    // No reload: the page looks again every 5 s and renders the agents once the database answers.
    await expect(page.getByRole("heading", { name: "Agents" })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText("Warden cannot reach its database")).toHaveCount(0);
  } finally {
    await server.stop();
    cluster?.destroy();
  }
});
