import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import type { Reason, DiffEntry } from "@/lib/db/schema/decisions";
import { escalations, sessionIntents, sessions } from "@/lib/db/schema";
import type { Intent } from "@/lib/db/schema/sessions";
import { actionHash, checkDelegation, checkIntentWithinEnvelope } from "@/lib/policy/intent";
import { intentRisk } from "@/lib/policy/escalation-risk";
import { escalationTtlMs } from "../escalations/config";
import type { AgentCaller } from "../machine/authenticate";
import type { OpenSession } from "./schemas";


export type OpenResult = {
  id: string;
  status: "active" | "pending" | "denied";
  intentVersion: number;
  expiresAt: string;
  reasons: Reason[];
  diff?: DiffEntry[];
  escalationId?: string;
};

/**
 * Opens a session for one task. The intent is never silently accepted beyond what the agent may
 * do: outside the agent's baseline envelope the session waits for a person (pending, with an
 * escalation); a delegated child that reaches beyond its parent, or a quarantined agent, gets a
 * denied session — on the record, usable for nothing.
 */
export async function openSession(db: Db, agent: AgentCaller, input: OpenSession, meta: { requestId?: string; ip?: string | null }): Promise<OpenResult> {
  const intent: Intent = input.intent;
  const now = new Date();
  return db.transaction(async (tx) => {
    let status: OpenResult["status"] = "active";
    const reasons: Reason[] = [];
    let diff: DiffEntry[] | undefined;
    let parentId: string | null = null;

    if (agent.status !== "active") {
      status = "denied";
      reasons.push({ code: "agent.quarantined", message: "The agent is quarantined; every decision for it is deny" });
    }
    if (status === "active" && input.parentSessionId) {
      const [parent] = await tx.select().from(sessions).where(eq(sessions.id, input.parentSessionId));
      if (!parent) {
        status = "denied";
        reasons.push({ code: "delegation.parent_not_found", message: "The parent session does not exist" });
      } else if (parent.status !== "active" || parent.expiresAt <= now) {
        parentId = parent.id;
        status = "denied";
        reasons.push({ code: "delegation.parent_inactive", message: "The parent session is not active" });
      } else {
        parentId = parent.id;
        const d = checkDelegation(intent, parent.intent, { now, parentExpiresAt: parent.expiresAt });
        if (!d.inside) {
          status = "denied";
          reasons.push(...d.reasons);
          diff = d.diff;
        }
      }
    }
    if (status === "active") {
      const e = checkIntentWithinEnvelope(intent, agent.envelope);
      if (!e.inside) {
        status = "pending";
        reasons.push(...e.reasons);
        diff = e.diff;
      }
    }

    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + intent.ttlSeconds * 1000);
    await tx.insert(sessions).values({
      id,
      agentId: agent.id,
      parentSessionId: parentId,
      status,
      intentVersion: 1,
      intent,
      goal: intent.goal,
      startedAt: now,
      expiresAt,
      endedAt: status === "denied" ? now : null,
      endReason: status === "denied" ? reasons.map((r) => r.code).join(",") : null,
      escalationCount: status === "pending" ? 1 : 0,
    });
    await tx.insert(sessionIntents).values({
      sessionId: id,
      version: 1,
      intent,
      status: status === "active" ? "accepted" : status === "pending" ? "pending" : "rejected",
      requestedBy: `agent:${agent.id}`,
    });
    let escalationId: string | undefined;
    if (status === "pending") {
      escalationId = randomUUID();
      await tx.insert(escalations).values({
        id: escalationId,
        kind: "session_open",
        sessionId: id,
        agentId: agent.id,
        action: { intent },
        actionHash: actionHash({ connector: "warden", tool: "session", operation: "open", resource: JSON.stringify(intent) }),
        ...intentRisk(intent, agent.riskTier),
        reasons,
        diff,
        requestedBy: `agent:${agent.id}`,
        expiresAt: new Date(now.getTime() + escalationTtlMs()),
      });
    }
    await recordAudit(tx, {
      actor: { kind: "agent", id: agent.id, label: agent.name },
      action: status === "active" ? "session.opened" : status === "pending" ? "session.pending" : "session.denied",
      target: { kind: "session", id },
      agentId: agent.id,
      sessionId: id,
      detail: { goal: intent.goal, parentSessionId: parentId, reasons: reasons.map((r) => r.code), escalationId },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { id, status, intentVersion: 1, expiresAt: expiresAt.toISOString(), reasons, diff, escalationId };
  });
}
