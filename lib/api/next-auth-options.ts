import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { signInWithPassword } from "@/lib/services/people/sign-in";
import { getAuthSecret, useSecureCookies } from "@/lib/auth/secret";
import { getDb } from "@/lib/runtime";

export const SESSION_MAX_AGE = 8 * 60 * 60; // a working day; re-sign-in after

/**
 * next-auth signs the browser session (a JWT in an httpOnly, SameSite=Lax cookie) and runs its
 * own CSRF check on sign-in/sign-out. The JWT only names the person and an epoch: role and
 * status are read from the database on every request (lib/api/current-person.ts), so a role change
 * or a disable applies at once.
 */
export async function getAuthOptions(): Promise<AuthOptions> {
  const db = await getDb();
  const secret = await getAuthSecret(db);
  return {
    secret,
    useSecureCookies: useSecureCookies(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const fwd = (req?.headers?.["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim();
          const user = await signInWithPassword(db, credentials?.email ?? "", credentials?.password ?? "", fwd ?? null);
          return user ? { id: user.id, email: user.email, name: user.name, epoch: user.epoch } : null;
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.epoch = (user as { epoch?: number }).epoch ?? 0;
        }
        return token;
      },
      async session({ session, token }) {
        (session as { uid?: unknown }).uid = token.uid;
        return session;
      },
    },
  };
}
