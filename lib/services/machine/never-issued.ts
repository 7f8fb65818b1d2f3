// Apart from introspect.ts: agent authentication (lib/services/machine/authenticate.ts) calls this,
// and introspect.ts needs authenticate's AgentCaller type, so one file would close a cycle.
import { eq } from "drizzle-orm";
import { hashSecret } from "@/lib/auth/secrets";
import type { Db } from "@/lib/db/client";
import { credentials } from "@/lib/db/schema";
import { recordForeignCredential } from "../findings/credential-hygiene";

/**
 * A token of Warden's format that matches no credential at all (not a revoked or expired one):
 * someone holds a credential Warden never issued. Raises a finding; never throws.
 */
export async function noteIfNeverIssued(db: Db, token: string, kind: "agent key" | "just-in-time credential", ip: string | null) {
  try {
    const hash = hashSecret(token);
    const [known] = await db.select({ id: credentials.id }).from(credentials).where(eq(credentials.secretHash, hash)).limit(1);
    if (!known) await recordForeignCredential(db, kind, hash.slice(0, 12), ip);
  } catch (err) {
    console.error("[warden] could not record a foreign credential:", (err as Error).message);
  }
}
