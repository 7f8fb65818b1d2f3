import { and, eq, isNull } from "drizzle-orm";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/runtime";
import { getUserById } from "@/lib/db/queries/users";
import { apiTokens } from "@/lib/db/schema";
import { hashSecret, looksLikeSecret } from "@/lib/auth/secrets";
import { can, type Capability } from "@/lib/policy/roles";
import { getAuthSecret, sessionCookieName } from "@/lib/auth/secret";
import type { Person } from "@/lib/domain/person";

export type { Person };

/** Resolves a browser-session cookie value to a live, enabled person (or null). */
export async function personFromSessionCookie(value: string | undefined): Promise<Person | null> {
  if (!value) return null;
  let token: Awaited<ReturnType<typeof decode>>;
  try {
    token = await decode({ token: value, secret: await getAuthSecret(await getDb()) });
  } catch {
    return null;
  }
  if (!token || typeof token.uid !== "string") return null;
  const user = await getUserById(await getDb(), token.uid);
  // Disabled, or the epoch moved (disable, role change, password reset): the cookie is dead.
  if (!user || user.disabledAt || user.authEpoch !== token.epoch) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: "session", mustChangePassword: user.mustChangePassword };
}

/** Resolves `Authorization: Bearer wdn_pat_...` to the token's person (or null). */
export async function personFromApiToken(raw: string): Promise<Person | null> {
  if (!looksLikeSecret(raw, "pat")) return null;
  const db = await getDb();
  const [t] = await db
    .select({ id: apiTokens.id, userId: apiTokens.userId, expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashSecret(raw)), isNull(apiTokens.revokedAt)));
  if (!t || (t.expiresAt && t.expiresAt.getTime() <= Date.now())) return null;
  const user = await getUserById(db, t.userId);
  if (!user || user.disabledAt) return null;
  // Best effort: a failed last-used update must not fail the request.
  db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, t.id)).catch(() => {});
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: "token", tokenId: t.id };
}

/** The signed-in person for server components and layouts. */
export async function currentPerson(): Promise<Person | null> {
  const jar = await cookies();
  return personFromSessionCookie(jar.get(sessionCookieName())?.value);
}

/**
 * Guard for pages: not signed in -> sign-in page; signed in without the capability -> 404, the
 * same answer as a page that does not exist.
 */
export async function requirePagePerson(capability?: Capability, from?: string): Promise<Person> {
  const person = await currentPerson();
  if (!person) redirect(from ? `/sign-in?callbackUrl=${encodeURIComponent(from)}` : "/sign-in");
  if (capability && !can(person.role, capability)) notFound();
  return person;
}
