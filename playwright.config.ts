import { defineConfig } from "@playwright/test";

// Run through `npm run test:e2e` (scripts/e2e.mjs), which creates a fresh database, builds if
// needed and passes E2E_DATABASE_URL here.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
// A second instance on the embedded database (PGlite), exactly as `npm run demo` runs it.
export const EMBEDDED_PORT = PORT + 1;
const embeddedURL = `http://127.0.0.1:${EMBEDDED_PORT}`;

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: { baseURL, trace: "retain-on-failure" },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/, use: chromium },
    { name: "api", testMatch: /api\/.*\.spec\.ts/, dependencies: ["setup"] },
    { name: "ui", testMatch: /ui\/.*\.spec\.ts/, dependencies: ["setup"], use: chromium },
    { name: "embedded", testMatch: /embedded\/.*\.spec\.ts/, use: { ...chromium, baseURL: embeddedURL } },
  ],
  webServer: [
    {
      command: `node .next/warden-server.cjs -p ${PORT} -H 127.0.0.1`,
      url: `${baseURL}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
        PORT: String(PORT),
        WARDEN_DEMO: "1",
        // The Postgres instance stays quiet so its tests see only their own traffic.
        WARDEN_SIMULATOR: "0",
        // Detectors and the sweeper every 2 s, so tests see their findings promptly.
        WARDEN_SWEEP_SECONDS: "2",
        NEXTAUTH_URL: baseURL,
        NODE_ENV: "production",
      },
    },
    {
      command: `node .next/warden-server.cjs -p ${EMBEDDED_PORT} -H 127.0.0.1`,
      url: `${embeddedURL}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        DATABASE_URL: "",
        WARDEN_DATA_DIR: process.env.E2E_DATA_DIR ?? ".data-e2e",
        PORT: String(EMBEDDED_PORT),
        WARDEN_DEMO: "1",
        NEXTAUTH_URL: embeddedURL,
        NODE_ENV: "production",
      },
    },
  ],
});
