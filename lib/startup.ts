import { auditLogOf, witnessOf } from "@/lib/api/audit-log";
import { identityHygieneFromEnv } from "@/lib/domain/identity-hygiene";
import { getRuntime, oncePerProcess } from "@/lib/runtime";
import { ensureFirstAdmin } from "@/lib/services/people/bootstrap";
import { ensureGuardrails } from "@/lib/services/policies/guardrails";

/**
 * Runs once per server process before the first request: opens the database (which applies
 * migrations), seeds the demo fleet when WARDEN_DEMO=1 on an empty database, and otherwise
 * makes sure a first admin exists; then starts the runtime's background work.
 */
export async function startWarden() {
  // Without a configured public URL, next-auth builds its redirects from the request's Host.
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";
  // A bad WARDEN_DORMANT_DAYS / WARDEN_KEY_MAX_AGE_DAYS stops the start here, naming the variable.
  const identityHygiene = identityHygieneFromEnv();
  const t0 = Date.now();
  const rt = await getRuntime();
  const { db } = rt;
  console.log(`[warden] database ready (${rt.handle.kind === "pglite" ? "embedded" : "postgres"}) in ${Date.now() - t0} ms`);
  if (process.env.WARDEN_DEMO === "1") {
    const { seedDemoIfEmpty } = await import("@/lib/demo/startup");
    await seedDemoIfEmpty(db);
  }
  await ensureFirstAdmin(db);
  const installed = await ensureGuardrails(db);
  if (installed) console.log(`[warden] installed ${installed} guardrail policies`);
  const { startCredentialSweeper } = await import("@/lib/services/credentials/sweeper");
  // A pass that finds the database unreachable tells the runtime, which says so once.
  const onOutage = (err: unknown) => rt.availability.noticed(err);
  rt.runInBackground(startCredentialSweeper(db, undefined, onOutage, identityHygiene));
  rt.runInBackground((await import("@/lib/services/webhooks/dispatcher")).startWebhookDispatcher(db, rt.feed, undefined, onOutage));
  // The verifiable audit log (docs/audit-log.md): events become Merkle leaves in the background,
  // and the tree is signed every few seconds; nothing of it is on the decision path.
  const { startSequencer } = await import("@/lib/services/audit-log/sequence");
  const { startCheckpointer } = await import("@/lib/services/audit-log/checkpoint");
  rt.runInBackground(startSequencer(db, rt.feed, undefined, onOutage));
  rt.runInBackground(startCheckpointer(await auditLogOf(rt), undefined, onOutage));
  // Serving as a witness for other logs: a bad log key or witness key stops the start here,
  // naming the variable, rather than failing every add-checkpoint request later.
  if (process.env.WARDEN_WITNESS_LOG_KEYS) await witnessOf(rt);
  if (process.env.WARDEN_DEMO === "1" && process.env.WARDEN_SIMULATOR !== "0") {
    const { startSimulator } = await import("@/lib/demo/simulator");
    // Not awaited: it waits for this server to listen, then keeps running in the background.
    const simulator = startSimulator(db, `http://127.0.0.1:${process.env.PORT ?? 3000}`);
    simulator.catch((err) => console.error("[warden] demo simulator stopped:", err));
    rt.runInBackground(() => void simulator.then((s) => s.stop(), () => {}));
  }
}

/**
 * A server that cannot reach or migrate its database must not serve requests. Once per process:
 * server.ts runs it before listening and Next's instrumentation hook runs it again from its own
 * bundle.
 */
export function startWardenOrExit(): Promise<void> {
  return oncePerProcess(() =>
    startWarden().catch((err) => {
      console.error("[warden] startup failed:", err);
      process.exit(1);
    }),
  );
}
