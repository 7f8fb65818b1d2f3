import { eq } from "drizzle-orm";
import { cosignatureVerifier, parseVerifier, type Signer, type Verifier } from "@/lib/audit/log/note";
import { loadWitnessKey } from "@/lib/audit/log/signing-key";
import { checkAddCheckpoint, judgeAddCheckpoint, parseAddCheckpoint, SIZE_CONTENT_TYPE } from "@/lib/audit/log/witness-protocol";
import type { Clock } from "@/lib/clock";
import type { Db } from "@/lib/db/client";
import { witnessedLogs } from "@/lib/db/schema";
import { raiseFinding } from "../findings/raise";

// This Warden as a witness for other logs (c2sp.org/tlog-witness): another Warden, or any log
// that speaks the protocol, sends each new checkpoint with a consistency proof; this one checks
// it extends the last one it cosigned and answers with a timestamped cosignature. Keeps one row
// per log (the latest cosigned checkpoint) in the witness's own database, which the witnessed
// log's administrator does not control.

export type Witness = { db: Db; clock: Clock; signer: Signer; logKeys: Verifier[] };
export type WitnessReply = { status: number; body: string; contentType: string };

type Env = Record<string, string | undefined>;

/**
 * The witness's configuration: its key (loadWitnessKey) and the logs it witnesses,
 * WARDEN_WITNESS_LOG_KEYS: their verifier keys (`<origin>+<hash>+<key>`), separated by commas
 * or white space. A bad key stops the start with its position, instead of a witness that
 * quietly witnesses nothing.
 */
export function openWitness(db: Db, clock: Clock, env: Env = process.env): Witness {
  const logKeys = (env.WARDEN_WITNESS_LOG_KEYS ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((text, i) => {
      try {
        return parseVerifier(text);
      } catch (err) {
        throw new Error(`WARDEN_WITNESS_LOG_KEYS, key ${i + 1}: ${(err as Error).message}`);
      }
    });
  return { db, clock, signer: loadWitnessKey(env), logKeys };
}

/**
 * What a log's operator needs to configure this witness (GET /api/v1/witness): its name, its
 * public key as a vkey of type 0x04 (timestamped cosignature, whose key id differs from the
 * Ed25519 signing key's), and the logs it witnesses.
 */
export function witnessInfo(w: Witness) {
  return { name: w.signer.name, key: cosignatureVerifier(w.signer).text, logs: w.logKeys.map((k) => ({ origin: k.name, key: k.text })) };
}

const text = (status: number, body: string, contentType = "text/plain; charset=utf-8"): WitnessReply => ({ status, body, contentType });

/**
 * POST add-checkpoint. The check against the stored state and its replacement happen in one
 * transaction under the log's row lock. A checkpoint that rewrites what was cosigned (422, or the
 * same size with another root) is kept as evidence in a critical finding.
 */
export async function addCheckpoint(w: Witness, body: string): Promise<WitnessReply> {
  let req;
  try {
    req = parseAddCheckpoint(body);
  } catch (err) {
    return text(400, `${(err as Error).message}\n`);
  }
  // Refusals that do not depend on the stored state (malformed, unknown log, untrusted key) are
  // answered before touching the database: the endpoint is open to anyone.
  const checked = checkAddCheckpoint(req, w.logKeys);
  if (!("checkpoint" in checked)) return text(checked.status, checked.body);
  const now = new Date(w.clock.now());
  const origin = checked.checkpoint.origin;
  return w.db.transaction(async (tx) => {
    const [state] = await tx.select().from(witnessedLogs).where(eq(witnessedLogs.origin, origin)).for("update");
    const answer = judgeAddCheckpoint(checked, state ?? null, w.signer, Math.floor(now.getTime() / 1000));
    if (answer.status === 200) {
      const row = { origin, size: answer.checkpoint.size, root: answer.checkpoint.root, note: req.note, updatedAt: now };
      if (state) {
        await tx.update(witnessedLogs).set(row).where(eq(witnessedLogs.origin, origin));
      } else {
        // No row to lock yet: two first requests race on the insert. The loser never overwrites
        // the winner; it is answered as the spec answers a stale old size, with the winner's.
        const inserted = await tx.insert(witnessedLogs).values(row).onConflictDoNothing().returning({ origin: witnessedLogs.origin });
        if (inserted.length === 0) {
          const [won] = await tx.select({ size: witnessedLogs.size }).from(witnessedLogs).where(eq(witnessedLogs.origin, origin));
          return text(409, `${won.size}\n`, SIZE_CONTENT_TYPE);
        }
      }
      return text(200, answer.body);
    }
    if (answer.status === 409 && answer.size !== null) return text(409, answer.body, SIZE_CONTENT_TYPE);
    if (state && (answer.status === 422 || answer.status === 409)) {
      await raiseFinding(
        tx,
        {
          kind: "witnessed_log_inconsistent",
          severity: "critical",
          title: `The log ${origin} presented a checkpoint that does not extend the one this witness cosigned at size ${state.size}`,
          key: `witness:inconsistent:${origin}:${state.size}`,
          detail: { origin, cosignedSize: state.size, cosignedRoot: state.root.toString("base64"), cosignedNote: state.note, presentedNote: req.note, old: req.old, proof: req.proof.map((h) => h.toString("base64")) },
        },
        now,
        "audit log witness",
      );
    }
    return text(answer.status, answer.body);
  });
}
