import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { getRuntime } from "@/lib/runtime";
import { settings } from "@/lib/db/schema";

/**
 * The key that signs browser sessions. From NEXTAUTH_SECRET / AUTH_SECRET when set; otherwise
 * generated once and kept in the database so every app instance on it agrees and sessions
 * survive restarts.
 */
export async function getAuthSecret(): Promise<string> {
  const fromEnv = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const rt = await getRuntime();
  return rt.memo("auth_secret", async () => {
    const db = rt.db;
    await db
      .insert(settings)
      .values({ key: "auth_secret", value: randomBytes(32).toString("base64url") })
      .onConflictDoNothing();
    const [row] = await db.select().from(settings).where(eq(settings.key, "auth_secret"));
    return row.value;
  });
}

export function useSecureCookies(): boolean {
  if (process.env.WARDEN_SECURE_COOKIES) return process.env.WARDEN_SECURE_COOKIES === "true";
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
}

export function sessionCookieName(): string {
  return useSecureCookies() ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}
