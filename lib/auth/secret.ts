import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { settings } from "@/lib/db/schema";

const g = globalThis as unknown as { __wardenAuthSecret?: Promise<string> };

/**
 * The key that signs browser sessions. From NEXTAUTH_SECRET / AUTH_SECRET when set; otherwise
 * generated once and kept in the database so every app instance on it agrees and sessions
 * survive restarts.
 */
export function getAuthSecret(): Promise<string> {
  const fromEnv = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (fromEnv) return Promise.resolve(fromEnv);
  g.__wardenAuthSecret ??= (async () => {
    const db = await getDb();
    await db
      .insert(settings)
      .values({ key: "auth_secret", value: randomBytes(32).toString("base64url") })
      .onConflictDoNothing();
    const [row] = await db.select().from(settings).where(eq(settings.key, "auth_secret"));
    return row.value;
  })().catch((err) => {
    g.__wardenAuthSecret = undefined;
    throw err;
  });
  return g.__wardenAuthSecret;
}

export function useSecureCookies(): boolean {
  if (process.env.WARDEN_SECURE_COOKIES) return process.env.WARDEN_SECURE_COOKIES === "true";
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

export function sessionCookieName(): string {
  return useSecureCookies() ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}
