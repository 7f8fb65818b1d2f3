import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

// Every read that leaves this file omits password_hash.
export const publicUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  mustChangePassword: users.mustChangePassword,
  authEpoch: users.authEpoch,
  disabledAt: users.disabledAt,
  disabledReason: users.disabledReason,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export type PublicUser = {
  id: string;
  email: string;
  name: string;
  role: "admin" | "analyst" | "approver" | "auditor";
  mustChangePassword: boolean;
  authEpoch: number;
  disabledAt: Date | null;
  disabledReason: string | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export async function getUserById(db: Executor, id: string): Promise<PublicUser | undefined> {
  const [u] = await db.select(publicUserColumns).from(users).where(eq(users.id, id));
  return u;
}

/** Only for password checks: the one read that includes the hash. */
export async function getUserCredentialsByEmail(db: Executor, email: string) {
  const [u] = await db
    .select({ ...publicUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  return u;
}

export async function countUsers(db: Executor): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return r.n;
}
