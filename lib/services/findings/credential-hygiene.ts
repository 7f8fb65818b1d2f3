import { sql } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { rows, type Db, type Executor } from "@/lib/db/client";
import { findings } from "@/lib/db/schema";
import { globMatch } from "@/lib/policy/globs";
import { raiseFinding } from "./raise";
import { FINDING_REFS } from "@/lib/frameworks/finding-refs";

// Standing-privilege findings about credentials, raised (and resolved when the condition is
// gone) by a periodic pass. Dedupe keys start "credhyg:" so a pass only ever resolves what a
// pass raised.

export type HygieneOptions = {
  /** A standing secret older than this is a finding even if it expires some day. */
  maxStandingAgeDays: number;
  /** A live credential nobody used for this long. */
  unusedDays: number;
  /** Usage window for "scope exceeds what the agent actually used". */
  usageWindowDays: number;
};

export function hygieneOptions(): HygieneOptions {
  const n = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
  return {
    maxStandingAgeDays: n(process.env.WARDEN_STANDING_MAX_AGE_DAYS, 90),
    unusedDays: n(process.env.WARDEN_UNUSED_CREDENTIAL_DAYS, 30),
    usageWindowDays: 30,
  };
}

type Raised = {
  kind: keyof typeof FINDING_REFS;
  severity: "low" | "medium" | "high";
  title: string;
  key: string;
  agentId: string;
  credentialId: string;
  connectorId: string | null;
  detail: Record<string, unknown>;
};

type Live = {
  id: string;
  name: string;
  kind: string;
  jit: boolean;
  agent_id: string;
  agent_name: string;
  connector_id: string | null;
  connector_name: string | null;
  connector_managed: boolean | null;
  scope: { operations?: string[] };
  issued_at: Date | string;
  expires_at: Date | string | null;
  last_used_at: Date | string | null;
};

const day = 86_400_000;
const ts = (v: Date | string | null) => (v === null ? null : new Date(v));

/** What the credentials look like now: every finding that holds. Pure over the rows given. */
export function credentialFindings(live: Live[], used: Map<string, Set<string>>, now: Date, o: HygieneOptions): Raised[] {
  const out: Raised[] = [];
  for (const c of live) {
    const issued = ts(c.issued_at)!;
    const expires = ts(c.expires_at);
    const lastUsed = ts(c.last_used_at);
    const base = { agentId: c.agent_id, credentialId: c.id, connectorId: c.connector_id };
    const who = `${c.agent_name}'s ${c.name}`;
    if (!c.jit && (!expires || now.getTime() - issued.getTime() > o.maxStandingAgeDays * day)) {
      const ageDays = Math.floor((now.getTime() - issued.getTime()) / day);
      out.push({
        ...base,
        kind: "standing_secret",
        severity: expires ? "medium" : "high",
        key: `credhyg:standing:${c.id}`,
        title: expires ? `Standing secret older than ${o.maxStandingAgeDays} days: ${who} (${ageDays} days)` : `Standing secret that never expires: ${who}`,
        detail: { credentialKind: c.kind, issuedAt: issued.toISOString(), expiresAt: expires?.toISOString() ?? null, ageDays },
      });
    }
    const idleSince = lastUsed ?? issued;
    if (now.getTime() - idleSince.getTime() > o.unusedDays * day) {
      out.push({
        ...base,
        kind: "stale_credential",
        severity: "low",
        key: `credhyg:unused:${c.id}`,
        title: `Credential unused for ${Math.floor((now.getTime() - idleSince.getTime()) / day)} days: ${who}`,
        detail: { lastUsedAt: lastUsed?.toISOString() ?? null, issuedAt: issued.toISOString() },
      });
    }
    if (c.connector_id && c.connector_managed === false) {
      out.push({
        ...base,
        kind: "unmanaged_connector_credential",
        severity: "high",
        key: `credhyg:unmanaged:${c.id}`,
        title: `Credential for an unmanaged connector: ${who} → ${c.connector_name}`,
        detail: { connector: c.connector_name },
      });
    }
    // Scope against use, for credentials old enough for their use to say something.
    const ops = c.scope?.operations ?? [];
    if (c.kind !== "bootstrap_key" && c.connector_id && ops.length && now.getTime() - issued.getTime() > 7 * day) {
      const seen = used.get(`${c.agent_id}|${c.connector_id}`) ?? new Set<string>();
      const unusedOps = ops.filter((op) => ![...seen].some((u) => globMatch(op, u)));
      if (unusedOps.length) {
        out.push({
          ...base,
          kind: "over_scoped_credential",
          severity: "medium",
          key: `credhyg:overscoped:${c.id}`,
          title: `Credential allows ${unusedOps.length} of ${ops.length} operations the agent has not used in ${o.usageWindowDays} days: ${who}`,
          detail: { connector: c.connector_name, scope: ops, unused: unusedOps, used: [...seen].sort() },
        });
      }
    }
  }
  return out;
}

