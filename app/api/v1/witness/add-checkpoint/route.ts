import { witnessOf } from "@/lib/api/audit-log";
import { readLimited } from "@/lib/api/body";
import { isDomainError } from "@/lib/errors";
import { getRuntime } from "@/lib/runtime";
import { addCheckpoint } from "@/lib/services/witness/add-checkpoint";
import { MAX_ADD_CHECKPOINT_BYTES } from "@/lib/audit/log/witness-protocol";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/witness/add-checkpoint — this Warden as a witness for another log
 * (c2sp.org/tlog-witness; the submission prefix is /api/v1/witness). The protocol answers in
 * plain text with the statuses the spec assigns (404 unknown log, 403 untrusted key, 409 with the
 * size last cosigned, 422 inconsistent), not the JSON error envelope: witness clients written
 * for the spec read these. No person or token: the log's signature is the authentication.
 */
export async function POST(req: Request) {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_ADD_CHECKPOINT_BYTES) return plain(413, `the body exceeds ${MAX_ADD_CHECKPOINT_BYTES} bytes\n`);
  let body: string;
  try {
    body = await readLimited(req, MAX_ADD_CHECKPOINT_BYTES);
  } catch (err) {
    if (isDomainError(err) && err.code === "payload_too_large") return plain(413, `the body exceeds ${MAX_ADD_CHECKPOINT_BYTES} bytes\n`);
    return plain(400, "the body could not be read\n");
  }
  try {
    const reply = await addCheckpoint(await witnessOf(await getRuntime()), body);
    return plain(reply.status, reply.body, reply.contentType);
  } catch (err) {
    console.error("[warden] witness add-checkpoint failed:", (err as Error).message);
    return plain(500, "the witness could not record the checkpoint; retry\n");
  }
}

const plain = (status: number, body: string, contentType = "text/plain; charset=utf-8") =>
  new Response(body, { status, headers: { "content-type": contentType, "cache-control": "no-store" } });
