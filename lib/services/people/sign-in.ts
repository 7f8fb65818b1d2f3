import type { Db } from "@/lib/db/client";
import { eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit/record";
import { clearFailures, isLockedOut, noteFailure } from "@/lib/auth/rate-limit";
import { dummyHash, verifyPassword } from "@/lib/auth/password";
import { getUserCredentialsByEmail } from "@/lib/db/queries/users";
import { users } from "@/lib/db/schema";
import { toStorable } from "@/lib/storable";

export type SignInResult = { id: string; email: string; name: string; role: string; epoch: number } | null;

/**
 * Checks an email + password. A wrong email, a wrong password and a disabled account all
 * look the same to the caller and take the same time. Every outcome is audited.
 */
export async function signInWithPassword(db: Db, email: string, password: string, ip: string | null): Promise<SignInResult> {
  // Made storable (lib/storable.ts): an address with a NUL is no one's, refused like any unknown one.
  const normalized = toStorable(String(email ?? "").trim().toLowerCase().slice(0, 320));
  const keys = [`email:${normalized}`, ...(ip ? [`ip:${ip}`] : [])];
  if (!normalized || !password || isLockedOut(keys)) {
    await recordAudit(db, {
      actor: { kind: "system", label: "sign-in" },
      action: "person.sign_in_refused",
      detail: { email: normalized, why: isLockedOut(keys) ? "too_many_failures" : "missing_fields" },
      ip,
    });
    return null;
  }
  const user = await getUserCredentialsByEmail(db, normalized);
  const ok = await verifyPassword(String(password), user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || user.disabledAt) {
    noteFailure(keys);
    await recordAudit(db, {
      actor: { kind: "system", label: "sign-in" },
      action: "person.sign_in_failed",
      target: user ? { kind: "user", id: user.id } : undefined,
      detail: { email: normalized, why: !user ? "unknown_email" : !ok ? "wrong_password" : "disabled" },
      ip,
    });
    return null;
  }
  clearFailures(keys);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ lastSignInAt: new Date() }).where(eq(users.id, user.id));
    await recordAudit(tx, {
      actor: { kind: "person", id: user.id, label: user.email },
      action: "person.signed_in",
      target: { kind: "user", id: user.id },
      ip,
    });
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role, epoch: user.authEpoch };
}
