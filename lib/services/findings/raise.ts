import { sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { rows, type Executor } from "@/lib/db/client";
import { FINDING_REFS } from "@/lib/frameworks/finding-refs";

export type NewFinding = {
  kind: keyof typeof FINDING_REFS;
  severity: "info" | "low" | "medium" | "high" | "critical";
  title: string;
  /** Same condition, same key: seen again, it refreshes the finding instead of adding one. */
  key: string;
  detail: Record<string, unknown>;
  agentId?: string | null;
  sessionId?: string | null;
  connectorId?: string | null;
  credentialId?: string | null;
  decisionId?: string | null;
  /** How many times the condition was seen in total (detectors that count); default unchanged. */
  occurrences?: number;
};

/**
 * Raises a finding, or refreshes the one with the same key (a resolved one reopens: the
 * condition is back). A new finding is audited as finding.raised, a reopened one as
 * finding.reopened, in the same transaction.
 */
export async function raiseFinding(tx: Executor, f: NewFinding, now: Date, raisedBy: string): Promise<{ id: string; inserted: boolean; reopened: boolean }> {
  // A subquery in RETURNING reads the table as it was before this statement: the status it had.
  const [r] = rows<{ id: string; inserted: boolean; reopened: boolean }>(
    await tx.execute(sql`
      insert into findings (kind, severity, title, detail, agent_id, session_id, connector_id, credential_id, decision_id, framework_refs, dedupe_key, occurrences, first_seen_at, last_seen_at)
      values (${f.kind}, ${f.severity}, ${f.title}, ${JSON.stringify(f.detail)}::jsonb, ${f.agentId ?? null}, ${f.sessionId ?? null}, ${f.connectorId ?? null},
              ${f.credentialId ?? null}, ${f.decisionId ?? null}, ${JSON.stringify(FINDING_REFS[f.kind] ?? [])}::jsonb, ${f.key}, ${f.occurrences ?? 1},
              ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
      on conflict (dedupe_key) do update set
        title = excluded.title, detail = excluded.detail, severity = excluded.severity, last_seen_at = excluded.last_seen_at,
        occurrences = ${f.occurrences === undefined ? sql`findings.occurrences` : sql`excluded.occurrences`},
        status = case when findings.status = 'resolved' then 'open'::finding_status else findings.status end,
        resolved_at = case when findings.status = 'resolved' then null else findings.resolved_at end,
        updated_at = now()
      returning id, (xmax = 0) as inserted,
        coalesce((select f0.status = 'resolved' from findings f0 where f0.id = findings.id), false) as reopened`),
  );
  // Raising anew and reopening a resolved finding are both changes someone must be able to trace.
  if (r.inserted || r.reopened) {
    await recordAudit(tx, {
      actor: { kind: "system", label: raisedBy },
      action: r.inserted ? "finding.raised" : "finding.reopened",
      target: { kind: "finding", id: r.id },
      agentId: f.agentId ?? null,
      sessionId: f.sessionId ?? null,
      detail: { kind: f.kind, severity: f.severity, title: f.title },
    });
  }
  return r;
}
