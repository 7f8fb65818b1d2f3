import { ping } from "@/lib/db/client";
import { getHandle } from "@/lib/runtime";

export const dynamic = "force-dynamic";

// Unauthenticated liveness + readiness: answers 200 only when the database answers.
export async function GET() {
  const started = Date.now();
  try {
    const handle = await getHandle();
    const ok = await ping(handle.db);
    return Response.json(
      { status: ok ? "ok" : "degraded", database: { ok, kind: handle.kind, latencyMs: Date.now() - started } },
      { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  } catch {
    return Response.json(
      { status: "unavailable", database: { ok: false, latencyMs: Date.now() - started } },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}
