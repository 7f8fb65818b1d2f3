import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { escalations } from "@/lib/db/schema";

const MAX_WAIT_MS = 25_000;
const POLL_MS = 250;

export type EscalationView = {
  id: string;
  status: "pending" | "approved" | "denied" | "expired";
  kind: string;
  sessionId: string;
  expiresAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  /** Set once approved with a grant: the next identical call is allowed and names it. */
  grantId: string | null;
};

async function load(db: Db, agentId: string, id: string): Promise<EscalationView | undefined> {
  const [e] = await db
    .select()
    .from(escalations)
    .where(and(eq(escalations.id, id), eq(escalations.agentId, agentId)));
  if (!e) return undefined;
  // Unanswered past its expiry counts as denied, whether or not a sweeper has marked it yet.
  const status = e.status === "pending" && e.expiresAt.getTime() <= Date.now() ? "expired" : e.status;
  return {
    id: e.id,
    status,
    kind: e.kind,
    sessionId: e.sessionId,
    expiresAt: e.expiresAt.toISOString(),
    resolvedAt: e.resolvedAt?.toISOString() ?? null,
    resolution: e.resolution,
    grantId: e.grantId,
  };
}

/**
 * An agent reads its own escalation; with `waitMs` it long-polls until the status leaves
 * `pending` or the wait ends. Another agent's escalation is not found.
 */
export async function getEscalationForAgent(db: Db, agentId: string, id: string, waitMs = 0, signal?: AbortSignal): Promise<EscalationView> {
  const deadline = Date.now() + Math.min(Math.max(waitMs, 0), MAX_WAIT_MS);
  for (;;) {
    const e = await load(db, agentId, id);
    if (!e) throw notFound("Escalation");
    if (e.status !== "pending" || Date.now() >= deadline || signal?.aborted) return e;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
