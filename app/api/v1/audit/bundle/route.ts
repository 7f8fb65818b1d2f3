import { auditLogOf } from "@/lib/api/audit-log";
import { withPerson } from "@/lib/api/with-person";
import { getRuntime } from "@/lib/runtime";
import { startEvidenceBundle } from "@/lib/services/audit-log/bundle";

/**
 * GET /api/v1/audit/bundle?from=&to= — the evidence bundle of a period (docs/audit-log.md), for
 * `warden-audit verify`. A bad period is a 400 before anything streams.
 */
export const GET = withPerson(
  async ({ req, person, meta }) => {
    const q = new URL(req.url).searchParams;
    const b = await startEvidenceBundle(await auditLogOf(await getRuntime()), { from: q.get("from") ?? undefined, to: q.get("to") ?? undefined, person, meta });
    return new Response(b.stream, {
      headers: {
        "content-type": b.contentType,
        "content-disposition": `attachment; filename="${b.filename}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-request-id": meta.requestId,
      },
    });
  },
  { can: "readAudit" },
);
