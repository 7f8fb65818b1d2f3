import { eq } from "drizzle-orm";
import { z } from "zod";
import { DomainError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/audit/record";
import type { Db } from "@/lib/db/client";
import { findings, users } from "@/lib/db/schema";
import { auditMeta, type Caller } from "../context";

export const findingUpdateSchema = z
  .object({
    status: z.enum(["open", "acknowledged", "resolved"]).optional(),
    // Why: required with every change of status, kept on the finding and in the audit trail.
    note: z.string().trim().max(2000).optional(),
    assigneeId: z.uuid().nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status === undefined && v.assigneeId === undefined) ctx.addIssue({ code: "custom", path: ["status"], message: "change the status or the assignee" });
    if (v.status !== undefined && (v.note ?? "").length < 3) ctx.addIssue({ code: "custom", path: ["note"], message: "give a note (3+ characters) with a change of status" });
  });
export type FindingUpdate = z.infer<typeof findingUpdateSchema>;

const VERB = { open: "finding.reopened", acknowledged: "finding.acknowledged", resolved: "finding.resolved" } as const;

/** Acknowledge, resolve, reopen or (re)assign a finding; each change is an audit event in the same transaction. */
export async function updateFinding(db: Db, caller: Caller, id: string, input: FindingUpdate) {
  return db.transaction(async (tx) => {
    const [f] = await tx.select().from(findings).where(eq(findings.id, id)).for("update");
    if (!f) throw notFound("Finding");
    const now = new Date();
    const set: Partial<typeof findings.$inferInsert> = { updatedAt: now };
    if (input.status !== undefined) {
      if (input.status === f.status) throw new DomainError("conflict", `The finding is already ${f.status}`);
      set.status = input.status;
      set.resolvedAt = input.status === "resolved" ? now : null;
      set.resolutionNote = input.note ?? null;
    }
    if (input.assigneeId !== undefined) {
      if (input.assigneeId) {
        const [person] = await tx.select({ id: users.id, disabledAt: users.disabledAt }).from(users).where(eq(users.id, input.assigneeId));
        if (!person || person.disabledAt) throw new DomainError("validation_failed", "assigneeId: no such active person", [{ path: "assigneeId", message: "no such active person" }]);
      }
      set.assigneeId = input.assigneeId;
    }
    const [updated] = await tx.update(findings).set(set).where(eq(findings.id, id)).returning();
    if (input.status !== undefined) {
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: VERB[input.status],
        target: { kind: "finding", id },
        agentId: f.agentId,
        sessionId: f.sessionId,
        detail: { from: f.status, to: input.status, note: input.note, kind: f.kind, severity: f.severity },
      });
    }
    if (input.assigneeId !== undefined && input.assigneeId !== f.assigneeId) {
      await recordAudit(tx, {
        ...auditMeta(caller),
        action: "finding.assigned",
        target: { kind: "finding", id },
        agentId: f.agentId,
        sessionId: f.sessionId,
        detail: { from: f.assigneeId, to: input.assigneeId, kind: f.kind },
      });
    }
    return updated;
  });
}
