import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { settings } from "@/lib/db/schema";

/**
 * The key that signs browser sessions. From NEXTAUTH_SECRET / AUTH_SECRET when set; otherwise
 * generated once and kept in the database so every app instance on it agrees and sessions
 * survive restarts.
 */
export function getAuthSecret(db: Db): Promise<string> {
  const fromEnv = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (fromEnv) return Promise.resolve(fromEnv);
  // Remembered per database: the value is the database's, so a second copy of this module
  // (Next loads lib/ more than once) that reads it again gets the same one.
  let p = known.get(db);
  if (!p) {
    p = readOrCreate(db);
    p.catch(() => known.delete(db));
    known.set(db, p);
  }
  return p;
}

const known = new WeakMap<Db, Promise<string>>();

async function readOrCreate(db: Db): Promise<string> {
  await db
    .insert(settings)
    .values({ key: "auth_secret", value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, "auth_secret"));
  return row.value;
}

export function useSecureCookies(): boolean {
  if (process.env.WARDEN_SECURE_COOKIES) return process.env.WARDEN_SECURE_COOKIES === "true";
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

export function sessionCookieName(): string {
  return useSecureCookies() ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}
