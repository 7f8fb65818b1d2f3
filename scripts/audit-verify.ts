// `npm run audit:verify`: walks the audit hash chain of the configured database (DATABASE_URL,
// or the embedded one in WARDEN_DATA_DIR — stop the server first, PGlite is single-process)
// and reports the first broken link. Exit code 0 = intact, 1 = broken, 2 = could not check.
import { verifyAuditChain } from "../lib/audit/verify";
import { defaultOpenOptions, openDatabase } from "../lib/db/client";

async function main() {
  const handle = await openDatabase(defaultOpenOptions());
  try {
    const t0 = Date.now();
    const r = await verifyAuditChain(handle.db);
    const ms = Date.now() - t0;
    if (r.ok) {
      console.log(`audit chain intact: ${r.events} events, head ${r.head} (${ms} ms)`);
      return 0;
    }
    console.error(`audit chain BROKEN at seq ${r.break.seq} (event ${r.break.id}): ${r.break.problem}; ${r.events} events before it verify`);
    return 1;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error("could not verify the audit chain:", err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
