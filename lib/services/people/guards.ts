import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { DomainError, notFound } from "@/lib/errors";
import type { Tx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

// Serialises every change that could remove an enabled admin (demote, disable) across app
// instances, so two admins demoting each other at once cannot both succeed and leave none.
const ADMIN_LOCK = 0x5045_4f50; // "PEOP"

/** The person's row, locked for the rest of the transaction; 404 when there is none. */
export async function lockPerson(tx: Tx, id: string) {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for("update");
  if (!row) throw notFound("Person");
  return row;
}

/** Refuses when `id` is the last enabled admin. */
export async function assertAnotherAdminRemains(tx: Tx, id: string, verb: "demoted" | "disabled") {
  await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_LOCK})`);
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt), ne(users.id, id)));
  if (n === 0) {
    throw new DomainError(
      "conflict",
      `The last enabled admin cannot be ${verb}. Make another person an admin first.`,
    );
  }
}
