import { asc, desc, eq, inArray } from "drizzle-orm";
import type { AuditLog, HttpWitness, StoredCheckpoint } from "@/lib/audit/log/checkpointer";
import { consistencyProof } from "@/lib/audit/log/merkle";
import { cosignedAt, parseNote } from "@/lib/audit/log/note";
import { overTiles } from "@/lib/audit/log/store";
import { addCheckpointBody, SIZE_CONTENT_TYPE } from "@/lib/audit/log/witness-protocol";
import type { Executor } from "@/lib/db/client";
import { auditWitnessCosignatures } from "@/lib/db/schema";

// The log's side of c2sp.org/tlog-witness: send the newest checkpoint to each HTTP witness
// (WARDEN_WITNESS_URL / WARDEN_WITNESS_KEY) with a consistency proof from the size it last
// cosigned, check the cosignature it answers with, and keep it. Runs after each checkpoint and
// on every checkpointer tick, so a witness that was down catches up by itself: the next
// request proves the whole stretch it missed. Never on the decision path.

export type WitnessOutcome =
  | { kind: "cosigned"; size: number; cosignedAt: number }
  /** It already cosigned this size: nothing was sent. */
  | { kind: "current"; size: number }
  | { kind: "unreachable"; error: string }
  /** It answered, but refuses this log (unknown origin, untrusted key, a malformed request). */
  | { kind: "refused"; status: number; error: string }
  /** It holds a view of the log this tree does not extend: a rollback or a rewrite. */
  | { kind: "inconsistent"; witnessSize: number | null; error: string };

const TIMEOUT_MS = () => Number(process.env.WARDEN_WITNESS_TIMEOUT_MS ?? 5000);

/** The largest size this witness cosigned, by the cosignatures kept here (0 when none). */
export async function lastCosigned(db: Executor, w: HttpWitness): Promise<{ size: number; cosignedAt: Date } | null> {
  const [row] = await db
    .select({ size: auditWitnessCosignatures.size, cosignedAt: auditWitnessCosignatures.cosignedAt })
    .from(auditWitnessCosignatures)
    .where(eq(auditWitnessCosignatures.witness, w.verifier.text))
    .orderBy(desc(auditWitnessCosignatures.size))
    .limit(1);
  return row ?? null;
}

/**
 * Asks one witness to cosign `cp`. The "old" size comes from the cosignatures kept here; when
 * the witness says it holds another (409 with its size: they were lost, or another server of
 * this log sent one meanwhile), the request is made again from that size, at most twice. A
 * witness holding a larger tree than this one has seen a tree this log no longer extends.
 */
export async function submitToWitness(log: AuditLog, w: HttpWitness, cp: StoredCheckpoint): Promise<WitnessOutcome> {
  let old = (await lastCosigned(log.db, w))?.size ?? 0;
  if (old === cp.size) return { kind: "current", size: old };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (old > cp.size) return { kind: "inconsistent", witnessSize: old, error: `the witness has cosigned a tree of ${old} events; this log holds ${cp.size}` };
    const from = old;
    const proof = from > 0 && from < cp.size ? await overTiles(log.db, (tree) => consistencyProof(tree, from, cp.size)) : [];
    let res: Response;
    try {
      res = await fetch(`${w.url.replace(/\/+$/, "")}/add-checkpoint`, {
        method: "POST",
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: addCheckpointBody({ old: from, proof, note: cp.note }),
        signal: AbortSignal.timeout(TIMEOUT_MS()),
      });
    } catch (err) {
      return { kind: "unreachable", error: describeFetchError(err) };
    }
    const text = await res.text().catch(() => "");
    const said = text.trim().slice(0, 200);
    if (res.status === 200) return keep(log, w, cp, text);
    if (res.status === 409 && (res.headers.get("content-type") ?? "").startsWith(SIZE_CONTENT_TYPE)) {
      const size = /^(0|[1-9][0-9]*)\n?$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(size) || size === from) return { kind: "refused", status: 409, error: `answered 409 with size "${said}"` };
      old = size;
      continue;
    }
    if (res.status === 409 || res.status === 422) return { kind: "inconsistent", witnessSize: null, error: `refused the checkpoint at size ${cp.size} as inconsistent with what it cosigned (${res.status}: ${said})` };
    if (res.status >= 500 || res.status === 429) return { kind: "unreachable", error: `answered ${res.status}${said ? `: ${said}` : ""}` };
    return { kind: "refused", status: res.status, error: `answered ${res.status}${said ? `: ${said}` : ""}` };
  }
  return { kind: "refused", status: 409, error: "kept naming another size" };
}

/** Checks the answer is this witness's cosignature of exactly this checkpoint, then keeps it. */
async function keep(log: AuditLog, w: HttpWitness, cp: StoredCheckpoint, answer: string): Promise<WitnessOutcome> {
  const lines = answer.split("\n").filter((l) => l.startsWith(`\u2014 ${w.verifier.name} `));
  for (const line of lines) {
    let at: number | undefined;
    try {
      at = cosignedAt(parseNote(`${cp.note}${line}\n`), w.verifier);
    } catch {
      continue;
    }
    if (at === undefined) continue;
    await log.db.insert(auditWitnessCosignatures).values({ witness: w.verifier.text, size: cp.size, signature: line, cosignedAt: new Date(at * 1000) }).onConflictDoNothing();
    return { kind: "cosigned", size: cp.size, cosignedAt: at };
  }
  return { kind: "refused", status: 200, error: `answered 200 without a cosignature by its key ${w.verifier.keyId}` };
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `no answer within ${TIMEOUT_MS()} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The cosignatures kept for these checkpoints, as note signature lines, by size. */
export async function cosignaturesOf(db: Executor, sizes: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (sizes.length === 0) return out;
  const found = await db
    .select({ size: auditWitnessCosignatures.size, signature: auditWitnessCosignatures.signature })
    .from(auditWitnessCosignatures)
    .where(inArray(auditWitnessCosignatures.size, [...sizes]))
    .orderBy(asc(auditWitnessCosignatures.witness));
  for (const r of found) out.set(r.size, [...(out.get(r.size) ?? []), r.signature]);
  return out;
}
