import { asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { agents, users } from "@/lib/db/schema";

/** Enabled people as {id, name} for owner pickers (no emails or roles needed there). */
export async function listOwnerOptions(db: Executor) {
  return db.select({ id: users.id, name: users.name }).from(users).where(isNull(users.disabledAt)).orderBy(asc(users.name)).limit(1000);
}

/** The owner an agent or connector page names, with the email to reach them; null when unowned. */
export async function getOwnerContact(db: Executor, ownerId: string | null) {
  if (!ownerId) return null;
  const [owner] = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, ownerId));
  return owner ?? null;
}

/** Agents as {id, name} for filter pickers (the most recently active first would hide some; by name). */
export async function listAgentOptions(db: Executor) {
  return db.select({ id: agents.id, name: agents.name }).from(agents).orderBy(asc(agents.name)).limit(1000);
}

/** Everyone who can appear in the audit trail as a person, disabled people included, for its person filter. */
export async function listAuditPersonOptions(db: Executor) {
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, disabledAt: users.disabledAt })
    .from(users)
    .orderBy(asc(users.name))
    .limit(1000);
  return rows.map((u) => ({ id: u.id, name: `${u.name} (${u.email})${u.disabledAt ? " — disabled" : ""}` }));
}