/**
 * One pass: raise what holds (new findings are audited), refresh what is still true, and
 * resolve (audited) what no longer is — revoked, expired, used again or rescoped.
 */
export async function detectCredentialFindings(db: Db, now = new Date(), o = hygieneOptions()): Promise<{ raised: number; resolved: number; open: number }> {
  const live = rows<Live>(
    await db.execute(sql`
      select c.id, c.name, c.kind, c.jit, c.agent_id, a.name as agent_name, c.connector_id, k.name as connector_name,
             k.managed as connector_managed, c.scope, c.issued_at, c.expires_at, c.last_used_at
      from credentials c
      join agents a on a.id = c.agent_id
      left join connectors k on k.id = c.connector_id
      where c.revoked_at is null and (c.expires_at is null or c.expires_at > ${now.toISOString()}::timestamptz) and a.status <> 'retired'`),
  );
  const usage = rows<{ agent_id: string; connector_id: string; op: string }>(
    await db.execute(sql`
      select distinct agent_id, connector_id, tool || '.' || operation as op
      from decisions
      where outcome = 'allow' and connector_id is not null and created_at > ${new Date(now.getTime() - o.usageWindowDays * day).toISOString()}::timestamptz`),
  );
  const used = new Map<string, Set<string>>();
  for (const u of usage) {
    const k = `${u.agent_id}|${u.connector_id}`;
    if (!used.has(k)) used.set(k, new Set());
    used.get(k)!.add(u.op);
  }
  const holding = credentialFindings(live, used, now, o);

  return db.transaction(async (tx) => {
    let raised = 0;
    for (const f of holding) {
      const { inserted } = await raiseFinding(tx, { ...f, key: f.key }, now, "credential hygiene");
      if (inserted) raised++;
    }
    const keys = holding.map((f) => f.key);
    const gone = rows<{ id: string; agent_id: string | null; kind: string }>(
      await tx.execute(sql`
        update findings set status = 'resolved', resolved_at = ${now.toISOString()}::timestamptz, updated_at = now(),
          resolution_note = 'Resolved by Warden: the condition no longer holds (credential revoked, expired, used or rescoped)'
        where dedupe_key like 'credhyg:%' and status <> 'resolved'
          and not (dedupe_key = any(${`{${keys.map((k) => `"${k}"`).join(",")}}`}::text[]))
        returning id, agent_id, kind`),
    );
    for (const g of gone) await record(tx, "finding.resolved", g.id, g.agent_id, { kind: g.kind, by: "system" });
    return { raised, resolved: gone.length, open: holding.length };
  });
}

function record(tx: Executor, action: string, findingId: string, agentId: string | null, detail: Record<string, unknown>) {
  return recordAudit(tx, { actor: { kind: "system", label: "credential hygiene" }, action, target: { kind: "finding", id: findingId }, agentId, detail });
}

/**
 * An agent presented a credential Warden never issued (a key or token of Warden's format that
 * matches nothing). Counted per source address and day, so a flood of made-up tokens grows a
 * counter, not the table; the token itself is never stored, only a short fingerprint.
 */
export async function recordForeignCredential(db: Db, kind: "agent key" | "just-in-time credential", fingerprint: string, ip: string | null) {
  const dayKey = new Date().toISOString().slice(0, 10);
  const source = ip ?? "unknown address";
  await db
    .insert(findings)
    .values({
      kind: "foreign_credential",
      severity: "high",
      title: `A ${kind} Warden never issued was presented from ${source.slice(0, 100)}`,
      detail: { credentialKind: kind, source, fingerprints: [fingerprint] },
      frameworkRefs: FINDING_REFS.foreign_credential,
      dedupeKey: `foreign:${kind}:${source.slice(0, 100)}:${dayKey}`,
    })
    .onConflictDoUpdate({
      target: findings.dedupeKey,
      set: {
        occurrences: sql`${findings.occurrences} + 1`,
        lastSeenAt: new Date(),
        updatedAt: new Date(),
        // The last few fingerprints, enough to match against a leak, bounded in size.
        detail: sql`jsonb_set(${findings.detail}, '{fingerprints}', (select coalesce(jsonb_agg(f), '[]'::jsonb) from (select f from jsonb_array_elements(${findings.detail} -> 'fingerprints') f union select ${JSON.stringify(fingerprint)}::jsonb limit 10) x))`,
      },
    });
}
