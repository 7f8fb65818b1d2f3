import { withPerson } from "@/lib/api/with-person";
import { verifyAuditChain, type VerifyResult } from "@/lib/audit/verify";
import { getDb } from "@/lib/runtime";

export type VerifyResponse = VerifyResult & { durationMs: number };

// One walk at a time per instance: the walk reads every event, so callers that arrive while it
// runs share its answer instead of starting more full scans.
let running: Promise<VerifyResponse> | null = null;

async function verifyOnce(): Promise<VerifyResponse> {
  running ??= (async () => {
    const t0 = performance.now();
    try {
      const r = await verifyAuditChain(await getDb());
      return { ...r, durationMs: Math.round(performance.now() - t0) };
    } finally {
      running = null;
    }
  })();
  return running;
}

/**
 * Walks the whole hash chain and reports `{ ok, events, head }` or the first broken link
 * `{ ok: false, events, break: { seq, id, problem } }`. A read, but POST: it is expensive and
 * must not be prefetched, cached or replayed by crawlers. No body.
 */
export const POST = withPerson(async () => verifyOnce(), { can: "readAudit" });
