import { getHandle } from "@/lib/db/client";
import { ensureFirstAdmin } from "@/lib/services/people/bootstrap";
import { ensureGuardrails } from "@/lib/services/policies/guardrails";

/**
 * Runs once per server process before the first request: opens the database (which applies
 * migrations), seeds the demo fleet when WARDEN_DEMO=1 on an empty database, and otherwise
 * makes sure a first admin exists.
 */
export async function startWarden() {
  // Without a configured public URL, next-auth builds its redirects from the request's Host.
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
  const t0 = Date.now();
  const { db, kind } = await getHandle();
  console.log(`[warden] database ready (${kind === "pglite" ? "embedded" : "postgres"}) in ${Date.now() - t0} ms`);
  if (process.env.WARDEN_DEMO === "1") {
    const { seedDemoIfEmpty } = await import("@/lib/demo/startup");
    await seedDemoIfEmpty(db);
  }
  await ensureFirstAdmin(db);
  const installed = await ensureGuardrails(db);
  if (installed) console.log(`[warden] installed ${installed} guardrail policies`);
  const { startCredentialSweeper } = await import("@/lib/services/credentials/sweeper");
  startCredentialSweeper(db);
  (await import("@/lib/services/webhooks/dispatcher")).startWebhookDispatcher(db);
  if (process.env.WARDEN_DEMO === "1" && process.env.WARDEN_SIMULATOR !== "0") {
    const { startSimulator } = await import("@/lib/demo/simulator");
    // Not awaited: it waits for this server to listen, then keeps running in the background.
    void startSimulator(db, `http://127.0.0.1:${process.env.PORT ?? 3000}`).catch((err) => console.error("[warden] demo simulator stopped:", err));
  }
}

/**
 * A server that cannot reach or migrate its database must not serve requests. Once per process:
 * server.ts runs it before listening and Next's instrumentation hook runs it again from its own
 * bundle, so the promise lives on globalThis.
 */
export function startWardenOrExit(): Promise<void> {
  const g = globalThis as unknown as { __wardenStartup?: Promise<void> };
  g.__wardenStartup ??= startWarden().catch((err) => {
    console.error("[warden] startup failed:", err);
    process.exit(1);
  });
  return g.__wardenStartup;
}
