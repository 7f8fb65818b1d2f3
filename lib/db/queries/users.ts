import { and, asc, desc, eq, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import type { PersonListQuery } from "@/lib/domain/people/schemas";
import { offsetOf, orderBy, searchAny, type Page } from "./list";

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

const sortable = {
  name: users.name,
  email: users.email,
  role: users.role,
  createdAt: users.createdAt,
  lastSignInAt: users.lastSignInAt,
} as const;

/** Admin list of people: search on name/email, role and status filters, sort, page. */
export async function listUsers(db: Executor, q: PersonListQuery): Promise<Page<PublicUser>> {
  const conds: (SQL | undefined)[] = [
    searchAny(q.q, [users.name, users.email]),
    q.role ? eq(users.role, q.role) : undefined,
    q.status === "active" ? isNull(users.disabledAt) : q.status === "disabled" ? isNotNull(users.disabledAt) : undefined,
  ];
  const where = and(...conds.filter(Boolean));
  const [items, [{ total }]] = await Promise.all([
    db
      .select(publicUserColumns)
      .from(users)
      .where(where)
      .orderBy(
        // Never signed in sorts last either way, so "most recent first" starts with real sign-ins.
        ...(q.sort === "lastSignInAt"
          ? [sql`${users.lastSignInAt} ${sql.raw(q.dir)} nulls last`, q.dir === "desc" ? desc(users.id) : asc(users.id)]
          : orderBy(sortable[q.sort], q.dir, users.id)),
      )
      .limit(q.pageSize)
      .offset(offsetOf(q.page, q.pageSize)),
    db.select({ total: sql<number>`count(*)::int` }).from(users).where(where),
  ]);
  return { items, total, page: q.page, pageSize: q.pageSize };
}
