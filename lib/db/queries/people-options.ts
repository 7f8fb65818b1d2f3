import { asc, isNull } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

/** Enabled people as {id, name} for owner pickers (no emails or roles needed there). */
export async function listOwnerOptions(db: Executor) {
  return db.select({ id: users.id, name: users.name }).from(users).where(isNull(users.disabledAt)).orderBy(asc(users.name)).limit(1000);
}
