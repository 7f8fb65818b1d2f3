import { sql, type SQL } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { rows, type Db, type Executor } from "@/lib/db/client";
import { identityHygieneFromEnv, type IdentityHygieneOptions } from "@/lib/domain/identity-hygiene";
import { dormantFinding, IDHYG_PREFIX, orphanedFinding, staleKeyFinding, type DormantRow, type OrphanRow, type StaleKeyRow } from "./identity-findings";
import { raiseFinding } from "./raise";

// Identity hygiene (issue 24): orphaned agents, dormant agents that still hold live credentials,
// and stale keys that are a key-only agent's one way in. Each condition is one SQL predicate,
// used both to find new cases and to re-check open findings, so a pass that raises only a
// bounded number still resolves exactly the findings whose condition is gone.

/** New findings per kind per pass: a fleet that suddenly loses an owner converges over a few passes. */
const RAISE_PER_PASS = 500;

const DAY = 86_400_000;
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

type Cut = { now: Date; dormantBefore: Date; keyIssuedBefore: Date };

// What each finding means, over the agent as `a` (and, for a stale key, the key as `c`).
const live = (c: string, now: Date) => sql`${sql.raw(c)}.revoked_at is null and (${sql.raw(c)}.expires_at is null or ${sql.raw(c)}.expires_at > ${at(now)})`;
// No owner, a disabled one, or one not on record.
const orphaned = () => sql`a.status <> 'retired' and not exists (select 1 from users u where u.id = a.owner_id and u.disabled_at is null)`;
// Registered before the cut-off, no session since, and something that still lets it in.
const dormant = (t: Cut) => sql`a.status <> 'retired' and a.created_at <= ${at(t.dormantBefore)}
  and exists (select 1 from credentials c where c.agent_id = a.id and ${live("c", t.now)})
  and not exists (select 1 from sessions s where s.agent_id = a.id and s.started_at > ${at(t.dormantBefore)})`;
// A live bootstrap key older than the limit, of an agent with no workload identity and no other live key.
const staleKey = (t: Cut) => sql`c.kind = 'bootstrap_key' and ${live("c", t.now)} and c.issued_at <= ${at(t.keyIssuedBefore)}
  and a.status <> 'retired' and a.identity_kind = 'key'
  and not exists (select 1 from credentials o where o.agent_id = a.id and o.id <> c.id and o.kind = 'bootstrap_key' and ${live("o", t.now)})`;

// Not already open (or acknowledged) under this key: those are refreshed in one statement instead.
const notOpen = (key: SQL) => sql`not exists (select 1 from findings f where f.dedupe_key = ${key} and f.status <> 'resolved')`;

async function newCases(tx: Executor, t: Cut) {
  const orphans = rows<OrphanRow>(
    await tx.execute(sql`
      select a.id, a.name, a.risk_tier, a.owner_id, (u.id is not null) as owner_found, u.name as owner_name, u.disabled_at as owner_disabled_at
      from agents a left join users u on u.id = a.owner_id
      where ${orphaned()} and ${notOpen(sql`${IDHYG_PREFIX + "agent_orphaned:"}::text || a.id::text`)}
      order by a.created_at, a.id limit ${RAISE_PER_PASS}`),
  );
  const dormants = rows<DormantRow>(
    await tx.execute(sql`
      select a.id, a.name, a.created_at,
             (select max(s.started_at) from sessions s where s.agent_id = a.id) as last_session_at,
             (select count(*)::int from credentials c where c.agent_id = a.id and ${live("c", t.now)}) as live_credentials
      from agents a
      where ${dormant(t)} and ${notOpen(sql`${IDHYG_PREFIX + "agent_dormant:"}::text || a.id::text`)}
      order by a.created_at, a.id limit ${RAISE_PER_PASS}`),
  );
  const staleKeys = rows<StaleKeyRow>(
    await tx.execute(sql`
      select c.id as credential_id, c.name as credential_name, c.prefix, c.issued_at, c.expires_at, a.id as agent_id, a.name as agent_name
      from credentials c join agents a on a.id = c.agent_id
      where ${staleKey(t)} and ${notOpen(sql`${IDHYG_PREFIX + "agent_key_stale:"}::text || c.id::text`)}
      order by c.issued_at, c.id limit ${RAISE_PER_PASS}`),
  );
  return { orphans, dormants, staleKeys };
}

/**
 * One pass at `now`: raise what newly holds (each raise audited), resolve (audited) the open
 * findings whose condition is gone, and mark the rest as seen. One transaction: each raise and
 * resolve commits with its audit event or not at all; two instances passing at once meet on the
 * dedupe key (one inserts and audits, the other only refreshes). Runs in the background
 * (credentials/sweeper.ts), never on the decision path; tests call it with their clock's time.
 */
export async function detectIdentityFindings(db: Db, now = new Date(), o: IdentityHygieneOptions = identityHygieneFromEnv()) {
  const t: Cut = { now, dormantBefore: new Date(now.getTime() - o.dormantDays * DAY), keyIssuedBefore: new Date(now.getTime() - o.keyMaxAgeDays * DAY) };
  return db.transaction(async (tx) => {
    const { orphans, dormants, staleKeys } = await newCases(tx, t);
    const holding = [...orphans.map(orphanedFinding), ...dormants.map((a) => dormantFinding(a, o)), ...staleKeys.map((k) => staleKeyFinding(k, o))];
    let raised = 0;
    for (const f of holding) {
      const r = await raiseFinding(tx, f, now, "identity hygiene");
      if (r.inserted || r.reopened) raised++;
    }

    const gone = rows<{ id: string; agent_id: string | null; kind: string }>(
      await tx.execute(sql`
        update findings f set status = 'resolved', resolved_at = ${at(now)}, updated_at = now(),
          resolution_note = case f.kind
            when 'agent_orphaned' then 'Resolved by Warden: the agent has an active owner again, or was retired'
            when 'agent_dormant' then 'Resolved by Warden: the agent opened a session, holds no live credentials, or was retired'
            else 'Resolved by Warden: the key was rotated, revoked or expired, or the agent was retired or given a workload identity' end
        where f.dedupe_key like ${IDHYG_PREFIX + "%"} and f.status <> 'resolved' and not (
          (f.kind = 'agent_orphaned' and exists (select 1 from agents a where a.id = f.agent_id and ${orphaned()}))
          or (f.kind = 'agent_dormant' and exists (select 1 from agents a where a.id = f.agent_id and ${dormant(t)}))
          or (f.kind = 'agent_key_stale' and exists (select 1 from credentials c join agents a on a.id = c.agent_id where c.id = f.credential_id and ${staleKey(t)})))
        returning f.id, f.agent_id, f.kind`),
    );
    for (const g of gone) {
      await recordAudit(tx, { actor: { kind: "system", label: "identity hygiene" }, action: "finding.resolved", target: { kind: "finding", id: g.id }, agentId: g.agent_id, detail: { kind: g.kind, by: "system" } });
    }
    // What is still open still holds (the statement above re-checked it): seen again now.
    const open = rows<{ n: number }>(
      await tx.execute(sql`
        with seen as (update findings set last_seen_at = ${at(now)} where dedupe_key like ${IDHYG_PREFIX + "%"} and status <> 'resolved' returning 1)
        select count(*)::int as n from seen`),
    )[0].n;
    return { raised, resolved: gone.length, open: Number(open) };
  });
}
