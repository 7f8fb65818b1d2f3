import { createHash } from "node:crypto";
import { defineConfig } from "@playwright/test";
import { cosignatureVerifier, generateSigner } from "./lib/audit/log/note";

// Run through `npm run test:e2e` (scripts/e2e.mjs), which creates a fresh database, builds if
// needed and passes E2E_DATABASE_URL here.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
// A second instance on the embedded database (PGlite), exactly as `npm run demo` runs it.
export const EMBEDDED_PORT = PORT + 1;
const embeddedURL = `http://127.0.0.1:${EMBEDDED_PORT}`;

// The Postgres instance's audit log is witnessed by the embedded one over HTTP
// (c2sp.org/tlog-witness), as one Warden witnesses another in production. Fixed test-only keys,
// derived from a label, so every process that loads this file configures the same pair.
const testKey = (name: string, label: string) => generateSigner(name, createHash("sha256").update(label).digest());
export const E2E_LOG_KEY = testKey("warden.local/audit", "warden e2e audit log key");
export const E2E_WITNESS_KEY = testKey("warden.e2e/witness", "warden e2e witness key");
// Every instance the tests start on the Postgres database signs as one log, with one key.
process.env.WARDEN_AUDIT_KEY = E2E_LOG_KEY.secretText;
const EMBEDDED_LOG_KEY = testKey("warden.e2e/embedded-audit", "warden e2e embedded audit log key");

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
        WARDEN_WITNESS_URL: `${embeddedURL}/api/v1/witness`,
        WARDEN_WITNESS_KEY: cosignatureVerifier(E2E_WITNESS_KEY).text,
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
        WARDEN_AUDIT_KEY: EMBEDDED_LOG_KEY.secretText,
        WARDEN_AUDIT_ORIGIN: EMBEDDED_LOG_KEY.name,
        WARDEN_WITNESS_NAME: "warden.e2e/witness",
        WARDEN_WITNESS_SIGNING_KEY: E2E_WITNESS_KEY.secretText,
        WARDEN_WITNESS_LOG_KEYS: E2E_LOG_KEY.text,
        NEXTAUTH_URL: embeddedURL,
        NODE_ENV: "production",
      },
    },
  ],
});
